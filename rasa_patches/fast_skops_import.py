"""Make ``import skops.io`` take a fraction of a second inside Rasa instead of 8–11 s.

Why (measured, not guessed): Rasa 3.6's ``LogisticRegressionClassifier`` persists and loads its
model with skops, importing ``skops.io`` inside ``load``/``persist``. That import builds skops'
lists of trusted numpy / scipy ufunc names (``skops.io._trusted_types``) with ``whichmodule``,
copied from ``pickle``: ufuncs have no ``__module__``, so for each of ~765 ufuncs it walks *all of
sys.modules* and, for every module that lacks the name, raises an ``AttributeError`` whose message
includes ``repr(module)``. In a bare interpreter (~1,400 modules) that costs 1.2 s; inside
``rasa run`` (~6,000 modules: TensorFlow, jax, sanic, …) it cost 8.0 s in isolation and 11.1 s
of the server's 26.7 s cold start (start-up timeline of ``rasa run --debug``; cProfile showed
1.27 M ``_getattribute`` calls and 2.5 M ``str.format`` calls for those messages). ``rasa train``
pays the same cost when the classifier is persisted.

``whichmodule`` below returns what skops' version returns — the first module in ``sys.modules``
order whose attribute ``name`` *is* the object — without an exception per miss: plain modules
(no PEP 562 ``__getattr__``) are looked up through an index ``(attribute, id(value)) → first
module`` over their namespaces, built per object type and rebuilt whenever ``sys.modules`` or the
size of any module namespace changes (a hit is re-checked against the namespace); other entries
of ``sys.modules`` get ``getattr(module, name, default)`` in their place in the order, as the
original's ``getattr`` would. Dotted names and ``<locals>`` go to the original. Measured inside
the Rasa server: the trusted lists take 0.5 s instead of 8 s and are identical (tested).

The function must be swapped in right after ``skops.io._utils`` is executed (``skops.io``'s
package ``__init__`` imports ``_utils`` and immediately builds the trusted lists from it, so
there is no other moment to do it): bin/rasa installs this patch from an import hook on that
module (the registry's ``after_import``). If ``skops.io`` is already imported, the function is
replaced in place (later saves and loads still benefit).
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, Dict, List, Tuple

from rasa_patches.after_import import when_imported
from rasa_patches.tensorflow_on_demand import is_pending

TARGET = "skops.io._utils"
_MISSING = object()
_MODULE_TYPE_NAMES = frozenset(dir(ModuleType))


class _Plan:
    """``sys.modules`` in order, split into runs of plain modules (read through their
    ``__dict__``) and single other entries (read with ``getattr``, as the original does). For
    each type asked about, every run gets an index ``(attribute name, id(value)) → first module``
    over the values of that type."""

    def __init__(self, snapshot: Dict[str, Any]) -> None:
        self.steps: List[Tuple[Any, ...]] = []
        names: List[str] = []
        dicts: List[Dict[str, Any]] = []
        for module_name, module in snapshot.items():
            if module_name == "__main__" or module_name == "__mp_main__" or module is None:
                continue
            if type(module) is ModuleType and "__getattr__" not in module.__dict__:
                names.append(module_name)
                dicts.append(module.__dict__)
                continue
            if names:
                self.steps.append(("dicts", names, dicts, {}))
                names, dicts = [], []
            self.steps.append(("getattr", module_name, module))
        if names:
            self.steps.append(("dicts", names, dicts, {}))
        self.dicts = [d for step in self.steps if step[0] == "dicts" for d in step[2]]
        self.sizes = self._sizes()

    def _sizes(self) -> Tuple[int, ...]:
        return tuple(map(len, self.dicts))

    def still_valid(self) -> bool:
        """No module dict gained or lost a name (e.g. a PEP 562 ``__getattr__``)."""
        return self._sizes() == self.sizes

    @staticmethod
    def index(step: Tuple[Any, ...], kind: type) -> Dict[Tuple[str, int], Tuple[str, Dict[str, Any]]]:
        by_kind = step[3]
        if kind not in by_kind:
            found: Dict[Tuple[str, int], Tuple[str, Dict[str, Any]]] = {}
            for module_name, namespace in zip(step[1], step[2], strict=False):
                for attribute, value in namespace.items():
                    if type(value) is kind:
                        found.setdefault((attribute, id(value)), (module_name, namespace))
            by_kind[kind] = found
        return by_kind[kind]


def make_whichmodule(original: Any) -> Any:
    cache: Dict[str, Any] = {}

    def whichmodule(obj: Any, name: str) -> str:
        """Same answer as skops' (pickle's) ``whichmodule``, without an exception per miss."""
        module_name = getattr(obj, "__module__", None)
        if module_name is not None:
            return module_name
        if obj is None or "." in name or name == "<locals>" or name in _MODULE_TYPE_NAMES:
            return original(obj, name)
        snapshot = sys.modules.copy()
        plan = cache.get("plan")
        if plan is None or cache.get("snapshot") != snapshot or not plan.still_valid():
            plan = cache["plan"] = _Plan(snapshot)
            cache["snapshot"] = snapshot
        kind = type(obj)
        for step in plan.steps:
            if step[0] == "dicts":
                hit = _Plan.index(step, kind).get((name, id(obj)))
                if hit is not None:
                    if hit[1].get(name) is obj:
                        return hit[0]
                    return original(obj, name)  # a module attribute was reassigned since: be exact
            elif is_pending(step[2]):
                continue  # a deferred module that has not run holds nothing (tensorflow_on_demand)
            elif getattr(step[2], name, _MISSING) is obj:  # like the original: only AttributeError is a miss
                return step[1]
        return "__main__"

    whichmodule._fast = True  # type: ignore[attr-defined]  # a marker on the function
    whichmodule._original = original  # type: ignore[attr-defined]  # a marker on the function
    return whichmodule


def _patch(utils: Any) -> None:  # skops.io._utils
    if not getattr(utils.whichmodule, "_fast", False):
        utils.whichmodule = make_whichmodule(utils.whichmodule)


def install() -> None:
    """Idempotent; see the module docstring for why and when."""
    when_imported(TARGET, _patch)
