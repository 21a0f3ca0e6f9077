"""The project's NLU training data run through config.yml's NLU components one by one, as
``rasa train`` runs them, with Rasa's own code — the reference the training speed-ups are
compared with (computed once per test session: spaCy over 3,470 messages takes a few seconds)."""

from __future__ import annotations

import atexit
import contextlib
import copy
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_yaml_file
from rasa.utils.common import override_defaults

from tests.actions.conftest import REPO


@contextlib.contextmanager
def speedups(active: bool) -> Iterator[None]:
    """All training speed-ups installed (True) or Rasa's and spaCy's own functions (False) inside
    the block; afterwards each is as it was."""
    from rasa_patches import fast_fingerprint, fit_gc_pause, lemma_cache, training_matrix

    modules = (fast_fingerprint, training_matrix, fit_gc_pause, lemma_cache)
    installed = [bool(module._ORIGINALS) for module in modules]
    for module in modules:
        (module.install if active else module.uninstall)()
    try:
        yield
    finally:
        for module, was in zip(modules, installed, strict=False):
            (module.install if was else module.uninstall)()


def config_pipeline() -> List[Dict[str, Any]]:
    return read_yaml_file(REPO / "config.yml")["pipeline"]


def component_config(cls: type, name: str, index: int = 0) -> Dict[str, Any]:
    """config.yml's settings of the ``index``-th pipeline entry called ``name``, with defaults."""
    entry = dict([e for e in config_pipeline() if e["name"] == name][index])
    entry.pop("name")
    return override_defaults(cls.get_default_config(), entry)


def project_nlu_data(language: str = "ru") -> TrainingData:
    """The NLU data as Rasa's own file importer reads it (the graph asks for config's ``ru``)."""
    importer = RasaFileImporter(str(REPO / "config.yml"), str(REPO / "domain.yml"), [str(REPO / "data")])
    return importer.get_nlu_data(language)


def light_copy(data: TrainingData) -> TrainingData:
    """A copy whose messages can take new features and data keys without touching the original.
    Tokens, spaCy docs and existing ``Features`` are shared (nothing compared here changes them);
    deep-copying 3,470 spaCy docs would take seconds."""
    copied = copy.copy(data)
    copied.training_examples = [
        Message(data=dict(m.data), output_properties=set(m.output_properties), time=m.time, features=list(m.features))
        for m in data.training_examples
    ]
    return copied


def _context(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), name)


@functools.lru_cache(maxsize=None)
def _staged() -> Tuple[Dict[str, TrainingData], Dict[str, Any]]:
    with speedups(False):
        return _run_stages()


def _run_stages() -> Tuple[Dict[str, TrainingData], Dict[str, Any]]:
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    from components.place_extractor import PlaceExtractor

    directory = tempfile.mkdtemp(prefix="dv-nlu-pipeline-")
    atexit.register(shutil.rmtree, directory, True)
    storage = LocalModelStorage(Path(directory))
    stages: Dict[str, TrainingData] = {}
    components: Dict[str, Any] = {}
    data = project_nlu_data()
    stages["provided"] = copy.deepcopy(data)  # no spaCy docs yet: cheap to copy
    spacy_config = component_config(SpacyNLP, "SpacyNLP")
    spacy_config["model"] = str(REPO / spacy_config["model"])
    nlp = SpacyNLP.create(spacy_config, storage, Resource("spacy"), _context("SpacyNLP"))
    model = nlp.provide()
    components["spacy_model"] = model
    data = nlp.process_training_data(data, model)
    data = SpacyTokenizer.create(
        component_config(SpacyTokenizer, "SpacyTokenizer"), storage, Resource("tok"), _context("SpacyTokenizer")
    ).process_training_data(data)
    places = PlaceExtractor.create(
        component_config(PlaceExtractor, "components.place_extractor.PlaceExtractor"),
        storage,
        Resource("places"),
        _context("PlaceExtractor"),
    )
    data = places.process_training_data(data)
    stages["tokenized"] = data
    for index, resource in enumerate(("cv_words", "cv_chars")):
        featurizer = CountVectorsFeaturizer.create(
            component_config(CountVectorsFeaturizer, "CountVectorsFeaturizer", index),
            storage,
            Resource(resource),
            _context(f"run_CountVectorsFeaturizer{3 + index}"),
        )
        featurizer.train(data, model)
        components[resource] = featurizer
    return stages, components


def stage(name: str) -> TrainingData:
    """A fresh copy of the training data after ``provided`` (as loaded) or ``tokenized`` (spaCy,
    tokenizer, places — what the CountVectorsFeaturizers get)."""
    return light_copy(_staged()[0][name])


def spacy_model() -> Any:
    return _staged()[1]["spacy_model"]


def count_vectorizers() -> Tuple[Any, Any]:
    """config.yml's two CountVectorsFeaturizers (words, char_wb), trained on the project's data."""
    components = _staged()[1]
    return components["cv_words"], components["cv_chars"]


@functools.lru_cache(maxsize=None)
def _featurized() -> TrainingData:
    data = stage("tokenized")
    with speedups(False):
        for featurizer in count_vectorizers():
            featurizer.process(data.training_examples)
    return data


def featurized() -> TrainingData:
    """The training data as LogisticRegressionClassifier gets it, featurized by Rasa's own code."""
    return light_copy(_featurized())
