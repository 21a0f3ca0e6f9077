"""The fast fingerprints are Rasa's fingerprints: on the project's training data at every stage
of the NLU pipeline, for the graph's fingerprint keys, and on edge cases."""

from __future__ import annotations

import collections
import importlib
import inspect
import sys
import textwrap

import numpy as np
import pytest
import rasa.shared.nlu.training_data.util as nlu_util
import rasa.shared.utils.io as rasa_io
import scipy.sparse
from rasa.engine.training import fingerprinting
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from rasa_patches import fast_fingerprint
from tests.rasa_patches import nlu_pipeline

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _forget(data):
    """Drop every cached fingerprint so that the next call computes from scratch."""
    for message in data.training_examples:
        message._cached_fingerprint = None
        for feature in message.features:
            feature._cached_fingerprint = None


def _fingerprints(data, active):
    """The data's fingerprint and every message's, computed with or without the speed-up."""
    _forget(data)
    with nlu_pipeline.speedups(active):
        result = data.fingerprint(), [m.fingerprint() for m in data.training_examples], [hash(m) for m in data.training_examples]
    _forget(data)
    return result


@pytest.mark.parametrize("stage", ["provided", "tokenized", "featurized"])
def test_training_data_fingerprints_are_rasas(stage):
    data = nlu_pipeline.featurized() if stage == "featurized" else nlu_pipeline.stage(stage)
    expected = _fingerprints(data, False)
    assert _fingerprints(data, True) == expected  # cold
    assert _fingerprints(data, True) == expected  # with everything remembered


def test_feature_fingerprints_and_matrix_texts_are_rasas():
    data = nlu_pipeline.featurized()
    features = [f for m in data.training_examples for f in m.features]
    assert len(features) > 15_000
    original = fast_fingerprint.original("sparse_matrix_to_string")
    for feature in features[::7]:
        assert fast_fingerprint.sparse_matrix_to_string(feature.features) == original(feature.features)
    with nlu_pipeline.speedups(False):
        expected = [Features(f.features, f.type, f.attribute, f.origin).fingerprint() for f in features]
    with nlu_pipeline.speedups(True):
        assert [Features(f.features, f.type, f.attribute, f.origin).fingerprint() for f in features] == expected


def test_fingerprint_keys_of_the_graph_are_rasas():
    data = nlu_pipeline.featurized()
    for cls in (LogisticRegressionClassifier, CountVectorsFeaturizer):
        config = {**cls.get_default_config(), "a": [1, {"b": None}]}
        keys = []
        for active in (False, True, True):
            _forget(data)
            with nlu_pipeline.speedups(active):
                keys.append(fingerprinting.calculate_fingerprint_key(cls, config, {"data": data}))
        assert keys[0] == keys[1] == keys[2]


class _WithFingerprint:
    def fingerprint(self):
        return 'custom "quoted" fingerprint ✓'


class _NotCallable:
    fingerprint = "attribute, not a method"

    def __str__(self):
        return "not callable"


class _OddList(list):
    pass


EDGE_CASES = [
    "",
    "text",
    "ünïcödé ✓ 🙂",
    "x" * 300,
    0,
    1,
    -7,
    2**70,
    1.0,
    1,
    True,
    False,
    None,
    -0.0,
    0.0,
    float("nan"),
    float("inf"),
    1e16,
    1e-5,
    0.1 + 0.2,
    np.float32(0.1),
    np.int64(3),
    (1, "a"),
    {1, 2},
    b"bytes",
    [],
    {},
    [1, "1", 1.0, True, None],
    {"1": 1, 1: "1", True: 2},  # noqa: F601 - keys that collide, on purpose
    {1: "a", 1.0: "b"},  # noqa: F601 - keys that collide, on purpose
    {"b": [1, {"c": [None, 0.5]}], "a": ()},
    [[[]], [{}], [[1], [1]]],
    collections.OrderedDict(z=1, a=2),
    _OddList([1, 2]),
    [_WithFingerprint(), _NotCallable()],
    {"k": _WithFingerprint()},
    {_WithFingerprint(): "value"},
    {"nested": {"deeper": {"deepest": ["x", 1]}}},
    Message(data={"text": "hi", "intent": "greet"}),
    [Message(data={"text": "hi"}), {"x": [1, 2]}],
]


@pytest.mark.parametrize("value", EDGE_CASES, ids=[f"{i}-{type(v).__name__}" for i, v in enumerate(EDGE_CASES)])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_edge_cases_are_rasas(value, encoding):
    with nlu_pipeline.speedups(False):
        expected = rasa_io.deep_container_fingerprint(value, encoding)
    for _ in range(2):  # computed, then remembered
        with nlu_pipeline.speedups(True):
            assert rasa_io.deep_container_fingerprint(value, encoding) == expected
        assert fast_fingerprint.deep_container_fingerprint(value, encoding) == expected


def test_equal_values_of_different_types_are_not_confused():
    """1, 1.0 and True (0, 0.0, -0.0 and False) are equal and hash alike in Python, but Rasa
    hashes their text: the remembered hashes must keep them apart, whichever comes first."""
    values = [[1], [1.0], [True], ["1"], {"a": 1}, {"a": 1.0}, {"a": True}, [0.0], [-0.0], [False], [0]]
    with nlu_pipeline.speedups(False):
        expected = [rasa_io.deep_container_fingerprint(v) for v in values]
    assert len(set(expected)) == 10  # only [1] and ["1"] share the text "1"
    for order in (range(len(values)), reversed(range(len(values)))):
        fast_fingerprint._container_hashes.clear()
        fast_fingerprint._leaf_hashes.clear()
        got = {i: fast_fingerprint.deep_container_fingerprint(values[i]) for i in order}
        assert [got[i] for i in range(len(values))] == expected


MATRICES = [
    scipy.sparse.coo_matrix(np.array([[0, 2, 0, 1], [3, 0, 0, 0]], dtype=np.int64)),
    scipy.sparse.csr_matrix(np.array([[0.5, 0, 1 / 3], [0, 1e16, 1e-7]])),
    scipy.sparse.coo_matrix(np.array([[0.1, 0, 2.5]], dtype=np.float32)),
    scipy.sparse.coo_matrix(np.array([[True, False, True]])),
    scipy.sparse.coo_matrix((np.array([0.0, -0.0, 1.0]), (np.array([0, 0, 1]), np.array([0, 1, 2]))), shape=(2, 3)),
    scipy.sparse.coo_matrix((np.array([np.nan, np.inf, -np.inf]), (np.array([0, 0, 0]), np.array([0, 1, 2]))), shape=(1, 3)),
    scipy.sparse.coo_matrix((3, 4)),
    scipy.sparse.coo_matrix((np.array([1, 1]), (np.array([0, 0]), np.array([1, 1]))), shape=(1, 2)),  # duplicates
    scipy.sparse.coo_matrix((np.array([5], dtype=np.uint8), (np.array([0], dtype=np.int64), np.array([3]))), shape=(1, 4)),
    scipy.sparse.csc_matrix(np.array([[1 + 2j, 0]])),
]


@pytest.mark.parametrize("matrix", MATRICES, ids=lambda m: f"{m.format}-{m.dtype}")
def test_sparse_matrix_texts_are_rasas(matrix):
    expected = fast_fingerprint.original("sparse_matrix_to_string")(matrix)
    assert fast_fingerprint.sparse_matrix_to_string(matrix) == expected
    with nlu_pipeline.speedups(True):
        assert nlu_util.sparse_matrix_to_string(matrix) == expected


def test_class_sources_follow_the_file(tmp_path, monkeypatch):
    module_file = tmp_path / "dv_source_probe.py"
    module_file.write_text("class Probe:\n    x = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    probe = importlib.import_module("dv_source_probe")
    try:
        assert fast_fingerprint.getsource(probe.Probe) == inspect.getsource(probe.Probe)
        assert fast_fingerprint.getsource(probe.Probe) == "class Probe:\n    x = 1\n"
        module_file.write_text(
            textwrap.dedent("""\
            class Probe:
                x = 2  # changed, and longer
            """),
            encoding="utf-8",
        )
        assert fast_fingerprint.getsource(probe.Probe) == inspect.getsource(probe.Probe)
        assert "x = 2" in fast_fingerprint.getsource(probe.Probe)
    finally:
        sys.modules.pop("dv_source_probe", None)
    for cls in (LogisticRegressionClassifier, CountVectorsFeaturizer, Message):
        assert fast_fingerprint.getsource(cls) == inspect.getsource(cls)
    assert fast_fingerprint.getsource(test_class_sources_follow_the_file) == inspect.getsource(test_class_sources_follow_the_file)
