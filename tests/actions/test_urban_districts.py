"""Urban districts of the oblast centres in the actions: the ambiguity buttons and the keyboards."""

from __future__ import annotations

import pytest

from directory.snapshot import russian_sort_key

from actions import buttons
from tests.actions.test_validation import validate

LENINSKY = "BY-HM-02|BY-BR-17|BY-HR-18|BY-MA-22|BY-MA-24"  # what the gazetteer gives «Ленинский район»


@pytest.mark.parametrize("lang, text", [("ru", "Ленинский район"), ("be", "Ленінскі раён"), ("en", "Leninsky district")])
async def test_a_shared_urban_district_name_asks_with_buttons_that_tell_the_cities_apart(directory_url, dispatcher, lang, text):
    await validate(dispatcher, text=text, before={"language": lang}, entities=[{"entity": "place_options", "value": LENINSKY}])
    choices = [b for m in dispatcher.messages for b in m.get("buttons") or []]
    assert choices[0]["payload"] == "/need_emergency"  # 🆘 one tap away at every question
    choices = choices[1:]
    assert [b["payload"] for b in choices] == [f'/inform{{"district":"{d}"}}' for d in LENINSKY.split("|")]
    titles = [b["title"] for b in choices]
    assert len(set(titles)) == len(titles)  # Mogilev's and Babruysk's are both in Mogilev oblast
    if lang == "ru":
        assert titles[3:] == [
            "Ленинский район г. Могилёва, Могилёвская область",
            "Ленинский район г. Бобруйска, Могилёвская область",
        ]


@pytest.mark.parametrize(
    "region, urban",
    [
        ("BY-BR", {"BY-BR-17", "BY-BR-18"}),
        ("BY-VI", {"BY-VI-22", "BY-VI-23", "BY-VI-24"}),
        ("BY-HO", {"BY-HO-22", "BY-HO-23", "BY-HO-24", "BY-HO-25"}),
        ("BY-HR", {"BY-HR-18", "BY-HR-19"}),
        ("BY-MA", {"BY-MA-22", "BY-MA-23", "BY-MA-24", "BY-MA-25"}),
    ],
)
def test_the_region_keyboard_pages_its_cities_then_raions_and_leaves_urban_districts_to_the_city(known, region, urban):
    choices = known.district_choices(region)
    assert urban <= {d.id for d in known.districts(region)} and not urban & {d.id for d in choices}
    cities = [d for d in choices if d.kind == "city"]
    assert choices[: len(cities)] == cities and all(d.kind == "raion" for d in choices[len(cities) :])
    raions = [russian_sort_key(d.name_ru) for d in choices[len(cities) :]]
    assert raions == sorted(raions)
    assert urban == {d.id for c in cities for d in known.urban_districts(c.id)}
    shown = []
    page, pages = 0, 1
    while page < pages:
        keyboard, page, pages = buttons.district_page("ru", region, choices, page)
        shown += [b["payload"] for b in keyboard if b["payload"].startswith('/inform{"district"')]
        assert keyboard[0]["payload"] == "/need_emergency"  # 🆘 one tap away at every question
        assert len(keyboard) <= buttons.DISTRICTS_PER_PAGE + 4  # + 🆘, whole region, more, back
        page += 1
    assert shown == [f'/inform{{"district":"{d.id}"}}' for d in choices]
    assert all(len(p.encode()) <= 64 for p in shown)  # Telegram callback_data limit
