from dataclasses import FrozenInstanceError
from datetime import datetime, timezone

import pytest

from directory import HELP_TYPES, REGION_CODES, Contact, DirectoryUnavailable, open_directory
from directory.hours import MINSK

from .directory_fixtures import MINI_ROWS, org_row

INACTIVE_IDS = {row["id"] for row in MINI_ROWS if row["active"] == "false"}


def ids(contacts) -> list[str]:
    return [c.id for c in contacts]


def test_district_level_hit(mini_directory):
    result = mini_directory.search("psychological", "BY-MI", "BY-MI-16")
    assert result.level == "district"
    # The inactive Slutsk line is left out; the region-wide line is shown after the district's.
    assert ids(result.local) == ["mi-slutsk-psy", "mi-region-psy"]
    assert ids(result.national) == ["by-dv-hotline-8801"]


def test_falls_back_to_region_wide(mini_directory):
    result = mini_directory.search("psychological", "BY-MI", "BY-MI-12")
    assert result.level == "region"
    assert ids(result.local) == ["mi-region-psy"]


def test_falls_back_to_national_when_region_has_nothing_active(mini_directory):
    result = mini_directory.search("legal", "BY-MI", "BY-MI-16")
    assert result.level == "national"
    assert result.local == ()


def test_whole_region_lists_region_wide_then_districts(mini_directory):
    result = mini_directory.search("psychological", "BY-MI", None)
    assert result.level == "region"
    assert ids(result.local) == ["mi-region-psy", "mi-slutsk-psy"]
    social = mini_directory.search("social", "BY-MI", None)
    # Maladziečna (Молодечненский) sorts before Nesvizh (Несвижский) in Russian order.
    assert ids(social.local) == ["mi-molod-social", "mi-nesvizh-social"]


def test_whole_region_with_nothing_is_national(mini_directory):
    result = mini_directory.search("addiction", "BY-VI", None)
    assert result.level == "national" and result.local == ()


def test_no_region_means_national_only(mini_directory):
    result = mini_directory.search("hotline", None, None)
    assert result.level == "national" and result.local == ()
    assert ids(result.national) == ["by-dv-hotline-8801", "by-dv-hotline-mvd-session"]


def test_district_without_region_uses_its_region(mini_directory):
    result = mini_directory.search("psychological", None, "BY-MI-12")
    assert result.region_code == "BY-MI" and ids(result.local) == ["mi-region-psy"]


def test_inactive_never_returned_anywhere(mini_directory):
    seen = set()
    for help_type in HELP_TYPES:
        for region in (None,) + REGION_CODES:
            districts = [None] + ([d.id for d in mini_directory.districts(region)] if region else [])
            for district in districts:
                result = mini_directory.search(help_type, region, district)
                seen.update(ids(result.local) + ids(result.national))
    assert seen and not (seen & INACTIVE_IDS)
    assert seen == {row["id"] for row in MINI_ROWS} - INACTIVE_IDS


def test_inactive_hotline_is_not_returned(build_directory):
    directory = build_directory(
        [
            org_row(
                "by-dv-hotline-8801",
                kind="helpline",
                services="hotline",
                region="BY",
                phones="8-801-100-8-801",
                schedule="daily 08:00-20:00",
                active="false",
            )
        ]
    )
    assert directory.hotline() is None
    assert directory.search("hotline", None, None).national == ()
    assert directory.hotline_status(datetime(2026, 11, 24, 12, 0, tzinfo=MINSK)).open_now is False


@pytest.mark.parametrize(
    "args, offending",
    [
        (("housing", "BY-MI", None), "'housing'"),
        (("shelter", "BY-XX", None), "'BY-XX'"),
        (("shelter", "BY-MI", "BY-MI-99"), "'BY-MI-99'"),
        (("shelter", "BY-BR", "BY-MI-16"), "'BY-MI-16'"),
        ((None, "BY-MI", None), "None"),
        (("shelter", 7, None), "7"),
    ],
)
def test_unknown_ids_raise_value_error(mini_directory, args, offending):
    with pytest.raises(ValueError) as error:
        mini_directory.search(*args)
    message = str(error.value)
    assert offending in message
    assert "Организация" not in message and "example.org" not in message


def test_emergency_contacts_ordered_by_number(mini_directory):
    # The file lists 112 first; the API orders 102, 103, 112.
    assert [c.phones[0].tel for c in mini_directory.emergency_contacts()] == ["102", "103", "112"]


def test_hotline_contact(mini_directory):
    hotline = mini_directory.hotline()
    assert hotline.id == "by-dv-hotline-8801"
    assert hotline.phones[0].tel == "88011008801"
    assert hotline.status_note
    assert hotline.source_url.startswith("https://") and hotline.verification == "desk"


def test_hotline_status_from_both_schedules(mini_directory):
    last_thursday = mini_directory.hotline_status(datetime(2026, 11, 26, 12, 30, tzinfo=timezone.utc))
    assert last_thursday.open_now and last_thursday.mvd_session_now  # 15:30 in Minsk
    assert last_thursday.closes_at == datetime(2026, 11, 26, 20, 0, tzinfo=MINSK)
    assert last_thursday.next_open is None and last_thursday.next_mvd_session is None

    night = mini_directory.hotline_status(datetime(2026, 11, 26, 21, 0, tzinfo=MINSK))
    assert not night.open_now and not night.mvd_session_now
    assert night.next_open == datetime(2026, 11, 27, 8, 0, tzinfo=MINSK)
    assert night.next_mvd_session == datetime(2026, 12, 31, 14, 0, tzinfo=MINSK)

    with pytest.raises(ValueError):
        mini_directory.hotline_status(datetime(2026, 11, 26, 21, 0))


def test_regions_in_menu_order_and_names(mini_directory):
    regions = mini_directory.regions()
    assert [r.code for r in regions] == list(REGION_CODES)
    minsk_city = mini_directory.region("BY-HM")
    assert minsk_city.name("ru") == "г. Минск" and minsk_city.name("en") == "Minsk (city)"
    assert minsk_city.name("xx") == minsk_city.name_ru


@pytest.mark.parametrize("junk", ["", "BY", "by-mi", "BY-XX", None, 5, ["BY-MI"], "BY-MI-16"])
def test_region_lookup_never_raises(mini_directory, junk):
    assert mini_directory.region(junk) is None


def test_districts_sorted_in_russian_order(mini_directory):
    brest = [d.name_ru for d in mini_directory.districts("BY-BR")]
    # ё sorts as е: Берёзовский comes before Брестский (by code point it would come after).
    assert brest.index("Берёзовский район") < brest.index("Брестский район")
    assert brest == sorted(brest, key=lambda n: n.casefold().replace("ё", "е"))
    assert len(mini_directory.districts("BY-MI")) == 23  # 22 raions + the city unit of Zhodzina
    assert mini_directory.districts("nowhere") == []


def test_district_lookup(mini_directory):
    slutsk = mini_directory.district("BY-MI-16")
    assert slutsk.region_code == "BY-MI" and slutsk.centre("ru") == "Слуцк"
    assert slutsk.name("be") == "Слуцкі раён"
    assert mini_directory.district("BY-MI-99") is None and mini_directory.district(None) is None


def test_results_are_frozen_and_carry_provenance(mini_directory):
    contact = mini_directory.search("social", "BY-MI", "BY-MI-12").local[0]
    assert isinstance(contact, Contact)
    assert contact.source_url == "https://example.org/mi-molod-social"
    assert str(contact.verified_on) == "2026-11-28"
    assert contact.map_url.startswith("https://yandex.by/maps/?text=")
    with pytest.raises(FrozenInstanceError):
        contact.address = "x"  # type: ignore[misc]  # the refused assignment is the test
    point = mini_directory.search("social", "BY-MI", "BY-MI-14").local[0]
    assert point.map_url == "https://yandex.by/maps/?pt=26.67679,53.22186&z=17"


def test_name_falls_back_to_russian(mini_directory):
    contact = mini_directory.search("social", "BY-MI", "BY-MI-12").local[0]
    assert contact.name("be") == contact.name_ru  # name_be left empty
    assert contact.name("en") == "Organisation mi-molod-social"


def test_open_directory_caches_per_url(mini_directory):
    url = mini_directory._url
    assert open_directory(url) is mini_directory


def test_missing_database_is_unavailable_and_not_created(tmp_path):
    path = tmp_path / "missing.sqlite"
    with pytest.raises(DirectoryUnavailable):
        open_directory(f"sqlite:///{path}")
    assert not path.exists()


def test_database_without_tables_is_unavailable(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with pytest.raises(DirectoryUnavailable) as error:
        open_directory(f"sqlite:///{path}")
    assert "python -m directory.load" in str(error.value)


def test_directory_file_removed_after_open(build_directory, tmp_path):
    directory = build_directory(MINI_ROWS[:3])
    path = tmp_path / "directory0.sqlite"
    path.unlink()
    with pytest.raises(DirectoryUnavailable):
        directory.search("emergency", None, None)
    assert not path.exists()  # read-only access never recreates the file


def test_rebuilt_database_is_seen_without_reopening(build_directory, tmp_path):
    from directory.load import load

    from .directory_fixtures import write_data_dir

    directory = build_directory(MINI_ROWS[:3])
    assert ids(directory.emergency_contacts()) == ["nat-102", "nat-103", "nat-112"]
    data_dir = write_data_dir(tmp_path / "again", MINI_ROWS[:1])
    assert load(data_dir, directory._url).ok
    assert ids(directory.emergency_contacts()) == ["nat-112"]


def test_emergency_also_finds_local_police_and_crisis_rooms(real_db_url):
    """In danger, a crisis room in the district matters as much as 102 / 103 / 112."""
    real_directory = open_directory(real_db_url)
    slutsk = next(d for d in real_directory.districts("BY-MI") if d.centre_ru == "Слуцк")
    result = real_directory.search("emergency", "BY-MI", slutsk.id)
    assert result.level == "district"
    assert any(c.kind == "crisis_room" for c in result.local)
    assert {"102", "103", "112"} <= {p.display for c in result.national for p in c.phones}


# ---- doubtful entries: shown, with their caveat, only where nothing better exists ----


def doubt(oid: str, **values: str) -> dict[str, str]:
    return org_row(oid, doubtful="true", status_note=f"Сомнение: {oid}", **values)


DOUBT_ROWS = [
    org_row("nat-112", kind="helpline", services="emergency", region="BY", phones="112"),
    org_row("nat-102", kind="police", services="police;emergency", region="BY", phones="102"),
    doubt("by-dv-hotline-8801", kind="helpline", services="hotline;psychological;legal", region="BY", phones="8-801-100-8-801"),
    doubt("by-dv-hotline-mvd-session", kind="helpline", services="hotline", region="BY", phones="8-801-100-8-801"),
    doubt("nat-hotline-doubt", kind="helpline", services="hotline;psychological", region="BY", phones="165"),
    org_row("nat-psy", kind="psychological", services="psychological", region="BY", phones="133"),
    doubt("nat-psy-doubt", kind="helpline", services="psychological", region="BY", phones="201"),
    # Minsk oblast: a doubtful region-wide trust line (a sure national one exists) …
    doubt("mi-psy-doubt", kind="psychological", services="psychological"),
    # … Slutsk: only a doubtful social centre, but the region has a sure one
    doubt("mi-slutsk-social-doubt", district="BY-MI-16"),
    org_row("mi-social", region="BY-MI"),
    # Maladziečna: a sure and a doubtful social centre in the district itself
    org_row("mi-molod-social", district="BY-MI-12"),
    doubt("mi-molod-social-doubt", district="BY-MI-12"),
    # Vitebsk oblast: only a doubtful social centre anywhere
    doubt("vi-braslav-social-doubt", region="BY-VI", district="BY-VI-02"),
    # Gomel oblast, Bragin: a doubtful crisis room, region-wide only a sure police line
    doubt(
        "ho-bragin-room-doubt",
        kind="crisis_room",
        services="shelter",
        region="BY-HO",
        district="BY-HO-01",
        confidential="true",
        public_contact="ТЦСОН",
    ),
    org_row("ho-police", kind="police", services="police", region="BY-HO"),
    # Grodno oblast, Voronovo: a sure district police line and a doubtful crisis room; a sure
    # region-wide crisis room
    org_row("hr-voronovo-police", kind="police", services="police", region="BY-HR", district="BY-HR-03"),
    doubt(
        "hr-voronovo-room-doubt",
        kind="crisis_room",
        services="shelter",
        region="BY-HR",
        district="BY-HR-03",
        confidential="true",
        public_contact="ТЦСОН",
    ),
    org_row("hr-room", kind="crisis_room", services="shelter", region="BY-HR", confidential="true", public_contact="ТЦСОН"),
    # Mogilev oblast: a doubtful crisis room in a district, a sure one region-wide
    doubt(
        "ma-room-doubt",
        kind="crisis_room",
        services="shelter",
        region="BY-MA",
        district="BY-MA-12",
        confidential="true",
        public_contact="ТЦСОН",
    ),
    org_row("ma-room", kind="crisis_room", services="shelter", region="BY-MA", confidential="true", public_contact="ТЦСОН"),
]


@pytest.fixture
def doubt_directory(build_directory):
    return build_directory(DOUBT_ROWS)


def test_doubtful_national_entry_gives_way_to_a_sure_one_but_the_hotline_stays(doubt_directory):
    result = doubt_directory.search("psychological", None, None)
    assert ids(result.national) == ["by-dv-hotline-8801", "nat-psy"]  # 165-like and 201-like lines dropped
    assert doubt_directory.search("psychological", None, None).national[0].doubtful


def test_hotline_results_are_never_emptied(doubt_directory):
    """Every hotline row is doubtful: nothing better exists, so all are shown, with caveats."""
    for region, district in [(None, None), ("BY-MI", None), ("BY-MI", "BY-MI-16")]:
        result = doubt_directory.search("hotline", region, district)
        assert ids(result.national) == ["by-dv-hotline-8801", "by-dv-hotline-mvd-session", "nat-hotline-doubt"]
        assert all(c.status_note for c in result.national)


def test_sure_hotline_replaces_other_doubtful_lines_but_not_the_national_hotline(build_directory):
    directory = build_directory(
        DOUBT_ROWS + [org_row("nat-hotline-sure", kind="helpline", services="hotline", region="BY", phones="8-801-000-00-00")]
    )
    assert ids(directory.search("hotline", None, None).national) == [
        "by-dv-hotline-8801",
        "by-dv-hotline-mvd-session",
        "nat-hotline-sure",
    ]


def test_doubtful_region_entry_gives_way_to_a_sure_national_one(doubt_directory):
    whole = doubt_directory.search("psychological", "BY-MI", None)
    assert whole.level == "national" and whole.local == ()
    fallback = doubt_directory.search("psychological", "BY-MI", "BY-MI-16")
    assert fallback.level == "national" and fallback.local == ()
    assert "nat-psy" in ids(fallback.national)


def test_doubtful_district_entry_gives_way_to_a_sure_region_wide_one(doubt_directory):
    result = doubt_directory.search("social", "BY-MI", "BY-MI-16")
    assert result.level == "region" and ids(result.local) == ["mi-social"]


def test_doubtful_district_entry_gives_way_to_a_sure_one_in_the_district(doubt_directory):
    result = doubt_directory.search("social", "BY-MI", "BY-MI-12")
    assert result.level == "district" and ids(result.local) == ["mi-molod-social", "mi-social"]


def test_whole_region_drops_doubtful_entries_when_a_sure_one_is_listed(doubt_directory):
    result = doubt_directory.search("social", "BY-MI", None)
    assert ids(result.local) == ["mi-social", "mi-molod-social"]


def test_doubtful_entry_is_shown_with_its_caveat_where_nothing_better_exists(doubt_directory):
    for district in ("BY-VI-02", None):
        result = doubt_directory.search("social", "BY-VI", district)
        assert ids(result.local) == ["vi-braslav-social-doubt"]
        assert result.local[0].doubtful and result.local[0].status_note == "Сомнение: vi-braslav-social-doubt"
    assert doubt_directory.search("social", "BY-VI", "BY-VI-02").level == "district"


def test_a_doubtful_crisis_room_is_not_replaced_by_a_police_line(doubt_directory):
    """Per service: in an emergency a sure police line does not make a crisis room redundant."""
    result = doubt_directory.search("emergency", "BY-HO", "BY-HO-01")
    assert result.level == "district" and ids(result.local) == ["ho-bragin-room-doubt", "ho-police"]
    assert ids(result.national) == ["nat-112", "nat-102"]
    assert ids(doubt_directory.search("shelter", "BY-HO", "BY-HO-01").local) == ["ho-bragin-room-doubt"]


def test_a_doubtful_crisis_room_gives_way_to_a_sure_one_in_the_region(doubt_directory):
    shelter = doubt_directory.search("shelter", "BY-MA", "BY-MA-12")
    assert shelter.level == "region" and ids(shelter.local) == ["ma-room"]
    emergency = doubt_directory.search("emergency", "BY-MA", "BY-MA-12")
    assert emergency.level == "region" and ids(emergency.local) == ["ma-room"]
    assert ids(doubt_directory.search("shelter", "BY-MA", None).local) == ["ma-room"]


def test_a_district_entry_never_hides_the_region_wide_line(doubt_directory):
    """Voronovo has a sure police line of its own; the region-wide crisis room is shown beside
    it, and being sure it replaces the district's doubtful room."""
    emergency = doubt_directory.search("emergency", "BY-HR", "BY-HR-03")
    assert emergency.level == "district" and emergency.district_has_own
    assert ids(emergency.local) == ["hr-voronovo-police", "hr-room"]
    shelter = doubt_directory.search("shelter", "BY-HR", "BY-HR-03")
    assert shelter.level == "region" and ids(shelter.local) == ["hr-room"]


def test_doubt_never_empties_a_result(doubt_directory, build_directory):
    """Every request that finds something with doubtful rows marked sure finds something with
    them marked doubtful, and every doubtful contact shown carries its caveat."""
    sure_directory = build_directory([{**row, "doubtful": "false"} for row in DOUBT_ROWS])
    for help_type in HELP_TYPES:
        for region in (None,) + REGION_CODES:
            for district in [None] + ([d.id for d in doubt_directory.districts(region)] if region else []):
                with_doubt = doubt_directory.search(help_type, region, district)
                without = sure_directory.search(help_type, region, district)
                assert bool(with_doubt.local or with_doubt.national) == bool(without.local or without.national)
                assert bool(with_doubt.national) == bool(without.national)
                for contact in with_doubt.local + with_doubt.national:
                    assert not contact.doubtful or contact.status_note
