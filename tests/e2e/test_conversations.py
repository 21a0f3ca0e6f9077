"""Whole conversations through the real servers, as a tester in `rasa shell` would have them."""

from __future__ import annotations

import csv
import json
import uuid

import pytest

from actions import hotline
from actions.buttons import main_menu
from actions.intents import MORE_PAYLOAD
from actions.texts import text
from tests.e2e.conftest import REPO, payloads, slots, texts

pytestmark = pytest.mark.e2e

HELP_TYPES = ["emergency", "shelter", "psychological", "legal", "social", "police", "medical", "addiction", "hotline"]
with open(REPO / "directory" / "data" / "districts.csv", encoding="utf-8") as handle:
    DISTRICTS = [(row["district_id"], row["region_code"]) for row in csv.DictReader(handle)]


def sender() -> str:
    return uuid.uuid4().hex


def test_start_shows_who_we_are_the_hotline_once_and_a_short_menu(assistant):
    me = sender()
    replies = assistant.say(me, "/start")
    assert text("ru", "welcome") in texts(replies)
    assert hotline.mentions(texts(replies)) == 1 and "102" in texts(replies)
    assert len(replies) == 1
    menu = payloads(replies)
    assert len(menu) <= 8 and menu[-1] == MORE_PAYLOAD
    for intent in ("/need_emergency", "/need_shelter", "/need_legal", "/need_hotline"):
        assert intent in menu
    more = payloads(assistant.say(me, MORE_PAYLOAD))  # one tap to the rest
    for intent in ("/witness_guide", "/role_specialist", "/risk_check", "/safety_plan", "/rights", "/about", "/choose_language"):
        assert intent in more


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
@pytest.mark.parametrize("index, help_type", [(i, h) for i, h in enumerate(HELP_TYPES) if h != "hotline"])
def test_every_help_type_to_contacts_by_buttons(assistant, lang, index, help_type):
    """Language → help type → region → district (a different one each time) → contacts."""
    district, region = DISTRICTS[(index * 14 + len(lang) * 5) % len(DISTRICTS)]
    me = sender()
    assistant.say(me, "/start")
    assistant.say(me, f'/set_language{{"language":"{lang}"}}')
    first = assistant.say(me, f"/need_{help_type}")
    if help_type == "emergency":
        assert "102" in first[0]["text"]  # the numbers come before any question
    assert any(p.startswith('/inform{"region"') for p in payloads(first))
    asked = assistant.say(me, f'/inform{{"region":"{region}"}}')
    assert text(lang, "whole_city" if region == "BY-HM" else "whole_region") in [
        b["title"] for m in asked for b in m.get("buttons") or []
    ]
    answer = assistant.say(me, f'/inform{{"district":"{district}"}}')
    reply = texts(answer)
    assert text(lang, f"help_names.{help_type}") in reply
    assert hotline.mentions(reply) == 1 and "102" in reply
    assert text(lang, "followup_prompt") in reply
    assert len(answer) <= 3
    state = slots(assistant.tracker(me))
    assert (state["help_type"], state["region"], state["district"], state["language"]) == (help_type, region, district, lang)


@pytest.mark.parametrize(
    "message, lang, city, urban",
    [
        ("нужен юрист в Гомеле", "ru", "BY-HO-26", 4),
        ("патрэбны юрыст у Гомелі", "be", "BY-HO-26", 4),
        ("I need a lawyer in Homel", "en", "BY-HO-26", 4),
        ("нужна кризисная комната в Бресте", "ru", "BY-BR-19", 2),
    ],
)
def test_a_typed_city_is_the_city_and_asks_its_urban_district(assistant, message, lang, city, urban):
    """«в Гомеле» is the city, not «Гомельский район»: its urban districts are asked with buttons
    and "I don't know / whole city"."""
    me = sender()
    replies = assistant.say(me, message)
    state = slots(assistant.tracker(me))
    assert (state["region"], state["city"], state["district"]) == (city[:5], city, None)
    assert state["help_type"] in ("legal", "shelter")
    asked = payloads(replies)
    assert len([p for p in asked if p.startswith('/inform{"district":"' + city[:5])]) == urban
    assert "/whole_region" in asked and f'/inform{{"district":"{city[:5]}-04"}}' not in asked
    assert text(lang, "whole_city") in [b["title"] for m in replies for b in m.get("buttons") or []]


def test_gomel_whole_city_shows_the_city_legal_adviser(assistant):
    me = sender()
    assistant.say(me, "нужен юрист в Гомеле")
    answer = assistant.say(me, "/whole_region")
    reply = texts(answer)
    assert "г. Гомель, Гомельская область" in reply
    assert "Юрисконсульт ТЦСОН Железнодорожного района г. Гомеля" in reply
    assert text("ru", "results_national_fallback") not in reply  # not "nothing here"
    assert slots(assistant.tracker(me))["district"] == "BY-HO-26"


@pytest.mark.parametrize(
    "message, district",
    [
        ("нужен юрист в Барановичах", "BY-BR-20"),
        ("нужен юрист в Новополоцке", "BY-VI-26"),
        ("нужен юрист в Жодино", "BY-MI-23"),
        ("нужен юрист в Микашевичах", "BY-BR-11"),
        ("нужен юрист в Заславле", "BY-MI-11"),
        ("нужен юрист, я живу в Уручье", "BY-HM-06"),
    ],
)
def test_a_city_of_its_own_or_a_town_answers_at_once(assistant, message, district):
    me = sender()
    replies = assistant.say(me, message)
    assert slots(assistant.tracker(me))["district"] == district
    assert text("ru", "followup_prompt") in texts(replies)
    assert '/district_page{"page":"1"}' not in payloads(replies)  # never a paged list


def test_district_keyboard_pages_and_whole_region(assistant):
    me = sender()
    assistant.say(me, "/need_social")
    first = assistant.say(me, '/inform{"region":"BY-MI"}')
    assert '/district_page{"page":"1"}' in payloads(first)
    second = assistant.say(me, '/district_page{"page":"1"}')
    assert set(payloads(second)) != set(payloads(first))
    assert slots(assistant.tracker(me))["district"] is None
    answer = assistant.say(me, "/whole_region")
    assert text("ru", "followup_prompt") in texts(answer)
    state = slots(assistant.tracker(me))
    assert state["whole_region"] is True and state["district"] is None


def test_danger_interrupts_the_form_and_it_continues(assistant):
    me = sender()
    assistant.say(me, "/need_legal")
    replies = assistant.say(me, "он ломает дверь")
    assert "102" in replies[0]["text"] and "112" in replies[0]["text"]
    assert any(p.startswith('/inform{"region"') for p in payloads(replies))  # then the form asks again
    assert slots(assistant.tracker(me))["help_type"] == "legal"


@pytest.mark.parametrize(
    "message",
    [
        '/inform{"region":"\' OR 1=1 --"}',
        '/inform{"help_type":"<script>alert(1)</script>"}',
        '/inform{"district":"BY-MI-99"}',
        '/set_language{"language":"xx"}',
        "ж" * 5000,
        "😀😀😀",
        "/no_such_intent",
        '/inform{"region": ["BY-HO", "BY-MI"]}',
    ],
)
def test_hostile_input_gets_a_calm_reply_and_nothing_invalid_is_kept(assistant, message):
    me = sender()
    assistant.say(me, "/need_legal")
    replies = assistant.say(me, message)
    assert replies, "the bot must answer"
    state = slots(assistant.tracker(me))
    assert state["region"] in (None, "BY-HO", "BY-MI")
    assert state["help_type"] == "legal"
    assert state["district"] is None
    assert state["language"] == "ru"
    assert "<script>" not in json.dumps(replies)


def test_place_outside_belarus(assistant):
    me = sender()
    replies = assistant.say(me, "я сейчас в Москве")
    assert "112" in texts(replies) and "8-801-100-8-801" in texts(replies)
    assert slots(assistant.tracker(me))["region"] is None


def test_restart_keeps_the_language_and_forgets_the_search(assistant):
    me = sender()
    assistant.say(me, '/set_language{"language":"en"}')
    assistant.say(me, "/need_legal")
    replies = assistant.say(me, "/restart")
    assert text("en", "welcome") in texts(replies)
    state = slots(assistant.tracker(me))
    assert state["language"] == "en" and state["help_type"] is None


def test_ambiguous_place_asks_which_with_buttons(assistant):
    me = sender()
    assistant.say(me, "/need_social")
    replies = assistant.say(me, "Октябрьский район")
    assert text("ru", "ambiguous_place") in texts(replies)
    assert {'/inform{"district":"BY-HO-15"}', '/inform{"district":"BY-HM-04"}'} <= set(payloads(replies))
    assert slots(assistant.tracker(me))["district"] is None
    answer = assistant.say(me, '/inform{"district":"BY-HO-15"}')
    assert text("ru", "followup_prompt") in texts(answer)


# --- issue 16, items 4–6: the hotline at once, short answers, start over -----------------------


@pytest.mark.parametrize(
    "lang, message",
    [
        ("ru", "/need_hotline"),
        ("ru", "когда работает горячая линия?"),
        ("ru", "хочу поговорить с человеком"),
        ("be", "/need_hotline"),
        ("be", "хачу пагаварыць з жывым чалавекам"),
        ("en", "/need_hotline"),
        ("en", "can i talk to a human"),
    ],
)
def test_the_hotline_answers_in_one_tap_without_asking_the_region(assistant, lang, message):
    me = sender()
    assistant.say(me, f'/set_language{{"language":"{lang}"}}')
    replies = assistant.say(me, message)
    reply = texts(replies)
    assert hotline.status(lang) in reply and hotline.mentions(reply) == 1 and "112" in reply
    assert len(replies) == 1
    assert not any(p.startswith("/inform") for p in payloads(replies))
    assert assistant.tracker(me)["active_loop"] in ({}, None) or not assistant.tracker(me)["active_loop"].get("name")


def test_the_hotline_inside_the_search_answers_and_the_search_can_go_on(assistant):
    me = sender()
    assistant.say(me, "/need_legal")
    replies = assistant.say(me, "/need_hotline")
    assert hotline.mentions(texts(replies)) == 1
    assert slots(assistant.tracker(me))["help_type"] == "legal"
    answer = assistant.say(me, '/inform{"district":"BY-HO-05"}')
    assert text("ru", "help_names.legal") in texts(answer)


@pytest.mark.parametrize("lang, thanks", [("ru", "спасибо"), ("be", "дзякуй"), ("en", "thank you")])
def test_thanks_after_results_is_one_short_line_without_the_menu(assistant, lang, thanks):
    me = sender()
    assistant.say(me, f'/set_language{{"language":"{lang}"}}')
    assistant.say(me, "/need_psychological")
    assistant.say(me, '/inform{"region":"BY-HM"}')
    assistant.say(me, "/whole_region")
    replies = assistant.say(me, thanks)
    assert len(replies) == 1 and payloads(replies) == []
    assert texts(replies) == f"{text(lang, 'thank')}\n{hotline.reminder(lang)}"


@pytest.mark.parametrize("message", ["?", "ываыва ыва"])
def test_nonsense_gets_one_reminder_line_not_the_hotline_block(assistant, message):
    me = sender()
    assistant.say(me, "/start")
    replies = assistant.say(me, message)
    reply = texts(replies)
    assert hotline.mentions(reply) == 1 and hotline.reminder("ru") in reply
    assert len(payloads(replies)) <= 8


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
def test_start_over_after_results_is_the_welcome_and_the_menu_once(assistant, lang):
    me = sender()
    assistant.say(me, f'/set_language{{"language":"{lang}"}}')
    assistant.say(me, "/need_legal")
    assistant.say(me, '/inform{"district":"BY-HO-05"}')
    replies = assistant.say(me, "/restart")
    assert len(replies) == 1
    assert texts(replies).count(text(lang, "welcome")) == 1
    assert text(lang, "not_understood") not in texts(replies)
    assert payloads(replies) == [b["payload"] for b in main_menu(lang)]
    actions = [e["name"] for e in assistant.tracker(me)["events"] if e["event"] == "action"]
    assert actions[-2:] == ["action_restart", "action_listen"]


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
@pytest.mark.parametrize(
    "help_type, region", [("psychological", "BY-HM"), ("shelter", "BY-MI"), ("legal", "BY-HO"), ("police", "BY-BR")]
)
def test_results_are_short_with_one_hotline_mention(assistant, lang, help_type, region):
    me = sender()
    assistant.say(me, f'/set_language{{"language":"{lang}"}}')
    assistant.say(me, f"/need_{help_type}")
    assistant.say(me, f'/inform{{"region":"{region}"}}')
    replies = assistant.say(me, "/whole_region")
    reply = texts(replies)
    assert len(replies) <= 3 and hotline.mentions(reply) == 1
    if reply.count("\n📞") <= 3:
        assert len(reply) <= 1000, reply
