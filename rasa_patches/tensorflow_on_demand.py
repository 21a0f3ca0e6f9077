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

3. ``rasa train`` imports ``default_components`` — every built-in component, TensorFlow ones
   included, only so that their ``register`` decorators map short names to classes — and
   builds the training graph with ``DefaultV1RecipeValidator``, whose module imports
   DIETClassifier, ResponseSelector and TEDPolicy only to check whether the pipeline contains
   them (set membership, and their names in warnings). When config.yml names none of the six
   TensorFlow components, both modules are imported against stand-in classes with the same
   names: the pipeline cannot contain them, so every name resolves to the same class, every
   check gives the same verdict and every warning the same text. A configuration that names
   one of them (later in the same process, too) re-imports both with the real classes first.

A bot that uses TensorFlow (the stock `rasa init` bot in bench/compare.py) imports it as soon as
its configuration names or its model loads a TensorFlow component, exactly as before.

Installed first by bin/rasa, before Rasa's command line is imported (it imports TensorFlow before
it reads config.yml, so nothing in the model could do it). ``install()`` imports nothing heavy
and is idempotent.
"""

from __future__ import annotations

import importlib
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
        module.__spec__._dv_real_loader.exec_module(module)  # type: ignore[union-attr]  # set on every imported module


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
            spec._dv_real_loader = spec.loader  # type: ignore[attr-defined]  # our note on the spec
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

    class LazyTrainSchemaMetadata(metadata_class):  # type: ignore[misc, valid-type]  # a class known at run time only
        _dv_lazy_train_schema = True

        @property
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


VALIDATOR = "rasa.graph_components.validators.default_recipe_validator"
DEFAULT_COMPONENTS = "rasa.engine.recipes.default_components"
# Modules that import TensorFlow components only to register them by name (default_components)
# or to test whether the pipeline contains them (the validator) ...
STAND_IN_USERS = (DEFAULT_COMPONENTS, VALIDATOR)
# ... and those components, by module.
TENSORFLOW_COMPONENTS = {
    "rasa.nlu.classifiers.diet_classifier": "DIETClassifier",
    "rasa.nlu.selectors.response_selector": "ResponseSelector",
    "rasa.core.policies.ted_policy": "TEDPolicy",
    "rasa.core.policies.unexpected_intent_policy": "UnexpecTEDIntentPolicy",
    "rasa.nlu.featurizers.dense_featurizer.lm_featurizer": "LanguageModelFeaturizer",
    "rasa.nlu.featurizers.dense_featurizer.convert_featurizer": "ConveRTFeaturizer",
}


def names_tensorflow_component(config: Dict[str, Any]) -> bool:
    """Does config.yml name one of the validator's TensorFlow classes (short or dotted name)?"""
    wanted = set(TENSORFLOW_COMPONENTS.values())
    for section in ("pipeline", "policies"):
        for item in config.get(section) or []:
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str) or name.rsplit(".", 1)[-1] in wanted:
                return True
    return False


def _import_with_stand_ins() -> None:
    """Imports default_components and the validator against stand-in TensorFlow classes."""
    saved = {name: sys.modules.get(name) for name in TENSORFLOW_COMPONENTS}
    try:
        for module_name, class_name in TENSORFLOW_COMPONENTS.items():
            stand_in = types.ModuleType(module_name)
            setattr(stand_in, class_name, type(class_name, (), {"__module__": module_name, "_dv_stand_in": True}))
            sys.modules[module_name] = stand_in
        for user in STAND_IN_USERS:
            importlib.import_module(user)._dv_stand_ins = True  # type: ignore[attr-defined]  # our note on the module
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def _with_real_classes() -> None:
    """Re-imports what was imported against stand-ins (registering the real components)."""
    for user in STAND_IN_USERS:
        loaded = sys.modules.get(user)
        if loaded is not None and getattr(loaded, "_dv_stand_ins", False):
            importlib.reload(loaded).__dict__["_dv_stand_ins"] = False


def _validator_without_tensorflow(default_recipe: types.ModuleType) -> None:
    recipe = default_recipe.DefaultV1Recipe
    original = recipe._create_train_nodes
    if getattr(original, "_dv_stand_ins", False):
        return

    def _create_train_nodes(self: Any, config: Dict[str, Any], cli_parameters: Dict[str, Any]) -> Any:
        with _lock:
            if names_tensorflow_component(config):
                _with_real_classes()
            elif not any(user in sys.modules for user in STAND_IN_USERS) and not any(
                name in sys.modules for name in TENSORFLOW_COMPONENTS
            ):
                _import_with_stand_ins()
        return original(self, config, cli_parameters)

    _create_train_nodes._dv_stand_ins = True  # type: ignore[attr-defined]  # a marker on the function
    recipe._create_train_nodes = _create_train_nodes


AFTER_IMPORT: Dict[str, Callable[[types.ModuleType], None]] = {
    "rasa.engine.storage.storage": _lazy_train_schema,
    "rasa.engine.recipes.default_recipe": _validator_without_tensorflow,
}


def install() -> None:
    """Idempotent; must run before Rasa's command line is imported (else it raises, and
    rasa_patches.install leaves Rasa exactly as it is)."""
    if any(isinstance(finder, _Finder) for finder in sys.meta_path):
        return
    late = [name for name in (*DEFERRED, *AFTER_IMPORT) if name in sys.modules]
    if late:
        raise RuntimeError(f"too late in this process: {', '.join(late)} already imported")
    sys.meta_path.insert(0, _Finder(DEFERRED, AFTER_IMPORT))
