"""Install the patches chosen by ``DV_PATCHES``, each one fail-soft.

``DV_PATCHES``: ``all`` (the default), ``none``, or names from the registry separated by commas
(``DV_PATCHES=event_types,rule_lookup``). For each selected patch, in registry order: every
target's source is read from its file and compared with the pinned SHA-256; then the patch's
module is imported and its ``install()`` runs — now, or right after Rasa imports the module the
entry names in ``after_import``. A hash mismatch, a target that is gone, or any exception while
importing or installing skips that patch with ONE warning naming it (a half-done install is
undone with the module's ``uninstall()``), and Rasa's own code runs. An unknown name warns too.

Only bin/rasa (``python -m rasa_patches.launch``) calls this: plain ``rasa`` stays unpatched.
"""

from __future__ import annotations

import importlib
import logging
import os
from types import ModuleType
from typing import Dict, List, Optional, Tuple

from rasa_patches import source
from rasa_patches.after_import import when_imported
from rasa_patches.registry import BY_NAME, PATCHES, Patch

logger = logging.getLogger(__name__)
VARIABLE = "DV_PATCHES"

# name → "installed", "waiting for <module>" or "skipped: <why>" (what this process did)
status: Dict[str, str] = {}


def selection(value: Optional[str]) -> Tuple[List[Patch], List[str]]:
    """(the patches ``value`` selects, in registry order; the names it gives that are unknown)."""
    value = (value or "all").strip()
    if value == "all":
        return list(PATCHES), []
    if value == "none":
        return [], []
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in BY_NAME]
    return [patch for patch in PATCHES if patch.name in names], unknown


def mismatch(patch: Patch) -> Optional[str]:
    """Why ``patch`` does not fit the installed libraries, or None if every target's hash matches."""
    for target, expected in patch.targets.items():
        try:
            found = source.sha256(source.static(target))
        except (OSError, LookupError, ImportError, SyntaxError, ValueError) as error:
            return f"{target} not found ({error})"
        if found != expected:
            return f"{target} changed (source SHA-256 {found[:12]}…, pinned {expected[:12]}…)"
    return None


def _skip(patch: Patch, why: str) -> None:
    status[patch.name] = f"skipped: {why}"
    logger.warning("rasa_patches: %s not installed, Rasa's own code runs: %s", patch.name, why)


def _apply(patch: Patch) -> None:
    module: Optional[ModuleType] = None
    try:
        module = importlib.import_module(f"rasa_patches.{patch.name}")
        module.install()
    except Exception as error:  # any failure: that patch is skipped, Rasa keeps running
        uninstall = getattr(module, "uninstall", None)
        try:
            if uninstall is not None:
                uninstall()
        except Exception:  # best effort: the warning below names the patch
            pass
        _skip(patch, f"{type(error).__name__}: {error}")
        return
    status[patch.name] = "installed"


def install_patch(patch: Patch) -> None:
    """Check ``patch``'s hashes now; install it now or when its ``after_import`` module loads."""
    why = mismatch(patch)
    if why is not None:
        _skip(patch, why)
        return
    if patch.after_import is None:
        _apply(patch)
        return
    status[patch.name] = f"waiting for {patch.after_import}"

    def when_loaded(_: ModuleType) -> None:
        _apply(patch)

    when_imported(patch.after_import, when_loaded)


def install(value: Optional[str] = None) -> Dict[str, str]:
    """Install what ``value`` (default: ``$DV_PATCHES``) selects; returns ``status``."""
    value = os.environ.get(VARIABLE, "all") if value is None else value
    chosen, unknown = selection(value)
    for name in unknown:
        logger.warning("rasa_patches: %s=%s: no patch is called %r (known: %s)", VARIABLE, value, name, ", ".join(BY_NAME))
    for patch in chosen:
        install_patch(patch)
    return status
