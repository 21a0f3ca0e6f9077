"""A place means what the person meant, through the real action code.

A typed city («в Гомеле») becomes its city unit, the form asks the urban district with buttons
and "I don't know / whole city", and the whole city shows every urban district's contacts.
Entities come from the real gazetteer (components.place_resolver), the directory is the real
data loaded into SQLite, trackers and dispatchers are the SDK's.
"""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.help_form import ActionAskDistrict, ActionResetRegion, ValidateHelpForm
from actions.results import ActionShowContacts
from actions.texts import text
from components.place_resolver import PlaceResolver
from tests.actions.conftest import all_text, make_tracker
from tests.actions.test_validation import DOMAIN, slot_events, validate

GOMEL_URBAN = ["BY-HO-22", "BY-HO-23", "BY-HO-24", "BY-HO-25"]
GOMEL_LEGAL = "Юрисконсульт ТЦСОН Железнодорожного района г. Гомеля"


def places(message: str):
    """The entities the NLU pipeline adds for `message` (the real gazetteer)."""
    return [{"entity": m.entity, "value": m.value} for m in PlaceResolver.shared().resolve(message)]


def place_slots(message: str):
    return {e["entity"]: e["value"] for e in places(message) if e["entity"] in ("region", "district")}


async def typed(dispatcher, message: str, lang: str = "ru", intent: str = "need_legal"):
    """The first turn: the help type and the place typed in one message."""
    return await validate(
        dispatcher,
        text=message,
        intent=intent,
        before={"language": lang},
        slots={"help_type": "legal", **place_slots(message)},
        entities=places(message),
    )


async def ask_district(slots, lang="ru"):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(before={"language": lang, **slots}, active_loop="help_form")
    await ActionAskDistrict().run(dispatcher, tracker, DOMAIN)
    return dispatcher.messages[-1]


@pytest.mark.parametrize(
    "message, lang", [("нужен юрист в Гомеле", "ru"), ("патрэбны юрыст у Гомелі", "be"), ("I need a lawyer in Gomel", "en")]
)
async def test_a_typed_city_asks_its_urban_district_never_the_raion(directory_url, dispatcher, message, lang):
    kept = await typed(dispatcher, message, lang)
    assert kept["district"] is None and kept["city"] == "BY-HO-26" and kept["region"] == "BY-HO"
    asked = await ask_district({"help_type": "legal", "region": "BY-HO", "city": "BY-HO-26"}, lang)
    payloads = [b["payload"] for b in asked["buttons"]]
    assert payloads == ["/need_emergency"] + [f'/inform{{"district":"{d}"}}' for d in GOMEL_URBAN] + ["/whole_region"]
    assert asked["buttons"][-1]["title"] == text(lang, "whole_city")
    assert "BY-HO-04" not in str(asked)  # «Гомельский район» is not offered for «Гомель»
    assert ("г. Гомель" if lang != "en" else "Gomel (city)") in asked["text"]


async def test_whole_city_shows_every_urban_districts_contacts(directory_url, dispatcher):
    await typed(dispatcher, "нужен юрист в Гомеле")
    # "I don't know / whole city", validated by the form's own validator
    tracker = make_tracker(
        before={"help_type": "legal", "region": "BY-HO", "city": "BY-HO-26"},
        slots={"district": "__whole_region__"},
        intent="whole_region",
        text="/whole_region",
        active_loop="help_form",
    )
    kept = slot_events(await ValidateHelpForm().run(CollectingDispatcher(), tracker, DOMAIN))
    assert kept["district"] == "BY-HO-26" and kept["whole_region"] is False
    # Rasa's form validates the value the global validator returned once more: still the city
    again = make_tracker(
        before={"help_type": "legal", "region": "BY-HO", "city": "BY-HO-26"},
        slots={"district": "BY-HO-26"},
        intent="whole_region",
        text="/whole_region",
        active_loop="help_form",
    )
    kept = slot_events(await ValidateHelpForm().run(CollectingDispatcher(), again, DOMAIN))
    assert kept["district"] == "BY-HO-26"
    shown = CollectingDispatcher()
    await ActionShowContacts().run(
        shown,
        make_tracker(before={"language": "ru"}, slots={"help_type": "legal", "region": "BY-HO", "district": "BY-HO-26"}),
        {},
    )
    reply = all_text(shown)
    assert GOMEL_LEGAL in reply  # a contact of the Zheleznodorozhny district, shown for the city
    assert "г. Гомель, Гомельская область" in reply


async def test_an_urban_district_button_is_kept_and_clears_the_city(directory_url, dispatcher):
    kept = await validate(
        dispatcher,
        before={"help_type": "legal", "region": "BY-HO", "city": "BY-HO-26"},
        slots={"district": "BY-HO-23"},
        text='/inform{"district":"BY-HO-23"}',
    )
    assert kept["district"] == "BY-HO-23" and kept["city"] is None


@pytest.mark.parametrize(
    "message, unit",
    [
        ("нужен юрист в Барановичах", "BY-BR-20"),
        ("юрист у Баранавічах", "BY-BR-20"),
        ("lawyer in Baranovichi", "BY-BR-20"),
        ("юрист в Новополоцке", "BY-VI-26"),
        ("юрист в Жодино", "BY-MI-23"),
        ("юрист в Пинске", "BY-BR-21"),
    ],
)
async def test_a_city_without_urban_districts_is_its_own_place_at_once(directory_url, dispatcher, message, unit):
    kept = await typed(dispatcher, message)
    assert kept["district"] == unit and not kept.get("city")


@pytest.mark.parametrize(
    "message, district",
    [("нужен юрист в Микашевичах", "BY-BR-11"), ("юрист в Заславле", "BY-MI-11"), ("юрист, я в Уручье", "BY-HM-06")],
)
async def test_a_town_goes_straight_to_its_district(directory_url, dispatcher, message, district):
    kept = await typed(dispatcher, message)
    assert kept["district"] == district and kept["region"] == district[:5]


async def test_the_raion_only_when_named(directory_url, dispatcher):
    kept = await typed(dispatcher, "нужен юрист, Гомельский район")
    assert kept["district"] == "BY-HO-04" and not kept.get("city")


async def test_minsk_asks_its_nine_districts_on_one_keyboard(directory_url, known):
    asked = await ask_district({"help_type": "legal", "region": "BY-HM"})
    payloads = [b["payload"] for b in asked["buttons"]]
    assert payloads == ["/need_emergency"] + [f'/inform{{"district":"{d.id}"}}' for d in known.urban_districts("BY-HM")] + [
        "/whole_region"
    ]
    assert len(payloads) == 11 and asked["buttons"][-1]["title"] == text("ru", "whole_city")


@pytest.mark.parametrize(
    "region, cities",
    [
        ("BY-BR", ["BY-BR-20", "BY-BR-19", "BY-BR-21"]),
        ("BY-HO", ["BY-HO-26"]),
        ("BY-VI", ["BY-VI-25", "BY-VI-26"]),
        ("BY-MA", ["BY-MA-27", "BY-MA-26"]),
        ("BY-MI", ["BY-MI-23"]),
    ],
)
async def test_a_region_keyboard_starts_with_its_cities_and_hides_urban_districts(known, region, cities):
    asked = await ask_district({"help_type": "legal", "region": region})
    ids = [b["payload"].split('"')[3] for b in asked["buttons"] if b["payload"].startswith('/inform{"district"')]
    assert ids[: len(cities)] == cities
    assert [known.district(i).kind for i in ids[len(cities) :]] == ["raion"] * (len(ids) - len(cities))


async def test_another_region_forgets_the_city(directory_url, dispatcher):
    tracker = make_tracker(before={"city": "BY-HO-26", "region": "BY-HO"})
    events = slot_events(await ActionResetRegion().run(dispatcher, tracker, DOMAIN))
    assert events["city"] is None and events["district"] is None


def test_whole_city_covers_the_city_unit_and_its_urban_districts(known):
    assert known.place_district_ids("BY-HO-26") == ("BY-HO-26", *GOMEL_URBAN)
    assert known.place_district_ids("BY-BR-20") == ("BY-BR-20",)
    assert known.place_district_ids("BY-HO-04") == ("BY-HO-04",)
    assert known.place_district_ids("nowhere") == ()
    result = known.search("legal", "BY-HO", "BY-HO-26")
    assert result.level == "district" and any(c.district_id == "BY-HO-22" for c in result.local)


async def test_the_forms_second_look_at_the_region_keeps_the_city(directory_url, dispatcher):
    """When the form starts it validates the prefilled region again (Rasa does); the city typed
    with it must survive, another region's city must not."""
    kept = await validate(dispatcher, slots={"region": "BY-HO", "city": "BY-HO-26"})
    assert "city" not in kept or kept["city"] == "BY-HO-26"
    kept = await validate(dispatcher, before={"city": "BY-HO-26", "region": "BY-HO"}, slots={"region": "BY-MI"})
    assert kept["city"] is None and kept["district"] is None


@pytest.mark.parametrize(
    "reply, district", [("Железнодорожный", "BY-HO-22"), ("Советский район", "BY-HO-24"), ("Цэнтральны", "BY-HO-25")]
)
async def test_a_shared_urban_district_name_typed_while_a_city_is_asked_is_that_citys(directory_url, dispatcher, reply, district):
    kept = await validate(
        dispatcher, text=reply, before={"help_type": "legal", "region": "BY-HO", "city": "BY-HO-26"}, entities=places(reply)
    )
    assert kept["district"] == district and kept["city"] is None
    assert text("ru", "ambiguous_place") not in all_text(dispatcher)


async def test_without_a_city_asked_the_shared_name_still_asks(directory_url, dispatcher):
    await validate(dispatcher, text="Железнодорожный", entities=places("Железнодорожный"))
    assert text("ru", "ambiguous_place") in all_text(dispatcher)
