"""The event-class table answers as Rasa's class-tree walk does, including classes defined later."""

from __future__ import annotations

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered, deserialise_events

from rasa_patches import event_types


@pytest.fixture
def installed():
    event_types.install()
    yield
    event_types.uninstall()


def _walk(type_name, default=None):
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        if cls.type_name == type_name:
            return cls
    if type_name == "topic":
        return None
    if default is not None:
        return default
    raise ValueError(type_name)


def test_same_class_for_every_event_name(installed):
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "session_started"} <= names
    for name in names:
        assert Event.resolve_by_type(name) is _walk(name)
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nonsense", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("nonsense")


def test_deserialises_as_before(installed):
    dumped = [
        UserUttered("привет", {"name": "greet", "confidence": 1.0}).as_dict(),
        ActionExecuted("action_welcome").as_dict(),
        SlotSet("region", "BY-HO").as_dict(),
    ]
    events = deserialise_events(dumped)
    assert [type(e) for e in events] == [UserUttered, ActionExecuted, SlotSet]
    assert [e.as_dict() for e in events] == dumped


def test_a_subclass_defined_later_is_found(installed):
    assert Event.resolve_by_type("dv_test_event", default=SlotSet) is SlotSet

    class DvTestEvent(SlotSet):
        type_name = "dv_test_event"

    assert Event.resolve_by_type("dv_test_event") is DvTestEvent
