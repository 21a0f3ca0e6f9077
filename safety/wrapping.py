"""Wrapping a framework method once, whatever else wraps it (safety's two ``RemoteAction.run``
wrappers, and any speed patch, may be installed in any order)."""

from __future__ import annotations

from typing import Any


def wrapped_with(function: Any, mark: str) -> bool:
    """Whether a wrapper carrying ``mark`` is anywhere in ``function``'s ``__wrapped__`` chain."""
    for _ in range(32):  # a chain is a handful deep; the bound guards against a cycle
        if function is None:
            return False
        if getattr(function, mark, False):
            return True
        function = getattr(function, "__wrapped__", None)
    return False
