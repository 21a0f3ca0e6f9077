"""The moment answers: a witness now, a child, a person abroad (actions/moments.py)."""

from __future__ import annotations

import asyncio

import pytest
import yaml

from actions import moments
from actions.texts import text
from safety import fallback
from tests.actions.conftest import all_text, make_tracker

LANGS = ("ru", "be", "en")


def run(action, tracker, dispatcher):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def test_the_childrens_line_is_the_directory_row(known):
    national = known.search("psychological", "BY-MI", None).national
    row = next(c for c in national if c.id == moments.CHILDREN_LINE_ID)
    assert moments.CHILDREN_LINE in [p.display for p in row.phones]
    assert row.source_url and row.verified_on


def test_every_country_names_its_sources():
    raw = yaml.safe_load(moments.ABROAD_FILE.read_text(encoding="utf-8"))
    for code, country in raw["countries"].items():
        assert country["sources"] and set(country["sources"]) <= set(raw["sources"]), code
    for source in raw["sources"].values():
        assert source["url"].startswith("http") and source["title"]
    assert {c.code for c in moments.countries()} >= {"LT", "PL", "LV", "RU", "UA", "DE"}


@pytest.mark.parametrize(
    "place, code",
    [
        ("Вильнюсе", "LT"),
        ("Вільнюсе", "LT"),
        ("Vilnius", "LT"),
        ("Варшаве", "PL"),
        ("Warsaw", "PL"),
        ("Польше", "PL"),
        ("Риге", "LV"),
        ("Москве", "RU"),
        ("Saint Petersburg", "RU"),
        ("Киеве", "UA"),
        ("Kyiv", "UA"),
        ("Берлине", "DE"),
    ],
)
def test_country_of_a_foreign_place(place, code):
    assert moments.country_of(place).code == code


@pytest.mark.parametrize("lang", LANGS)
def test_witness_first_message_is_102_for_a_witness(lang, dispatcher):
    tracker = make_tracker(text="слышу как сосед бьет жену", intent="witness_danger", slots={"language": lang})
    events = run(moments.ActionWitnessEmergency(), tracker, dispatcher)
    first = dispatcher.messages[0]["text"]
    assert first.splitlines()[0].startswith(text(lang, "moments.witness_now", police="102", ambulance="103").splitlines()[0])
    assert "102" in first.splitlines()[0]
    assert text(lang, "emergency", police="102", ambulance="103", emergency="112").splitlines()[0] not in all_text(dispatcher)
    assert "/witness_guide" in [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert {"event": "slot", "timestamp": None, "name": "role", "value": "witness"} in events


def test_witness_inside_the_search_gets_no_buttons_the_form_asks_next(dispatcher):
    tracker = make_tracker(text="у соседей бьют женщину", intent="witness_danger", active_loop="help_form")
    run(moments.ActionWitnessEmergency(), tracker, dispatcher)
    assert not dispatcher.messages[0].get("buttons")


@pytest.mark.parametrize("lang", LANGS)
def test_child_gets_102_and_the_childrens_line_never_the_witness_guide(lang, dispatcher):
    tracker = make_tracker(
        text="мне 14 папа бьет маму и меня", intent="child_help", slots={"language": lang}, active_loop="help_form"
    )
    events = run(moments.ActionChildHelp(), tracker, dispatcher)
    shown = all_text(dispatcher)
    assert "102" in shown and "8-801-100-16-11" in shown
    assert "/witness_guide" not in shown and text(lang, "intro_witness", police="102")[:30] not in shown
    assert shown.index("102") < shown.index("8-801-100-16-11")
    assert {"event": "active_loop", "timestamp": None, "name": None} in events


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("place, number", [("Вильнюсе", "112"), ("Warsaw", "112"), ("Берлине", "110"), ("Москве", "102")])
def test_abroad_gets_that_countrys_number_and_no_region_question(lang, place, number, dispatcher):
    tracker = make_tracker(
        text=f"я сейчас в {place}",
        intent="abroad",
        slots={"language": lang},
        entities=[{"entity": "foreign_place", "value": place}],
    )
    run(moments.ActionAbroad(), tracker, dispatcher)
    shown = all_text(dispatcher)
    assert number in shown and "112" in shown
    assert text(lang, "moments.abroad_free_numbers", hotline="8-801-100-8-801") in shown
    assert all(text(lang, key) not in shown for key in ("ask_region", "ask_region_emergency", "ask_region_for.hint"))
    assert '/inform{"region"' not in shown
    assert shown.index("112") < shown.index("8-801")


def test_abroad_somewhere_not_in_the_table_gets_112(dispatcher):
    tracker = make_tracker(text="я в Турции", intent="abroad", entities=[{"entity": "foreign_place", "value": "Турции"}])
    run(moments.ActionAbroad(), tracker, dispatcher)
    assert text("ru", "moments.abroad_generic", emergency=fallback.EMERGENCY) in all_text(dispatcher)
