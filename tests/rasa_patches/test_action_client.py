"""Calls to the action server reuse one session and its connections; requests and errors are as before."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from rasa_patches import action_client


class Server:
    """A stand-in action server that records requests and which connection each came on."""

    def __init__(self) -> None:
        self.requests = []
        self.connections = set()
        self.status = 200
        self.runner = None

    async def handle(self, request: web.Request) -> web.Response:
        self.connections.add(id(request.transport))
        self.requests.append((request.headers.get("X-Test"), await request.json()))
        if self.status != 200:
            return web.json_response({"error": "no"}, status=self.status)
        return web.json_response({"events": [{"event": "slot", "name": "region", "value": "BY-HO"}], "responses": []})

    async def start(self, port: int = 0) -> int:
        app = web.Application()
        app.router.add_post("/webhook", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        return site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        await self.runner.cleanup()


@pytest.fixture
async def server():
    running = Server()
    port = await running.start()
    running.port = port
    yield running
    await running.stop()


@pytest.fixture
def installed():
    action_client.install()
    yield
    action_client.uninstall()


async def test_one_connection_for_many_calls(server, installed):
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook", headers={"X-Test": "yes"})
    for n in range(5):
        answer = await endpoint.request(json={"n": n}, method="post")
        assert answer["events"][0]["value"] == "BY-HO"
    assert [body["n"] for _, body in server.requests] == [0, 1, 2, 3, 4]
    assert {header for header, _ in server.requests} == {"yes"}
    assert len(server.connections) == 1
    await action_client.close_all()


async def test_without_it_every_call_opens_a_connection(server):
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")
    for n in range(3):
        await endpoint.request(json={"n": n}, method="post")
    assert len(server.connections) == 3


async def test_errors_are_unchanged(server, installed):
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")
    server.status = 500
    with pytest.raises(ClientResponseError) as error:
        await endpoint.request(json={}, method="post")
    assert error.value.status == 500
    action = RemoteAction("action_x", endpoint)
    tracker = DialogueStateTracker.from_events("t", [])
    # Rasa's own run (unwrapped if another test installed the safety net, which turns this
    # error into its answer) still raises as without the keep-alive client.
    run = getattr(RemoteAction.run, "__wrapped__", RemoteAction.run)
    with pytest.raises(RasaException):
        await run(action, None, None, tracker, Domain.empty())
    await action_client.close_all()


async def test_action_server_restart(server, installed):
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")
    await endpoint.request(json={"n": 1}, method="post")
    await server.stop()
    with pytest.raises(Exception):  # noqa: B017 - whatever Rasa's own request raises for a closed port
        await endpoint.request(json={"n": 2}, method="post")
    again = Server()
    await again.start(server.port)
    server.runner = again.runner
    answer = await endpoint.request(json={"n": 3}, method="post")
    assert answer["events"][0]["value"] == "BY-HO"
    assert [body["n"] for _, body in again.requests] == [3]
    await action_client.close_all()


async def test_cancelled_call_does_not_poison_the_pool(installed):
    """The safety net cancels slow calls (asyncio.wait_for); the next call must still work."""
    slow = Server()

    async def sleepy(request: web.Request) -> web.Response:
        if (await request.json()).get("slow"):
            await asyncio.sleep(0.6)
        return web.json_response({"events": [], "responses": []})

    slow.handle = sleepy  # type: ignore[assignment]  # a slow handler, on purpose
    port = await slow.start()
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(endpoint.request(json={"slow": True}, method="post"), 0.2)
    assert await endpoint.request(json={"slow": False}, method="post") == {"events": [], "responses": []}
    await action_client.close_all()
    await asyncio.sleep(0.6)  # let the abandoned slow handler finish before the server stops
    await slow.stop()


def _real_tracker_state() -> dict:
    """A tracker as the Rasa server sends it: Cyrillic text, parse data with floats, slots."""
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

    tracker = DialogueStateTracker.from_events(
        "t",
        [
            ActionExecuted("action_listen"),
            UserUttered(
                "нужен юрист в Бобруйске",
                {"name": "need_legal", "confidence": 0.9627719863899648},
                [{"entity": "district", "value": "BY-MA-02", "start": 14, "end": 23, "confidence": 1.0}],
                message_id="m1",
                metadata={},
            ),
            SlotSet("region", "BY-MA"),
            SlotSet("district_page", 0.0),
            SlotSet("whole_region", False),
        ],
    )
    return {"next_action": "action_show_contacts", "sender_id": "t", "tracker": tracker.current_state(), "version": "3.6.21"}


@pytest.mark.parametrize(
    "value", [_real_tracker_state(), {"a": [1, 2.5, None, True, "ё"], "b": {"c": 1e-300}}, {1: "int key"}, [], "текст", 0.1 + 0.2]
)
def test_orjson_encoding_means_the_same_as_json(value):
    import json
    import math

    encoded = action_client.dumps(value)
    assert isinstance(encoded, str)

    def same(a, b):
        if isinstance(a, float) and math.isnan(a):
            return isinstance(b, float) and math.isnan(b)
        return a == b if not isinstance(a, (dict, list)) else json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)

    assert same(json.loads(encoded), json.loads(json.dumps(value)))
    assert same(action_client.loads(json.dumps(value)), json.loads(json.dumps(value)))


def test_non_finite_numbers_go_out_as_null_and_come_back_as_python_reads_them():
    """JSON has no NaN/Infinity; json.dumps writes non-standard literals, orjson writes null."""
    import math

    assert action_client.dumps({"x": float("nan"), "y": float("-inf")}) == '{"x":null,"y":null}'
    back = action_client.loads('{"x": NaN, "y": -Infinity}')
    assert math.isnan(back["x"]) and back["y"] == float("-inf")


async def test_requests_go_out_as_utf8_orjson_and_answers_decode(server, installed):
    endpoint = EndpointConfig(f"http://127.0.0.1:{server.port}/webhook")
    state = _real_tracker_state()
    answer = await endpoint.request(json=state, method="post")
    assert answer == {"events": [{"event": "slot", "name": "region", "value": "BY-HO"}], "responses": []}
    import json

    assert server.requests[-1][1] == json.loads(json.dumps(state))
    await action_client.close_all()
