"""The spatial index finds exactly what a brute-force scan finds, and never a confidential place."""

from __future__ import annotations

import random

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from directory import HELP_TYPES, open_directory
from directory.load import load
from directory.models import OrganisationRow
from directory.snapshot import km

from bench.directory_lookup import generate


def test_nearest_matches_brute_force(tmp_path):
    rng = random.Random(3)
    generate(tmp_path, 600, rng)
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    assert load(tmp_path, url).ok
    engine = create_engine(url, future=True)
    with Session(engine, future=True) as session:
        rows = [
            (r.id, r.lat, r.lon, r.confidential, {s.service for s in r.services})
            for r in session.scalars(select(OrganisationRow))
        ]
    engine.dispose()
    directory = open_directory(url)
    for _ in range(200):
        help_type = rng.choice([h for h in HELP_TYPES if h != "emergency"])
        lat, lon = rng.uniform(51.3, 56.1), rng.uniform(23.2, 32.7)
        expected = sorted(
            (km(lat, lon, rlat, rlon), rid)
            for rid, rlat, rlon, secret, services in rows
            if rlat is not None and not secret and help_type in services
        )[:3]
        got = directory.nearest_public(help_type, lat, lon, limit=3)
        assert [c.id for c, _ in got] == [rid for _, rid in expected]
        assert all(not c.confidential and c.address for c, _ in got)


# ---- nearest entries of the region when a district has none --------------------------------


def test_nearby_when_the_district_has_none_ranks_by_km_and_keeps_at_most_three(build_directory):
    from .directory_fixtures import org_row

    rows = [
        org_row(f"mi-legal-{d}", kind="legal", services="legal", district=d)
        for d in ("BY-MI-16", "BY-MI-12", "BY-MI-14", "BY-MI-02")
    ]  # Slutsk, Molodechno, Nesvizh, Borisov
    directory = build_directory(rows)
    result = directory.search("legal", "BY-MI", "BY-MI-05")  # Dzerzhinsk: nothing of its own
    assert result.level == "nearby" and not result.district_has_own and result.local == ()
    assert len(result.nearby) == 3
    centres = directory._current().district_centres
    origin = centres["BY-MI-05"]
    for item in result.nearby:
        assert abs(item.km - km(*origin, *centres[item.district.id])) < 1e-6
    assert [n.km for n in result.nearby] == sorted(n.km for n in result.nearby)
    assert "mi-legal-BY-MI-02" not in {n.contact.id for n in result.nearby}  # Borisov is the farthest
    # A district that has one of its own gets no neighbours.
    assert directory.search("legal", "BY-MI", "BY-MI-16").nearby == ()


def test_a_confidential_room_is_measured_from_its_district_centre_never_its_own_point(build_directory, tmp_path):
    """A room's coordinates written into the database by other means never decide its distance
    and never leave the directory."""
    from .directory_fixtures import org_row

    directory = build_directory(
        [
            org_row(
                "mi-room",
                kind="crisis_room",
                services="shelter",
                district="BY-MI-16",
                confidential="true",
                public_contact="ТЦСОН",
            )
        ]
    )
    url = directory._url
    engine = create_engine(url, future=True)
    with Session(engine, future=True) as session:
        row = session.get(OrganisationRow, "mi-room")
        row.lat, row.lon, row.address = 53.9, 27.56, "ул. Секретная, 1"  # Minsk, far from Slutsk
        session.commit()
    engine.dispose()
    import os

    os.replace(url.removeprefix("sqlite:///"), tmp_path / "moved.sqlite")  # new inode: snapshot rebuilt
    moved = open_directory(f"sqlite:///{tmp_path / 'moved.sqlite'}")
    result = moved.search("shelter", "BY-MI", "BY-MI-10")  # Lyuban, next to Slutsk
    [item] = result.nearby
    centres = moved._current().district_centres
    assert abs(item.km - km(*centres["BY-MI-10"], *centres["BY-MI-16"])) < 1e-6
    assert item.contact.address is None and item.contact.map_url is None
    assert "mi-room" not in {c.id for c, _ in moved.nearest_public("shelter", 53.9, 27.56)}
    assert "Секретная" not in repr(result) and "53.9," not in repr(result)


def test_a_district_entry_without_a_phone_still_brings_the_nearest_with_one(build_directory):
    """Nesvizh's only social entry has no phone (an address or a website): the nearest entries
    of the region that have one are added, without the phoneless ones (issue 16, item 2)."""
    from .directory_fixtures import org_row

    rows = [
        org_row("mi-nesvizh", district="BY-MI-14", phones="", address="ул. Ленина, 1"),
        org_row("mi-slutsk", district="BY-MI-16"),
        org_row("mi-kletsk-no-phone", district="BY-MI-06", phones="", address="ул. Мира, 2"),
    ]
    directory = build_directory(rows)
    result = directory.search("social", "BY-MI", "BY-MI-14")
    assert result.district_has_own and [c.id for c in result.local] == ["mi-nesvizh"]
    assert [n.contact.id for n in result.nearby] == ["mi-slutsk"]
    # with a phone of its own, no neighbours
    assert directory.search("social", "BY-MI", "BY-MI-16").nearby == ()
