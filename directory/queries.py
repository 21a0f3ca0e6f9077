"""The read API used by the actions: `open_directory()` and `Directory`.

Every method returns frozen dataclasses from `directory.public`; ORM rows stay inside. Inactive
organisations are filtered in `_active_offering`, the one query every contact lookup goes through.
"""
from __future__ import annotations

import math
import threading
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from .constants import HELP_TYPES, HOTLINE_ID, MVD_SESSION_ID, NATIONWIDE, REGION_CODES, services_for
from .database import default_database_url, read_engine, safe_url, sqlite_file
from .errors import DirectoryUnavailable
from .hours import MINSK, HotlineStatus, Schedule
from .models import REQUIRED_TABLES, DistrictRow, OrganisationRow, OrganisationServiceRow, RegionRow
from .public import (
    Contact, District, Region, SearchResult, contact_from_row, district_from_row, region_from_row,
)

__all__ = ["Directory", "open_directory"]


def russian_sort_key(text: str) -> str:
    """Sort key for Russian names: case-insensitive, ё sorted as е."""
    return text.casefold().replace("ё", "е")


def _dial_key(contact: Contact) -> tuple[int, str]:
    tel = next((p.tel for p in contact.phones if p.tel), None)
    return (len(tel), tel) if tel else (99, "")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


class Directory:
    """Read-only access to one directory database. Get one with `open_directory()`."""

    def __init__(self, url: str):
        self._url = url
        self._engine = read_engine(url)

    def __repr__(self) -> str:
        return f"<Directory {safe_url(self._url)}>"

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self._engine, future=True) as session:
                yield session
        except SQLAlchemyError as exc:
            raise DirectoryUnavailable(
                f"directory database {safe_url(self._url)} could not be read ({type(exc).__name__})"
            ) from None

    def _check(self) -> None:
        """Raise DirectoryUnavailable unless the schema is there and holds the regions."""
        try:
            tables = set(inspect(self._engine).get_table_names())
        except SQLAlchemyError as exc:
            raise DirectoryUnavailable(
                f"directory database {safe_url(self._url)} could not be opened ({type(exc).__name__})"
            ) from None
        missing = REQUIRED_TABLES - tables
        if missing:
            raise DirectoryUnavailable(
                f"directory database {safe_url(self._url)} lacks table(s) {', '.join(sorted(missing))}; "
                "rebuild it with: python -m directory.load"
            )
        with self._session() as session:
            if not session.scalar(select(func.count()).select_from(RegionRow)):
                raise DirectoryUnavailable(f"directory database {safe_url(self._url)} is empty")

    # ---- places ----

    def regions(self) -> list[Region]:
        with self._session() as session:
            rows = {r.code: region_from_row(r) for r in session.scalars(select(RegionRow))}
        return [rows[code] for code in REGION_CODES if code in rows]

    def region(self, code: str) -> Region | None:
        if not isinstance(code, str) or code not in REGION_CODES:
            return None
        with self._session() as session:
            row = session.get(RegionRow, code)
            return region_from_row(row) if row else None

    def districts(self, region_code: str) -> list[District]:
        if not isinstance(region_code, str) or region_code not in REGION_CODES:
            return []
        with self._session() as session:
            rows = session.scalars(select(DistrictRow).where(DistrictRow.region_code == region_code))
            found = [district_from_row(r) for r in rows]
        return sorted(found, key=lambda d: russian_sort_key(d.name_ru))

    def district(self, district_id: str) -> District | None:
        if not isinstance(district_id, str) or not district_id:
            return None
        with self._session() as session:
            row = session.get(DistrictRow, district_id)
            return district_from_row(row) if row else None

    # ---- contacts ----

    @staticmethod
    def _active_offering(services: tuple[str, ...]) -> Select:
        return (
            select(OrganisationRow)
            .join(OrganisationServiceRow)
            .where(OrganisationServiceRow.service.in_(services), OrganisationRow.active.is_(True))
            .order_by(OrganisationRow.position)
        )

    def _contacts(self, session: Session, statement: Select) -> list[Contact]:
        return [contact_from_row(row) for row in session.scalars(statement).unique()]

    def search(self, help_type: str, region_code: str | None, district_id: str | None) -> SearchResult:
        """Contacts for `help_type` near the user, falling back district → region → national.

        Raises ValueError for an unknown help type, region or district, or a district outside
        the region (the message names only the offending id).
        """
        if not isinstance(help_type, str) or help_type not in HELP_TYPES:
            raise ValueError(f"unknown help type {help_type!r}")
        if region_code is not None and (not isinstance(region_code, str) or region_code not in REGION_CODES):
            raise ValueError(f"unknown region {region_code!r}")
        base = self._active_offering(services_for(help_type))
        with self._session() as session:
            if district_id is not None:
                district = session.get(DistrictRow, district_id) if isinstance(district_id, str) else None
                if district is None:
                    raise ValueError(f"unknown district {district_id!r}")
                if region_code is None:
                    region_code = district.region_code
                elif district.region_code != region_code:
                    raise ValueError(f"district {district_id!r} is not in region {region_code!r}")
            national = tuple(self._contacts(session, base.where(
                OrganisationRow.region_code == NATIONWIDE, OrganisationRow.district_id.is_(None))))
            local: list[Contact] = []
            level = "national"
            if district_id is not None:
                local = self._contacts(session, base.where(OrganisationRow.district_id == district_id))
                level = "district"
                if not local:
                    local = self._region_wide(session, base, region_code)
                    level = "region"
            elif region_code is not None:
                local = self._whole_region(session, base, region_code)
                level = "region"
            if not local:
                level = "national"
        return SearchResult(help_type, region_code, district_id, level, tuple(local), national)

    def _region_wide(self, session: Session, base: Select, region_code: str) -> list[Contact]:
        return self._contacts(session, base.where(
            OrganisationRow.region_code == region_code, OrganisationRow.district_id.is_(None)))

    def _whole_region(self, session: Session, base: Select, region_code: str) -> list[Contact]:
        """Region-wide contacts first, then district ones by district name (Russian order)."""
        names = {
            d.id: russian_sort_key(d.name_ru)
            for d in session.scalars(select(DistrictRow).where(DistrictRow.region_code == region_code))
        }
        found = self._contacts(session, base.where(OrganisationRow.region_code == region_code))
        # sorted() is stable, so rows keep the file order inside each district.
        return sorted(found, key=lambda c: (c.district_id is not None, names.get(c.district_id or "", "")))

    # ---- by location (a point shared in Telegram; the point itself is never stored) ----

    def nearest_districts(self, lat: float, lon: float, limit: int = 3) -> list[tuple[District, float]]:
        """Districts ordered by the distance (km) of their centre from the point, nearest first."""
        with self._session() as session:
            rows = session.scalars(select(DistrictRow).where(
                DistrictRow.centre_lat.is_not(None), DistrictRow.centre_lon.is_not(None))).all()
            ranked = sorted(((_km(lat, lon, r.centre_lat, r.centre_lon), r) for r in rows), key=lambda x: x[0])
            return [(district_from_row(r), km) for km, r in ranked[:limit]]

    def nearest_public(self, help_type: str, lat: float, lon: float, limit: int = 3) -> list[tuple[Contact, float]]:
        """Active NON-confidential organisations with coordinates offering `help_type`, nearest
        first, with km. A confidential organisation is never located: excluded in the query, and
        the public Contact is checked once more."""
        if not isinstance(help_type, str) or help_type not in HELP_TYPES:
            raise ValueError(f"unknown help type {help_type!r}")
        statement = self._active_offering(services_for(help_type)).where(
            OrganisationRow.confidential.is_(False), OrganisationRow.lat.is_not(None), OrganisationRow.lon.is_not(None))
        with self._session() as session:
            rows = session.scalars(statement).unique().all()
            ranked = sorted(((_km(lat, lon, r.lat, r.lon), r) for r in rows), key=lambda x: x[0])
            found = [(contact_from_row(r), km) for km, r in ranked]
        return [(c, km) for c, km in found if not c.confidential][:limit]

    def hotline(self) -> Contact | None:
        """The national domestic-violence hotline, if its row is active."""
        with self._session() as session:
            row = session.scalars(select(OrganisationRow).where(
                OrganisationRow.id == HOTLINE_ID, OrganisationRow.active.is_(True))).first()
            return contact_from_row(row) if row else None

    def emergency_contacts(self) -> list[Contact]:
        """Active nationwide emergency numbers, shortest number first (102, 103, 112)."""
        with self._session() as session:
            found = self._contacts(session, self._active_offering(("emergency",)).where(
                OrganisationRow.region_code == NATIONWIDE, OrganisationRow.district_id.is_(None)))
        return sorted(found, key=_dial_key)

    def hotline_status(self, now: datetime | None = None) -> HotlineStatus:
        """Open/closed state of the hotline and of its monthly MVD session at `now` (aware)."""
        if now is None:
            now = datetime.now(MINSK)
        elif now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("naive datetime: pass an aware datetime (any time zone)")
        with self._session() as session:
            specs = dict(session.execute(
                select(OrganisationRow.id, OrganisationRow.schedule).where(
                    OrganisationRow.id.in_((HOTLINE_ID, MVD_SESSION_ID)),
                    OrganisationRow.active.is_(True))).all())
        hotline = Schedule.parse(specs[HOTLINE_ID]) if specs.get(HOTLINE_ID) else None
        session_ = Schedule.parse(specs[MVD_SESSION_ID]) if specs.get(MVD_SESSION_ID) else None
        open_now = bool(hotline and hotline.is_open(now))
        in_session = bool(session_ and session_.is_open(now))
        return HotlineStatus(
            open_now=open_now,
            closes_at=hotline.closes_at(now) if hotline and open_now else None,
            next_open=hotline.next_open(now) if hotline and not open_now else None,
            mvd_session_now=in_session,
            next_mvd_session=session_.next_open(now) if session_ and not in_session else None,
        )


_cache: dict[str, Directory] = {}
_cache_lock = threading.Lock()


def open_directory(url: str | None = None) -> Directory:
    """The Directory for `url` (default: $DIRECTORY_DATABASE_URL or var/directory.sqlite).

    One Directory is kept per URL. Raises DirectoryUnavailable if the database file or its
    tables are missing; a failed open is not cached, so building the database fixes it.
    """
    url = url or default_database_url()
    with _cache_lock:
        cached = _cache.get(url)
        if cached is not None:
            return cached
        path = sqlite_file(url)
        if path is not None and not path.is_file():
            raise DirectoryUnavailable(
                f"directory database not found at {path}; build it with: python -m directory.load"
            )
        directory = Directory(url)
        directory._check()
        _cache[url] = directory
        return directory
