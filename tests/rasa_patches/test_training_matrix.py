"""The classifier's feature matrix built at once is Rasa's matrix, entry for entry."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from rasa_patches import training_matrix
from tests.rasa_patches import nlu_pipeline

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _classifier() -> LogisticRegressionClassifier:
    return LogisticRegressionClassifier.__new__(LogisticRegressionClassifier)


def _same(a, b) -> None:
    assert type(a) is type(b) and a.format == b.format == "csr"
    assert a.shape == b.shape and a.dtype == b.dtype
    for name in ("data", "indices", "indptr"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        assert np.array_equal(x, y), name


def _both(messages):
    """(Rasa's result or exception, the fast one's)."""
    results = []
    for build in (training_matrix.original_create_X, training_matrix.create_X):
        try:
            results.append(build(_classifier(), messages))
        except Exception as error:  # noqa: BLE001 - compared below
            results.append((type(error), str(error)))
    return results


def test_training_matrix_of_the_project_is_rasas():
    data = nlu_pipeline.featurized()
    with nlu_pipeline.speedups(False):
        expected, labels = _classifier()._create_training_matrix(data)
    with nlu_pipeline.speedups(True):
        got, got_labels = _classifier()._create_training_matrix(data)
    assert got_labels == labels
    _same(got, expected)
    assert expected.shape[0] > 3000 and expected.shape[1] > 20_000 and expected.dtype == np.float64


def test_single_messages_and_slices_are_rasas():
    messages = nlu_pipeline.featurized().intent_examples
    for chunk in ([messages[0]], [messages[-1]], messages[10:13], messages[::97]):
        expected, got = _both(chunk)
        _same(got, expected)


def test_the_trained_classifier_is_the_same():
    data = nlu_pipeline.featurized()
    examples = [e for e in data.intent_examples if e.get("intent") and e.get("text")][::6]
    labels = [e.get("intent") for e in examples]
    models = []
    for build in (training_matrix.original_create_X, training_matrix.create_X):
        classifier = LogisticRegressionClassifier({"max_iter": 30}, "lr", None, None)
        classifier.clf.fit(build(classifier, examples), labels)
        models.append(classifier.clf)
    assert np.array_equal(models[0].coef_, models[1].coef_)
    assert np.array_equal(models[0].intercept_, models[1].intercept_)


def _message(*features: Features, text: str = "x") -> Message:
    return Message(data={"text": text, "intent": "i"}, features=list(features))


def _sparse(values, kind=FEATURE_TYPE_SENTENCE, attribute=TEXT, dtype=np.int64, origin="f"):
    return Features(scipy.sparse.coo_matrix(np.array([values], dtype=dtype)), kind, attribute, origin)


EDGE_CASES = {
    "counts and floats": [
        _message(_sparse([0, 2, 1]), _sparse([0.5, 0], dtype=np.float64)),
        _message(_sparse([1, 0, 0]), _sparse([0, 0.25], dtype=np.float64)),
    ],
    "float32 only": [_message(_sparse([0.5, 0, 1], dtype=np.float32)), _message(_sparse([0, 0, 2], dtype=np.float32))],
    "empty rows": [_message(_sparse([0, 0])), _message(_sparse([0, 3]))],
    "sequence and other attributes ignored": [
        _message(_sparse([1, 1], kind=FEATURE_TYPE_SEQUENCE), _sparse([2, 0]), _sparse([7], attribute="intent"))
    ],
    "csr blocks": [_message(Features(scipy.sparse.csr_matrix(np.array([[0, 4, 0]])), FEATURE_TYPE_SENTENCE, TEXT, "f"))],
    "unsorted entries": [
        _message(
            Features(
                scipy.sparse.coo_matrix((np.array([1.0, 2.0]), (np.array([0, 0]), np.array([2, 0]))), shape=(1, 3)),
                FEATURE_TYPE_SENTENCE,
                TEXT,
                "f",
            )
        )
    ],
    "duplicate entries": [
        _message(
            Features(
                scipy.sparse.coo_matrix((np.array([1.0, 2.0]), (np.array([0, 0]), np.array([1, 1]))), shape=(1, 3)),
                FEATURE_TYPE_SENTENCE,
                TEXT,
                "f",
            )
        )
    ],
    "dense sentence features": [_message(_sparse([1, 0]), Features(np.array([[0.5, 0.25]]), FEATURE_TYPE_SENTENCE, TEXT, "d"))],
    "only dense": [_message(Features(np.array([[0.5, 0.25]]), FEATURE_TYPE_SENTENCE, TEXT, "d"))],
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_are_rasas(name):
    expected, got = _both(EDGE_CASES[name])
    _same(got, expected)


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [_message()],
        [_message(_sparse([1, 0])), _message(_sparse([1, 0, 0]))],
        [_message(Features(scipy.sparse.coo_matrix(np.ones((2, 3))), FEATURE_TYPE_SENTENCE, TEXT, "f"))],
    ],
    ids=["no messages", "no features", "different widths", "two rows"],
)
def test_what_rasa_refuses_is_refused_alike(messages):
    expected, got = _both(messages)
    if isinstance(expected, tuple):
        assert got == expected
    else:
        _same(got, expected)
