"""Rasa's debug-log arguments are not deep-copied when debug logging is off.

Why (measured with py-spy on the Rasa server during the bench flows): 2.8 % of the server's CPU
per turn went to ``copy.deepcopy`` of events, parse data and slot candidates whose only use is
as arguments of ``structlogger.debug(...)`` in ``rasa.core.processor``,
``rasa.core.actions.forms`` and ``rasa.core.policies.rule_policy`` (the rule states of every
prediction) — e.g. ``structlogger.debug("processor.actions.log",
rasa_events=copy.deepcopy(events))`` after every action. Python evaluates the arguments before
structlog's filtering logger (configured at INFO, where these calls do nothing) drops them.

What it does: in those two modules, and only there, the name ``copy`` is pointed at a namespace
that is the ``copy`` module except for ``deepcopy``, which returns its argument unchanged when
structlog's configured logger drops debug calls, and is ``copy.deepcopy`` otherwise (``--debug``).
It is safe because, in those modules, ``copy`` is used for nothing else —
tests/rasa_patches/test_debug_log_copies.py reads their source and fails if that changes.
"""

from __future__ import annotations

import copy
import types
from typing import Any

import structlog

MODULES = ("rasa.core.processor", "rasa.core.actions.forms", "rasa.core.policies.rule_policy")


def debug_dropped() -> bool:
    """True when structlog's configured logger turns debug calls into no-ops (Rasa's INFO)."""
    wrapper = structlog.get_config().get("wrapper_class")
    return getattr(getattr(wrapper, "debug", None), "__name__", "") == "_nop"


def deepcopy(value: Any, memo: Any = None) -> Any:
    """``copy.deepcopy``, or the value itself when nobody will log it."""
    if memo is None and debug_dropped():
        return value
    return copy.deepcopy(value, memo)


_namespace = types.SimpleNamespace(**{**vars(copy), "deepcopy": deepcopy})


def install() -> None:
    """Idempotent."""
    import importlib

    for name in MODULES:
        module: Any = importlib.import_module(name)
        module.copy = _namespace


def uninstall() -> None:
    """For tests."""
    import importlib

    for name in MODULES:
        module: Any = importlib.import_module(name)
        module.copy = copy
