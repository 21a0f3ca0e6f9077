"""TEMPORARY (ablation, issue 18; drop when bin/rasa exists): today's tensorflow_on_demand hook is a
.pth line in the shared virtualenv that points at whichever worktree last ran bin/setup (and
breaks when that copy is gone). bench.ablation puts this directory on PYTHONPATH for the Rasa
processes it starts with the patch on, so they install this worktree's copy themselves."""
import importlib.util
import sys
from pathlib import Path

_path = Path(__file__).resolve().parents[2] / "safeguards" / "tensorflow_on_demand.py"
_spec = importlib.util.spec_from_file_location("safeguards.tensorflow_on_demand", _path)
if _spec is not None and _spec.loader is not None:
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = _module
    _spec.loader.exec_module(_module)
    _module.install()
