"""``Domain.is_empty`` gives Rasa's answer with one empty domain built once."""
from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain

from rasa_patches import empty_domain_check
from tests.actions.conftest import REPO

DOMAINS = {
    "empty": "version: '3.1'\n",
    "one intent": "version: '3.1'\nintents: [greet]\n",
    "only a session config": "version: '3.1'\nsession_config:\n  session_expiration_time: 5\n",
    "a default session config spelled out":
        "version: '3.1'\nsession_config:\n  session_expiration_time: 60\n  carry_over_slots_to_new_session: true\n",
    "one response": "version: '3.1'\nresponses:\n  utter_hi:\n  - text: hi\n",
    "one slot": "version: '3.1'\nslots:\n  region:\n    type: text\n    mappings: [{type: custom}]\n",
}


@pytest.fixture(autouse=True)
def _restore():
    yield
    empty_domain_check.install()  # as the server runs


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_same_answer_as_rasa(name):
    domain = Domain.from_yaml(DOMAINS[name])
    empty_domain_check.uninstall()
    expected = domain.is_empty()
    empty_domain_check.install()
    assert domain.is_empty() is expected
    assert expected is (name in ("empty", "a default session config spelled out"))  # compared by content


def test_the_project_domain_and_the_empty_one():
    project = Domain.load(str(REPO / "domain.yml"))
    empty_domain_check.install()
    assert project.is_empty() is False
    assert Domain.empty().is_empty() is True
    assert Domain.from_dict({}).is_empty() is True


def test_the_kept_empty_domain_is_not_handed_out():
    empty_domain_check.install()
    Domain.empty().is_empty()
    kept = empty_domain_check._empty_data
    Domain.empty().as_dict()["intents"] = ["changed"]  # a fresh domain's data, not the kept one
    assert empty_domain_check._empty_data is kept and kept == Domain.from_dict({}).as_dict()
