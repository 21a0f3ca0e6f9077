"""Remembered past states are Rasa's, for every version of a served tracker's history."""
from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import past_states_memo
from tests.rasa_patches.served_flows import loaded_agent, served_trackers


@pytest.fixture(scope="module")
def agent():
    return loaded_agent()


def _rasas(tracker, domain, **flags):
    return past_states_memo._original(tracker, domain, **flags)


def test_same_states_as_rasa_at_every_step_of_served_flows(agent):
    domain = agent.domain
    rule_only = {"slots": ["whole_region"], "active_loops": []}
    for tracker in served_trackers(agent):
        for flags in ({}, {"ignore_rule_only_turns": True, "rule_only_data": rule_only}, {"omit_unset_slots": True}):
            first = past_states_memo.past_states(tracker, domain, **flags)
            again = past_states_memo.past_states(tracker, domain, **flags)  # remembered
            assert first == again == _rasas(tracker, domain, **flags)
        tracker.update(ActionExecuted("action_listen"))  # a new version of the history
        assert past_states_memo.past_states(tracker, domain) == _rasas(tracker, domain)


def test_callers_get_their_own_copies(agent):
    domain = agent.domain
    tracker = DialogueStateTracker.from_events("s", [
        ActionExecuted("action_listen"), UserUttered("привет", {"name": "greet", "confidence": 1.0}),
        SlotSet("region", "BY-MI"), ActionExecuted("utter_x"), ActionExecuted("action_listen"),
    ], domain.slots)
    first = past_states_memo.past_states(tracker, domain)
    reference = _rasas(tracker, domain)
    for state in first:  # what RulePolicy does to the last user input, and worse
        for sub_state in state.values():
            sub_state.clear()
        state.clear()
    first.clear()
    assert past_states_memo.past_states(tracker, domain) == reference


def test_a_new_history_or_domain_is_computed_again(agent):
    domain = agent.domain
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")], domain.slots)
    before = past_states_memo.past_states(tracker, domain)
    tracker.update(UserUttered("привет", {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_x"))
    after = past_states_memo.past_states(tracker, domain)
    assert after != before and after == _rasas(tracker, domain)
    tracker._reset()  # a new event list of the same length is a new history
    tracker.events.extend([ActionExecuted("action_listen"), UserUttered("да", {"name": "affirm", "confidence": 1.0}),
                           ActionExecuted("utter_y")])
    assert past_states_memo.past_states(tracker, domain) == _rasas(tracker, domain)
