"""Validate action-server responses with a cached validator (a measured fix, not a tweak).

Profiling a turn (cProfile over 40 turns, see the issue note) showed 92 % of the Rasa server's
time in ``RemoteAction._validate_action_result``: it calls ``jsonschema.validate``, which checks
the *schema itself* against the JSON-Schema meta-schema on every call (~120 ms with the
jsonschema 4.17 that Rasa 3.6 pins). The response is still validated against the same schema,
with the same error; only the per-call meta-schema check is gone.

Later profiles (py-spy over served conversations) still put 5–6 % of the server's CPU per turn
in ``jsonschema``: each event is now checked against its own schema only, and a response found
valid is remembered (by its exact JSON, keys sorted; the last ``REMEMBERED`` ones) — an action's
answers repeat (the same menu, the same slot values), and the schema never changes in a process.
Invalid responses are never remembered: they are checked in full every time, with Rasa's error.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Dict, Optional, Text, Tuple

import orjson
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once per process instead of once per call
    return cls(schema)


@lru_cache(maxsize=1)
def _discriminated() -> Optional[Tuple[Any, Dict[Text, Any]]]:
    """(validator of the schema without the events' ``oneOf``, {event name: branch validator}),
    or None if the schema is not shaped so (then only the full validator is used)."""
    schema = RemoteAction.action_response_format_spec()
    items = schema.get("properties", {}).get("events", {}).get("items", {})
    branches = items.get("oneOf") if isinstance(items, dict) else None
    if not branches or items.get("type") != "object" or "event" not in items.get("required", []):
        return None
    by_name: Dict[Text, Any] = {}
    cls = validator_for(schema)
    for branch in branches:
        name = branch.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in by_name:
            return None
        by_name[name] = cls(branch)
    outer = copy.deepcopy(schema)
    del outer["properties"]["events"]["items"]["oneOf"]
    return cls(outer), by_name


def is_valid_fast(result: Any) -> bool:
    """True only if ``result`` is valid under the full schema (see the module docstring)."""
    split = _discriminated()
    if split is None:
        return _validator().is_valid(result)
    outer, branches = split
    if not outer.is_valid(result):
        return False
    events = result.get("events") if isinstance(result, dict) else None
    for event in events if isinstance(events, list) else []:
        branch = branches.get(event["event"])  # an object with a string "event": the outer schema checked it
        if branch is None or not branch.is_valid(event):
            return False
    return True


REMEMBERED = 4096
_known_valid: "OrderedDict[bytes, None]" = OrderedDict()


def _key(result: Any) -> Optional[bytes]:
    try:
        return orjson.dumps(result, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # not plain JSON data: never remembered
        return None


def is_valid_remembered(result: Any) -> bool:
    """``is_valid_fast``, remembering responses found valid (see the module docstring)."""
    key = _key(result)
    if key is not None and key in _known_valid:
        _known_valid.move_to_end(key)
        return True
    if not is_valid_fast(result):
        return False
    if key is not None:
        _known_valid[key] = None
        if len(_known_valid) > REMEMBERED:
            _known_valid.popitem(last=False)
    return True


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    if is_valid_remembered(result):
        return True
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


_ORIGINALS: Dict[str, Any] = {}


def install() -> None:
    """Idempotent; keeps Rasa's method from this moment."""
    if "_validate_action_result" not in _ORIGINALS:
        _ORIGINALS["_validate_action_result"] = RemoteAction._validate_action_result
        RemoteAction._validate_action_result = _validate_action_result


def uninstall() -> None:
    """For tests."""
    if "_validate_action_result" in _ORIGINALS:
        RemoteAction._validate_action_result = _ORIGINALS.pop("_validate_action_result")
