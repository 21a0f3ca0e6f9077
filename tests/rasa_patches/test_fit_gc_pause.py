"""The classifier trains with the cyclic collector paused, and gets it back as it was."""

from __future__ import annotations

import gc
import inspect
import typing

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_patches import fit_gc_pause
from tests.rasa_patches import nlu_pipeline

pytestmark = pytest.mark.filterwarnings("ignore")


def _train(tmp_path, data, seen):
    tmp_path.mkdir()
    classifier = LogisticRegressionClassifier.create(
        {**LogisticRegressionClassifier.get_default_config(), "max_iter": 30},
        LocalModelStorage(tmp_path),
        Resource("lr"),
        ExecutionContext(GraphSchema({}), "lr"),
    )
    original_fit = classifier.clf.fit

    def fit(*args, **kwargs):
        seen.append(gc.isenabled())
        return original_fit(*args, **kwargs)

    classifier.clf.fit = fit
    classifier.train(data)
    return classifier.clf


def _subset() -> TrainingData:
    data = nlu_pipeline.featurized()
    data.training_examples = data.training_examples[::8]
    return data


def test_same_classifier_with_the_collector_paused_and_restored(tmp_path):
    data, seen = _subset(), []
    with nlu_pipeline.speedups(False):
        expected = _train(tmp_path / "a", data, seen)
    with nlu_pipeline.speedups(True):
        assert gc.isenabled()
        got = _train(tmp_path / "b", data, seen)
        assert gc.isenabled()
        gc.disable()
        try:
            _train(tmp_path / "c", data, seen)
            assert not gc.isenabled()  # a paused collector stays paused
        finally:
            gc.enable()
    assert seen == [True, False, False]
    assert np.array_equal(expected.coef_, got.coef_) and np.array_equal(expected.intercept_, got.intercept_)


def test_errors_restore_the_collector(tmp_path):
    with nlu_pipeline.speedups(True):
        with pytest.raises(Exception):  # noqa: B017 - any error: what matters is the collector after it
            LogisticRegressionClassifier.train(object(), None)
        assert gc.isenabled()


def test_rasa_sees_the_same_signature_and_type_hints():
    with nlu_pipeline.speedups(False):
        original = LogisticRegressionClassifier.train
        fit_gc_pause.install()
        fit_gc_pause.install()
        try:
            wrapped = LogisticRegressionClassifier.train
            assert wrapped is not original and wrapped.__wrapped__ is original
            assert inspect.signature(wrapped) == inspect.signature(original)
            assert typing.get_type_hints(wrapped) == typing.get_type_hints(original)
        finally:
            fit_gc_pause.uninstall()
        assert LogisticRegressionClassifier.train is original
