"""Writing validated records into the directory database, all or nothing.

SQLite (the normal case): build a fresh file next to the target and rename it over the target,
so a running bot sees either the old or the new directory, never a half-written one. Other
databases: replace the contents inside one transaction, rolled back on any error.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .database import sqlite_file, write_engine
from .models import (
    Base, DistrictRow, OrganisationPhoneRow, OrganisationRow, OrganisationServiceRow, RegionRow,
)
from .source_csv import DistrictRecord, OrganisationRecord, RegionRecord


def _rows(
    regions: Iterable[RegionRecord], districts: Iterable[DistrictRecord],
    organisations: Iterable[OrganisationRecord],
) -> list[list[object]]:
    """Rows in foreign-key order: regions, then districts, then organisations (each group is
    flushed before the next, so databases that enforce foreign keys accept them)."""
    region_rows: list[object] = [
        RegionRow(code=r.code, name_ru=r.name_ru, name_be=r.name_be, name_en=r.name_en,
                  centre_lat=r.centre_lat, centre_lon=r.centre_lon)
        for r in regions
    ]
    district_rows: list[object] = [
        DistrictRow(id=d.id, region_code=d.region_code, kind=d.kind, name_ru=d.name_ru,
                    name_be=d.name_be, name_en=d.name_en, centre_ru=d.centre_ru,
                    centre_be=d.centre_be, centre_en=d.centre_en, centre_lat=d.centre_lat,
                    centre_lon=d.centre_lon)
        for d in districts
    ]
    organisation_rows: list[object] = []
    for o in organisations:
        row = OrganisationRow(
            id=o.id, position=o.position, name_ru=o.name_ru, name_be=o.name_be, name_en=o.name_en,
            kind=o.kind, region_code=o.region_code, district_id=o.district_id, address=o.address,
            hours=o.hours, schedule=o.schedule, lat=o.lat, lon=o.lon, confidential=o.confidential,
            public_contact=o.public_contact, active=o.active, status_note=o.status_note,
            source_url=o.source_url, verified_on=o.verified_on, verification=o.verification,
            note=o.note,
        )
        row.services = [OrganisationServiceRow(service=s, position=i) for i, s in enumerate(o.services)]
        row.phones = [OrganisationPhoneRow(position=i, display=p.display, tel=p.tel)
                      for i, p in enumerate(o.phones)]
        organisation_rows.append(row)
    return [region_rows, district_rows, organisation_rows]


def _add_in_order(session: Session, groups: list[list[object]]) -> None:
    for group in groups:
        session.add_all(group)
        session.flush()


def _write_sqlite_file(target: Path, rows: list[list[object]]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    engine = write_engine(f"sqlite:///{temporary}")
    try:
        Base.metadata.create_all(engine)
        with Session(engine, future=True) as session, session.begin():
            _add_in_order(session, rows)
        engine.dispose()
        os.replace(temporary, target)
    except BaseException:
        engine.dispose()
        temporary.unlink(missing_ok=True)
        raise


def _write_in_transaction(url: str, rows: list[list[object]]) -> None:
    engine = write_engine(url)
    try:
        with engine.begin() as connection:
            Base.metadata.create_all(connection)
            for table in (OrganisationPhoneRow, OrganisationServiceRow, OrganisationRow,
                          DistrictRow, RegionRow):
                connection.execute(delete(table))
            with Session(bind=connection, future=True) as session:
                _add_in_order(session, rows)
    finally:
        engine.dispose()


def write_database(
    url: str, regions: list[RegionRecord], districts: list[DistrictRecord],
    organisations: list[OrganisationRecord],
) -> None:
    """Replace the directory at `url` with these records, atomically."""
    rows = _rows(regions, districts, organisations)
    target = sqlite_file(url)
    if target is not None:
        _write_sqlite_file(target, rows)
    else:
        _write_in_transaction(url, rows)
