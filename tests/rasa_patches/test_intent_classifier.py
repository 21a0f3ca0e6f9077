"""The fast intent classifier gives exactly Rasa's intents and confidences, on held-out messages."""

from __future__ import annotations

import asyncio

import pytest
import yaml
from rasa.core.agent import Agent

from rasa_patches import intent_classifier
from tests.actions.conftest import REPO
from tests.e2e.conftest import MODEL

pytestmark = pytest.mark.filterwarnings("ignore")
HELDOUT = REPO / "tests" / "nlu_eval" / "heldout.yml"


def _texts():
    texts = [item["text"] for item in yaml.safe_load(HELDOUT.read_text())]
    return texts + ["?", "а" * 500, "123", "I need help", "Мне патрэбна дапамога"]


def test_same_intents_and_confidences_as_rasa():
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup before these tests")
    intent_classifier.install()  # before loading: each graph node keeps the function it calls
    agent = Agent.load(str(MODEL))

    async def parse_all():
        return [await agent.parse_message(text) for text in _texts()]

    def outputs(parses):
        return [(p["intent"], p["intent_ranking"]) for p in parses]

    fast = outputs(asyncio.run(parse_all()))
    intent_classifier.uninstall()
    try:
        # Nodes keep the function they were created with: load again for Rasa's own.
        agent = Agent.load(str(MODEL))
        intent_classifier.uninstall()
        rasas = outputs(asyncio.run(parse_all()))
    finally:
        intent_classifier.uninstall()
    assert len(fast) > 400
    assert fast == rasas  # exact: same floats, same order
    # ... handed on as plain str and float (sklearn gives numpy str_ and float64, which every
    # later copy of the parse paid deepcopy for), as the tracker holds them once stored.
    kinds = {(type(d["name"]), type(d["confidence"])) for intent, ranking in fast for d in [intent, *ranking]}
    assert kinds == {(str, float)}


def test_other_shapes_go_to_rasas_process(monkeypatch):
    """Binary or one-vs-rest models and several messages at once are left to Rasa."""
    calls = []
    monkeypatch.setattr(intent_classifier, "_original", lambda self, messages: calls.append(len(messages)) or "rasa")

    class Model:
        def __init__(self, classes, multi_class="auto", solver="lbfgs"):
            self.classes_, self.multi_class, self.solver = classes, multi_class, solver

    class Component:
        def __init__(self, model):
            self.clf, self.config = model, {"ranking_length": 10}

    many = Model(["a", "b", "c"])
    assert intent_classifier.process(Component(Model(["a", "b"])), ["m"]) == "rasa"
    assert intent_classifier.process(Component(Model(["a", "b", "c"], multi_class="ovr")), ["m"]) == "rasa"
    assert intent_classifier.process(Component(Model(["a", "b", "c"], solver="liblinear")), ["m"]) == "rasa"
    assert intent_classifier.process(Component(many), ["m1", "m2"]) == "rasa"
    assert intent_classifier.process(Component(many), []) == "rasa"
    assert calls == [1, 1, 1, 2, 0]


def test_rasas_graph_validation_accepts_the_replaced_process():
    """Training validates every component's method signature; the replacement must pass it."""
    import rasa.engine.validation
    import rasa.shared.utils.io
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    intent_classifier.install()
    config = rasa.shared.utils.io.read_model_configuration(str(REPO / "config.yml"))
    model = DefaultV1Recipe().graph_config_for_recipe(config, {})
    try:
        rasa.engine.validation.validate(model)  # raises GraphSchemaValidationException if not
    finally:
        intent_classifier.uninstall()


def test_combined_features_are_the_matrix_hstack_builds():
    """The one-step concatenation equals the hstack calls, entry for entry and in stored order;
    blocks it cannot vouch for go to hstack."""
    import numpy as np
    from scipy.sparse import coo_matrix, csr_matrix, hstack

    def via_hstack(blocks):
        combined = blocks[0]
        for block in blocks[1:]:
            combined = hstack([combined, block])
        return hstack([csr_matrix(combined), csr_matrix([])])

    rng = np.random.default_rng(7)
    for dtype in (np.int64, np.float32, np.float64):
        for _ in range(50):
            blocks = []
            for width in rng.integers(1, 400, size=rng.integers(1, 4)):
                cols = np.sort(rng.choice(width, size=rng.integers(0, min(width, 30) + 1), replace=False))
                data = rng.integers(1, 5, size=cols.size).astype(dtype)
                blocks.append(coo_matrix((data, (np.zeros_like(cols), cols)), shape=(1, width)))
            fast, slow = intent_classifier._concatenated_row(blocks), via_hstack(blocks)
            assert fast.dtype == slow.dtype and fast.shape == slow.shape
            assert np.array_equal(fast.indices, slow.indices) and np.array_equal(fast.indptr, slow.indptr)
            assert np.array_equal(fast.data, slow.data)
            weights = rng.normal(size=(fast.shape[1], 5))
            assert np.array_equal(fast @ weights, slow @ weights)
    unsorted = coo_matrix((np.array([1, 2]), (np.array([0, 0]), np.array([3, 1]))), shape=(1, 5))
    duplicate = coo_matrix((np.array([1, 2]), (np.array([0, 0]), np.array([1, 1]))), shape=(1, 5))
    two_rows = coo_matrix(np.ones((2, 3)))
    for block in (unsorted, duplicate, two_rows, csr_matrix(np.ones((1, 3)))):
        assert intent_classifier._concatenated_row([block]) is None
