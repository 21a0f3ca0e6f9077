"""The table-driven ``applied_events`` returns exactly Rasa's list, event for event."""
from __future__ import annotations

import random

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import applied_events
from tests.rasa_patches.served_flows import loaded_agent, served_trackers


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
