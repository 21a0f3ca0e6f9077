"""Copy nested dicts and lists down to their plain values, which are shared as they are.

``copy.deepcopy`` (and ``dataclasses.asdict``, which calls it per leaf) pays its generic protocol
and memo for every string and number, which it returns unchanged anyway. The speed-ups that
must hand out independent copies (``active_loop_copy``) rebuild dicts and
lists here and pass every other kind of value to their own rule.
"""

from __future__ import annotations

from typing import Any, Callable

AS_IS = frozenset({str, int, float, bool, type(None)})


def copy_plain(value: Any, other: Callable[[Any], Any]) -> Any:
    """New dicts and lists all the way down (keys copied like values); ``str``, ``int``,
    ``float``, ``bool`` and ``None`` as they are; anything else is ``other(value)``."""
    kind = type(value)
    if kind in AS_IS:
        return value
    if kind is dict:
        return {copy_plain(key, other): copy_plain(item, other) for key, item in value.items()}
    if kind is list:
        return [copy_plain(item, other) for item in value]
    return other(value)
