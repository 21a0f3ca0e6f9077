"""The cached validator accepts and rejects exactly what Rasa's own validation does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from rasa_patches import remote_action_validation

GOOD = {"events": [{"event": "slot", "name": "region", "value": "BY-HO"}], "responses": [{"text": "hi"}]}
BAD = [{"events": "not a list"}, {"events": [{"event": "no_such_event"}]}, {"responses": "x"}]


@pytest.fixture
def action():
    return RemoteAction("action_x", None)


def test_same_verdicts_as_rasa(action):
    original = RemoteAction._validate_action_result
    assert original(action, GOOD)
    for bad in BAD:
        with pytest.raises(ValidationError):
            original(action, bad)
    remote_action_validation.install()
    try:
        assert RemoteAction._validate_action_result(action, GOOD)
        for bad in BAD:
            with pytest.raises(ValidationError) as error:
                RemoteAction._validate_action_result(action, bad)
            assert "Failed to validate Action server response" in error.value.message
    finally:
        RemoteAction._validate_action_result = original


def _sample_events():
    """One serialised event of every kind an action server can send."""
    from rasa.shared.core import events as e

    return [
        ev.as_dict()
        for ev in [
            e.UserUttered("привет", {"name": "greet", "confidence": 0.9}, [{"entity": "region", "value": "BY-HO"}]),
            e.BotUttered("text", {"buttons": [{"title": "a", "payload": "/a"}]}, metadata={"safety_net": True}),
            e.SlotSet("region", "BY-HO"),
            e.SlotSet("district", None),
            e.ActionExecuted("action_welcome"),
            e.ActiveLoop("help_form"),
            e.ActiveLoop(None),
            e.AllSlotsReset(),
            e.Restarted(),
            e.SessionStarted(),
            e.FollowupAction("action_welcome"),
            e.ActionReverted(),
            e.UserUtteranceReverted(),
            e.ActionExecutionRejected("x"),
            e.LoopInterrupted(True),
            e.ConversationPaused(),
            e.ConversationResumed(),
            e.EntitiesAdded([{"entity": "region", "value": "BY-MI"}]),
            e.DefinePrevUserUtteredFeaturization(False),
            e.ReminderCancelled(name="r"),
            e.AgentUttered("hi"),
            e.StoryExported("x.yml"),
        ]
    ]


def _mutations():
    good = {"events": _sample_events(), "responses": [{"text": "hi", "buttons": []}]}
    yield good
    yield {}
    yield {"events": []}
    yield None
    yield []
    yield {"events": [{}]}
    yield {"events": [{"event": 5}]}
    yield {"events": [{"event": "slot"}]}  # no name: still valid for Rasa's schema? the full validator decides
    yield {"events": [{"event": "slot", "name": 5}]}
    yield {"events": [{"event": "user", "text": 5}]}
    yield {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "x"}]}}]}
    yield {"events": [{"event": "bot", "text": None, "data": "not an object"}]}
    yield {"events": [{"event": "action", "name": None}]}
    yield {"events": [{"event": "active_loop", "name": 3}]}
    yield {"events": [{"event": "followup"}]}
    yield {"events": [{"event": "session_started", "timestamp": "now"}]}
    yield {"events": [{"event": "slot", "name": "a", "value": 1, "metadata": "x"}]}
    yield {"events": "x", "responses": []}
    yield {"responses": [1]}
    for event in _sample_events():
        yield {"events": [event]}
        yield {"events": [{**event, "event": event["event"] + "_typo"}]}
        yield {"events": [{**event, "timestamp": "yesterday"}]}
        for key in event:
            if key not in ("event", "timestamp", "metadata"):
                yield {"events": [{**event, key: object.__new__(type("Weird", (), {}))}]}
                yield {"events": [{**event, key: 12345}]}
                yield {"events": [{**event, key: [1]}]}


def _schema_verdict(response) -> bool:
    """The full schema's verdict (jsonschema.validate), a TypeError counting as invalid."""
    from jsonschema import validate
    from jsonschema.exceptions import ValidationError as Invalid

    try:
        validate(response, RemoteAction.action_response_format_spec())
        return True
    except (Invalid, TypeError):
        return False


def _verdict(is_valid, response) -> bool:
    try:
        return is_valid(response)
    except TypeError:
        return False


def test_fast_path_gives_the_full_schemas_verdict():
    valid = invalid = 0
    for response in _mutations():
        expected = _schema_verdict(response)
        assert _verdict(remote_action_validation.is_valid_fast, response) == expected, response
        valid += expected
        invalid += not expected
    assert valid > 20 and invalid > 50


def test_remembered_verdicts_equal_the_full_schemas_twice_over(monkeypatch):
    """Asked twice (the second time from memory for valid ones), every verdict stays the schema's."""
    from jsonschema import validate

    monkeypatch.setattr(remote_action_validation, "_known_valid", type(remote_action_validation._known_valid)())
    schema = RemoteAction.action_response_format_spec()
    for _ in range(2):
        for response in _mutations():
            assert _verdict(remote_action_validation.is_valid_remembered, response) == _schema_verdict(response), response
    assert remote_action_validation._known_valid  # valid ones were remembered …
    for key in remote_action_validation._known_valid:  # … and only valid ones
        import orjson

        validate(orjson.loads(key), schema)


def test_memory_is_bounded_and_invalid_is_never_remembered(monkeypatch):
    monkeypatch.setattr(remote_action_validation, "REMEMBERED", 3)
    monkeypatch.setattr(remote_action_validation, "_known_valid", type(remote_action_validation._known_valid)())
    for n in range(10):
        assert remote_action_validation.is_valid_remembered({"events": [{"event": "slot", "name": "x", "value": n}]})
    assert len(remote_action_validation._known_valid) == 3
    for bad in BAD:
        assert not remote_action_validation.is_valid_remembered(bad)
        assert not remote_action_validation.is_valid_remembered(bad)
    assert len(remote_action_validation._known_valid) == 3
