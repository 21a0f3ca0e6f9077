"""A minimal Telegram Bot API client (aiohttp, one pooled session).

The token is part of every request URL, so URLs are never logged; errors are logged by method
name, HTTP status and Telegram's ``description`` only (never the payload: it holds message text
and the chat id).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Optional

import aiohttp

logger = logging.getLogger(__name__)
DEFAULT_API_BASE = "https://api.telegram.org"


class TelegramAPIError(Exception):
    def __init__(self, method: str, status: int, description: str) -> None:
        super().__init__(f"{method}: HTTP {status} {description}")
        self.method, self.status, self.description = method, status, description


class BotAPI:
    def __init__(self, token: str, base: str = DEFAULT_API_BASE, timeout: float = 10.0) -> None:
        self._url = f"{base.rstrip('/')}/bot{token}/"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def call(self, method: str, payload: Optional[Dict[str, Any]] = None) -> Any:
        """Call ``method``; returns ``result`` or raises ``TelegramAPIError``. Retries once after
        a short 429 ("Too Many Requests") wait."""
        for attempt in (1, 2):
            try:
                async with self._client().post(
                    self._url + method,
                    data=json.dumps(payload or {}, ensure_ascii=False),
                    headers={"Content-Type": "application/json"},
                ) as response:
                    status = response.status
                    try:
                        body = await response.json(content_type=None)
                    except (ValueError, aiohttp.ContentTypeError):
                        body = {}
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                raise TelegramAPIError(method, 0, type(error).__name__) from None
            if isinstance(body, dict) and body.get("ok"):
                return body.get("result")
            description = str((body or {}).get("description", ""))[:200] if isinstance(body, dict) else ""
            retry_after = ((body or {}).get("parameters") or {}).get("retry_after") if isinstance(body, dict) else None
            if status == 429 and attempt == 1 and isinstance(retry_after, int) and retry_after <= 5:
                await asyncio.sleep(retry_after)
                continue
            raise TelegramAPIError(method, status, description)
        raise TelegramAPIError(method, 429, "Too Many Requests")  # pragma: no cover

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
