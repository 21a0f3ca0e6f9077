"""Calls to the action server over a lean HTTP/1.1 client on kept-alive connections.

Why (measured): a remote action call cost the Rasa server 0.42–0.60 ms of CPU in aiohttp alone
(request and response objects, header multidicts, URL handling, payload and stream classes),
against 0.10–0.20 ms for the same exchange written and parsed directly (/tmp bench over captured
``action_reset_region`` / ``action_show_contacts`` calls, 500 each, alternating; uvloop as served).
Every turn makes ~1.1 such calls on the bench flows, and under 50 concurrent users the Rasa
server's CPU is the limit, so this is latency for everyone.

What takes the lean path: exactly what ``RemoteAction`` sends — an action call (a JSON object
with ``next_action``) ``POST``ed to a plain ``http://`` endpoint with no subpath, query
parameters, extra headers, basic auth, CA file or compression. Anything else (other endpoints:
NLG, callbacks, model server) goes to Rasa's ``EndpointConfig.request`` (aiohttp) as before.

What stays as Rasa's (tested side by side with Rasa's own request):
- the answer: JSON decoded (``action_client.loads``) when the content type is JSON, ``None``
  for another content type or an empty body;
- status ≥ 400 → ``rasa.utils.endpoints.ClientResponseError(status, reason, body)``, so a
  form's rejection (400) is still an ``ActionExecutionRejection``;
- no connection, or one closed before a whole answer → ``aiohttp.ClientConnectionError``;
  a malformed answer → ``aiohttp.ClientPayloadError``; both end in Rasa's ``RasaException``
  and so in the safety net;
- ``timeout`` (seconds or ``aiohttp.ClientTimeout``) → ``asyncio.TimeoutError``.
Two differences, on purpose, both ending in the safety net with ``aiohttp.ClientPayloadError``:
an answer that says JSON but cannot be decoded (aiohttp's ``ValueError`` escaped Rasa's handling
and the turn ended without the hotline), and a redirect (aiohttp would follow it, turning the
POST into a GET; an action server does not redirect, so one means a misconfiguration).

Connections: one is opened when none is idle (no limit, as before); after a whole answer it
goes back to the pool unless the server said ``Connection: close``. Idle connections are
dropped after ``KEEPALIVE_SECONDS`` (2 s, before Sanic's 5 s keep-alive timeout) and on a
cancelled or failed call, so a half-read connection is never reused.
"""
from __future__ import annotations

import asyncio
import functools
import re
import socket
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

import aiohttp
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from safeguards.action_client import KEEPALIVE_SECONDS, dumps, loads

MAX_IDLE = 32  # idle connections kept per server
MAX_HEAD = 64 * 1024
_JSON = re.compile(r"^application/(?:[\w.+-]+?\+)?json")  # aiohttp's test for a JSON answer
_Address = Tuple[str, int]


class _Connection(asyncio.Protocol):
    """One TCP connection: bytes in, a future woken when more arrive or the peer is gone."""

    def __init__(self) -> None:
        self.transport: Optional[asyncio.Transport] = None
        self.buffer = bytearray()
        self.closed = False
        self.timed_out = False
        self.idle_since = 0.0
        self._waiter: Optional[asyncio.Future] = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._wake()

    def eof_received(self) -> bool:
        self.closed = True
        self._wake()
        return False  # close the transport

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    def time_out(self) -> None:
        self.timed_out = True
        self.close()
        self._wake()

    async def more(self) -> None:
        """Wait until more bytes arrive; raise if the connection ends first."""
        if self.timed_out:
            raise asyncio.TimeoutError()
        if self.closed:
            raise aiohttp.ServerDisconnectedError()
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None
        if self.timed_out:
            raise asyncio.TimeoutError()


class _Answer:
    __slots__ = ("status", "reason", "headers", "body", "reusable")

    def __init__(self, status: int, reason: str, headers: Dict[str, str], body: bytes, reusable: bool) -> None:
        self.status, self.reason, self.headers, self.body, self.reusable = status, reason, headers, body, reusable


async def _more_of(connection: _Connection, part: str, started: bool = True) -> None:
    """Wait for more bytes of ``part`` of the answer. The connection ending here cuts the answer
    short (``ClientPayloadError``) — unless nothing of it has come yet (``started`` False and an
    empty buffer): then the server closed instead of answering (``ServerDisconnectedError``)."""
    try:
        await connection.more()
    except aiohttp.ServerDisconnectedError:
        if started or connection.buffer:
            raise aiohttp.ClientPayloadError(f"response ended inside its {part}") from None
        raise


async def _read_until(connection: _Connection, delimiter: bytes, part: str, started: bool = True) -> bytes:
    """The bytes before ``delimiter`` (which is consumed too), at most ``MAX_HEAD`` of them."""
    buffer = connection.buffer
    while (end := buffer.find(delimiter)) < 0:
        if len(buffer) > MAX_HEAD:
            raise aiohttp.ClientPayloadError(f"response {part} too long")
        await _more_of(connection, part, started)
    data = bytes(buffer[:end])
    del buffer[: end + len(delimiter)]
    return data


async def _read_head(connection: _Connection) -> Tuple[str, int, str, Dict[str, str]]:
    lines = (await _read_until(connection, b"\r\n\r\n", "head", started=False)).decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise aiohttp.ClientPayloadError("not an HTTP/1.x response")
    headers: Dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise aiohttp.ClientPayloadError("malformed response header")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return parts[0], int(parts[1]), parts[2] if len(parts) > 2 else "", headers


async def _read_exactly(connection: _Connection, size: int) -> bytes:
    buffer = connection.buffer
    while len(buffer) < size:
        await _more_of(connection, "body")
    data = bytes(buffer[:size])
    del buffer[:size]
    return data


async def _read_line(connection: _Connection) -> bytes:
    return await _read_until(connection, b"\r\n", "chunk line")


async def _read_chunked(connection: _Connection) -> bytes:
    body = bytearray()
    while True:
        size_text = (await _read_line(connection)).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise aiohttp.ClientPayloadError("malformed chunk size") from None
        if size == 0:
            while await _read_line(connection):  # trailers, up to the empty line
                pass
            return bytes(body)
        body += await _read_exactly(connection, size)
        if await _read_line(connection):
            raise aiohttp.ClientPayloadError("chunk not followed by CRLF")


async def _read_until_closed(connection: _Connection) -> bytes:
    while not connection.closed:
        await connection.more()
    data = bytes(connection.buffer)
    connection.buffer.clear()
    return data


async def exchange(connection: _Connection, request: bytes) -> _Answer:
    """Send one request on ``connection`` and read its whole answer."""
    connection.buffer.clear()
    assert connection.transport is not None
    connection.transport.write(request)
    while True:
        version, status, reason, headers = await _read_head(connection)
        if not 100 <= status < 200:
            break  # 1xx: informational, the answer follows
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    if status in (204, 304):
        body, whole = b"", True
    elif chunked:
        body, whole = await _read_chunked(connection), True
    elif "content-length" in headers:
        try:
            length = int(headers["content-length"])
        except ValueError:
            raise aiohttp.ClientPayloadError("malformed Content-Length") from None
        body, whole = await _read_exactly(connection, length), True
    else:
        body, whole = await _read_until_closed(connection), False
    keep = "close" not in headers.get("connection", "").lower() and version == "HTTP/1.1"
    return _Answer(status, reason, headers, body, whole and keep and not connection.buffer and not connection.closed)


class Pool:
    """Idle connections per server address, for one event loop."""

    def __init__(self) -> None:
        self.idle: Dict[_Address, List[_Connection]] = {}

    async def acquire(self, address: _Address, timeout: Optional[float] = None) -> _Connection:
        loop = asyncio.get_running_loop()
        idle = self.idle.get(address)
        while idle:
            connection = idle.pop()
            if not connection.closed and loop.time() - connection.idle_since < KEEPALIVE_SECONDS:
                return connection
            connection.close()
        try:
            _, connection = await asyncio.wait_for(loop.create_connection(_Connection, *address), timeout)
        except OSError as error:
            raise aiohttp.ClientConnectionError(f"cannot connect to {address[0]}:{address[1]} ({error.strerror})") from error
        return connection  # type: ignore[return-value]

    def release(self, address: _Address, connection: _Connection, reusable: bool) -> None:
        idle = self.idle.setdefault(address, [])
        if not reusable or connection.closed or len(idle) >= MAX_IDLE:
            connection.close()
            return
        connection.idle_since = asyncio.get_running_loop().time()
        idle.append(connection)

    def close(self) -> None:
        for connections in self.idle.values():
            for connection in connections:
                connection.close()
        self.idle.clear()


_pools: Dict[asyncio.AbstractEventLoop, Pool] = {}


def _pool() -> Pool:
    loop = asyncio.get_running_loop()
    for gone in [other for other in _pools if other.is_closed()]:
        del _pools[gone]
    pool = _pools.get(loop)
    if pool is None:
        pool = _pools[loop] = Pool()
    return pool


@functools.lru_cache(maxsize=64)
def _target(url: str) -> Optional[Tuple[_Address, bytes]]:
    """(host, port) and the request's first lines for a plain-http URL; None for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or parts.username or parts.password or parts.fragment:
        return None
    try:
        port = parts.port or 80
    except ValueError:
        return None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if any(ord(char) < 33 or ord(char) > 126 for char in target + parts.netloc):
        return None
    head = f"POST {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: */*\r\nContent-Type: application/json\r\n"
    return (parts.hostname, port), head.encode("ascii")


def _seconds(timeout: Any) -> Optional[float]:
    if isinstance(timeout, aiohttp.ClientTimeout):
        return timeout.total
    return float(timeout) if isinstance(timeout, (int, float)) else None


def _lean(endpoint: EndpointConfig, method: str, subpath: Optional[str], content_type: Optional[str],
          compress: bool, kwargs: Dict[str, Any]) -> Optional[Tuple[_Address, bytes]]:
    """Where to send this request on the lean path, or None if it must go through aiohttp."""
    if (method.lower() != "post" or subpath or compress or content_type != "application/json"
            or endpoint.headers or endpoint.basic_auth or endpoint.cafile or endpoint.params
            or not isinstance(kwargs.get("json"), dict) or "next_action" not in kwargs["json"]
            or not set(kwargs) <= {"json", "timeout"}
            or not isinstance(endpoint.url, str)):
        return None
    if "timeout" in kwargs and not isinstance(kwargs["timeout"], (int, float, aiohttp.ClientTimeout)):
        return None
    return _target(endpoint.url)


def _decode(answer: _Answer) -> Any:
    """What aiohttp's ``response.json()`` gives Rasa (``None`` where Rasa gets ``ContentTypeError``)."""
    content_type = answer.headers.get("content-type", "").lower()
    if not _JSON.match(content_type):
        return None
    body = answer.body.strip()
    if not body:
        return None
    charset = re.search(r"charset=\"?([\w.:-]+)", content_type)
    try:
        return loads(body if charset is None or charset.group(1) in ("utf-8", "utf8") else body.decode(charset.group(1)))
    except (ValueError, LookupError) as error:  # aiohttp would raise these past Rasa; this ends in the safety net
        raise aiohttp.ClientPayloadError(f"unreadable JSON answer ({type(error).__name__})") from None


async def post_json(address: _Address, head: bytes, value: Any, timeout: Optional[float]) -> Any:
    body = dumps(value).encode("utf-8")
    request = head + b"Content-Length: %d\r\n\r\n" % len(body) + body
    pool = _pool()
    connection = await pool.acquire(address, timeout)
    timer = asyncio.get_running_loop().call_later(timeout, connection.time_out) if timeout else None
    try:
        answer = await exchange(connection, request)
    except BaseException:  # failed, timed out or cancelled: the connection is in an unknown state
        connection.close()
        raise
    finally:
        if timer is not None:
            timer.cancel()
    pool.release(address, connection, answer.reusable)
    if 300 <= answer.status < 400:
        raise aiohttp.ClientPayloadError(f"the action server answered with a redirect ({answer.status})")
    if answer.status >= 400:
        raise ClientResponseError(answer.status, answer.reason, answer.body)
    return _decode(answer)


_enabled = False


def _in_chain() -> bool:
    """Is the lean wrapper somewhere under whatever wraps ``EndpointConfig.request`` now?"""
    function = EndpointConfig.request
    while function is not None:
        if getattr(function, "_lean_http", False):
            return True
        function = getattr(function, "_original", None)
    return False


def install() -> None:
    """Idempotent. Install before ``in_process_actions`` (which wraps whatever is there)."""
    from safeguards.patch_switch import enabled  # TEMPORARY: ablation
    if not enabled('action_http'):
        return
    global _enabled
    _enabled = True
    if _in_chain():
        return
    original = EndpointConfig.request

    @functools.wraps(original)
    async def request(self: EndpointConfig, method: str = "post", subpath: Optional[str] = None,
                      content_type: Optional[str] = "application/json", compress: bool = False, **kwargs: Any) -> Any:
        where = _lean(self, method, subpath, content_type, compress, kwargs) if _enabled else None
        if where is None:
            return await original(self, method, subpath, content_type, compress, **kwargs)
        return await post_json(*where, kwargs["json"], _seconds(kwargs.get("timeout")))

    request._lean_http = True  # type: ignore[attr-defined]
    request._original = original  # type: ignore[attr-defined]
    EndpointConfig.request = request  # type: ignore[assignment]


def uninstall() -> None:
    """For tests: every call goes to Rasa's request again, even while another wrapper holds ours."""
    global _enabled
    _enabled = False
    if getattr(EndpointConfig.request, "_lean_http", False):
        EndpointConfig.request = EndpointConfig.request._original  # type: ignore[attr-defined]


def close_all() -> None:
    """Close this loop's idle connections (tests, orderly shutdowns)."""
    pool = _pools.pop(asyncio.get_running_loop(), None)
    if pool is not None:
        pool.close()
