"""The lean action-call client answers exactly as Rasa's aiohttp request does, on reused connections."""
from __future__ import annotations

import asyncio
import functools
import json
from typing import List, Optional

import aiohttp
import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from rasa_patches import action_client, action_http


def http(status: str = "200 OK", body: bytes = b'{"events":[],"responses":[]}', content_type: str = "application/json",
         extra: str = "", length: bool = True) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra}"
    if length:
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def chunked(body: bytes, pieces: int = 3) -> bytes:
    size = max(1, len(body) // pieces)
    out = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    for start in range(0, len(body), size):
        part = body[start:start + size]
        out += b"%x;ext=1\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\nX-Trailer: t\r\n\r\n"


class RawServer:
    """Answers each request with the next scripted reply: bytes, then optionally closes or waits."""

    def __init__(self) -> None:
        self.replies: List[tuple] = []  # (bytes, close_after, delay_seconds)
        self.bodies: List[bytes] = []
        self.connections = 0
        self.server: Optional[asyncio.AbstractServer] = None
        self.port = 0
        self.handlers: set = set()

    async def start(self, port: int = 0) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        """As a stopped process: no more listening, and every open connection closed."""
        self.server.close()
        await self.server.wait_closed()
        for task in list(self.handlers):
            task.cancel()
        await asyncio.gather(*self.handlers, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.handlers.add(asyncio.current_task())
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length"))
                self.bodies.append(await reader.readexactly(length))
                reply, close, delay = self.replies.pop(0) if self.replies else (http(), False, 0)
                if delay:
                    await asyncio.sleep(delay)
                writer.write(reply)
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.handlers.discard(asyncio.current_task())
            writer.close()


@pytest.fixture
async def raw():
    server = RawServer()
    await server.start()
    yield server
    action_http.close_all()
    await server.stop()


@pytest.fixture
def lean():
    action_http.install()
    yield
    action_http.uninstall()


async def call(port: int, value=None, timeout=5):
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    return await endpoint.request(json=value if value is not None else {"next_action": "x"}, method="post", timeout=timeout)


async def outcome(port: int):
    """What a call returned or raised, in comparable form."""
    try:
        return ("value", await call(port))
    except ClientResponseError as error:
        return ("status", error.status, error.text)
    except aiohttp.ClientConnectionError:
        return ("connection", None)
    except aiohttp.ClientError:
        return ("client error", None)


BODY = json.dumps({"events": [{"event": "slot", "name": "region", "value": "BY-HO"}],
                   "responses": [{"text": "Горячая линия"}]}, ensure_ascii=False).encode()
SCRIPTS = {
    "json": [(http(body=BODY), False, 0)],
    "json with charset": [(http(body=BODY, content_type="application/json; charset=utf-8"), False, 0)],
    "vendor json": [(http(body=BODY, content_type="application/vnd.rasa+json"), False, 0)],
    "chunked": [(chunked(BODY), False, 0)],
    "connection close": [(http(body=BODY, extra="Connection: close\r\n"), True, 0)],
    "no length, body until close": [(http(body=BODY, length=False, extra="Connection: close\r\n"), True, 0)],
    "100 continue first": [(b"HTTP/1.1 100 Continue\r\n\r\n" + http(body=BODY), False, 0)],
    "text answer": [(http(body=b"ok", content_type="text/plain"), False, 0)],
    "empty json": [(http(body=b"  "), False, 0)],
    "no content": [(b"HTTP/1.1 204 No Content\r\n\r\n", False, 0)],
    "rejection 400": [(http("400 Bad Request", b'{"error":"no","action_name":"validate_help_form"}'), False, 0)],
    "404": [(http("404 Not Found", b'{"error":"unknown"}'), False, 0)],
    "500": [(http("500 Internal Server Error", b"boom", "text/plain"), False, 0)],
    "closed without answer": [(b"", True, 0)],
    "truncated body": [(http(body=BODY)[:-10], True, 0)],
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
async def test_answers_and_errors_are_rasas(raw, script):
    """Each scripted answer, through the lean client and through Rasa's aiohttp request."""
    results = []
    for path in ("lean", "rasa"):
        (action_http.install if path == "lean" else action_http.uninstall)()
        raw.replies = list(SCRIPTS[script])
        try:
            results.append(await outcome(raw.port))
        finally:
            action_http.uninstall()
            await action_client.close_all()
    assert results[0] == results[1]


@pytest.mark.parametrize("reply", [http(body=b"{not json"), http("307 Temporary Redirect", extra="Location: /x\r\n")])
async def test_undecodable_json_and_redirects_end_in_the_safety_net(raw, lean, reply):
    raw.replies = [(reply, False, 0)]
    with pytest.raises(aiohttp.ClientPayloadError):
        await call(raw.port)


async def test_many_calls_one_connection_and_the_body_arrives_intact(raw, lean):
    state = {"next_action": "action_show_contacts", "tracker": {"latest_message": {"text": "нужен юрист в Бобруйске"},
             "slots": {"district_page": 0.0, "whole_region": False}, "events": [{"confidence": 0.9627719863899648}]}}
    for n in range(5):
        assert await call(raw.port, {**state, "n": n}) == {"events": [], "responses": []}
    assert raw.connections == 1
    assert [json.loads(body) for body in raw.bodies] == [json.loads(json.dumps({**state, "n": n})) for n in range(5)]


async def test_connection_close_and_chunked_answers_leave_the_pool_usable(raw, lean):
    raw.replies = [(http(extra="Connection: close\r\n"), True, 0), (chunked(BODY), False, 0), (http(), False, 0)]
    for _ in range(3):
        assert await call(raw.port)
    assert raw.connections == 2  # a new one after the server closed, then the chunked one is reused


async def test_idle_connections_expire(raw, lean, monkeypatch):
    monkeypatch.setattr(action_http, "KEEPALIVE_SECONDS", 0.05)
    await call(raw.port)
    await asyncio.sleep(0.1)
    await call(raw.port)
    assert raw.connections == 2


async def test_timeout_then_the_next_call_works(raw, lean):
    raw.replies = [(http(), False, 1.0)]
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(asyncio.TimeoutError):
        await call(raw.port, timeout=0.2)
    assert loop.time() - started < 0.8
    assert await call(raw.port) == {"events": [], "responses": []}
    assert raw.connections == 2  # the timed-out connection was not reused


async def test_cancelled_call_does_not_poison_the_pool(raw, lean):
    """The safety net cancels slow calls (asyncio.wait_for); a half-read connection is dropped."""
    raw.replies = [(http(), False, 0.5)]
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(call(raw.port), 0.1)
    assert await call(raw.port) == {"events": [], "responses": []}
    await asyncio.sleep(0.5)


async def test_action_server_down_then_back(lean):
    server = RawServer()
    port = await server.start()
    assert await call(port)
    await server.stop()
    await asyncio.sleep(0.05)
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(port)
    again = RawServer()
    await again.start(port)
    try:
        assert await call(port) == {"events": [], "responses": []}
    finally:
        action_http.close_all()
        await again.stop()


async def test_remote_action_reads_rejections_and_failures_as_before(raw, lean):
    endpoint = EndpointConfig(f"http://127.0.0.1:{raw.port}/webhook")
    action = RemoteAction("validate_help_form", endpoint)
    tracker = DialogueStateTracker.from_events("t", [])
    run = getattr(RemoteAction.run, "__wrapped__", RemoteAction.run)  # Rasa's own, not the safety net
    raw.replies = [(http("400 Bad Request", b'{"error":"no","action_name":"validate_help_form"}'), False, 0)]
    with pytest.raises(ActionExecutionRejection):
        await run(action, None, None, tracker, Domain.empty())
    raw.replies = [(http("500 Internal Server Error", b"{}"), False, 0)]
    with pytest.raises(RasaException):
        await run(action, None, None, tracker, Domain.empty())
    raw.replies = [(b"", True, 0)]
    with pytest.raises(RasaException):
        await run(action, None, None, tracker, Domain.empty())


@pytest.mark.parametrize("endpoint, kwargs", [
    (EndpointConfig("http://127.0.0.1:1/webhook", headers={"X-Token": "t"}), {}),
    (EndpointConfig("http://127.0.0.1:1/webhook", basic_auth={"username": "u", "password": "p"}), {}),
    (EndpointConfig("http://127.0.0.1:1/webhook", params={"token": "t"}), {}),
    (EndpointConfig("https://127.0.0.1:1/webhook"), {}),
    (EndpointConfig("http://127.0.0.1:1/webhook"), {"subpath": "x"}),
    (EndpointConfig("http://127.0.0.1:1/webhook"), {"method": "get"}),
    (EndpointConfig("http://127.0.0.1:1/webhook"), {"compress": True}),
    (EndpointConfig("http://127.0.0.1:1/webhook"), {"data": b"{}"}),
])
def test_anything_else_goes_through_aiohttp(endpoint, kwargs):
    method = kwargs.pop("method", "post")
    subpath = kwargs.pop("subpath", None)
    compress = kwargs.pop("compress", False)
    kwargs.setdefault("json", {"next_action": "x"})
    assert action_http._lean(endpoint, method, subpath, "application/json", compress, kwargs) is None
    assert action_http._lean(EndpointConfig("http://127.0.0.1:1/webhook"), "post", None, "application/json", False,
                             {"json": {"next_action": "x"}, "timeout": 300}) is not None


def test_only_action_calls_take_the_lean_path():
    """NLG, callback and other JSON POSTs keep aiohttp (and its redirects)."""
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook")
    for body in ({"response": "utter_x", "arguments": {}}, [], "x"):
        assert action_http._lean(endpoint, "post", None, "application/json", False, {"json": body}) is None


def test_uninstall_works_under_another_wrapper():
    original = EndpointConfig.request
    try:
        action_http.install()
        lean = EndpointConfig.request

        @functools.wraps(lean)
        async def outer(self, *args, **kwargs):
            return await lean(self, *args, **kwargs)

        outer._original = lean
        EndpointConfig.request = outer
        assert action_http._in_chain()
        action_http.uninstall()
        assert not action_http._enabled  # the wrapper held by the outer one passes calls through
        action_http.install()
        assert action_http._enabled and action_http._in_chain()
    finally:
        action_http.uninstall()
        EndpointConfig.request = original
