"""A tracker's past states are computed once per version of its history, not once per question.

Why (measured): RulePolicy asks for the states of the whole history (``past_states``: every
event replayed on a fresh tracker, a state built before every action) twice for the first
prediction after a user message — once matching the message's text, once its intent — on the
same tracker with the same events. On a 40-event tracker of the bench flows ``past_states``
takes ~300 µs; every turn starts with such a prediction.

What it does: ``past_states`` remembers its last answer on the tracker object, with what it was
computed from: the event list object, its length, the identity of its last event, the domain
object, the flags and the rule-only data. Trackers only grow by appending events (``update``), so the same
length and the same last event object mean the same history; anything else is recomputed. Each
caller gets its own copy of the states (callers change them in place: RulePolicy removes the
text or the intent of the last user input), copied down to the immutable values (strings,
numbers, tuples). Tested against Rasa's ``past_states`` on served conversations and with the
copies changed in place: tests/safeguards/test_past_states_memo.py.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

from safeguards.plain_copy import copy_plain

_original = DialogueStateTracker.past_states
_ATTRIBUTE = "_dv_past_states"


def _other(value: Any) -> Any:
    if type(value) is tuple:
        return tuple(_copy(item) for item in value)
    if type(value) is frozenset:
        return value
    import copy

    return copy.deepcopy(value)


def _copy(value: Any) -> Any:
    """States down to their immutable values (see the module docstring)."""
    return copy_plain(value, _other)


def past_states(
    self: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[State]:
    """Rasa's ``past_states``, remembered for the tracker's current history (see the module)."""
    events = self.events
    last = events[-1] if events else None
    key = (len(events), omit_unset_slots, ignore_rule_only_turns)
    remembered = self.__dict__.get(_ATTRIBUTE)
    if (remembered is not None and remembered[0] == key and remembered[1] is events and remembered[2] is last
            and remembered[3] is domain and remembered[4] == rule_only_data):
        return _copy(remembered[5])
    states = _original(self, domain, omit_unset_slots=omit_unset_slots, ignore_rule_only_turns=ignore_rule_only_turns,
                       rule_only_data=rule_only_data)
    self.__dict__[_ATTRIBUTE] = (key, events, last, domain, _copy(rule_only_data), _copy(states))
    return states


def install() -> None:
    """Idempotent."""
    from safeguards.patch_switch import enabled  # TEMPORARY: ablation
    if not enabled('past_states_memo'):
        return
    DialogueStateTracker.past_states = past_states  # type: ignore[assignment]


def uninstall() -> None:
    """For tests."""
    DialogueStateTracker.past_states = _original  # type: ignore[assignment]
