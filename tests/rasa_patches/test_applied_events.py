"""The table-driven ``applied_events`` returns exactly Rasa's list, event for event."""
from __future__ import annotations

import hashlib
import inspect
import random

from rasa.shared.core.events import (
    ActionExecuted, ActionExecutionRejected, ActionReverted, ActiveLoop, BotUttered,
    DefinePrevUserUtteredFeaturization, LoopInterrupted, Restarted, SessionStarted, SlotSet, UserUttered,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import applied_events
from tests.rasa_patches.served_flows import loaded_agent, served_trackers

# Rasa's functions this module restates; a Rasa upgrade that changes them must be looked at.
RESTATED = ("applied_events", "_undo_till_previous", "_first_loop_execution_or_unhappy_path",
            "_is_within_unhappy_path", "_undo_till_previous_loop_execution")
SOURCE_SHA256 = "91c75be4f8f98b5247698f33815dff29d25955f18053f438db003ff3c04c83da"  # Rasa 3.6.21


def _rasa_source() -> str:
    return "".join(inspect.getsource(getattr(DialogueStateTracker, name)) for name in RESTATED
                   if name != "applied_events") + inspect.getsource(applied_events._original)


def test_rasas_functions_are_the_ones_restated():
    digest = hashlib.sha256(_rasa_source().encode()).hexdigest()
    assert digest == SOURCE_SHA256, "Rasa changed what rasa_patches/applied_events.py restates: compare and update"


def _random_events(rng: random.Random, n: int):
    loops = ["help_form", "other_form"]
    actions = ["action_listen", "action_show_contacts", "help_form", "other_form", "utter_x"]
    makers = [
        lambda: ActionExecuted(rng.choice(actions)),
        lambda: UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        lambda: SlotSet("region", rng.choice(["BY-MI", None])),
        lambda: ActiveLoop(rng.choice(loops + [None])),
        lambda: ActionExecutionRejected(rng.choice(loops + ["action_x"])),
        lambda: DefinePrevUserUtteredFeaturization(rng.random() < 0.5),
        lambda: BotUttered("text"),
        lambda: LoopInterrupted(rng.random() < 0.5),
        lambda: UserUtteranceReverted(),
        lambda: ActionReverted(),
        lambda: Restarted(),
        lambda: SessionStarted(),
    ]
    weights = [30, 12, 10, 8, 3, 4, 6, 2, 2, 2, 1, 1]
    return [rng.choices(makers, weights)[0]() for _ in range(n)]


def _same(tracker: DialogueStateTracker) -> None:
    fast = applied_events.applied_events(tracker)
    rasas = applied_events._original(tracker)
    assert [id(e) for e in fast] == [id(e) for e in rasas]


def test_same_as_rasa_on_random_histories():
    rng = random.Random(2026)
    for _ in range(3000):
        tracker = DialogueStateTracker("s", [])
        for event in _random_events(rng, rng.randint(0, 60)):
            tracker.events.append(event)  # as stored, without applying (applied_events reads events only)
        _same(tracker)


def test_same_as_rasa_on_served_conversations():
    for tracker in served_trackers(loaded_agent()):
        _same(tracker)


def test_install_and_uninstall():
    applied_events.install()
    try:
        assert DialogueStateTracker.applied_events is applied_events.applied_events
    finally:
        applied_events.uninstall()
    assert DialogueStateTracker.applied_events is applied_events._original
