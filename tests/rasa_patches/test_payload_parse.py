"""Button payloads parsed without the NLU pipeline give exactly what the whole graph gives."""

from __future__ import annotations

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import payload_parse
from tests.e2e.conftest import MODEL

pytestmark = pytest.mark.filterwarnings("ignore")

PAYLOADS = [
    "/start",
    "/need_legal",
    "/whole_region",
    "/change_region",
    "/role_witness",
    '/inform{"region":"BY-HO"}',
    '/inform{"district":"BY-HO-04"}',
    '/district_page{"page":"1"}',
    '/set_language{"language":"en"}',
    "  /main_menu  ",
    "/greet@0.7",
    "/need_legal{broken",
]
NOT_PAYLOADS = ["привет", "нужен юрист в Гомеле", "/no_such_intent", "/", "слэш / внутри"]


@pytest.fixture(scope="module")
def processor() -> MessageProcessor:
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup before these tests")
    return Agent.load(str(MODEL)).processor


@pytest.mark.parametrize("text", PAYLOADS)
def test_payload_parse_equals_the_graph(processor, text):
    message = UserMessage(text, sender_id="t", message_id="m1")
    tracker = DialogueStateTracker.from_events("t", [])
    through_graph = payload_parse._original()(processor, message, tracker)
    shortcut = payload_parse.parse_payload(processor, message)
    assert shortcut is not None
    assert shortcut == through_graph


@pytest.mark.parametrize("text", NOT_PAYLOADS)
def test_everything_else_goes_through_the_graph(processor, text):
    assert payload_parse.parse_payload(processor, UserMessage(text, sender_id="t")) is None


async def test_installed_parse_message_uses_it(processor):
    payload_parse.install()
    try:
        parsed = await processor.parse_message(UserMessage('/inform{"region":"BY-MI"}', sender_id="t"))
        assert parsed["intent"]["name"] == "inform"
        assert [(e["entity"], e["value"]) for e in parsed["entities"]] == [("region", "BY-MI")]
        typed = await processor.parse_message(UserMessage("нужен юрист в Гомеле", sender_id="t"))
        assert typed["intent"]["name"] == "need_legal"
    finally:
        payload_parse.uninstall()
