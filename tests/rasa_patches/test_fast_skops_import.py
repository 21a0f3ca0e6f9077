"""The fast ``whichmodule`` gives skops' answers, and skops trusts exactly the same types with it."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import numpy as np
import pytest
import scipy.special

from rasa_patches import fast_skops_import
from tests.actions.conftest import REPO

pytestmark = pytest.mark.filterwarnings("ignore")


def _pickle_style_whichmodule(obj, name):
    """skops 0.9's ``whichmodule`` (copied from pickle), the reference."""
    from skops.io import _utils

    return getattr(_utils.whichmodule, "_original", _utils.whichmodule)(obj, name)


def test_same_module_for_every_numpy_and_scipy_ufunc():
    fast = fast_skops_import.make_whichmodule(_pickle_style_whichmodule)
    ufuncs = [u for m in (np, scipy.special) for u in vars(m).values() if isinstance(u, np.ufunc)]
    assert len(ufuncs) > 200
    for ufunc in ufuncs:
        assert fast(ufunc, ufunc.__name__) == _pickle_style_whichmodule(ufunc, ufunc.__name__), ufunc


def test_unusual_modules_and_misses(monkeypatch):
    fast = fast_skops_import.make_whichmodule(_pickle_style_whichmodule)
    thing = object()
    lazy = types.ModuleType("dv_lazy_module")
    lazy.__getattr__ = lambda name: thing if name == "lazy_thing" else (_ for _ in ()).throw(AttributeError(name))

    class Custom(types.ModuleType):
        pass

    custom = Custom("dv_custom_module")
    custom.custom_thing = thing
    monkeypatch.setitem(sys.modules, "dv_lazy_module", lazy)
    monkeypatch.setitem(sys.modules, "dv_custom_module", custom)
    monkeypatch.setitem(sys.modules, "dv_not_a_module", 42)
    for name in ("lazy_thing", "custom_thing", "no_such_thing"):
        assert fast(thing, name) == _pickle_style_whichmodule(thing, name)
    assert fast(thing, "lazy_thing") == "dv_lazy_module"
    assert fast(thing, "no_such_thing") == "__main__"
    late = types.ModuleType("dv_late_module")  # a module imported between two calls is seen
    late.late_thing = thing
    monkeypatch.setitem(sys.modules, "dv_late_module", late)
    assert fast(thing, "late_thing") == "dv_late_module"


TRUSTED = """
import json, sys
sys.path.insert(0, {repo!r})
if {install}:
    from rasa_patches import fast_skops_import
    fast_skops_import.install()
import skops.io
from skops.io import _trusted_types as t, _utils
assert getattr(_utils.whichmodule, "_fast", False) == {install}
print(json.dumps({{k: getattr(t, k) for k in dir(t) if k.endswith("_NAMES")}}))
"""


def test_skops_trusts_the_same_types_with_and_without_it():
    lists = []
    for install in (False, True):
        done = subprocess.run(
            [sys.executable, "-c", TRUSTED.format(repo=str(REPO), install=install)], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        lists.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert lists[0] == lists[1]
    assert len(lists[0]["SCIPY_UFUNC_TYPE_NAMES"]) > 100 and len(lists[0]["NUMPY_UFUNC_TYPE_NAMES"]) > 50
