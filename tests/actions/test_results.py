"""The results action end to end: real directory (SQLite), real tracker and dispatcher."""

from __future__ import annotations

from datetime import date

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from directory import HELP_TYPES, REGION_CODES, open_directory
from directory.load import load
from directory.models import DistrictRow, OrganisationPhoneRow, OrganisationRow, OrganisationServiceRow
from directory.snapshot import km

from actions.results import ActionEmergency, ActionShowContacts
from actions.texts import text
from tests.actions.conftest import REPO, all_text, make_tracker


async def show(dispatcher, **slots):
    tracker = make_tracker(before={"language": slots.pop("language", "ru"), "role": slots.pop("role", "survivor")}, slots=slots)
    return await ActionShowContacts().run(dispatcher, tracker, {})


async def test_psychological_help_in_minsk(known, dispatcher):
    await show(dispatcher, help_type="psychological", region="BY-HM", whole_region=True)
    reply = all_text(dispatcher)
    assert "Психологическая помощь — г. Минск" in reply
    assert "+375 17 352-44-44" in reply  # Minsk adult trust line, one readable international form
    assert "133" in reply  # nationwide emergency psychological help
    assert "8-801-100-8-801" in reply and "102" in reply
    titles = [b["title"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert titles == [
        text("ru", "menu.risk_check"),
        text("ru", "followup.change_help"),
        text("ru", "followup.change_region"),
        text("ru", "followup.restart"),
    ]


@pytest.mark.parametrize(
    "help_type,role,offered",
    [
        ("shelter", "survivor", ["/safety_plan", "/risk_check"]),
        ("legal", "survivor", ["/rights"]),
        ("medical", "survivor", ["/rights"]),
        ("legal", "witness", ["/witness_guide"]),
    ],
)
async def test_results_offer_the_paths_that_fit(known, dispatcher, help_type, role, offered):
    await show(dispatcher, help_type=help_type, region="BY-HM", whole_region=True, role=role)
    shown = [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert shown[: len(offered)] == offered
    assert shown[len(offered) :] == ["/change_help", "/change_region", "/restart"]


async def test_crisis_room_shows_the_contact_never_the_place(known, dispatcher):
    slutsk = next(d for d in known.districts("BY-MI") if d.centre_ru == "Слуцк")
    await show(dispatcher, help_type="shelter", region="BY-MI", district=slutsk.id)
    reply = all_text(dispatcher)
    assert "+375 1795 28-122" in reply and "2-81-22" not in reply  # Slutsk's code added
    assert text("ru", "contact_confidential") in reply
    assert "📍" not in reply.split(text("ru", "results_national_header"))[0]


async def test_district_without_contacts_shows_the_nearest_and_the_region(known, dispatcher):
    district = next(d for d in known.districts("BY-MI") if d.centre_ru == "Смолевичи")
    await show(dispatcher, help_type="psychological", region="BY-MI", district=district.id)
    reply = all_text(dispatcher)
    assert text("ru", "results_nearest") in reply
    assert "+375 17 311-00-99" in reply  # Minsk oblast trust line, region-wide
    assert "📌 Молодечно, " in reply and " км" in reply
    assert text("ru", "results_national_fallback") not in reply  # the region does hold some


async def test_a_district_line_never_hides_the_oblast_hotline(known, dispatcher):
    """Molodechno: the minors-only addiction line and the Minsk oblast 3-number hotline."""
    molodechno = next(d for d in known.districts("BY-MI") if d.centre_ru == "Молодечно")
    await show(dispatcher, help_type="addiction", region="BY-MI", district=molodechno.id)
    reply = all_text(dispatcher)
    for number in ("+375 176 77-44-42", "+375 17 331-90-64", "+375 29 101-73-73", "+375 29 774-66-59"):
        assert reply.count(number) == 1, number
    assert reply.index("+375 176 77-44-42") < reply.index("+375 17 331-90-64")


async def test_district_without_a_shelter_gets_at_most_three_nearest_with_km(known, dispatcher):
    gomel_raion = next(d for d in known.districts("BY-HO") if d.id == "BY-HO-04")
    await show(dispatcher, help_type="shelter", region="BY-HO", district=gomel_raion.id)
    reply = all_text(dispatcher)
    assert text("ru", "results_nearest") in reply
    assert 1 <= reply.count("📌 ") <= 3
    assert "📌 Калинковичи, 117 км" in reply  # its centre 117 km from Gomel's
    assert text("ru", "results_shelter_any_registration") in reply
    assert text("ru", "results_national_fallback") not in reply
    assert reply.count(text("ru", "contact_confidential")) == 1  # why no address: said once


async def test_specialist_gets_the_source_of_the_any_registration_rule(known, dispatcher):
    await show(dispatcher, help_type="shelter", region="BY-HO", district="BY-HO-04", role="specialist")
    assert "https://btcson.by/помощь-рядом" in all_text(dispatcher)


async def test_each_number_once_with_its_label_and_hours(known, dispatcher):
    await show(dispatcher, help_type="social", region="BY-HO", district="BY-HO-09")
    reply = all_text(dispatcher)
    assert "📞 +375 2345 54-096 — Приемная; «Горячая линия» (9.00–13.00)" in reply
    assert "📞 +375 2345 52-232 — телефон «Доверие» (8.30–17.30)" in reply
    assert reply.count("54-096") == 1
    assert "🗺 https://yandex.by/maps/?text=г.+Калинковичи,+ул.+Куйбышева,+д.3" in reply


async def test_crisis_room_without_a_phone_is_reached_through_its_centre(known, dispatcher):
    await show(dispatcher, help_type="shelter", region="BY-MI", district="BY-MI-14")
    reply = all_text(dispatcher)
    assert "nesvizhcson.by" in reply and text("ru", "contact_via_centre") in reply


async def test_region_without_contacts_falls_back_to_national_services(known, dispatcher):
    await show(dispatcher, help_type="legal", region="BY-VI", whole_region=True)
    reply = all_text(dispatcher)
    assert text("ru", "results_national_fallback") in reply or text("ru", "results_none") in reply


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
async def test_results_speak_the_chosen_language(known, dispatcher, lang):
    await show(dispatcher, help_type="addiction", region="BY-MI", whole_region=True, language=lang)
    reply = all_text(dispatcher)
    assert text(lang, "help_names.addiction") in reply
    assert text(lang, "followup_prompt") in reply


async def test_specialist_sees_sources(known, dispatcher):
    await show(dispatcher, help_type="psychological", region="BY-HM", whole_region=True, role="specialist")
    assert "minzdrav.gov.by" in all_text(dispatcher)


async def test_junk_slots_never_reach_the_directory(known, dispatcher):
    await show(dispatcher, help_type="<script>", region="' OR 1=1 --", district="BY-HM-99")
    reply = all_text(dispatcher)
    assert text("ru", "unavailable") in reply and "102" in reply and "8-801-100-8-801" in reply
    assert "<script>" not in reply and "OR 1=1" not in reply


async def test_missing_database_still_gives_the_numbers(tmp_path, monkeypatch, dispatcher):
    monkeypatch.setenv("DIRECTORY_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.sqlite'}")
    await show(dispatcher, help_type="legal", region="BY-HO", whole_region=True)
    reply = all_text(dispatcher)
    for number in ("102", "103", "112", "8-801-100-8-801"):
        assert number in reply


async def test_emergency_comes_with_numbers_and_the_hotline(dispatcher):
    await ActionEmergency().run(dispatcher, make_tracker(intent="danger", text="он ломает дверь"), {})
    first = dispatcher.messages[0]["text"]
    assert first.index("102") < first.index("8-801-100-8-801")
    for number in ("102", "103", "112"):
        assert number in first


# --- the confidentiality walk --------------------------------------------------------------

CANARY_ADDRESS = "ул. Канареечная, 7"
CANARY_LAT, CANARY_LON = 53.918273, 27.564738


def _add_canaries(tmp_path_factory, every: int) -> str:
    """The real data plus, in every `every`-th district, a confidential crisis room whose database
    row (written directly, bypassing the loader's checks) has an address and coordinates."""
    path = tmp_path_factory.mktemp("canary") / "directory.sqlite"
    url = f"sqlite:///{path}"
    load(REPO / "directory" / "data", url)
    engine = create_engine(url, future=True)
    with Session(engine, future=True) as session:
        districts = session.execute(select(DistrictRow.id, DistrictRow.region_code)).all()[::every]
        for position, (district_id, region_code) in enumerate(districts, start=10_000):
            org_id = f"canary-{district_id}"
            session.add(
                OrganisationRow(
                    id=org_id,
                    position=position,
                    name_ru=f"Канарейка {district_id}",
                    name_be="",
                    name_en=f"Canary {district_id}",
                    kind="crisis_room",
                    region_code=region_code,
                    district_id=district_id,
                    address=CANARY_ADDRESS,
                    lat=CANARY_LAT,
                    lon=CANARY_LON,
                    confidential=True,
                    active=True,
                    source_url="https://example.org/canary",
                    verified_on=date(2026, 11, 28),
                    verification="desk",
                )
            )
            for index, service in enumerate(HELP_TYPES):
                session.add(OrganisationServiceRow(organisation_id=org_id, service=service, position=index))
            session.add(
                OrganisationPhoneRow(organisation_id=org_id, position=0, display="+375 (17) 000-00-00", tel="+375170000000")
            )
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def canary_directory(tmp_path_factory):
    return _add_canaries(tmp_path_factory, every=1)


@pytest.fixture(scope="module")
def sparse_canary_directory(tmp_path_factory):
    """Canaries in every 5th district only: the other districts reach them as nearest entries."""
    return _add_canaries(tmp_path_factory, every=5)


async def test_no_confidential_location_in_nearest_entries(sparse_canary_directory, monkeypatch):
    """Every district × help type: a neighbouring district's room is shown with the town and km
    of its district's centre, never its own address or coordinates (nor the km to them)."""
    monkeypatch.setenv("DIRECTORY_DATABASE_URL", sparse_canary_directory)
    known = open_directory(sparse_canary_directory)
    centres = known._current().district_centres
    forbidden = [CANARY_ADDRESS, "Канареечная", f"{CANARY_LAT}", f"{CANARY_LON}", "53.9182", "27.5647", "53,9182"]
    via_nearby = 0
    for region in REGION_CODES:
        for district in known.districts(region):
            for help_type in HELP_TYPES:
                result = known.search(help_type, region, district.id)
                for item in result.nearby:
                    if item.contact.id.startswith("canary-"):
                        assert abs(item.km - km(*centres[district.id], *centres[item.district.id])) < 1e-6
                        assert item.contact.address is None and item.contact.map_url is None
                dispatcher = CollectingDispatcher()
                await show(dispatcher, help_type=help_type, region=region, district=district.id, role="specialist")
                reply = all_text(dispatcher)
                via_nearby += "Канарейка" in reply and text("ru", "results_nearest") in reply
                for secret in forbidden:
                    assert secret not in reply, (region, district.id, help_type)
    assert via_nearby > 100  # the walk did reach canaries as nearest entries


async def test_no_confidential_location_in_any_result(canary_directory, monkeypatch):
    """Every help type × region × (whole region + every district), in every language and role."""
    monkeypatch.setenv("DIRECTORY_DATABASE_URL", canary_directory)
    known = open_directory(canary_directory)
    forbidden = [CANARY_ADDRESS, "Канареечная", f"{CANARY_LAT}", f"{CANARY_LON}", "53.9182", "27.5647", "53,9182"]
    walked = shown = 0
    for region in REGION_CODES:
        for district in [None] + [d.id for d in known.districts(region)]:
            for help_type in HELP_TYPES:
                for lang, role in (("ru", "survivor"), ("be", "witness"), ("en", "specialist")):
                    dispatcher = CollectingDispatcher()
                    await show(
                        dispatcher,
                        help_type=help_type,
                        region=region,
                        district=district,
                        whole_region=district is None,
                        language=lang,
                        role=role,
                    )
                    reply = all_text(dispatcher)
                    walked += 1
                    shown += "Канарейка" in reply or "Canary" in reply
                    for secret in forbidden:
                        assert secret not in reply, (region, district, help_type, lang)
    assert walked == len(HELP_TYPES) * 3 * sum(1 + len(known.districts(r)) for r in REGION_CODES)
    assert shown == walked  # every answer did include a canary, so the check above had something to find


async def test_locked_database_still_gives_the_numbers_quickly(tmp_path, monkeypatch, dispatcher):
    """A writer holding an exclusive lock on the directory file: the answer comes within the
    lock timeout, with the hotline and 102/103/112."""
    import sqlite3
    import time

    path = tmp_path / "directory.sqlite"
    url = f"sqlite:///{path}"
    load(REPO / "directory" / "data", url)
    monkeypatch.setenv("DIRECTORY_DATABASE_URL", url)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        await show(dispatcher, help_type="legal", region="BY-HO", whole_region=True)
        elapsed = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    reply = all_text(dispatcher)
    for number in ("102", "103", "112", "8-801-100-8-801"):
        assert number in reply
    assert text("ru", "unavailable") in reply
    assert elapsed < 5


def _gomel_raion_shelter(known):
    from actions.results import without_hotline

    return without_hotline(known.search("shelter", "BY-HO", "BY-HO-04")), known.region("BY-HO"), known.district("BY-HO-04")


def test_one_checked_date_per_answer_the_oldest_shown(known):
    import dataclasses

    from actions import render

    result, region, district = _gomel_raion_shelter(known)
    older = dataclasses.replace(result.nearby[-1].contact, verified_on=date(2026, 1, 2))
    result = dataclasses.replace(result, nearby=result.nearby[:-1] + (dataclasses.replace(result.nearby[-1], contact=older),))
    reply = "\n\n".join(render.result_blocks(result, "ru", "survivor", render.place_label("ru", region, district)))
    assert reply.count("Сведения сверены") == 1 and "Сведения сверены 02.01.2026." in reply
    specialist = "\n\n".join(render.result_blocks(result, "ru", "specialist", render.place_label("ru", region, district)))
    assert "Сведения сверены" not in specialist
    assert specialist.count("(сверено ") == len(result.nearby)  # source and date with each contact
    assert "(сверено 02.01.2026)" in specialist


def test_a_shared_caveat_is_said_once_then_pointed_to_and_who_answers_only_when_new(known):
    from actions import render

    result, region, district = _gomel_raion_shelter(known)
    notes = [n.contact.status_note for n in result.nearby if n.contact.status_note]
    assert len(notes) >= 2 and len(set(notes)) == 1  # Kalinkovichi and Mazyr share one caveat
    reply = "\n\n".join(render.result_blocks(result, "ru", "survivor", render.place_label("ru", region, district)))
    assert reply.count(notes[0]) == 1
    assert reply.count(text("ru", "contact_status_again")) == len(notes) - 1
    # Each room's name or phone labels already name the unit that answers.
    assert "Кто отвечает" not in reply
    nesvizh = known.search("shelter", "BY-MI", "BY-MI-14")
    room = next(c for c in nesvizh.local if c.id == "mi-nesvizh-crisis-room")
    assert text("ru", "contact_responsible", contact=room.public_contact) in render.contact_block(room, "ru", "survivor")


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
async def test_nearest_rooms_are_shortened_then_fewer_never_cut(known, dispatcher, lang):
    from actions.results import ANSWER_BUDGET

    result, _, _ = _gomel_raion_shelter(known)
    await show(dispatcher, help_type="shelter", region="BY-HO", district="BY-HO-04", language=lang)
    reply = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    assert len(reply) <= ANSWER_BUDGET and len(dispatcher.messages) <= 3
    shown = [n for n in result.nearby if f"{n.contact.name(lang)}\n" in reply]
    assert 1 <= len(shown) == reply.count("📌 ")
    assert result.nearby[0] in shown  # the nearest is the one kept
    for item in shown:  # every number of a shown room, whole, once, with its label
        for phone in item.contact.phones_in(lang):  # labels in the answer's language
            assert reply.count(phone.readable) == 1 and render_phone(phone) in reply
    assert reply.count(text(lang, "contact_confidential")) == 1
    assert text(lang, "results_shelter_any_registration") in reply


def render_phone(phone):
    from actions import render

    return render.phone_text(phone)
