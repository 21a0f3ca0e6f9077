"""DV_PATCHES chooses the patches; a patch that does not fit is skipped with one warning and
Rasa's own code runs; nothing of the patches is in the model or in the virtualenv."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
import sysconfig
import textwrap

import pytest
import yaml
from rasa.shared.core.events import Event

from rasa_patches import event_types, install
from rasa_patches.registry import BY_NAME, PATCHES
from tests.actions.conftest import REPO


@pytest.fixture(autouse=True)
def _fresh_status(monkeypatch):
    """A fresh status, and Rasa's own ``Event.resolve_by_type`` before and after (other tests install it)."""
    monkeypatch.setattr(install, "status", {})
    event_types.uninstall()
    yield
    event_types.uninstall()


def _warnings(caplog, name: str) -> list:
    return [r for r in caplog.records if r.levelno == logging.WARNING and name in r.getMessage()]


def test_selection():
    assert install.selection(None) == (list(PATCHES), [])
    assert install.selection("all") == (list(PATCHES), [])
    assert install.selection("none") == ([], [])
    assert install.selection(" rule_lookup , event_types") == ([BY_NAME["event_types"], BY_NAME["rule_lookup"]], [])
    assert install.selection("rule_lookup,no_such_patch") == ([BY_NAME["rule_lookup"]], ["no_such_patch"])


def test_an_unknown_name_warns_and_installs_nothing(caplog):
    assert install.install("no_such_patch") == {}
    assert len(_warnings(caplog, "no_such_patch")) == 1


def test_a_mismatching_hash_skips_that_patch_with_one_warning(caplog, monkeypatch):
    rasas = Event.__dict__["resolve_by_type"]
    entry = BY_NAME["event_types"]
    target = next(iter(entry.targets))
    changed = dataclasses.replace(entry, targets={**entry.targets, target: "0" * 64})
    monkeypatch.setattr(install, "PATCHES", tuple(changed if p is entry else p for p in PATCHES))
    monkeypatch.setattr(install, "BY_NAME", {**BY_NAME, entry.name: changed})
    status = install.install("event_types")
    assert status["event_types"].startswith("skipped: ") and target in status["event_types"]
    assert len(_warnings(caplog, "event_types")) == 1
    assert Event.__dict__["resolve_by_type"] is rasas


def test_a_target_that_is_gone_skips_that_patch(caplog):
    entry = dataclasses.replace(BY_NAME["event_types"], targets={"rasa.shared.core.events:Event.gone": "0" * 64})
    install.install_patch(entry)
    assert "not found" in install.status["event_types"]
    assert len(_warnings(caplog, "event_types")) == 1


def test_a_raising_install_is_undone_and_skipped(caplog, monkeypatch):
    rasas = Event.__dict__["resolve_by_type"]
    real_install = event_types.install

    def half_done() -> None:
        real_install()
        raise AttributeError("something Rasa renamed")

    monkeypatch.setattr(event_types, "install", half_done)
    status = install.install("event_types")
    assert status == {"event_types": "skipped: AttributeError: something Rasa renamed"}
    assert len(_warnings(caplog, "event_types")) == 1
    assert Event.__dict__["resolve_by_type"] is rasas
    assert Event.resolve_by_type("user").__name__ == "UserUttered"


def test_a_patch_waiting_for_its_module_is_skipped_if_it_fails_then(caplog, monkeypatch, tmp_path):
    (tmp_path / "dv_fake_target.py").write_text("def f():\n    return 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from rasa_patches import source

    pinned = source.sha256(source.static("dv_fake_target:f"))
    entry = install.Patch("dv_no_such_module", {"dv_fake_target:f": pinned}, "serving", "-", after_import="dv_fake_target")
    try:
        install.install_patch(entry)
        assert install.status["dv_no_such_module"] == "waiting for dv_fake_target"
        assert not _warnings(caplog, "dv_no_such_module")
        import dv_fake_target

        assert dv_fake_target.f() == 1
        assert install.status["dv_no_such_module"].startswith("skipped: ModuleNotFoundError")
        assert len(_warnings(caplog, "dv_no_such_module")) == 1
    finally:
        sys.modules.pop("dv_fake_target", None)


def _installed_in_a_new_process(value: str) -> dict:
    code = textwrap.dedent("""
        import json, sys
        from rasa_patches.install import install
        status = install()
        print(json.dumps({"status": status,
                          "modules": sorted(m for m in sys.modules if m.startswith("rasa_patches."))}))
    """)
    env = {**os.environ, "DV_PATCHES": value, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_none_installs_nothing():
    found = _installed_in_a_new_process("none")
    assert found["status"] == {}
    assert set(found["modules"]) <= {
        "rasa_patches.install",
        "rasa_patches.source",
        "rasa_patches.registry",
        "rasa_patches.after_import",
    }


def test_a_list_installs_exactly_those():
    found = _installed_in_a_new_process("event_types,rule_lookup")
    assert found["status"] == {"rule_lookup": "installed", "event_types": "installed"}
    patch_modules = {m.split(".")[1] for m in found["modules"]} & set(BY_NAME)
    assert patch_modules == {"rule_lookup", "event_types"}


def test_all_installs_every_patch_or_waits_for_its_module():
    found = _installed_in_a_new_process("all")
    assert found["status"] == {
        p.name: "installed" if p.after_import is None else f"waiting for {p.after_import}" for p in PATCHES
    }


def test_nothing_of_the_patches_is_in_the_model_or_the_virtualenv():
    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    assert "importers" not in config
    names = [entry["name"] for section in ("pipeline", "policies") for entry in config[section]]
    assert not [
        name for name in names if name.startswith(("rasa_patches", "safeguards.speedups", "safeguards.remote_action_validation"))
    ]
    setup = (REPO / "bin" / "setup").read_text(encoding="utf-8")
    fingerprinted = next(line for line in setup.splitlines() if line.startswith("inputs=$(fingerprint"))
    assert "rasa_patches" not in fingerprinted and "safeguards" not in fingerprinted
    site = sysconfig.get_paths()["purelib"]
    assert not [path for path in os.listdir(site) if path.endswith(".pth") and "dv_help" in path]
