"""Reuse one HTTP client session (and its keep-alive connections) for calls to the action server.

Why (measured): Rasa 3.6's ``EndpointConfig.request`` opens a new ``aiohttp.ClientSession`` for
every call — a new TCP connection to the action server, set up and torn down 2–4 times per turn
(slot validation, form validation, the action itself). py-spy over served conversations put
~4 % of the Rasa server's CPU in creating sessions and connections; the action server pays for
each new connection too.

``install()`` makes ``EndpointConfig.session()`` hand out one long-lived session per event loop
and endpoint settings (headers, basic auth), behind a wrapper whose ``async with`` and
``close()`` leave it open. Requests are unchanged otherwise: same URL, headers, parameters,
timeouts and errors; the number of simultaneous connections stays unlimited, as it was with one
session per call. Idle connections are dropped after ``KEEPALIVE_SECONDS`` (2 s), before the
action server's own keep-alive timeout (Sanic's default, 5 s), so a connection the server is
about to close is not reused. When the action server restarts, its closed connections are
discarded by the connection pool and new ones are opened.

The shared session also encodes requests and decodes answers with orjson: the whole tracker
goes out on every call (20–30 KB of JSON), and ``json.dumps`` / ``json.loads`` of it were 9 % of
the Rasa server's CPU per turn. The action server reads the same data (orjson writes UTF-8
instead of ``\\u`` escapes and no spaces — both valid JSON for the same values); values orjson
cannot encode (non-string keys) fall back to ``json.dumps``. One difference: NaN and ±Infinity,
which JSON does not have, go out as ``null`` (``json.dumps`` wrote non-standard literals).
"""

from __future__ import annotations

import asyncio
import atexit
import json
from typing import Any, Callable, Dict, Optional, Tuple, Union

import aiohttp
import orjson
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEPALIVE_SECONDS = 2.0
_ORIGINALS: Dict[str, Any] = {}
_sessions: Dict[asyncio.AbstractEventLoop, Dict[Tuple[Any, ...], aiohttp.ClientSession]] = {}


class _Borrowed:
    """Looks like the session Rasa asked for; leaving ``async with`` or ``close()`` keeps it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> bool:
        return False

    async def close(self) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def dumps(value: Any) -> str:
    """``json.dumps``'s meaning, orjson's speed."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    except TypeError:
        return json.dumps(value)


def loads(text: Union[str, bytes]) -> Any:
    """``json.loads``'s meaning (NaN and Infinity included), orjson's speed."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class _OrjsonResponse(aiohttp.ClientResponse):
    async def json(
        self,
        *,
        encoding: Optional[str] = None,
        loads: Callable[[str], Any] = loads,
        content_type: Optional[str] = "application/json",
    ) -> Any:
        return await super().json(encoding=encoding, loads=loads, content_type=content_type)


def _key(endpoint: EndpointConfig) -> Tuple[Any, ...]:
    headers = tuple(sorted((endpoint.headers or {}).items()))
    auth = tuple(sorted((endpoint.basic_auth or {}).items()))
    return headers, auth


def _drop_quietly(session_: aiohttp.ClientSession) -> None:
    """Forget a session whose event loop is gone (server shutdown) without aiohttp's "Unclosed
    client session" error in the log: the process is ending or the loop is closed, so its
    sockets go with it."""
    connector = getattr(session_, "_connector", None)
    if connector is not None:
        connector._closed = True
        connector._conns.clear()
        session_._connector = None


@atexit.register
def _at_exit() -> None:
    for per_loop in _sessions.values():
        for session_ in per_loop.values():
            try:
                _drop_quietly(session_)
            except Exception:  # pragma: no cover - best effort at exit
                pass
    _sessions.clear()


def shared_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    loop = asyncio.get_running_loop()
    for gone in [other for other in _sessions if other.is_closed()]:
        for session_ in _sessions.pop(gone).values():
            _drop_quietly(session_)
    per_loop = _sessions.setdefault(loop, {})
    key = _key(endpoint)
    session = per_loop.get(key)
    if session is None or session.closed:
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS),
            json_serialize=dumps,
            response_class=_OrjsonResponse,
        )
        per_loop[key] = session
    return session


def session(self: EndpointConfig) -> Any:
    try:
        return _Borrowed(shared_session(self))
    except RuntimeError:  # no running event loop: behave as before
        return _ORIGINALS["session"](self)


def install() -> None:
    """Idempotent."""
    if "session" not in _ORIGINALS:
        _ORIGINALS["session"] = EndpointConfig.session
        EndpointConfig.session = session


def uninstall() -> None:
    """For tests."""
    if "session" in _ORIGINALS:
        EndpointConfig.session = _ORIGINALS.pop("session")


async def close_all() -> None:
    """Close this loop's shared sessions (for tests and orderly shutdowns)."""
    for session_ in list(_sessions.pop(asyncio.get_running_loop(), {}).values()):
        await session_.close()
