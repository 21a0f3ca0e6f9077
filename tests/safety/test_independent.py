"""Safety stands on its own: no module of safety/ imports a speed patch, so it works with every
patch off (and a patch that fails to install cannot take safety down with it)."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import safety

REPO = Path(__file__).resolve().parents[2]
PATCH_PACKAGES = ("safeguards", "rasa_patches")
MODULES = sorted(f"safety.{m.name}" for m in pkgutil.iter_modules(safety.__path__))


def test_every_module_is_listed():
    assert {
        "safety.action_net",
        "safety.in_process_actions",
        "safety.in_server",
        "safety.erase",
        "safety.purge",
        "safety.tracker_store",
        "safety.lock_store",
        "safety.message_bounds",
        "safety.fallback",
    } <= set(MODULES)


def test_importing_and_installing_safety_loads_no_patch_module():
    """In a fresh interpreter: import every safety module, install safety as the model's load
    does, build the in-server whitelist and every fallback text. Modules loaded before the
    first import (a start-up hook of the environment) are not safety's doing and are ignored."""
    script = f"""
import json, sys
before = set(sys.modules)
import importlib
for name in {MODULES!r}:
    importlib.import_module(name)
from safety import fallback, in_process_actions, in_server, message_bounds
in_server.install()
assert in_process_actions.executor_for("actions.help_form", frozenset({{"action_validate_slot_mappings"}})) is not None
for lang in ("ru", "be", "en"):
    fallback.unavailable_text(lang), message_bounds.too_long_reply(lang)
print(json.dumps(sorted(m for m in set(sys.modules) - before if m.split(".")[0] in {PATCH_PACKAGES!r})))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_no_safety_source_names_a_patch_package():
    """Also the imports inside functions, which the subprocess above may not reach."""
    for path in sorted((REPO / "safety").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] in PATCH_PACKAGES for name in names), (path.name, names)
