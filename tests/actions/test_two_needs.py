"""Two needs or two places in one message (issue 17, item 5), the region question that names
the need, and a district whose only entry has no phone (issue 16, item 2): real directory,
real SDK trackers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.help_form import ActionAskDistrict, ActionAskRegion
from actions.results import ActionShowContacts
from actions.texts import text
from tests.actions.conftest import all_text, make_tracker

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))


def buttons(dispatcher):
    return [b for m in dispatcher.messages for b in m.get("buttons") or []]


async def results(dispatcher, lang="ru", **slots):
    tracker = make_tracker(before={"language": lang}, slots=slots)
    return await ActionShowContacts().run(dispatcher, tracker, DOMAIN)


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
async def test_the_other_need_is_offered_first_after_the_results_then_forgotten(directory_url, dispatcher, lang):
    events = await results(dispatcher, lang, help_type="legal", region="BY-HM", whole_region=True, other_need="shelter")
    first = buttons(dispatcher)[0]
    assert first == {"title": text(lang, "menu.shelter"), "payload": "/need_shelter"}
    assert text(lang, "also_asked", what=text(lang, "help_names.shelter")) in all_text(dispatcher)
    assert {"event": "slot", "timestamp": None, "name": "other_need", "value": None} in events


async def test_the_other_place_is_offered_as_a_place_button(directory_url, dispatcher):
    await results(dispatcher, help_type="psychological", region="BY-VI", district="BY-VI-04", other_place="BY-VI-13")
    first = buttons(dispatcher)[0]
    assert first["payload"] == '/inform{"district":"BY-VI-13"}' and "Полоцкий район" in first["title"]
    assert "Психологическая помощь — Витебский район" in all_text(dispatcher)


async def test_nothing_is_offered_again_for_the_place_or_need_already_shown(directory_url, dispatcher):
    await results(dispatcher, help_type="legal", region="BY-VI", district="BY-VI-13", other_place="BY-VI-13", other_need="legal")
    assert not [b for b in buttons(dispatcher) if b["payload"] in ('/inform{"district":"BY-VI-13"}', "/need_legal")]
    assert text("ru", "also_asked", what="\0").split("\0")[0] not in all_text(dispatcher)


@pytest.mark.parametrize(
    "lang, need, words",
    [
        ("ru", "legal", "Где искать юриста?"),
        ("be", "legal", "Дзе шукаць юрыста?"),
        ("en", "legal", "Where should I look for a lawyer?"),
        ("ru", "addiction", "Где искать помощь при зависимости?"),
    ],
)
async def test_the_region_question_names_the_need_and_has_the_sos_button(directory_url, lang, need, words):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(before={"language": lang, "help_type": need}, active_loop="help_form")
    await ActionAskRegion().run(dispatcher, tracker, DOMAIN)
    assert dispatcher.messages[-1]["text"].startswith(words)
    assert buttons(dispatcher)[0] == {"title": text(lang, "menu.emergency"), "payload": "/need_emergency"}


async def test_two_needs_named_now_are_said_before_the_question(directory_url):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"help_type": "legal", "other_need": "shelter"}, active_loop="help_form")
    await ActionAskRegion().run(dispatcher, tracker, DOMAIN)
    shown = all_text(dispatcher)
    assert shown.startswith(
        text("ru", "two_needs", first=text("ru", "help_names.legal"), second=text("ru", "help_names.shelter"))
    )
    # asked again later (after 🆘), the note is not repeated
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(before={"help_type": "legal", "other_need": "shelter"}, active_loop="help_form")
    await ActionAskRegion().run(dispatcher, tracker, DOMAIN)
    assert text("ru", "help_names.shelter") not in all_text(dispatcher)


async def test_two_places_named_now_are_said_before_the_citys_district_question(directory_url):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        slots={"help_type": "legal", "region": "BY-HO", "city": "BY-HO-26", "other_place": "BY-BR-19"}, active_loop="help_form"
    )
    await ActionAskDistrict().run(dispatcher, tracker, DOMAIN)
    first = dispatcher.messages[-1]["text"].splitlines()[0]
    assert first == text("ru", "two_places", first="г. Гомель", second="г. Брест")


@pytest.mark.parametrize("help_type, district", [("shelter", "BY-MI-14"), ("social", "BY-HO-11"), ("social", "BY-HR-17")])
async def test_a_district_whose_only_entry_has_no_phone_shows_the_nearest_that_has_one(known, dispatcher, help_type, district):
    await results(dispatcher, help_type=help_type, region=district[:5], district=district)
    shown = all_text(dispatcher)
    assert text("ru", "results_nearest_phone") in shown
    after = shown.split(text("ru", "results_nearest_phone"))[1]
    assert "📞" in after.split(text("ru", "results_national_header"))[0]
