"""Writing validated records into the directory database, all or nothing.

SQLite (the normal case): build a fresh file next to the target and rename it over the target,
so a running bot sees either the old or the new directory, never a half-written one. The usage
statistics (`usage_counts`, see `directory.stats`) live in the same file: they are copied into
the new file while the old file's write lock is held (BEGIN IMMEDIATE), and the rename happens
before the lock is released, so no count written to the old file can be lost. Readers are not
blocked by that lock.

Other databases: replace the directory tables' contents inside one transaction, rolled back on
any error; `usage_counts` is never touched. Directory tables whose columns differ from the
models (a database built by an older version) are dropped and recreated in that transaction.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .database import sqlite_file, write_engine
from .models import (
    DIRECTORY_TABLES,
    Base,
    DistrictRow,
    OrganisationPhoneRow,
    OrganisationRow,
    OrganisationServiceRow,
    RegionRow,
    UsageCountRow,
)
from .source_csv import DistrictRecord, OrganisationRecord, RegionRecord
from .stats import allowed

# How long the loader waits for the old SQLite file's write lock (counters hold it for
# milliseconds; a stuck process makes the load fail with the old file unchanged).
CARRY_LOCK_TIMEOUT_SECONDS = 10.0
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class CarryOver:
    """What happened to the usage statistics during a load."""

    kept: int = 0  # counter rows now in the new database
    dropped: int = 0  # rows outside the whitelist (or malformed), not carried over
    unreadable: bool = False  # the old file could not be read as a database: nothing carried


def _rows(
    regions: Iterable[RegionRecord], districts: Iterable[DistrictRecord], organisations: Iterable[OrganisationRecord]
) -> list[list[object]]:
    """Rows in foreign-key order: regions, then districts, then organisations (each group is
    flushed before the next, so databases that enforce foreign keys accept them)."""
    region_rows: list[object] = [
        RegionRow(
            code=r.code, name_ru=r.name_ru, name_be=r.name_be, name_en=r.name_en, centre_lat=r.centre_lat, centre_lon=r.centre_lon
        )
        for r in regions
    ]
    district_rows: list[object] = [
        DistrictRow(
            id=d.id,
            region_code=d.region_code,
            kind=d.kind,
            name_ru=d.name_ru,
            name_be=d.name_be,
            name_en=d.name_en,
            centre_ru=d.centre_ru,
            centre_be=d.centre_be,
            centre_en=d.centre_en,
            centre_lat=d.centre_lat,
            centre_lon=d.centre_lon,
            city_id=d.city_id,
        )
        for d in districts
    ]
    organisation_rows: list[object] = []
    for o in organisations:
        row = OrganisationRow(
            id=o.id,
            position=o.position,
            name_ru=o.name_ru,
            name_be=o.name_be,
            name_en=o.name_en,
            kind=o.kind,
            region_code=o.region_code,
            district_id=o.district_id,
            address=o.address,
            hours=o.hours,
            schedule=o.schedule,
            lat=o.lat,
            lon=o.lon,
            confidential=o.confidential,
            public_contact=o.public_contact,
            active=o.active,
            doubtful=o.doubtful,
            status_note=o.status_note,
            source_url=o.source_url,
            verified_on=o.verified_on,
            verification=o.verification,
            note=o.note,
            website=o.website,
            translations=_translations_json(o.translations),
        )
        row.services = [OrganisationServiceRow(service=s, position=i) for i, s in enumerate(o.services)]
        row.phones = [
            OrganisationPhoneRow(
                position=i,
                display=p.display,
                tel=p.tel,
                e164=p.e164,
                label=p.label,
                remark=p.remark,
                area_code_added=p.area_code_added,
            )
            for i, p in enumerate(o.phones)
        ]
        organisation_rows.append(row)
    return [region_rows, district_rows, organisation_rows]


def _translations_json(translations: Iterable[tuple[str, str, str]]) -> Optional[str]:
    """{"be": {field: text}, "en": {...}}, or None when the entry has none."""
    out: dict[str, dict[str, str]] = {}
    for lang, field, text in translations:
        out.setdefault(lang, {})[field] = text
    return json.dumps(out, ensure_ascii=False, sort_keys=True) if out else None


def _add_in_order(session: Session, groups: list[list[object]]) -> None:
    for group in groups:
        session.add_all(group)
        session.flush()


@contextlib.contextmanager
def _write_locked(target: Path) -> Iterator[Optional[sqlite3.Connection]]:
    """The old file with its write lock held (None when it cannot be read as a database).
    Raises sqlite3.OperationalError when the lock is not free within CARRY_LOCK_TIMEOUT_SECONDS."""
    connection = sqlite3.connect(
        f"{target.resolve().as_uri()}?mode=rw", uri=True, timeout=CARRY_LOCK_TIMEOUT_SECONDS, isolation_level=None
    )
    try:
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a readable database?
        except sqlite3.OperationalError:
            raise  # locked: fail, the old file stays as it is
        except sqlite3.DatabaseError:
            yield None  # not a database (garbage, truncated): nothing to carry, replace it
            return
        yield connection
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


def _carry_usage_counts(old: Optional[sqlite3.Connection], temporary: Path) -> CarryOver:
    """Copy the whitelisted counter rows of the locked old file into the new one."""
    if old is None:
        return CarryOver(unreadable=True)
    table = UsageCountRow.__tablename__
    if not old.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
        return CarryOver()
    rows = old.execute(f"SELECT day, metric, value, count FROM {table}").fetchall()
    good = [
        r
        for r in rows
        if isinstance(r[0], str) and _DAY.fullmatch(r[0]) and allowed(r[1], r[2]) and isinstance(r[3], int) and r[3] > 0
    ]
    new = sqlite3.connect(temporary, isolation_level=None)
    try:
        new.execute("BEGIN")
        new.executemany(f"INSERT INTO {table} (day, metric, value, count) VALUES (?, ?, ?, ?)", good)
        new.execute("COMMIT")
    finally:
        new.close()
    return CarryOver(kept=len(good), dropped=len(rows) - len(good))


def _write_sqlite_file(target: Path, rows: list[list[object]]) -> CarryOver:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    engine = write_engine(f"sqlite:///{temporary}")
    try:
        Base.metadata.create_all(engine)
        with Session(engine, future=True) as session, session.begin():
            _add_in_order(session, rows)
        engine.dispose()
        if not target.exists():
            os.replace(temporary, target)
            return CarryOver()
        with _write_locked(target) as old:
            carried = _carry_usage_counts(old, temporary)
            os.replace(temporary, target)  # before the lock is released: see the module docstring
        return carried
    except BaseException:
        engine.dispose()
        temporary.unlink(missing_ok=True)
        raise


def _refresh_schema(connection: Connection) -> None:
    """Create missing tables; drop and recreate directory tables whose columns are not the
    models' (their rows are replaced anyway). `usage_counts` is only ever created."""
    existing = set(inspect(connection).get_table_names())
    outdated = [
        name
        for name in DIRECTORY_TABLES
        if name in existing
        and {c["name"] for c in inspect(connection).get_columns(name)} != set(Base.metadata.tables[name].columns.keys())
    ]
    if outdated:
        for name in DIRECTORY_TABLES:  # children first
            if name in existing:
                Base.metadata.tables[name].drop(connection)
    Base.metadata.create_all(connection)


def _write_in_transaction(url: str, rows: list[list[object]]) -> CarryOver:
    engine = write_engine(url)
    try:
        with engine.begin() as connection:
            _refresh_schema(connection)
            for name in DIRECTORY_TABLES:  # never usage_counts
                connection.execute(delete(Base.metadata.tables[name]))
            with Session(bind=connection, future=True) as session:
                _add_in_order(session, rows)
            kept = connection.execute(select(func.count()).select_from(UsageCountRow.__table__)).scalar_one()
    finally:
        engine.dispose()
    return CarryOver(kept=kept)  # left in place, not copied


def write_database(
    url: str, regions: list[RegionRecord], districts: list[DistrictRecord], organisations: list[OrganisationRecord]
) -> CarryOver:
    """Replace the directory at `url` with these records, atomically; the usage statistics stay."""
    rows = _rows(regions, districts, organisations)
    target = sqlite_file(url)
    if target is not None:
        return _write_sqlite_file(target, rows)
    return _write_in_transaction(url, rows)
