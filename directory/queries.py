"""The read API used by the actions: `open_directory()` and `Directory`.

Every method returns frozen dataclasses from `directory.public`; ORM rows stay inside. Inactive
organisations never enter the in-memory snapshot (`directory.snapshot`) the answers come from.

Doubtful organisations (`doubtful=true` in organisations.csv, always with a `status_note` caveat)
are shown only where nothing better exists: `search` drops a doubtful contact when a
non-doubtful one offering the same requested service is shown for the same request at the same
level or the next wider one (district → region → national). The national hotline rows
(`constants.ALWAYS_SHOWN`) are never dropped.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .constants import ALWAYS_SHOWN, HELP_TYPES, HOTLINE_ID, MVD_SESSION_ID, REGION_CODES, services_for
from .database import default_database_url, read_engine, safe_url, sqlite_file
from .errors import DirectoryUnavailable
from .hours import MINSK, HotlineStatus, Schedule
from .models import REQUIRED_TABLES, DistrictRow, OrganisationPhoneRow, OrganisationRow
from .public import Contact, District, Nearby, Region, SearchResult
from .snapshot import Snapshot, km, load_snapshot, russian_sort_key

__all__ = ["Directory", "open_directory", "russian_sort_key"]

RELOAD_SECONDS = 30  # how often a non-SQLite directory is re-read
NEARBY_LIMIT = 3  # nearest entries of other districts shown when the district has none


def _prune(found: list[Contact], services: tuple[str, ...], wider: list[Contact]) -> list[Contact]:
    """`found` without the doubtful contacts that something better replaces.

    A doubtful contact goes when every requested service it offers is also offered by a
    non-doubtful contact of `found` (the same level) or of `wider` (the next wider level, which
    the caller only passes when it is shown too). Non-doubtful contacts and ALWAYS_SHOWN stay.
    Per service, so that in an emergency a doubtful crisis room is never replaced by a police
    number. The order of `found` is kept."""
    sure = {s for c in found + wider if not c.doubtful for s in c.services}
    return [c for c in found if not c.doubtful or c.id in ALWAYS_SHOWN or not all(s in sure for s in c.services if s in services)]


def _sure(contacts: list[Contact]) -> list[Contact]:
    return [c for c in contacts if not c.doubtful]


def _dial_key(contact: Contact) -> tuple[int, str]:
    tel = next((p.tel for p in contact.phones if p.tel), None)
    return (len(tel), tel) if tel else (99, "")


class Directory:
    """Read-only access to one directory database. Get one with `open_directory()`.

    Answers come from an in-memory `Snapshot`, rebuilt when the SQLite file is replaced (the
    loader renames a new file into place) or, for other databases, every RELOAD_SECONDS.
    A SQLite file is recognised by its inode, not its modification time: the usage counters
    (`directory.stats`) write to the same file and must not force a rebuild on every message.
    """

    def __init__(self, url: str):
        self._url = url
        self._engine = read_engine(url)
        self._file = sqlite_file(url)
        self._snapshot: Snapshot | None = None
        self._stamp: object = None
        self._lock = threading.Lock()

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
        try:
            columns = {c["name"] for c in inspect(self._engine).get_columns(OrganisationRow.__tablename__)}
        except SQLAlchemyError as exc:
            raise DirectoryUnavailable(
                f"directory database {safe_url(self._url)} could not be opened ({type(exc).__name__})"
            ) from None
        try:
            phone_columns = {c["name"] for c in inspect(self._engine).get_columns(OrganisationPhoneRow.__tablename__)}
            district_columns = {c["name"] for c in inspect(self._engine).get_columns(DistrictRow.__tablename__)}
        except SQLAlchemyError as exc:
            raise DirectoryUnavailable(
                f"directory database {safe_url(self._url)} could not be opened ({type(exc).__name__})"
            ) from None
        outdated = (
            (set(OrganisationRow.__table__.columns.keys()) - columns)
            | (set(OrganisationPhoneRow.__table__.columns.keys()) - phone_columns)
            | (set(DistrictRow.__table__.columns.keys()) - district_columns)
        )
        if outdated:
            raise DirectoryUnavailable(
                f"directory database {safe_url(self._url)} was built by an older loader (no column(s) "
                f"{', '.join(sorted(outdated))}); rebuild it with: python -m directory.load"
            )
        self._current()

    def _version(self) -> object:
        if self._file is None:
            return int(time.monotonic() // RELOAD_SECONDS)
        try:
            stat = self._file.stat()
        except OSError:
            raise DirectoryUnavailable(
                f"directory database not found at {self._file}; build it with: python -m directory.load"
            ) from None
        return stat.st_dev, stat.st_ino

    def _current(self) -> Snapshot:
        version = self._version()
        if self._snapshot is None or version != self._stamp:
            with self._lock:
                if self._snapshot is None or version != self._stamp:
                    with self._session() as session:
                        snapshot = load_snapshot(session)
                    if not snapshot.regions:
                        raise DirectoryUnavailable(f"directory database {safe_url(self._url)} is empty")
                    self._snapshot, self._stamp = snapshot, version
        return self._snapshot

    # ---- places ----

    def regions(self) -> list[Region]:
        return list(self._current().regions.values())

    def region(self, code: str) -> Region | None:
        if not isinstance(code, str) or code not in REGION_CODES:
            return None
        return self._current().regions.get(code)

    def districts(self, region_code: str) -> list[District]:
        if not isinstance(region_code, str) or region_code not in REGION_CODES:
            return []
        return list(self._current().districts_by_region.get(region_code, ()))

    def district(self, district_id: str) -> District | None:
        if not isinstance(district_id, str) or not district_id:
            return None
        return self._current().districts.get(district_id)

    def district_choices(self, region_code: str) -> list[District]:
        """What a region's keyboard offers: its city units, then its raions, by name (a city's
        urban districts come with `urban_districts`); for Minsk (BY-HM), its urban districts."""
        if not isinstance(region_code, str) or region_code not in REGION_CODES:
            return []
        return list(self._current().choices.get(region_code, ()))

    def urban_districts(self, place: str) -> list[District]:
        """The urban districts of a city unit id, or of Minsk ("BY-HM"), by name; [] otherwise."""
        if not isinstance(place, str):
            return []
        return list(self._current().urban.get(place, ()))

    def place_district_ids(self, district_id: str) -> tuple[str, ...]:
        """The district ids a place covers: a city unit is itself and all its urban districts
        ("the whole city"); any other district is itself. () for an unknown id. `search` already
        answers a city unit with the contacts of all of them."""
        snapshot = self._current()
        if not isinstance(district_id, str) or district_id not in snapshot.districts:
            return ()
        return snapshot.place_ids(district_id)

    # ---- contacts ----

    @staticmethod
    def _merge(snapshot: Snapshot, lists: list[list[Contact]]) -> list[Contact]:
        """One list from several services' lists: each contact once, in file order."""
        lists = [found for found in lists if found]
        if len(lists) <= 1:
            return list(lists[0]) if lists else []
        unique = {c.id: c for found in lists for c in found}
        return sorted(unique.values(), key=lambda c: snapshot.position[c.id])

    def search(self, help_type: str, region_code: str | None, district_id: str | None) -> SearchResult:
        """Contacts for `help_type` near the user, falling back district → region → national.

        A doubtful contact is left out when a non-doubtful one shown for this request offers
        the same service at its level or the next wider level (see `_prune`): a district whose
        only contacts are doubtful falls back to the region when the region has a sure one; a
        doubtful region-wide contact goes when a sure nationwide one exists (the nationwide
        list is always shown). So a result only becomes empty where it was empty before.

        Raises ValueError for an unknown help type, region or district, or a district outside
        the region (the message names only the offending id).
        """
        if not isinstance(help_type, str) or help_type not in HELP_TYPES:
            raise ValueError(f"unknown help type {help_type!r}")
        if region_code is not None and (not isinstance(region_code, str) or region_code not in REGION_CODES):
            raise ValueError(f"unknown region {region_code!r}")
        snapshot = self._current()
        services = services_for(help_type)
        district: District | None = None
        if district_id is not None:
            district = snapshot.districts.get(district_id) if isinstance(district_id, str) else None
            if district is None:
                raise ValueError(f"unknown district {district_id!r}")
            if region_code is None:
                region_code = district.region_code
            elif district.region_code != region_code:
                raise ValueError(f"district {district_id!r} is not in region {region_code!r}")
        everywhere = self._merge(snapshot, [snapshot.national.get(s, []) for s in services])
        national = tuple(_prune(everywhere, services, []))
        sure_national = _sure(everywhere)
        local: list[Contact] = []
        nearby: list[Nearby] = []
        level = "national"
        own: list[Contact] = []
        if district is not None:  # its region is region_code (checked above)
            in_district = self._merge(snapshot, [snapshot.in_district.get((s, district.id), []) for s in services])
            region_wide = self._merge(snapshot, [snapshot.region_wide.get((s, district.region_code), []) for s in services])
            # A district entry never hides a region-wide line: both are shown, the district's first.
            own = _prune(in_district, services, _sure(region_wide))
            wide = _prune(region_wide, services, sure_national + _sure(own))
            local = own + wide
            if own:
                level = "district"
                if not any(c.phones for c in local):
                    # Only a website here (Nesvizh, Lelchitsy, …): the nearest help with a phone too.
                    nearby = self._nearby(snapshot, services, district.region_code, district.id, with_phone=True)
            else:
                nearby = self._nearby(snapshot, services, district.region_code, district.id)
                level = "region" if wide else ("nearby" if nearby else "national")
        elif region_code is not None:
            found = self._merge(snapshot, [snapshot.in_region.get((s, region_code), []) for s in services])
            local = sorted(_prune(found, services, sure_national), key=snapshot.district_key)
            level = "region" if local else "national"
        return SearchResult(help_type, region_code, district_id, level, tuple(local), national, tuple(nearby), bool(own))

    @staticmethod
    def _nearby(
        snapshot: Snapshot,
        services: tuple[str, ...],
        region_code: str,
        district_id: str,
        limit: int = NEARBY_LIMIT,
        with_phone: bool = False,
    ) -> list[Nearby]:
        """The nearest contacts of other districts of the region, by distance from the district's
        centre to each contact's point (a confidential one: its district's centre); `with_phone`:
        only those with a phone."""
        origin = snapshot.district_centres.get(district_id)
        if origin is None:
            return []
        seen: dict[str, Nearby] = {}
        for service in services:
            for contact in snapshot.in_region.get((service, region_code), []):
                point = snapshot.points.get(contact.id)
                district = snapshot.districts.get(contact.district_id or "")
                if (
                    contact.id in seen
                    or point is None
                    or district is None
                    or district.id == district_id
                    or (with_phone and not contact.phones)
                ):
                    continue
                seen[contact.id] = Nearby(contact, km(origin[0], origin[1], point[0], point[1]), district)
        ranked = sorted(seen.values(), key=lambda n: (round(n.km), n.contact.doubtful, snapshot.position[n.contact.id]))
        return ranked[:limit]

    # ---- by location (a point shared in Telegram; the point itself is never stored) ----

    def nearest_districts(self, lat: float, lon: float, limit: int = 3) -> list[tuple[District, float]]:
        """Districts ordered by the distance (km) of their centre from the point, nearest first."""
        ranked = sorted(((km(lat, lon, clat, clon), d) for clat, clon, d in self._current().centres), key=lambda item: item[0])
        return [(d, distance) for distance, d in ranked[:limit]]

    def nearest_public(self, help_type: str, lat: float, lon: float, limit: int = 3) -> list[tuple[Contact, float]]:
        """Active NON-confidential organisations with coordinates offering `help_type`, nearest
        first, with km. A confidential organisation is never located: it is not in the spatial
        index at all, and the public Contact is checked once more."""
        if not isinstance(help_type, str) or help_type not in HELP_TYPES:
            raise ValueError(f"unknown help type {help_type!r}")
        found = self._current().nearest(services_for(help_type), lat, lon, limit)
        return [(c, distance) for c, distance in found if not c.confidential][:limit]

    def operator_notes(self) -> list:
        """What the operator must complete (directory.operator): numbers without a derivable
        area code, entries that are not contacts, rooms reached through their centre."""
        return list(self._current().notes)

    def hotline(self) -> Contact | None:
        """The national domestic-violence hotline, if its row is active."""
        return self._current().hotline

    def emergency_contacts(self) -> list[Contact]:
        """Active nationwide emergency numbers, shortest number first (102, 103, 112)."""
        return sorted(self._current().national.get("emergency", []), key=_dial_key)

    def hotline_status(self, now: datetime | None = None) -> HotlineStatus:
        """Open/closed state of the hotline and of its monthly MVD session at `now` (aware)."""
        if now is None:
            now = datetime.now(MINSK)
        elif now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("naive datetime: pass an aware datetime (any time zone)")
        specs = self._current().schedules
        hotline_spec, session_spec = specs.get(HOTLINE_ID), specs.get(MVD_SESSION_ID)
        hotline = Schedule.parse(hotline_spec) if hotline_spec else None
        session_ = Schedule.parse(session_spec) if session_spec else None
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
            raise DirectoryUnavailable(f"directory database not found at {path}; build it with: python -m directory.load")
        directory = Directory(url)
        directory._check()
        _cache[url] = directory
        return directory
