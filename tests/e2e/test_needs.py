"""Through the real servers (issue 17, items 4 and 5): 🆘 one tap away at every question of the
search, in ru/be/en — the numbers once, then the same question, and a place typed next is taken;
two needs or two places in one message are both kept, the other offered as the next step."""

from __future__ import annotations

import uuid

import pytest

from actions.texts import text
from tests.e2e.conftest import payloads, slots, texts

pytestmark = pytest.mark.e2e

SOS = "/need_emergency"
TYPED_SLUTSK = {"ru": "Слуцк", "be": "Слуцк", "en": "Slutsk"}


def sender() -> str:
    return uuid.uuid4().hex


def emergency_first_line(lang):
    return text(lang, "emergency", police="102", ambulance="103", emergency="112").splitlines()[0]


def tap_sos(assistant, me, lang, keyboard):
    """Taps 🆘 on ``keyboard``: the numbers once, then the same keyboard again."""
    assert SOS in payloads(keyboard), texts(keyboard)
    replies = assistant.say(me, SOS)
    shown = texts(replies)
    assert replies[0]["text"].startswith(emergency_first_line(lang))
    assert shown.count(emergency_first_line(lang)) == 1
    assert text(lang, "ask_help_type") not in shown
    assert payloads(replies) == payloads(keyboard)  # the pending question, asked again
    return replies


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
def test_sos_at_the_region_and_district_questions_then_a_typed_place(assistant, lang):
    me = sender()
    assistant.say(me, f'/set_language{{"language":"{lang}"}}')
    region_question = assistant.say(me, "/need_legal")
    assert region_question[-1]["text"].startswith(text(lang, "ask_region_for.legal"))
    again = tap_sos(assistant, me, lang, region_question)
    assert again[-1]["text"].startswith(text(lang, "ask_region_for.legal"))  # the need named
    district_question = assistant.say(me, '/inform{"region":"BY-MI"}')
    tap_sos(assistant, me, lang, district_question)
    assert slots(assistant.tracker(me))["requested_slot"] == "district"
    answer = assistant.say(me, TYPED_SLUTSK[lang])
    state = slots(assistant.tracker(me))
    assert (state["help_type"], state["district"]) == ("legal", "BY-MI-16")
    assert text(lang, "help_names.legal") in texts(answer)


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
def test_sos_at_a_citys_district_question(assistant, lang):
    me = sender()
    assistant.say(me, f'/set_language{{"language":"{lang}"}}')
    assistant.say(me, "/need_psychological")
    city_question = assistant.say(me, '/inform{"district":"BY-HO-26"}')  # г. Гомель: its districts
    assert '/inform{"district":"BY-HO-22"}' in payloads(city_question)
    tap_sos(assistant, me, lang, city_question)
    answer = assistant.say(me, "/whole_region")
    assert slots(assistant.tracker(me))["district"] == "BY-HO-26"
    assert text(lang, "help_names.psychological") in texts(answer)


def test_minsk_and_its_district_typed_after_sos_are_taken(assistant):
    me = sender()
    assistant.say(me, "/need_social")
    assistant.say(me, SOS)
    answer = assistant.say(me, "минск, фрунзенский")
    assert slots(assistant.tracker(me))["district"] == "BY-HM-08"
    assert "Социальные службы — Фрунзенский район" in texts(answer)


@pytest.mark.parametrize(
    "message, lang, first, other, place",
    [
        ("мне нужен юрист и кризисная комната в Бресте", "ru", "legal", "shelter", "BY-BR-19"),
        ("lawyer and a safe place, Slutsk", "en", "legal", "shelter", "BY-MI-16"),
    ],
)
def test_two_needs_answer_the_first_and_offer_the_other(assistant, message, lang, first, other, place):
    me = sender()
    replies = assistant.say(me, message)
    state = slots(assistant.tracker(me))
    assert (state["language"], state["help_type"]) == (lang, first)
    assert text(lang, f"help_names.{other}") in texts(replies)  # said at once, not dropped
    if state["district"] is None:  # Brest: which city district? The whole city.
        assert state["other_need"] == other  # kept while the question is asked
        replies = assistant.say(me, "/whole_region")
    assert slots(assistant.tracker(me))["district"] == place
    assert payloads(replies)[0] == f"/need_{other}"  # the other need is the next step
    assert slots(assistant.tracker(me))["other_need"] is None
    replies = assistant.say(me, f"/need_{other}")
    state = slots(assistant.tracker(me))
    assert (state["help_type"], state["district"]) == (other, place)  # same place, no question
    assert text(lang, f"help_names.{other}") in texts(replies) and text(lang, "followup_prompt") in texts(replies)


def test_two_places_answer_the_first_and_offer_the_other(assistant):
    me = sender()
    replies = assistant.say(me, "нужен психолог по Витебскому району и Полоцку")
    assert slots(assistant.tracker(me))["district"] == "BY-VI-04"
    assert "Психологическая помощь — Витебский район" in texts(replies)
    assert payloads(replies)[0] == '/inform{"district":"BY-VI-13"}'
    replies = assistant.say(me, '/inform{"district":"BY-VI-13"}')
    assert "Психологическая помощь — Полоцкий район" in texts(replies)
    assert slots(assistant.tracker(me))["other_place"] is None


def test_a_typed_other_place_outside_the_whitelist_is_not_kept(assistant):
    me = sender()
    replies = assistant.say(me, '/inform{"other_place":"BY-XX-99; DROP TABLE"}')
    assert slots(assistant.tracker(me))["other_place"] is None
    assert text("ru", "invalid_choice") in texts(replies)
