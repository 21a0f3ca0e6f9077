"""Slot validation in the Rasa server answers exactly what the action server answers."""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List

import pytest
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection as SdkRejection

from safety import in_process_actions
from tests.e2e.conftest import REPO, free_port, start_action_server, stop

pytestmark = pytest.mark.filterwarnings("ignore")

DOMAIN = Domain.load(str(REPO / "domain.yml"))
ALWAYS = frozenset({"action_validate_slot_mappings", "validate_help_form", "action_reset_region", "action_reset_help_type"})
WHILE_ANSWERING = frozenset({"action_ask_help_type", "action_ask_region", "action_ask_district"})
NAMES = ALWAYS | WHILE_ANSWERING
CONFIG = {"module": "actions.help_form", "actions": sorted(ALWAYS), "while_answering": sorted(WHILE_ANSWERING)}


def _user(text: str, intent: str, entities: List[Dict[str, Any]] = ()) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.97}, list(entities), message_id="m")


def _entity(name: str, value: str) -> Dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": 1, "extractor": "PlaceExtractor"}


# (action, events): trackers as Rasa sends them, covering every validator and notice.
CASES: List[tuple] = [
    ("action_validate_slot_mappings", [_user("/inform", "inform", [_entity("region", "BY-HO")]), SlotSet("region", "BY-HO")]),
    ("action_validate_slot_mappings", [_user("/inform", "inform"), SlotSet("region", "' OR 1=1 --")]),
    ("action_validate_slot_mappings", [_user("/inform", "inform"), SlotSet("district", "BY-HO-04")]),
    ("action_validate_slot_mappings", [_user("/inform", "inform"), SlotSet("district", "BY-XX-99")]),
    ("action_validate_slot_mappings", [_user("/whole_region", "whole_region"), SlotSet("district", "__whole_region__")]),
    ("action_validate_slot_mappings", [_user("/set_language", "set_language"), SlotSet("language", "klingon")]),
    ("action_validate_slot_mappings", [_user("/role", "role_witness"), SlotSet("role", "<script>")]),
    ("action_validate_slot_mappings", [_user("/page", "district_page"), SlotSet("district_page", 99.0)]),
    ("action_validate_slot_mappings", [_user("I need a lawyer please", "need_legal"), SlotSet("help_type", "legal")]),
    ("action_validate_slot_mappings", [_user("нужен юрист в Варшаве", "need_legal", [_entity("foreign_place", "Варшава")])]),
    (
        "action_validate_slot_mappings",
        [_user("Ленинский район", "inform", [_entity("place_options", "BY-MI-05|BY-HR-17|BY-MA-22")])],
    ),
    ("validate_help_form", [ActionExecuted("help_form"), _user("/inform", "inform"), SlotSet("region", "BY-MI")]),
    ("validate_help_form", [ActionExecuted("help_form"), _user("/inform", "inform"), SlotSet("help_type", "astrology")]),
    (
        "validate_help_form",
        [SlotSet("whole_region", True), ActionExecuted("help_form"), _user("/x", "inform"), SlotSet("region", "BY-VI")],
    ),
    (
        "action_reset_region",
        [
            SlotSet("region", "BY-MI"),
            SlotSet("district", "BY-MI-05"),
            SlotSet("district_page", 2.0),
            _user("/change_region", "change_region"),
        ],
    ),
    ("action_reset_help_type", [SlotSet("help_type", "legal"), SlotSet("region", "BY-MI"), _user("/change_help", "change_help")]),
    ("action_ask_help_type", [SlotSet("language", "be"), _user("/start", "greet")]),
    ("action_ask_region", [SlotSet("help_type", "legal"), _user("/need_legal", "need_legal")]),
    ("action_ask_district", [SlotSet("help_type", "shelter"), SlotSet("region", "BY-HO"), _user("/inform", "inform")]),
    ("action_ask_district", [SlotSet("region", "BY-HO"), SlotSet("city", "BY-HO-26"), SlotSet("district_page", 1.0)]),
]


def _body(action: str, events: List[Event], sender: str = "s") -> Dict[str, Any]:
    tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen"), *events], slots=DOMAIN.slots)
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook")
    return RemoteAction(action, endpoint)._action_call_format(tracker, DOMAIN)


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("in-process")
    port = free_port()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    process = start_action_server(port, work / "actions.log", env)
    yield f"http://127.0.0.1:{port}/webhook"
    stop(process)


def _over_http(url: str, body: Dict[str, Any]) -> tuple:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("action, events", CASES)
async def test_same_answer_as_the_action_server(action_server, action, events):
    body = _body(action, events)
    executor = in_process_actions.executor_for("actions.help_form", NAMES)
    assert executor is not None
    status, remote = _over_http(action_server, body)
    assert status == 200
    assert await in_process_actions.run_in_process(executor, body) == remote


async def test_unknown_action_is_a_404_like_the_action_server(action_server):
    body = _body("action_nobody_wrote", [])
    executor = in_process_actions.executor_for("actions.help_form", NAMES)
    with pytest.raises(ClientResponseError) as in_process:
        await in_process_actions.run_in_process(executor, body)
    status, remote = _over_http(action_server, body)
    assert (in_process.value.status, json.loads(in_process.value.text)) == (status, remote)


class _Rejects(Action):
    def name(self) -> str:
        return "validate_rejects"

    def run(self, dispatcher, tracker, domain):
        raise SdkRejection("validate_rejects", "not for me")


class _Breaks(Action):
    def name(self) -> str:
        return "validate_breaks"

    def run(self, dispatcher, tracker, domain):
        raise KeyError("a slot value that must not be logged")


async def test_rejection_and_crash_become_the_action_servers_status_codes(caplog):
    executor = ActionExecutor()
    executor.register_action(_Rejects)
    executor.register_action(_Breaks)
    with pytest.raises(ClientResponseError) as rejected:
        await in_process_actions.run_in_process(executor, _body("validate_rejects", []))
    assert rejected.value.status == 400
    assert json.loads(rejected.value.text) == {"error": "not for me", "action_name": "validate_rejects"}
    with pytest.raises(ClientResponseError) as crashed:
        await in_process_actions.run_in_process(executor, _body("validate_breaks", []))
    assert crashed.value.status == 500
    assert "must not be logged" not in caplog.text and "KeyError" in caplog.text


class Server:
    """A stand-in action server that records what reaches it."""

    def __init__(self) -> None:
        self.requests: List[tuple] = []
        self.runner: Any = None
        self.healthy = True
        self.health_checks = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((None, await request.json()))
        return web.json_response({"events": [], "responses": []})

    async def health(self, request: web.Request) -> web.Response:
        self.health_checks += 1
        return web.json_response({"status": "ok"}, status=200 if self.healthy else 503)

    async def start(self) -> int:
        app = web.Application()
        app.router.add_post("/webhook", self.handle)
        app.router.add_get("/health", self.health)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        return site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest.fixture
async def stand_in():
    server = Server()
    server.port = await server.start()
    yield server
    await server.stop()


class _Remote(RemoteAction):
    """Rasa's RemoteAction with only this wrapper (not the safety net other tests may have installed)."""

    async def run(self, *args: Any) -> Any:
        return await in_process_actions.wrap(inspect.unwrap(RemoteAction.run))(self, *args)


def _remote(name: str, port: int, config: Any) -> RemoteAction:
    return _Remote(name, EndpointConfig(f"http://127.0.0.1:{port}/webhook", run_in_process=config))


async def test_listed_actions_never_reach_the_action_server_and_the_rest_do(stand_in):
    tracker = DialogueStateTracker.from_events(
        "s", [ActionExecuted("action_listen"), _user("/inform", "inform"), SlotSet("region", "nonsense")], slots=DOMAIN.slots
    )
    events = await _remote("action_validate_slot_mappings", stand_in.port, CONFIG).run(None, _NoNLG(), tracker, DOMAIN)
    assert stand_in.requests == []
    assert [e.as_dict()["value"] for e in events if isinstance(e, SlotSet)] == [None]  # refused, nothing kept
    assert any(getattr(e, "text", None) for e in events)  # and a kind reply
    await _remote("action_show_contacts", stand_in.port, CONFIG).run(None, _NoNLG(), tracker, DOMAIN)
    assert [body["next_action"] for _, body in stand_in.requests] == ["action_show_contacts"]


async def test_the_forms_questions_run_here_only_while_the_action_server_answers(stand_in, monkeypatch):
    """During an outage a question goes to the action server (and so to the safety net with the
    numbers); while it answers its health check, the question is asked from this process."""
    monkeypatch.setattr(in_process_actions, "health", in_process_actions.ActionServerHealth())
    tracker = DialogueStateTracker.from_events(
        "s",
        [ActionExecuted("action_listen"), SlotSet("help_type", "legal"), _user("/need_legal", "need_legal")],
        slots=DOMAIN.slots,
    )
    asked = await _remote("action_ask_region", stand_in.port, CONFIG).run(None, _NoNLG(), tracker, DOMAIN)
    assert stand_in.requests == [] and stand_in.health_checks == 1
    assert any("юрист" in (getattr(e, "text", None) or "") for e in asked)  # asked here, with the region buttons
    await _remote("action_ask_region", stand_in.port, CONFIG).run(None, _NoNLG(), tracker, DOMAIN)
    assert stand_in.health_checks == 1  # checked at most once a second

    monkeypatch.setattr(in_process_actions, "HEALTH_EVERY_SECONDS", 0.0)
    many = [_remote("action_ask_region", stand_in.port, CONFIG).run(None, _NoNLG(), tracker, DOMAIN) for _ in range(5)]
    await asyncio.gather(*many)
    assert stand_in.health_checks == 2  # five conversations at once: one check, not five

    stand_in.healthy = False
    await _remote("action_ask_region", stand_in.port, CONFIG).run(None, _NoNLG(), tracker, DOMAIN)
    assert [body["next_action"] for _, body in stand_in.requests] == ["action_ask_region"]
    await stand_in.stop()  # gone altogether: the call goes there and fails
    with pytest.raises(RasaException):
        await _remote("action_ask_district", stand_in.port, CONFIG).run(None, _NoNLG(), tracker, DOMAIN)
    stand_in.runner = None


@pytest.mark.parametrize(
    "config",
    [
        None,
        "actions.help_form",
        {"module": "actions.no_such_module", "actions": ["validate_help_form"]},
        {"module": "actions.help_form", "actions": ["validate_help_form", "not_there"]},
    ],
)
async def test_without_usable_settings_the_action_server_answers(stand_in, config):
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")], slots=DOMAIN.slots)
    await _remote("validate_help_form", stand_in.port, config).run(None, _NoNLG(), tracker, DOMAIN)
    assert [body["next_action"] for _, body in stand_in.requests] == ["validate_help_form"]


async def test_a_rejection_in_process_is_rasas_rejection(stand_in, monkeypatch):
    executor = ActionExecutor()
    executor.register_action(_Rejects)
    monkeypatch.setattr(in_process_actions, "executor_for", lambda module, names: executor)
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")], slots=DOMAIN.slots)
    config = {"module": "actions.help_form", "actions": ["validate_rejects"]}
    with pytest.raises(ActionExecutionRejection):
        await _remote("validate_rejects", stand_in.port, config).run(None, _NoNLG(), tracker, DOMAIN)
    config = {"module": "actions.help_form", "actions": ["validate_breaks"]}
    executor.register_action(_Breaks)
    with pytest.raises(RasaException):
        await _remote("validate_breaks", stand_in.port, config).run(None, _NoNLG(), tracker, DOMAIN)
    assert stand_in.requests == []


class _NoNLG:
    async def generate(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_endpoints_yml_runs_exactly_the_slot_actions_in_process():
    import yaml

    config = yaml.safe_load((REPO / "endpoints.yml").read_text())["action_endpoint"]["run_in_process"]
    assert config == CONFIG
    assert in_process_actions.executor_for(config["module"], frozenset(config["actions"] + config["while_answering"])) is not None
    assert Path(REPO / "actions" / "help_form.py").exists()


def _replaces_the_http_call_path(kind: str) -> None:
    """What a speed patch of the HTTP call path does: wrap ``EndpointConfig.request`` (a plain
    wrapper), or replace its session (the ``action_client`` patch)."""
    if kind == "action_client":
        importlib.import_module("rasa_patches.action_client").install()
        return
    original = EndpointConfig.request

    @functools.wraps(original)
    async def request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
        return await original(self, *args, **kwargs)

    EndpointConfig.request = request


@pytest.fixture
def clean_wrappers():
    run, request = RemoteAction.run, EndpointConfig.request
    yield
    module = importlib.sys.modules.get("rasa_patches.action_client")
    if module is not None:
        module.uninstall()
    RemoteAction.run, EndpointConfig.request = run, request
    in_process_actions._installed = None


@pytest.mark.parametrize("kind", ["plain wrapper", "action_client"])
@pytest.mark.parametrize("whitelist_first", [True, False])
async def test_the_whitelist_holds_whatever_replaces_the_http_call_path_and_in_any_order(
    stand_in, clean_wrappers, kind, whitelist_first
):
    """A typed junk region is refused in this process; the listed action never goes over HTTP."""
    if whitelist_first:
        in_process_actions.install()
        _replaces_the_http_call_path(kind)
    else:
        _replaces_the_http_call_path(kind)
        in_process_actions.install()
    in_process_actions.install()  # idempotent
    tracker = DialogueStateTracker.from_events(
        "s", [ActionExecuted("action_listen"), _user("/inform", "inform"), SlotSet("region", "<junk>")], slots=DOMAIN.slots
    )
    endpoint = EndpointConfig(f"http://127.0.0.1:{stand_in.port}/webhook", run_in_process=CONFIG)
    events = await RemoteAction("action_validate_slot_mappings", endpoint).run(None, _NoNLG(), tracker, DOMAIN)
    assert stand_in.requests == []
    assert [e.as_dict()["value"] for e in events if isinstance(e, SlotSet)] == [None]
    await RemoteAction("action_show_contacts", endpoint).run(None, _NoNLG(), tracker, DOMAIN)
    assert [body["next_action"] for _, body in stand_in.requests] == ["action_show_contacts"]
