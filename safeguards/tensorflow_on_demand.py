"""TensorFlow is imported when something uses it, not because Rasa's command line imports it.

Measured (bench/compare.py, `python -X importtime`): this assistant never runs a TensorFlow
model — its pipeline is spaCy + sparse features + logistic regression and its only policy is
RulePolicy — yet `rasa run` imported TensorFlow (and with it jax and matplotlib): ~340 MB of
the Rasa server's ~710 MB resident memory and several seconds of every start. Two chains did it:

1. ``rasa.core.agent`` → policies → featurizers → ``rasa.nlu.extractors.extractor`` →
   ``import rasa.utils.train_utils`` → ``rasa.utils.tensorflow.callback`` → ``tensorflow``.
   ``extractor`` (and ``crf_entity_extractor``) only call ``train_utils`` functions inside
   methods of TensorFlow/CRF components. Here ``rasa.utils.train_utils`` becomes a *deferred*
   module: a plain ``import rasa.utils.train_utils`` binds it without running it, and the
   first attribute anyone reads runs the real module in place (so ``from rasa.utils.train_utils
   import x`` and every call work exactly as before, just later).
2. Loading a model parses its *training* graph schema too, importing every class in it — among
   them ``DefaultV1RecipeValidator``, which imports DIETClassifier, ResponseSelector and
   TEDPolicy. Serving never uses the training schema, so ``ModelMetadata.from_dict`` keeps it
   serialized and parses it on first read (``rasa train`` reading an old model, telemetry, and
   ``as_dict`` still get the same ``GraphSchema``).

A bot that uses TensorFlow (the stock `rasa init` bot in bench/compare.py) imports it as soon as
its model loads a TensorFlow component, exactly as before.

Installed at interpreter start by the ``dv_help_startup.pth`` file bin/setup writes into the
virtualenv (Rasa's command line imports TensorFlow before it reads config.yml, so a pipeline
entry would be too late). ``install()`` imports nothing heavy and is idempotent.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types
from typing import Any, Callable, Dict, Optional, Sequence

# Modules that run only when one of their attributes is first read.
DEFERRED = ("rasa.utils.train_utils",)

_lock = threading.RLock()


class DeferredModule(types.ModuleType):
    """A module whose code runs, in this very module object, on the first attribute read.

    The import system sets ``__spec__``, ``__file__``, ``__loader__`` … on creation, so
    importing it again (which reads ``__spec__``) does not run it; any other missing attribute
    does. After that it is an ordinary module with the real contents.
    """

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr != "__all__":
            raise AttributeError(attr)
        load(self)
        return types.ModuleType.__getattribute__(self, attr)


def is_pending(module: Any) -> bool:
    """True for a deferred module whose code has not run yet (it cannot hold any object)."""
    return isinstance(module, DeferredModule) and not module.__dict__.get("_dv_loaded", False)


def load(module: DeferredModule) -> None:
    with _lock:
        if module.__dict__.get("_dv_loaded"):
            return
        module.__dict__["_dv_loaded"] = True
        module.__spec__._dv_real_loader.exec_module(module)  # type: ignore[union-attr]


class _DeferringLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return DeferredModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        """Runs nothing now: the first attribute read runs the real loader."""


class _AfterImport(importlib.abc.Loader):
    """Runs the real loader, then ``patch(module)`` (used to patch Rasa classes when they load)."""

    def __init__(self, real: importlib.abc.Loader, patch: Callable[[types.ModuleType], None]) -> None:
        self.real, self.patch = real, patch

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[types.ModuleType]:
        return self.real.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        self.real.exec_module(module)
        self.patch(module)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, deferred: Sequence[str], after: Dict[str, Callable[[types.ModuleType], None]]) -> None:
        self.deferred, self.after = set(deferred), after

    def find_spec(self, name: str, path: Any, target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if name not in self.deferred and name not in self.after:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        if name in self.deferred:
            spec._dv_real_loader = spec.loader  # type: ignore[attr-defined]
            spec.loader = _DeferringLoader()
        else:
            spec.loader = _AfterImport(spec.loader, self.after[name])
        return spec


def _lazy_train_schema(storage: types.ModuleType) -> None:
    """``ModelMetadata.from_dict`` keeps the training schema serialized until it is read."""
    metadata_class = storage.ModelMetadata
    if getattr(metadata_class, "_dv_lazy_train_schema", False):
        return
    original = metadata_class.from_dict.__func__

    class LazyTrainSchemaMetadata(metadata_class):  # type: ignore[misc, valid-type]
        _dv_lazy_train_schema = True

        @property  # type: ignore[override]
        def train_schema(self) -> Any:
            pending = self.__dict__.pop("_dv_train_serialized", None)
            if pending is not None:
                from rasa.engine.graph import GraphSchema

                self.__dict__["train_schema"] = GraphSchema.from_dict(pending)
            return self.__dict__["train_schema"]

        @train_schema.setter
        def train_schema(self, value: Any) -> None:
            self.__dict__.pop("_dv_train_serialized", None)
            self.__dict__["train_schema"] = value

    def from_dict(cls: type, serialized: Dict[str, Any]) -> Any:
        if cls is not metadata_class:
            return original(cls, serialized)
        from rasa.engine.graph import GraphSchema

        metadata = original(cls, {**serialized, "train_schema": {"nodes": {}}})
        metadata.__class__ = LazyTrainSchemaMetadata
        metadata.__dict__["_dv_train_serialized"] = serialized["train_schema"]
        metadata.__dict__["train_schema"] = GraphSchema({})
        return metadata

    LazyTrainSchemaMetadata.__name__ = LazyTrainSchemaMetadata.__qualname__ = metadata_class.__name__
    metadata_class.from_dict = classmethod(from_dict)
    metadata_class._dv_eager_from_dict = classmethod(original)  # Rasa's own, for the tests
    metadata_class._dv_lazy_train_schema = True


AFTER_IMPORT: Dict[str, Callable[[types.ModuleType], None]] = {
    "rasa.engine.storage.storage": _lazy_train_schema,
}


def install() -> None:
    """Idempotent; must run before Rasa's command line is imported to have any effect."""
    if any(isinstance(finder, _Finder) for finder in sys.meta_path):
        return
    if any(name in sys.modules for name in (*DEFERRED, *AFTER_IMPORT)):
        return  # too late in this process: leave Rasa exactly as it is
    sys.meta_path.insert(0, _Finder(DEFERRED, AFTER_IMPORT))
