"""The cached validator accepts and rejects exactly what Rasa's own validation does."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError

from rasa.core.actions.action import RemoteAction
from safeguards import remote_action_validation

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
