"""The confidentiality rule, proven on the real data plus rows that break the loader's rule.

Confidential rows WITH an address and coordinates are written straight through the ORM
(bypassing the loader, which would refuse them), so what is tested here is the read-side filter
in `directory.public` on its own.
"""

from __future__ import annotations

import logging
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from directory import HELP_TYPES, REGION_CODES, open_directory
from directory.database import sqlite_file
from directory.models import OrganisationPhoneRow, OrganisationRow, OrganisationServiceRow

INJECTED = [
    # (id, region, district, address, lat, lon)
    ("leak-district", "BY-MI", "BY-MI-16", "г. Слуцк, ул. Потайная, 11", 53.011111, 27.522222),
    ("leak-region", "BY-VI", None, "г. Витебск, пер. Скрытый, 22", 55.133333, 30.144444),
    ("leak-national", "BY", None, "г. Минск, ул. Невидимая, 33", 53.955555, 27.566666),
    ("leak-capital", "BY-HM", "BY-HM-04", "г. Минск, пр-т Укромный, 44", 53.877777, 27.588888),
]


def _inject(url: str) -> None:
    engine = create_engine(url, future=True)
    with Session(engine, future=True) as session, session.begin():
        for position, (oid, region, district, address, lat, lon) in enumerate(INJECTED, start=9000):
            row = OrganisationRow(
                id=oid,
                position=position,
                name_ru=f"Убежище {oid}",
                name_be="",
                name_en=f"Shelter {oid}",
                kind="crisis_room",
                region_code=region,
                district_id=district,
                address=address,
                hours=None,
                schedule=None,
                lat=lat,
                lon=lon,
                confidential=True,
                public_contact="Дежурный специалист",
                active=True,
                status_note=None,
                source_url="https://example.org/shelter",
                verified_on=date(2026, 11, 28),
                verification="desk",
                note=None,
            )
            row.services = [OrganisationServiceRow(service=s, position=i) for i, s in enumerate(HELP_TYPES)]
            row.phones = [OrganisationPhoneRow(position=0, display="8 (017) 000-00-00", tel=None)]
            session.add(row)
    engine.dispose()


@pytest.fixture(scope="module")
def leaky_url(real_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Copy of the real directory with confidential rows that carry addresses and coordinates."""
    target = tmp_path_factory.mktemp("leaky") / "directory.sqlite"
    shutil.copy(sqlite_file(real_db_url), target)
    url = f"sqlite:///{target}"
    _inject(url)
    return url


def _raw_secrets(url: str) -> list[str]:
    """Every address and coordinate of a confidential row, read from the database itself."""
    engine = create_engine(url, future=True)
    secrets: list[str] = []
    with Session(engine, future=True) as session:
        for row in session.scalars(select(OrganisationRow).where(OrganisationRow.confidential.is_(True))):
            if row.address:
                secrets.append(row.address)
            for value in (row.lat, row.lon):
                if value is not None:
                    secrets += [repr(value), str(value), f"{value:.4f}"]
    engine.dispose()
    return secrets


def _all_results(directory):
    for help_type in HELP_TYPES:
        for region in (None,) + REGION_CODES:
            districts = [None] + ([d.id for d in directory.districts(region)] if region else [])
            for district in districts:
                yield directory.search(help_type, region, district)


def test_no_confidential_location_leaves_the_package(leaky_url, caplog):
    caplog.set_level(logging.DEBUG)
    directory = open_directory(leaky_url)
    secrets = _raw_secrets(leaky_url)
    assert len(secrets) >= len(INJECTED) * 7  # the fixture really holds leaky rows

    seen_confidential: set[str] = set()
    checked = 0
    for result in _all_results(directory):
        for contact in result.local + result.national:
            if contact.confidential:
                seen_confidential.add(contact.id)
                assert contact.address is None
                assert contact.map_url is None
                assert not any(hasattr(contact, f) for f in ("lat", "lon", "latitude", "longitude"))
        text = repr(result)
        for secret in secrets:
            assert secret not in text, (result.help_type, result.region_code, result.district_id)
        checked += 1

    assert checked == len(HELP_TYPES) * (1 + len(REGION_CODES) + 152)  # 118 raions + 10 city units + 24 urban districts
    assert {oid for oid, *_ in INJECTED} <= seen_confidential  # every leaky row was exercised
    assert any(not oid.startswith("leak-") for oid in seen_confidential)  # real crisis rooms too

    others = repr(
        [
            directory.hotline(),
            directory.emergency_contacts(),
            directory.regions(),
            [directory.districts(code) for code in REGION_CODES],
            directory.hotline_status(),
        ]
    )
    for secret in secrets:
        assert secret not in others
        assert secret not in caplog.text


def test_real_data_has_no_confidential_location(real_db_url):
    """The shipped CSV obeys the rule at the source as well."""
    assert _raw_secrets(real_db_url) == []


def test_orm_repr_hides_location(leaky_url):
    engine = create_engine(leaky_url, future=True)
    with Session(engine, future=True) as session:
        row = session.get(OrganisationRow, "leak-district")
        assert repr(row) == "<OrganisationRow leak-district>"
    engine.dispose()


def test_public_contact_is_shown_for_confidential_rows(leaky_url):
    contact = open_directory(leaky_url).search("shelter", "BY-MI", "BY-MI-16").local
    leak = next(c for c in contact if c.id == "leak-district")
    assert leak.public_contact == "Дежурный специалист"
    assert leak.phones and leak.phones[0].display == "8 (017) 000-00-00"


def test_sqlite_file_helper_points_at_the_copy(leaky_url):
    assert isinstance(sqlite_file(leaky_url), Path)
