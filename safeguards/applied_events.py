"""``DialogueStateTracker.applied_events`` decides each event's role once per event class.

Why (measured): ``applied_events`` runs several times per turn — for every prediction (RulePolicy
replays the applied history), at every session check and for every "applied" tracker state sent
to an action. On a 40-event tracker of the bench flows it took 95–155 µs (now ~31 µs): up to five
``isinstance`` checks per event against ``Event`` classes, which are ABCs, so each check goes
through ``ABCMeta.__instancecheck__`` (524,000 ``isinstance`` calls for 2,000 calls, 72 % of
its time under cProfile), and the backward scans for the form's earlier executions repeat them.

What it does: the same algorithm, line by line (Rasa 3.6.21's ``applied_events``,
``_undo_till_previous``, ``_first_loop_execution_or_unhappy_path``, ``_is_within_unhappy_path``
and ``_undo_till_previous_loop_execution``), with each ``isinstance(event, X)`` answered by bit
flags looked up by the event's class and computed once per class with ``isinstance`` itself —
the same answer for ordinary classes, and events are ordinary classes. Tested against Rasa's own methods on the
trackers of the bench flows and on thousands of random event sequences with restarts, reverts,
rejections and interrupted forms (tests/safeguards/test_applied_events.py).
"""
from __future__ import annotations

from typing import Dict, List, Optional, Text, Tuple

from rasa.shared.core.events import (
    ActionExecuted, ActionExecutionRejected, ActionReverted, ActiveLoop, DefinePrevUserUtteredFeaturization, Event,
    Restarted, SessionStarted, UserUttered, UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

_original = DialogueStateTracker.applied_events
# What an event is, as bit flags, found once per event class with isinstance.
RESET, ACTION_REVERTED, USER_REVERTED, ACTION, LOOP, REJECTED, USER, DEFINE_PREV = (1 << i for i in range(8))
_KINDS: Tuple[Tuple[int, Tuple[type, ...]], ...] = (
    (RESET, (Restarted, SessionStarted)), (ACTION_REVERTED, (ActionReverted,)),
    (USER_REVERTED, (UserUtteranceReverted,)), (ACTION, (ActionExecuted,)), (LOOP, (ActiveLoop,)),
    (REJECTED, (ActionExecutionRejected,)), (USER, (UserUttered,)), (DEFINE_PREV, (DefinePrevUserUtteredFeaturization,)),
)
_flags: Dict[type, int] = {}


def kind(event: Event) -> int:
    """The flags of ``event``'s class: bit X is set iff ``isinstance(event, <classes of X>)``."""
    flags = _flags.get(type(event))
    if flags is None:
        flags = _flags[type(event)] = sum(bit for bit, classes in _KINDS if isinstance(event, classes))
    return flags


def applied_events(self: DialogueStateTracker) -> List[Event]:
    """Rasa's ``applied_events`` (see the module docstring)."""
    events = list(self.events)
    kinds = [kind(event) for event in events]
    loop_names = [event.name for event, k in zip(events, kinds) if k & LOOP and event.name]
    applied: List[Event] = []
    for event, k in zip(events, kinds):
        if k & RESET:
            applied = []
        elif k & ACTION_REVERTED:
            _undo_till_previous(ACTION, applied)
        elif k & USER_REVERTED:
            _undo_till_previous(USER, applied)
            _undo_till_previous(ACTION, applied)
        elif (
            k & ACTION
            and event.action_name in loop_names
            and not _first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            _undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def _undo_till_previous(event_kind: int, done_events: List[Event]) -> None:
    for event in reversed(done_events[:]):
        del done_events[-1]
        if kind(event) & event_kind:
            break


def _first_loop_execution_or_unhappy_path(loop_action_name: Text, applied: List[Event]) -> bool:
    next_action: Optional[Text] = None
    for event in reversed(applied):
        k = kind(event)
        if k & LOOP and event.name is None:
            return True
        if _is_within_unhappy_path(loop_action_name, event, k, next_action):
            return True
        if k & ACTION:
            if event.action_name == loop_action_name:
                return False
            next_action = event.action_name
    return True


def _is_within_unhappy_path(loop_action_name: Text, event: Event, k: int, next_action_in_the_future: Optional[Text]) -> bool:
    loop_was_rejected_previously = bool(k & REJECTED) and event.action_name == loop_action_name
    other_action_after_latest_user_utterance = (
        bool(k & USER)
        and next_action_in_the_future is not None
        and next_action_in_the_future != loop_action_name
    )
    return loop_was_rejected_previously or other_action_after_latest_user_utterance


def _undo_till_previous_loop_execution(loop_action_name: Text, done_events: List[Event]) -> None:
    offset = 0
    for event in reversed(done_events[:]):
        k = kind(event)
        if k & ACTION and event.action_name == loop_action_name:
            break
        if k & (ACTION | USER | DEFINE_PREV):
            del done_events[-1 - offset]
        else:
            offset += 1


def install() -> None:
    """Idempotent."""
    from safeguards.patch_switch import enabled  # TEMPORARY: ablation
    if not enabled('applied_events'):
        return
    DialogueStateTracker.applied_events = applied_events  # type: ignore[assignment]


def uninstall() -> None:
    """For tests."""
    DialogueStateTracker.applied_events = _original  # type: ignore[assignment]
