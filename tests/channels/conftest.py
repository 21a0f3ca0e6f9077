"""A fake Telegram Bot API (an HTTP server that records what the bot calls and answers like
Telegram) and a real assistant — action server + Rasa server with the Telegram channel — pointed
at it. Reuses tests/e2e's ``running_assistant`` unchanged: the Telegram variables are put into
the environment it copies."""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple
from unittest import mock

import pytest

from channels.telegram import conversation_id
from tests.e2e.conftest import running_assistant

TOKEN = "123456789:TEST-token-" + secrets.token_hex(8)
WEBHOOK_SECRET = "wh_" + secrets.token_hex(16)
ID_SECRET = "id_" + secrets.token_hex(16)


class FakeTelegram:
    """Records (method, payload) pairs; answers the way the Bot API does, including its limits
    (4096 characters per message, 64 bytes of callback_data)."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, Dict[str, Any]]] = []
        self.lock = threading.Lock()
        self.next_id = 1000
        self.sent: List[Tuple[int, int, str]] = []  # (chat_id, message_id, text) of each message accepted
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b"{}"
                status, answer = fake.answer(self.path, json.loads(body or b"{}"))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str, payload: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
        prefix = f"/bot{TOKEN}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix) :]
        with self.lock:
            self.calls.append((method, payload))
            if method == "sendMessage":
                if not 1 <= len(payload.get("text", "")) <= 4096:
                    return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
                for row in (payload.get("reply_markup") or {}).get("inline_keyboard", []):
                    for button in row:
                        if not 1 <= len(button.get("callback_data", "").encode()) <= 64:
                            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: BUTTON_DATA_INVALID"}
                self.next_id += 1
                self.sent.append((payload["chat_id"], self.next_id, payload["text"]))
                return 200, {
                    "ok": True,
                    "result": {
                        "message_id": self.next_id,
                        "date": int(time.time()),
                        "chat": {"id": payload["chat_id"], "type": "private"},
                        "text": payload["text"],
                    },
                }
        return 200, {"ok": True, "result": True}

    def mark(self) -> int:
        with self.lock:
            return len(self.calls)

    def since(self, mark: int, method: Optional[str] = None) -> List[Dict[str, Any]]:
        with self.lock:
            return [p for m, p in self.calls[mark:] if method is None or m == method]

    def close(self) -> None:
        self.server.shutdown()


class Bot:
    """Posts real Update JSON to the running server's Telegram webhook."""

    def __init__(self, assistant: Any, api: FakeTelegram) -> None:
        self.assistant, self.api = assistant, api
        self.url = f"{assistant.base}/webhooks/telegram/webhook"
        self.update_id = 500000
        self.message_id = 1

    def post(self, update: Dict[str, Any], secret: Optional[str] = WEBHOOK_SECRET) -> Tuple[int, float]:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(self.url, data=json.dumps(update).encode(), headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        return status, time.perf_counter() - started

    def _next(self) -> Tuple[int, int]:
        self.update_id += 1
        self.message_id += 1
        return self.update_id, self.message_id

    def message(self, chat_id: int, chat_type: str = "private", language_code: str = "ru", **content: Any) -> Dict[str, Any]:
        update_id, message_id = self._next()
        user = {
            "id": chat_id,
            "is_bot": False,
            "first_name": "Ефросинья",
            "last_name": "Тестовая",
            "username": "efrosinya_test_user",
            "language_code": language_code,
        }
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat.update(first_name=user["first_name"], username=user["username"])
        else:
            chat["title"] = "Some group"
        return {
            "update_id": update_id,
            "message": {"message_id": message_id, "from": user, "chat": chat, "date": int(time.time()), **content},
        }

    def text(self, chat_id: int, typed: str, **kwargs: Any) -> Dict[str, Any]:
        update = self.message(chat_id, text=typed, **kwargs)
        if typed.startswith("/"):
            command = typed.split()[0]
            update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return update

    def callback(self, chat_id: int, data: str, message_id: int = 1001) -> Dict[str, Any]:
        update_id, _ = self._next()
        user = {
            "id": chat_id,
            "is_bot": False,
            "first_name": "Ефросинья",
            "username": "efrosinya_test_user",
            "language_code": "ru",
        }
        return {
            "update_id": update_id,
            "callback_query": {
                "id": str(4000000000 + update_id),
                "from": user,
                "chat_instance": "-5551234",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "text": "…",
                },
            },
        }

    def sender(self, chat_id: int) -> str:
        return conversation_id(ID_SECRET, chat_id)

    def say(self, update: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Post an update and return the Bot API calls it caused."""
        mark = self.api.mark()
        status, _ = self.post(update)
        assert status == 200
        return [{"method": m, **p} for m, p in self.api.calls[mark:]]


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegram]:
    api = FakeTelegram()
    yield api
    api.close()


def telegram_bot(work: Path, fake_telegram: FakeTelegram, with_action_server: bool = True, **extra_env: str) -> Iterator[Bot]:
    """The assistant with the Telegram channel switched on against the fake Bot API."""
    env = {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TELEGRAM_ID_SECRET": ID_SECRET,
        "TELEGRAM_API_BASE": fake_telegram.base,
        **extra_env,
    }
    with mock.patch.dict(os.environ, env):
        context = running_assistant(work, with_action_server=with_action_server)
        assistant = context.__enter__()
    try:
        yield Bot(assistant, fake_telegram)
    finally:
        context.__exit__(None, None, None)


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory, fake_telegram: FakeTelegram) -> Iterator[Bot]:
    yield from telegram_bot(tmp_path_factory.mktemp("telegram"), fake_telegram)


def sent_texts(calls: List[Dict[str, Any]]) -> str:
    return "\n".join(c.get("text", "") for c in calls if c["method"] == "sendMessage")


def callback_data(calls: List[Dict[str, Any]]) -> List[str]:
    """The buttons of the sent messages, and of keyboards added to one by an edit."""
    return [
        button["callback_data"]
        for c in calls
        if c["method"] in ("sendMessage", "editMessageReplyMarkup")
        for row in (c.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
    ]


@pytest.fixture(scope="module")
def telegram_off(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The Rasa server started from the repository's credentials.yml with NO Telegram variables."""
    with mock.patch.dict(os.environ):
        for name in ("TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_ID_SECRET", "TELEGRAM_API_BASE"):
            os.environ.pop(name, None)
        context = running_assistant(tmp_path_factory.mktemp("telegram-off"), with_action_server=False)
        assistant = context.__enter__()
    try:
        yield assistant
    finally:
        context.__exit__(None, None, None)


@pytest.fixture(scope="module")
def telegram_auto_erase(tmp_path_factory: pytest.TempPathFactory, fake_telegram: FakeTelegram) -> Iterator[Bot]:
    """Like ``telegram``, with auto-erase after 2 seconds of inactivity (checked every 0.5 s)."""
    # No action server needed: the safety net still answers, and erasing is the point here.
    yield from telegram_bot(
        tmp_path_factory.mktemp("telegram-auto-erase"),
        fake_telegram,
        with_action_server=False,
        TELEGRAM_AUTO_ERASE_HOURS=str(2 / 3600),
        TELEGRAM_AUTO_ERASE_CHECK_SECONDS="0.5",
    )
