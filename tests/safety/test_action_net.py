"""The Rasa-side safety net around real ``RemoteAction`` calls: an action server that is down,
slow or failing gives the person the fallback text once per turn; a form's rejection is not a
failure."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

from bench.servers import free_port
from safety import action_net, fallback, in_process_actions
from tests.e2e.conftest import REPO

DOMAIN = Domain.load(str(REPO / "domain.yml"))


class _NoNLG:
    async def generate(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture
def net():
    original = RemoteAction.run
    action_net.install()
    action_net.install()  # idempotent
    yield
    RemoteAction.run = original


@pytest.fixture
async def server():
    """An action server whose answer each test sets: (status, body, delay)."""
    state = {"answer": (200, {"events": [], "responses": []}, 0.0)}

    async def handle(request: web.Request) -> web.Response:
        status, body, delay = state["answer"]
        await asyncio.sleep(delay)
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_post("/webhook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    state["url"] = f"http://127.0.0.1:{port}/webhook"
    yield state
    await runner.cleanup()


def _tracker(language: str = "ru", *events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "s", [SlotSet("language", language), ActionExecuted("action_listen"), UserUttered("/start"), *events], slots=DOMAIN.slots
    )


async def _run(url: str, tracker: DialogueStateTracker, name: str = "action_welcome") -> list:
    return await RemoteAction(name, EndpointConfig(url)).run(None, _NoNLG(), tracker, DOMAIN)


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
async def test_action_server_down_gives_the_fallback_in_the_persons_language(net, lang):
    events = await _run(f"http://127.0.0.1:{free_port()}/webhook", _tracker(lang))
    assert [e.text for e in events if isinstance(e, BotUttered)] == [fallback.unavailable_text(lang)]
    for number in (fallback.HOTLINE, fallback.POLICE, fallback.AMBULANCE, fallback.EMERGENCY):
        assert number in events[0].text


async def test_a_slow_action_server_gives_the_fallback_in_time(net, server, monkeypatch):
    monkeypatch.setattr(action_net, "ACTION_TIMEOUT_SECONDS", 0.3)
    server["answer"] = (200, {"events": [], "responses": []}, 5.0)
    started = asyncio.get_running_loop().time()
    events = await _run(server["url"], _tracker())
    assert asyncio.get_running_loop().time() - started < 2
    assert [e.text for e in events] == [fallback.unavailable_text("ru")]


async def test_an_error_answer_gives_the_fallback_once_per_turn(net, server):
    server["answer"] = (500, {"error": "boom"}, 0.0)
    tracker = _tracker()
    first = await _run(server["url"], tracker)
    assert [e.text for e in first] == [fallback.unavailable_text("ru")]
    tracker.update_with_events(first, DOMAIN)
    assert await _run(server["url"], tracker, "action_show_contacts") == []  # not twice in one turn
    tracker.update_with_events([ActionExecuted("action_listen"), UserUttered("/start")], DOMAIN)
    assert len(await _run(server["url"], tracker)) == 1  # the next turn gets it again


async def test_a_forms_rejection_is_not_a_failure(net, server):
    server["answer"] = (400, {"action_name": "validate_help_form", "error": "not this"}, 0.0)
    with pytest.raises(ActionExecutionRejection):
        await _run(server["url"], _tracker(), "validate_help_form")


async def test_a_healthy_answer_passes_untouched(net, server):
    server["answer"] = (200, {"events": [{"event": "slot", "name": "region", "value": "BY-HO"}], "responses": []}, 0.0)
    events = await _run(server["url"], _tracker())
    assert [e.as_dict()["value"] for e in events if isinstance(e, SlotSet)] == ["BY-HO"]
    assert not any(isinstance(e, BotUttered) for e in events)


class _Breaks(Action):
    def name(self) -> str:
        return "action_validate_slot_mappings"

    def run(self, dispatcher: Any, tracker: Any, domain: Any) -> list:
        raise KeyError("boom")


@pytest.mark.parametrize("net_first", [True, False])
async def test_an_in_process_action_that_crashes_gets_the_fallback_too(monkeypatch, net_first):
    """Both of safety's wrappers together, installed in either order."""
    original = RemoteAction.run
    executor = ActionExecutor()
    executor.register_action(_Breaks)
    monkeypatch.setattr(in_process_actions, "executor_for", lambda module, names: executor)
    try:
        for install in (
            (action_net.install, in_process_actions.install) if net_first else (in_process_actions.install, action_net.install)
        ):
            install()
        endpoint = EndpointConfig(
            f"http://127.0.0.1:{free_port()}/webhook",
            run_in_process={"module": "actions.help_form", "actions": ["action_validate_slot_mappings"]},
        )
        events = await RemoteAction("action_validate_slot_mappings", endpoint).run(None, _NoNLG(), _tracker("en"), DOMAIN)
        assert [e.text for e in events] == [fallback.unavailable_text("en")]
    finally:
        RemoteAction.run = original
        in_process_actions._installed = None
