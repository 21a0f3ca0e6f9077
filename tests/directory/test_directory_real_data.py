"""Invariants of the shipped directory/data/organisations.csv, checked through the real loader."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from directory import HELP_TYPES, REGION_CODES, SearchResult, open_directory
from directory.database import DATA_DIR
from directory.phones import parse_phones


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with open(DATA_DIR / "organisations.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def real(real_db_url):
    return open_directory(real_db_url)


def test_hotline_is_flagged_and_scheduled(real, rows):
    hotline = real.hotline()
    assert hotline is not None and hotline.phones[0].tel == "88011008801"
    assert hotline.status_note and hotline.doubtful  # operator after 2021 unknown: must be shown
    by_id = {r["id"]: r for r in rows}
    assert by_id["by-dv-hotline-8801"]["schedule"] == "daily 08:00-20:00"
    session = by_id["by-dv-hotline-mvd-session"]
    assert session["schedule"] == "last-thu 14:00-18:00" and session["phones"] == "8-801-100-8-801"
    assert session["status_note"] and "project brief" in session["note"]


def test_emergency_numbers(real):
    assert [c.phones[0].tel for c in real.emergency_contacts()] == ["102", "103", "112"]


def test_liquidated_organisations_are_inactive(rows, real):
    inactive = {r["id"] for r in rows if r["active"] == "false"}
    assert {"by-ngo-gender-perspectives", "by-ngo-radislava"} <= inactive
    for help_type in HELP_TYPES:
        found = real.search(help_type, "BY-HM", None)
        assert not inactive & {c.id for c in found.local + found.national}


def test_every_row_has_provenance_and_english_name(rows):
    for row in rows:
        assert row["source_url"].startswith(("http://", "https://")), row["id"]
        assert row["verified_on"] and row["verification"] in ("desk", "phone"), row["id"]
        assert row["name_en"], row["id"]


def test_crisis_rooms_are_confidential_with_a_public_contact(rows):
    for row in rows:
        if row["kind"] == "crisis_room":
            assert row["confidential"] == "true", row["id"]
        if row["confidential"] == "true":
            assert not (row["address"] or row["lat"] or row["lon"]), row["id"]
            if row["active"] == "true":
                assert row["public_contact"], row["id"]


def test_no_contact_point_is_listed_twice(rows):
    keys = Counter()
    for row in rows:
        tels = tuple(sorted(p.display for p in parse_phones(row["phones"])))
        if row["active"] == "true" and tels:
            keys[(row["kind"], row["region"], row["district"], tels, row["schedule"])] += 1
    assert [key for key, count in keys.items() if count > 1] == []


def test_every_region_has_local_psychological_help_or_something_better(real, rows):
    """Each region has a psychological line of its own; where all of them are doubtful (Brest,
    Vitebsk, Grodno today) a sure nationwide line is shown instead, with no caveat needed."""
    for code in REGION_CODES:
        own = [r for r in rows if r["region"] == code and r["active"] == "true" and "psychological" in r["services"].split(";")]
        assert own, code
        result = real.search("psychological", code, None)
        if all(r["doubtful"] == "true" for r in own):
            assert result.level == "national" and result.local == (), code
            assert any(not c.doubtful for c in result.national), code
        else:
            assert result.local and all(not c.doubtful for c in result.local), code


def test_doubtful_rows_have_a_caveat(rows):
    for row in rows:
        assert row["doubtful"] in ("true", "false"), row["id"]
        if row["doubtful"] == "true":
            assert row["status_note"], row["id"]


def _urban_district_ids() -> dict[tuple[str, str], str]:
    """(adjective stem, city in the genitive) -> district id, for every urban district:
    («Железнодорожн», «Гомеля») -> BY-HO-22; Minsk's names carry no city, it is «Минска»."""
    with open(DATA_DIR / "districts.csv", encoding="utf-8", newline="") as handle:
        districts = [d for d in csv.DictReader(handle) if d["kind"] == "city_district"]
    found = {}
    for d in districts:
        adjective, _, rest = d["name_ru"].partition(" район")
        city = rest.removeprefix(" г. ") if rest else "Минска"
        found[(adjective[:-2], city)] = d["district_id"]
    return found


def test_organisations_of_an_urban_district_are_routed_to_it(rows):
    """«… Железнодорожного района г. Гомеля» is a contact of that urban district, not of the
    whole region (it would otherwise stand in for local services 100+ km away)."""
    import re

    urban = _urban_district_ids()
    assert len(urban) == 24
    routed = {}
    for row in rows:
        for stem, city in re.findall(r"(\w+)ого района г\. ?(\w+)", row["name_ru"]):
            if (stem, city) in urban:
                assert row["district"] == urban[(stem, city)], row["id"]
                routed[row["id"]] = row["district"]
    assert routed == {
        "vi-vitebsk-oktyabrsky-crisis-room": "BY-VI-23",
        "ho-gomel-zd-tcson-trust": "BY-HO-22",
        "ho-gomel-zd-crisis-room": "BY-HO-22",
        "ho-gomel-zd-tcson": "BY-HO-22",
        "ho-gomel-zd-tcson-legal": "BY-HO-22",
        "ho-gomel-zd-ovd": "BY-HO-22",
        "tcson-BY-HM-04": "BY-HM-04",
        "tcson-BY-HM-09": "BY-HM-09",
    }


def test_gomel_zheleznodorozhny_serves_its_district_not_the_region(real):
    def ids(result: SearchResult) -> set:
        return {c.id for c in result.local}

    here = real.search("social", "BY-HO", "BY-HO-22")
    assert here.level == "district" and "ho-gomel-zd-tcson" in ids(here)
    assert real.search("police", "BY-HO", "BY-HO-22").level == "district"
    # Another urban district of Gomel and a raion 100+ km away do not get its contacts ...
    assert "ho-gomel-zd-tcson" not in ids(real.search("social", "BY-HO", "BY-HO-23"))
    # ... so Mozyr's own crisis room is shown (with its caveat) instead of Gomel's.
    mozyr = real.search("shelter", "BY-HO", "BY-HO-13")
    assert mozyr.level == "district" and ids(mozyr) == {"tcson-BY-HO-13-crisis-room"}
    assert all(c.doubtful and c.status_note for c in mozyr.local)
    # The whole region still lists them.
    assert "ho-gomel-zd-tcson" in ids(real.search("social", "BY-HO", None))
    # Vitebsk Oktyabrsky's crisis room has no phone and no centre with one: not a contact.
    vitebsk = real.search("shelter", "BY-VI", "BY-VI-23")
    assert "vi-vitebsk-oktyabrsky-crisis-room" not in ids(vitebsk)
    assert any(
        n.kind == "not-a-contact" and n.organisation_id == "vi-vitebsk-oktyabrsky-crisis-room" for n in real.operator_notes()
    )
