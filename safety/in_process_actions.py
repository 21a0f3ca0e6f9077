"""Slot validation runs inside the Rasa server instead of over HTTP to the action server.

Why (measured): Rasa calls ``action_validate_slot_mappings`` after every user message and
``validate_help_form`` on every turn of the help form — on the bench flows 45 of 69 action-server
calls, each one sending the whole tracker (20–30 KB of JSON) over HTTP and back. Remote calls
were a third of the Rasa server's CPU per turn and a network round trip each on the answer's
critical path. These two actions are the slot whitelist (``actions/help_form.py`` +
``actions/slot_rules.py``): small, synchronous, and where safety rule 3 wants it — where values
enter the conversation. So a typed ``/inform{"region": "…"}`` is whitelisted even while the
action server is down (tests/safety/test_action_server_down.py).

The form's questions can run here too (``while_answering``), but only while the action server
answers its health check (``GET /health``, at most once a second, 0.5 s timeout): during an
outage they go to the action server like any other action, fail, and the person gets the safety
net with the hotline and 102 / 103 / 112 at once instead of two more questions first.

How: ``RemoteAction.run`` — what every custom action call of Rasa goes through — is wrapped.
When the action endpoint in endpoints.yml lists the action under ``run_in_process``, that one
call is given an endpoint whose ``request`` goes to a ``rasa_sdk.executor.ActionExecutor`` in
this process holding only those actions, instead of over HTTP. Wrapping the action rather than
``EndpointConfig.request`` keeps this independent of whatever else replaces the HTTP call path
(a speed patch may wrap ``EndpointConfig.request`` before or after this is installed; either
way a listed action never reaches it). Everything around it is Rasa's own code, unchanged: the
request body is built by ``RemoteAction`` and the answer is validated, deserialised and uttered
by it, and the action safety net's timeout still applies. To be exact, the body and the answer
pass through JSON as they would over the wire (orjson, tens of microseconds), and the action
server's status codes are reproduced: a form rejecting a message → 400, unknown action → 404,
an exception → 500 — raised as the same ``ClientResponseError``. If the actions cannot be
imported here, the call goes to the action server as before. Every other action still runs in
the action server. Installed by ``safety.in_server.SafetyInServer`` (config.yml).

Configuration (endpoints.yml)::

    action_endpoint:
      url: "http://127.0.0.1:5055/webhook"
      run_in_process:
        module: actions.help_form
        actions: [action_validate_slot_mappings, validate_help_form]
        while_answering: [action_ask_region]
"""

from __future__ import annotations

import asyncio
import copy
import functools
import importlib
import inspect
import logging
from typing import Any, Awaitable, Callable, Dict, FrozenSet, List, Optional, Text, Tuple

import aiohttp
import orjson
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from safety.wrapping import wrapped_with

logger = logging.getLogger(__name__)
CONFIG_KEY = "run_in_process"
_executors: Dict[Tuple[str, FrozenSet[str]], Any] = {}
_failed: set = set()
HEALTH_EVERY_SECONDS = 1.0
HEALTH_TIMEOUT_SECONDS = 0.5


def _names(value: Any) -> Optional[FrozenSet[str]]:
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        return None
    return frozenset(value)


def _settings(endpoint: EndpointConfig) -> Optional[Tuple[str, FrozenSet[str], FrozenSet[str]]]:
    """(module, actions always run here, actions run here while the action server answers)."""
    config = (endpoint.kwargs or {}).get(CONFIG_KEY)
    if not isinstance(config, dict):
        return None
    module, always, answering = config.get("module"), _names(config.get("actions")), _names(config.get("while_answering", []))
    if not isinstance(module, str) or always is None or answering is None:
        return None
    return module, always, answering


class ActionServerHealth:
    """Whether the action server answers ``GET /health``, asked at most once per
    ``HEALTH_EVERY_SECONDS`` (a hung server counts as down after ``HEALTH_TIMEOUT_SECONDS``).
    Conversations asking while a check is under way wait for that one check."""

    def __init__(self) -> None:
        self._checked: Dict[str, Tuple[float, bool]] = {}
        self._checking: Dict[str, "asyncio.Task[bool]"] = {}

    @staticmethod
    def url(endpoint: EndpointConfig) -> str:
        return endpoint.url.rstrip("/").rsplit("/", 1)[0] + "/health"

    async def answering(self, endpoint: EndpointConfig) -> bool:
        url = self.url(endpoint)
        loop = asyncio.get_running_loop()
        checked = self._checked.get(url)
        if checked is not None and loop.time() - checked[0] < HEALTH_EVERY_SECONDS:
            return checked[1]
        check = self._checking.get(url)
        if check is None or check.done() or check.get_loop() is not loop:
            check = self._checking[url] = loop.create_task(self._check(url, endpoint))
        return await asyncio.shield(check)  # one caller timing out does not cancel it for the others

    async def _check(self, url: str, endpoint: EndpointConfig) -> bool:
        try:
            timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_SECONDS)
            async with aiohttp.ClientSession(timeout=timeout, headers=endpoint.headers) as session:
                async with session.get(url) as response:
                    ok = response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            ok = False
        self._checked[url] = (asyncio.get_running_loop().time(), ok)
        return ok


health = ActionServerHealth()


def executor_for(module_name: str, names: FrozenSet[str]) -> Optional[Any]:
    """An SDK executor holding exactly ``names`` from ``module_name``; None if they cannot load."""
    key = (module_name, names)
    if key in _executors:
        return _executors[key]
    if key in _failed:
        return None
    try:
        from rasa_sdk import Action
        from rasa_sdk.executor import ActionExecutor

        module = importlib.import_module(module_name)
        executor = ActionExecutor()
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__ and not inspect.isabstract(cls):
                try:
                    name = cls().name()
                except Exception:  # abstract helpers without a name
                    continue
                if name in names:
                    executor.register_action(cls)
        missing = names - set(executor.actions)
        if missing:
            raise LookupError(f"not in {module_name}: {sorted(missing)}")
    except Exception as error:  # noqa: BLE001 - any failure means: use the action server
        logger.warning("in-process actions unavailable (%s); using the action server", type(error).__name__)
        _failed.add(key)
        return None
    _executors[key] = executor
    return executor


def _status_error(status: int, reason: str, body: Dict[str, Any]) -> ClientResponseError:
    return ClientResponseError(status, reason, orjson.dumps(body))


async def run_in_process(executor: Any, action_call: Dict[str, Any]) -> Any:
    """What the action server's webhook answers, as ``EndpointConfig.request`` returns it."""
    from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

    call = orjson.loads(orjson.dumps(action_call, option=orjson.OPT_SERIALIZE_NUMPY))
    try:
        result = await executor.run(call)
    except ActionExecutionRejection as rejection:
        raise _status_error(400, "Bad Request", {"error": rejection.message, "action_name": rejection.action_name}) from None
    except ActionNotFoundException as not_found:
        raise _status_error(404, "Not Found", {"error": not_found.message, "action_name": not_found.action_name}) from None
    except Exception as error:  # noqa: BLE001 - the action server answers 500
        # The error class only: an exception message can carry slot values.
        logger.error("in-process action %s raised %s", call.get("next_action"), type(error).__name__)
        raise _status_error(500, "Internal Server Error", {"error": type(error).__name__}) from None
    return orjson.loads(orjson.dumps(result)) if result is not None else None


class _InProcessEndpoint:
    """The action endpoint for one listed action: ``request`` runs it here; everything else
    (``url`` in Rasa's error messages, …) is the configured endpoint's."""

    def __init__(self, endpoint: EndpointConfig, executor: Any) -> None:
        self._endpoint, self._executor = endpoint, executor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._endpoint, name)

    async def request(self, method: Text = "post", subpath: Optional[Text] = None, **kwargs: Any) -> Any:
        body = kwargs.get("json")
        if method.lower() != "post" or subpath is not None or not isinstance(body, dict):
            return await self._endpoint.request(method, subpath, **kwargs)
        return await run_in_process(self._executor, body)


async def endpoint_for(action_name: Text, endpoint: Optional[EndpointConfig]) -> Optional[_InProcessEndpoint]:
    """The in-process endpoint if ``action_name`` is listed under ``run_in_process`` (under
    ``while_answering``: and the action server answers) and its module loads; else None (the
    call goes to the action server)."""
    if endpoint is None or isinstance(endpoint, _InProcessEndpoint):
        return None
    settings = _settings(endpoint)
    if settings is None:
        return None
    module, always, answering = settings
    if action_name not in always and (action_name not in answering or not await health.answering(endpoint)):
        return None
    executor = executor_for(module, always | answering)
    return _InProcessEndpoint(endpoint, executor) if executor is not None else None


MARK = "_in_process"


def wrap(run: Callable[..., Awaitable[List[Event]]]) -> Callable[..., Awaitable[List[Event]]]:
    """``run`` (a ``RemoteAction.run``) with listed actions answered in this process."""

    @functools.wraps(run)
    async def in_process_run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        local = await endpoint_for(self.name(), self.action_endpoint)
        if local is None:
            return await run(self, output_channel, nlg, tracker, domain)
        this_call = copy.copy(self)  # the action object itself is left as Rasa made it
        this_call.action_endpoint = local
        return await run(this_call, output_channel, nlg, tracker, domain)

    setattr(in_process_run, MARK, True)
    return in_process_run


_installed: Any = None  # the wrapper this module put in place


def install() -> None:
    """Idempotent; before or after any other wrapper of ``RemoteAction.run`` or of
    ``EndpointConfig.request``."""
    global _installed
    if not wrapped_with(RemoteAction.run, MARK):
        _installed = RemoteAction.run = wrap(RemoteAction.run)


def uninstall() -> None:
    """For tests: removes this wrapper if nothing was wrapped around it since."""
    global _installed
    if _installed is not None and RemoteAction.run is _installed:
        RemoteAction.run = _installed.__wrapped__
        _installed = None
