"""The self-check and the guides through the real servers, in every language."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid

import pytest

from actions.buttons import GUIDE_INTENTS
from actions.content import content
from actions.intents import MORE_PAYLOAD
from actions.texts import LANGUAGES
from safety import fallback
from safety.tracker_store import PrivateSQLTrackerStore
from tests.e2e.conftest import payloads, slots, texts

pytestmark = pytest.mark.e2e
NUMBERS = (fallback.POLICE, fallback.AMBULANCE, fallback.EMERGENCY, fallback.HOTLINE)
TYPED_YES = {"ru": "да", "be": "так", "en": "yes"}
TYPED_NO = {"ru": "нет", "be": "не", "en": "no"}


def start(assistant, lang: str) -> str:
    me = uuid.uuid4().hex
    assistant.say(me, "/start")
    assistant.say(me, f'/set_language{{"language":"{lang}"}}')
    return me


@pytest.mark.parametrize("lang", LANGUAGES)
def test_risk_check_high_pattern_reaches_the_numbers_and_the_shelter_path(assistant, lang):
    """Typed and tapped answers; the red-flag yes ends the check with 102/103/112 and the hotline."""
    check = content().risk_check
    me = start(assistant, lang)
    first = assistant.say(me, "/risk_check")
    assert check.questions[0].text[lang][:20] in texts(first)
    flag = next(i for i, q in enumerate(check.questions) if q.red_flag)
    for _ in range(flag):
        assistant.say(me, TYPED_NO[lang])
    assert slots(assistant.tracker(me))["risk_answers"] == "n" * flag
    result = assistant.say(me, TYPED_YES[lang])
    reply = texts(result)
    for number in NUMBERS:
        assert number in reply
    assert check.result_high[lang][:30] in reply
    assert slots(assistant.tracker(me))["risk_answers"] is None
    shelter = assistant.say(me, "/need_shelter")
    assert any(p.startswith('/inform{"region"') for p in payloads(shelter))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_risk_check_lower_result_still_gives_the_hotline(assistant, lang):
    check = content().risk_check
    me = start(assistant, lang)
    assistant.say(me, "/risk_check")
    answers = ""
    for _ in check.questions:
        answers += "n"
        replies = assistant.say(me, f'/risk_check{{"answers":"{answers}"}}')
    reply = texts(replies)
    assert check.result_lower[lang][:30] in reply and fallback.HOTLINE in reply
    assert "/main_menu" in payloads(replies)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("guide_id", sorted(GUIDE_INTENTS))
def test_every_guide_from_the_menu_to_its_end(assistant, lang, guide_id):
    guide = content().guides[guide_id]
    me = start(assistant, lang)
    menu = payloads(assistant.say(me, "/main_menu"))
    payload = f"/{GUIDE_INTENTS[guide_id]}"
    assert payload in menu + payloads(assistant.say(me, MORE_PAYLOAD))  # the first menu or behind "more"
    for step in range(len(guide.screens)):
        replies = assistant.say(me, payload)
        assert guide.screens[step].text[lang][:25].split("{")[0] in texts(replies)
        nexts = [p for p in payloads(replies) if p.endswith(f'{{"step":"{step + 1}"}}')]
        payload = nexts[0] if nexts else None
    assert payload is None
    assert fallback.HOTLINE in texts(replies) and "/main_menu" in payloads(replies)


def test_a_guide_inside_the_search_leaves_it_and_the_menu_still_works(assistant):
    me = start(assistant, "ru")
    assistant.say(me, "/need_legal")
    replies = assistant.say(me, "/rights")
    assert content().guides["rights"].screens[0].text["ru"][:25] in texts(replies)
    assert assistant.tracker(me)["active_loop"] in ({}, None) or not assistant.tracker(me)["active_loop"].get("name")
    again = assistant.say(me, "/need_legal")
    assert any(p.startswith('/inform{"region"') for p in payloads(again))


def test_erasing_the_conversation_erases_the_answers(assistant):
    me = start(assistant, "en")
    assistant.say(me, "/risk_check")
    assistant.say(me, '/risk_check{"answers":"n"}')
    assistant.say(me, "no")
    database = assistant.work / "tracker.sqlite"
    store = PrivateSQLTrackerStore(dialect="sqlite", db=str(database))
    assert asyncio.run(store.delete(me)) > 0
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ?", (me,)).fetchall()
    assert rows == []
    assert "risk_answers" not in json.dumps(assistant.tracker(me)["events"])
