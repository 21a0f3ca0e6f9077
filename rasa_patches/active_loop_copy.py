"""The tracker's active loop is copied for every action call without ``copy.deepcopy`` per value.

Why (measured with py-spy on the Rasa server during the bench flows): building an action call's
tracker state (``DialogueStateTracker.current_state``) was 5 % of the server's CPU samples, and
more than half of those were in ``dataclasses.asdict(self.active_loop)``. Timed directly on a
tracker with the help form active: ``asdict`` of the loop 33 → 8 µs, ``current_state`` 64 →
38 µs (a form started by a typed message carries a bigger parse, so more). ``asdict`` copies the loop's
``trigger_message`` — the whole parse of the message that started the form, with its intent
ranking and entities — by recursing into every dict and list and calling ``copy.deepcopy`` on
every leaf, even on strings and numbers, which ``deepcopy`` returns unchanged.

What it does: ``current_state`` is the only caller of ``asdict`` in ``rasa.shared.core.trackers``;
that module's name ``dataclasses`` is pointed at a namespace that is the ``dataclasses`` module
with one function replaced. The replacement gives ``asdict``'s result: it recurses the same way
into dataclass fields, ``dict``, ``list`` and plain ``tuple`` (building new ones), returns ``str``, ``int``,
``float``, ``bool`` and ``None`` as they are (what ``deepcopy`` returns for them), and hands every
other value (tuples, numpy numbers, other classes) to ``dataclasses``' own code. So the copy is
as deep as before. Tested against ``dataclasses.asdict`` in tests/rasa_patches/test_active_loop_copy.py.
"""

from __future__ import annotations

import dataclasses
import types
from typing import Any

import rasa.shared.core.trackers as trackers

from rasa_patches.plain_copy import copy_plain


def _other(value: Any) -> Any:
    if type(value) is tuple:  # a parse's ``text_tokens``: what ``_asdict_inner`` builds for a plain tuple
        return tuple(_copy(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _copy(getattr(value, field.name)) for field in dataclasses.fields(value)}
    return dataclasses._asdict_inner(value, dict)  # type: ignore[attr-defined]  # tuples, numpy, ...


def _copy(value: Any) -> Any:
    return copy_plain(value, _other)


def asdict(obj: Any, *, dict_factory: Any = dict) -> Any:
    """``dataclasses.asdict`` with the same result, without ``deepcopy`` on plain values."""
    if dict_factory is not dict or not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return dataclasses.asdict(obj, dict_factory=dict_factory)
    return _copy(obj)


_namespace = types.SimpleNamespace(**{**vars(dataclasses), "asdict": asdict})


def install() -> None:
    """Idempotent."""
    trackers.dataclasses = _namespace


def uninstall() -> None:
    """For tests."""
    trackers.dataclasses = dataclasses
