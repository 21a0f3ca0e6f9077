"""The sequential graph runner gives exactly what dask gives, on the real model."""

from __future__ import annotations

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import graph_runner, payload_parse
from tests.e2e.conftest import MODEL

pytestmark = pytest.mark.filterwarnings("ignore")

CONVERSATIONS = [
    ["привет", "мне негде ночевать, муж выгнал", "в Минске"],
    ["нужен психолог в Бобруйске", "спасибо"],
    ["он ломает дверь"],
    ["I need a lawyer in Grodno", "what is a protective order"],
    ["/start", "/need_legal", '/inform{"region":"BY-HO"}', '/inform{"district":"BY-HO-04"}'],
    ["асдфг", "хочу пройти тест на опасность", "да"],
]


@pytest.fixture(scope="module")
def processor() -> MessageProcessor:
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup before these tests")
    graph_runner.install()
    return Agent.load(str(MODEL)).processor


def _with(runner, monkeypatch, call):
    monkeypatch.setattr(DaskGraphRunner, "run", runner)
    try:
        return call()
    finally:
        monkeypatch.undo()


def test_same_parses_and_predictions_as_dask(processor, monkeypatch):
    dask_run = graph_runner.run._dask
    parse = payload_parse._original()
    compared = 0
    for number, messages in enumerate(CONVERSATIONS):
        tracker = DialogueStateTracker.from_events(
            f"c{number}", [ActionExecuted(ACTION_LISTEN_NAME)], slots=processor.domain.slots
        )
        for text in messages:
            message = UserMessage(text, sender_id=tracker.sender_id, message_id=f"m{compared}")
            by_dask = _with(dask_run, monkeypatch, lambda m=message, t=tracker: parse(processor, m, t))
            ours = _with(graph_runner.run, monkeypatch, lambda m=message, t=tracker: parse(processor, m, t))
            assert ours == by_dask, text
            tracker.update(UserUttered(text, ours["intent"], ours["entities"], ours))
            for _ in range(4):  # predict until the bot would listen
                by_dask = _with(dask_run, monkeypatch, lambda t=tracker: processor._predict_next_with_tracker(t))
                ours = _with(graph_runner.run, monkeypatch, lambda t=tracker: processor._predict_next_with_tracker(t))
                assert (
                    ours.probabilities,
                    ours.policy_name,
                    ours.events,
                    ours.optional_events,
                    ours.is_end_to_end_prediction,
                    ours.is_no_user_prediction,
                    ours.diagnostic_data,
                    ours.action_metadata,
                ) == (
                    by_dask.probabilities,
                    by_dask.policy_name,
                    by_dask.events,
                    by_dask.optional_events,
                    by_dask.is_end_to_end_prediction,
                    by_dask.is_no_user_prediction,
                    by_dask.diagnostic_data,
                    by_dask.action_metadata,
                )
                compared += 1
                action = processor.domain.action_names_or_texts[ours.max_confidence_index]
                tracker.update(ActionExecuted(action, ours.policy_name, ours.max_confidence))
                if action == ACTION_LISTEN_NAME:
                    break
    assert compared >= 20


def test_targets_and_clashing_inputs(processor):
    runner = processor.graph_runner
    nlu = processor.model_metadata.nlu_target
    assert set(runner.run(inputs={"__message__": [UserMessage("привет")]}, targets=[nlu])) == {nlu}
    node_name = graph_runner._plan(runner, [nlu])[0][0]
    with pytest.raises(GraphRunError):
        runner.run(inputs={"__message__": node_name}, targets=[nlu])


def test_plan_orders_every_node_after_what_it_needs(processor):
    runner = processor.graph_runner
    for targets in ([processor.model_metadata.nlu_target], [processor.model_metadata.core_target]):
        plan = graph_runner._plan(runner, targets)
        seen = set()
        for name, needs in plan:
            assert all(need in seen or need.startswith("__") for need in needs), name
            seen.add(name)
        assert set(targets) <= seen
        assert seen == set(runner._graph_schema.minimal_graph_schema(targets).nodes)
