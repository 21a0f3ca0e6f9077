"""Every registry entry fits the installed libraries: its pinned hashes are those of the targets'
source as ``inspect.getsource`` reads it, its module exists and can be installed and undone."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap

import pytest

from rasa_patches import source
from rasa_patches.registry import BY_NAME, COLD_START, CORRECTNESS, PATCHES, SERVING, TRAINING
from tests.actions.conftest import REPO

TARGETS = sorted({target for patch in PATCHES for target in patch.targets})


def _live_hashes() -> dict:
    """``inspect.getsource`` of every target, in a fresh interpreter where no patch is installed
    (in this one, tests install and undo patches, and a patched target's source would be ours)."""
    code = textwrap.dedent(f"""
        import json
        from rasa_patches import source
        print(json.dumps({{t: source.sha256(source.live(t)) for t in {TARGETS!r}}}))
    """)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def live_hashes() -> dict:
    return _live_hashes()


@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.name)
def test_every_pinned_hash_is_the_installed_source(patch, live_hashes):
    for target, pinned in patch.targets.items():
        assert live_hashes[target] == pinned, (
            f"{patch.name}: {target} is not the source this patch was written against — review "
            f"rasa_patches/{patch.name}.py against it, then pin {live_hashes[target]}"
        )


def test_the_launcher_reads_the_same_source_without_importing(live_hashes):
    assert {target: source.sha256(source.static(target)) for target in TARGETS} == live_hashes


@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.name)
def test_every_entry_names_a_module_that_installs(patch):
    assert patch.name == patch.name.strip() and patch.name in BY_NAME
    assert patch.purpose in (SERVING, TRAINING, COLD_START, CORRECTNESS)
    assert patch.gain and "\n" not in patch.gain
    assert patch.targets and all(len(h) == 64 for h in patch.targets.values())
    assert (REPO / "rasa_patches" / f"{patch.name}.py").is_file()
    if patch.after_import is None or patch.name == "tensorflow_on_demand":
        return  # importing it here would run what it waits for, or it must come before Rasa
    module = importlib.import_module(f"rasa_patches.{patch.name}")
    assert callable(module.install)


def test_every_patch_module_has_an_entry():
    helpers = {"__init__", "registry", "install", "launch", "source", "table", "after_import", "plain_copy"}
    modules = {path.stem for path in (REPO / "rasa_patches").glob("*.py")} - helpers
    assert modules == set(BY_NAME)
