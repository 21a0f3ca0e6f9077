"""RulePolicy finds the rules that fit a conversation without re-reading every rule every time.

Why (measured, py-spy over served conversations): ``RulePolicy._get_possible_keys`` was ~8 % of
the Rasa server's CPU per turn. For each prediction it walks the whole conversation history
backwards and, for every step, re-filters all candidate rules (145 here) through
``_is_rule_applicable``, which parses the rule key through an LRU cache and reverses its state
list again on every call — and keeps walking after no candidate is left.

``_get_possible_keys`` below returns the same set: each rule's states are parsed and reversed
once per lookup table, and the walk stops when no candidate is left or when every candidate
is shorter than the steps already checked (such rules are applicable from then on, as in
``_is_rule_applicable``). The per-step test is ``_is_rule_applicable``'s, line for line; for the
newest step, only rules that require no particular previous action or exactly the
conversation's are tested (any other fails ``_does_rule_match_state``'s equality check).
``tests/rasa_patches/test_rule_lookup.py`` compares both on the real model's rules and on the
states of real conversations.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Set, Text, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.nlu.constants import ACTION_NAME

_ORIGINALS: Dict[str, Any] = {}


def _original(policy: RulePolicy, lookup: Dict[Text, Text], states: List[Dict[str, Any]]) -> Set[Text]:
    """Rasa's own ``RulePolicy._get_possible_keys`` (kept at install)."""
    return _ORIGINALS.get("_get_possible_keys", RulePolicy._get_possible_keys)(policy, lookup, states)


Rule = Tuple[Text, List[Dict[str, Any]]]


class _Table:
    """Every rule of a lookup table as (key, states newest first), and grouped by the action
    its newest state requires as previous action (None: it requires none or no particular one)."""

    def __init__(self, lookup: Dict[Text, Text]) -> None:
        self.lookup, self.size = lookup, len(lookup)
        self.rules: List[Rule] = [(key, list(reversed(json.loads(key)))) for key in lookup]
        self.by_previous_action: Dict[Any, List[Rule]] = {}
        for rule in self.rules:
            self.by_previous_action.setdefault(_required_previous_action(rule[1]), []).append(rule)

    def first_candidates(self, state: Dict[str, Any]) -> List[Rule]:
        """Rules that can pass the newest step: any other requires a different previous action,
        which ``_does_rule_match_state`` refuses."""
        previous = (state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        if previous is None:
            return self.rules
        return self.by_previous_action.get(None, []) + self.by_previous_action.get(previous, [])


def _required_previous_action(rule: List[Dict[str, Any]]) -> Any:
    if not rule:
        return None
    value = (rule[0].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


def _prepared(policy: RulePolicy, lookup: Dict[Text, Text]) -> _Table:
    """Built once per lookup table (and again if the table changed)."""
    cache: Dict[int, _Table] = policy.__dict__.setdefault("_dv_rule_tables", {})
    table = cache.get(id(lookup))
    if table is None or table.lookup is not lookup or table.size != len(lookup):
        table = cache[id(lookup)] = _Table(lookup)
    return table


def _applicable(rule_state: Dict[str, Any], conversation_state: Dict[str, Any]) -> bool:
    """``RulePolicy._is_rule_applicable`` for a step the rule has."""
    current_previous_action = conversation_state.get(PREVIOUS_ACTION)
    rule_previous_action = rule_state.get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    return RulePolicy._does_rule_match_state(rule_state, conversation_state)


def get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[Dict[str, Any]]) -> Set[Text]:
    table = _prepared(self, lookup)
    steps = len(states)
    candidates = table.first_candidates(states[-1]) if steps else table.rules
    for turn_index in range(steps):
        if not candidates or all(turn_index >= len(rule) for _, rule in candidates):
            break
        state = states[steps - 1 - turn_index]
        candidates = [(key, rule) for key, rule in candidates if turn_index >= len(rule) or _applicable(rule[turn_index], state)]
    return {key for key, _ in candidates}


def install() -> None:
    """Idempotent; keeps Rasa's method from this moment."""
    if "_get_possible_keys" not in _ORIGINALS:
        _ORIGINALS["_get_possible_keys"] = RulePolicy._get_possible_keys
        RulePolicy._get_possible_keys = get_possible_keys


def uninstall() -> None:
    """For tests."""
    if "_get_possible_keys" in _ORIGINALS:
        RulePolicy._get_possible_keys = _ORIGINALS.pop("_get_possible_keys")
