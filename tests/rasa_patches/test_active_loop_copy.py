"""The active loop's copy in an action call is exactly ``dataclasses.asdict``'s, and as deep."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, namedtuple

import numpy as np
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity, TrackerActiveLoop

from rasa_patches import active_loop_copy

PARSE = {
    "text": "нужен психолог в Бобруйске",
    "intent": {"name": "need_help", "confidence": 0.93},
    "entities": [
        {
            "entity": "district",
            "value": "BY-MA-02",
            "start": 17,
            "end": 26,
            "extractor": "PlaceExtractor",
            "processors": ["EntitySynonymMapper"],
        }
    ],
    "intent_ranking": [{"name": "need_help", "confidence": 0.93}, {"name": "greet", "confidence": 0.01}],
    "odd": (1, "two", [3.0], ({"deep": [4]},)),
    "named": namedtuple("Span", "start end")(0, [5]),
    "text_tokens": [(0, 5), (6, 14)],
    "numpy": np.float64(0.5),
    "ordered": OrderedDict(a=[1]),
    "none": None,
    "flag": True,
}


def _loops():
    yield TrackerActiveLoop("help_form", False, False, PARSE)
    yield TrackerActiveLoop("help_form", True, True, None)
    yield TrackerActiveLoop(None, False, False, {})


def _leaves_not_shared(copied, original):
    """Every dict and list in the copy is a new object (mutating it cannot touch the tracker)."""
    if isinstance(original, (dict, list)):
        assert copied is not original
    if isinstance(original, dict):
        for key in original:
            _leaves_not_shared(copied[key], original[key])
    elif isinstance(original, (list, tuple)):
        for a, b in zip(copied, original, strict=False):
            _leaves_not_shared(a, b)


def test_same_result_as_dataclasses_asdict():
    for loop in _loops():
        fast, reference = active_loop_copy.asdict(loop), dataclasses.asdict(loop)
        assert fast == reference
        assert repr(fast) == repr(reference)  # same types, order and values
        if loop.trigger_message:
            _leaves_not_shared(fast["trigger_message"], loop.trigger_message)
            assert type(fast["trigger_message"]["named"]) is type(PARSE["named"])
            assert type(fast["trigger_message"]["odd"]) is tuple and type(fast["trigger_message"]["ordered"]) is OrderedDict


def test_other_uses_go_to_dataclasses():
    @dataclasses.dataclass
    class Point:
        x: int

    assert active_loop_copy.asdict(Point(1), dict_factory=OrderedDict) == OrderedDict(x=1)
    try:
        active_loop_copy.asdict(Point)  # a class, not an instance: dataclasses' own error
    except TypeError as error:
        assert "dataclass instances" in str(error)
    else:
        raise AssertionError("expected dataclasses' TypeError")


def test_current_state_is_unchanged():
    domain = Domain.from_yaml(
        "version: '3.1'\nslots:\n  region:\n    type: text\n    mappings: [{type: custom}]\n"
        "forms:\n  help_form:\n    required_slots: [region]\n"
    )
    tracker = DialogueStateTracker.from_events(
        "s",
        [UserUttered("нужен психолог", PARSE["intent"], parse_data=PARSE), ActiveLoop("help_form"), SlotSet("region", "BY-MI")],
        domain.slots,
    )
    active_loop_copy.uninstall()
    reference = tracker.current_state(EventVerbosity.ALL)
    active_loop_copy.install()
    try:
        assert tracker.current_state(EventVerbosity.ALL) == reference
        assert repr(tracker.current_state(EventVerbosity.ALL)) == repr(reference)
    finally:
        active_loop_copy.uninstall()
