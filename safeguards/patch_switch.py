"""TEMPORARY (ablation, issue 18): ``DV_PATCHES=all|none|a,b`` read by each patch's install().

The patches branch provides the real switch (``rasa_patches``); drop this module and its calls
at merge.
"""
from __future__ import annotations

import os


def enabled(name: str) -> bool:
    """Whether the patch ``name`` (its module's basename) is switched on; unset means all."""
    value = os.environ.get("DV_PATCHES", "all").strip()
    if value in ("", "all"):
        return True
    if value == "none":
        return False
    return name in {part.strip() for part in value.split(",")}
