"""The faster rule lookup finds exactly the rules Rasa's finds, on the real model."""

from __future__ import annotations

from typing import Any, Iterator, List

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import payload_parse, rule_lookup
from tests.e2e.conftest import MODEL
from tests.rasa_patches.test_graph_runner import CONVERSATIONS

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def loaded():
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup before these tests")
    processor = Agent.load(str(MODEL)).processor
    policy = next(
        node._component for node in processor.graph_runner._instantiated_nodes.values() if isinstance(node._component, RulePolicy)
    )
    return processor, policy


def _conversation_states(processor: Any, policy: RulePolicy) -> Iterator[List[dict]]:
    """The states RulePolicy predicts from, at every step of real conversations."""
    parse = payload_parse._original()
    for number, messages in enumerate(CONVERSATIONS):
        tracker = DialogueStateTracker.from_events(
            f"r{number}", [ActionExecuted(ACTION_LISTEN_NAME)], slots=processor.domain.slots
        )
        for text in messages:
            parsed = parse(processor, UserMessage(text, sender_id=tracker.sender_id), tracker)
            tracker.update(UserUttered(text, parsed["intent"], parsed["entities"], parsed))
            for _ in range(4):
                yield policy._prediction_states(
                    tracker, processor.domain, use_text_for_last_user_input=False, rule_only_data=policy._get_rule_only_data()
                )
                prediction = processor._predict_next_with_tracker(tracker)
                action = processor.domain.action_names_or_texts[prediction.max_confidence_index]
                tracker.update(ActionExecuted(action, prediction.policy_name, prediction.max_confidence))
                if action == ACTION_LISTEN_NAME:
                    break


def test_same_rules_as_rasa_for_every_step_and_every_history_length(loaded):
    processor, policy = loaded
    compared = found = 0
    for states in _conversation_states(processor, policy):
        for start in range(len(states) + 1):  # every suffix: longer and shorter histories
            window = states[start:]
            for table in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH):
                expected = rule_lookup._original(policy, policy.lookup[table], window)
                assert rule_lookup.get_possible_keys(policy, policy.lookup[table], window) == expected
                compared += 1
                found += bool(expected)
    assert compared > 200 and found > 50


def test_edge_cases_match(loaded):
    _, policy = loaded
    lookup = policy.lookup[RULES]
    for states in ([], [{}], [{"prev_action": {"action_name": "no_such_action"}}], [{}, {}, {}]):
        assert rule_lookup.get_possible_keys(policy, lookup, states) == rule_lookup._original(policy, lookup, states)
    assert rule_lookup.get_possible_keys(policy, {}, [{}]) == set()


def test_a_changed_table_is_read_again(loaded):
    _, policy = loaded
    table = dict(list(policy.lookup[RULES].items())[:3])
    state = [{}]
    first = rule_lookup.get_possible_keys(policy, table, state)
    table.update(list(policy.lookup[RULES].items())[3:6])
    assert rule_lookup.get_possible_keys(policy, table, state) == rule_lookup._original(policy, table, state)
    assert first == rule_lookup._original(policy, dict(list(policy.lookup[RULES].items())[:3]), state)
