"""Run a function right after a module is first imported (or now, if it already is).

The training speed-ups patch scikit-learn-, spaCy- and Rasa-NLU-side functions. Importing those
modules just to patch them would cost ``rasa data validate`` (which reads config.yml's importer
too, but never trains) about 2 s of imports (measured with ``python -X importtime``:
CountVectorsFeaturizer 1.3 s, spaCy 0.6 s). Instead the patch waits for the module: a
meta-path finder lets the normal finders find it and wraps its loader so that the callback runs
right after the module's code, before anyone can use the module.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, Sequence

Callback = Callable[[ModuleType], None]

_lock = threading.Lock()
_pending: Dict[str, List[Callback]] = {}


class _Loader(importlib.abc.Loader):
    """The module's own loader; runs the callbacks after ``exec_module``."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def create_module(self, spec: Any) -> Optional[ModuleType]:
        return self.wrapped.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.wrapped.exec_module(module)
        with _lock:
            callbacks = _pending.pop(module.__name__, [])
        for callback in callbacks:
            callback(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, … as the real loader
        return getattr(self.wrapped, name)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Any = None) -> Any:
        if fullname not in _pending:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def when_imported(module_name: str, callback: Callback) -> None:
    """``callback(module)`` now if ``module_name`` is imported, else right after its import."""
    module = sys.modules.get(module_name)
    if module is not None:
        callback(module)
        return
    with _lock:
        _pending.setdefault(module_name, []).append(callback)
        if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
            sys.meta_path.insert(0, _Finder())
