"""Reading and validating the CSV files of directory/data/ into plain records.

Every problem becomes a `Rejection` (`path:line: reason`) instead of an exception, so one run
reports all of them and the loader can refuse the whole set before touching the database.
Messages name ids and codes only; they never echo an address or coordinates.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from .constants import HELP_TYPES, KINDS, NATIONWIDE, REGION_CODES, VERIFICATIONS, in_belarus
from .hours import Schedule, ScheduleError
from .phones import Phone, PhoneError, parse_phone, split_phones

ORGANISATION_COLUMNS = (
    "id",
    "name_ru",
    "name_be",
    "name_en",
    "kind",
    "services",
    "region",
    "district",
    "address",
    "phones",
    "hours",
    "schedule",
    "lat",
    "lon",
    "confidential",
    "public_contact",
    "active",
    "doubtful",
    "status_note",
    "source_url",
    "verified_on",
    "verification",
    "note",
)
REGION_COLUMNS = (
    "region_code",
    "kind",
    "name_ru",
    "name_be",
    "name_en",
    "name_iso3166_2",
    "geonames_admin1_code",
    "geonames_admin1_name",
    "admin_centre_ru",
    "admin_centre_be",
    "admin_centre_en_geonames",
    "admin_centre_geonameid",
    "admin_centre_lat",
    "admin_centre_lon",
)
# oblast: one of the six oblasts; capital_city: Minsk, a region of its own.
REGION_KINDS = ("oblast", "capital_city")
DISTRICT_COLUMNS = (
    "district_id",
    "region_code",
    "kind",
    "name_ru",
    "name_be",
    "name_en_geonames",
    "centre_ru",
    "centre_be",
    "centre_en_geonames",
    "centre_geonameid",
    "centre_lat",
    "centre_lon",
    "centre_is_separate_unit",
)
# raion: a rural district; city: a city that is a unit of its own (a city of oblast
# subordination: Gomel, Baranavichy, Navapolatsk, …; Minsk is the region BY-HM itself);
# city_district: an urban district, of Minsk (no city_id) or of a city unit (city_id).
DISTRICT_KINDS = ("raion", "city", "city_district")
TOWN_COLUMNS = ("name_ru", "name_be", "name_en", "geonameid", "region_code", "district_id", "source_url")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_DISTRICT_ID = re.compile(r"BY-[A-Z]{2}-\d{2}")
_ADMIN1 = re.compile(r"BY\.\d{2}")


@dataclass(frozen=True)
class Rejection:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class RegionRecord:
    code: str
    name_ru: str
    name_be: str
    name_en: str
    centre_lat: float
    centre_lon: float
    # What the place gazetteer (components/place_gazetteer.py) reads besides the names above.
    kind: str = "oblast"
    name_iso: str = ""  # the ISO 3166-2 romanisation («Bresckaja voblasć»)
    admin1_code: str = ""  # GeoNames admin1 code without the country («01»): links its towns
    admin1_name: str = ""  # GeoNames' English name («Gomel Oblast»)
    centre_ru: str = ""
    centre_be: str = ""
    centre_en: str = ""
    centre_gid: str = ""  # GeoNames id of the admin centre


@dataclass(frozen=True)
class DistrictRecord:
    id: str
    region_code: str
    kind: str
    name_ru: str
    name_be: str
    name_en: str
    centre_ru: str
    centre_be: str
    centre_en: str
    centre_lat: float | None
    centre_lon: float | None
    city_id: str | None = None  # an urban district's city unit (None for Minsk's: the region is the city)
    centre_gid: str = ""  # GeoNames id of the centre (the gazetteer links towns by it)
    centre_separate: bool = False  # the centre is a city of oblast subordination, a unit of its own


@dataclass(frozen=True)
class TownRecord:
    """A town that is not the centre of its district, and the district it lies in."""

    name_ru: str
    name_be: str
    name_en: str
    geonameid: str
    region_code: str
    district_id: str
    source_url: str


@dataclass(frozen=True)
class OrganisationRecord:
    id: str
    position: int
    name_ru: str
    name_be: str
    name_en: str
    kind: str
    services: tuple[str, ...]
    region_code: str
    district_id: str | None
    address: str | None = field(repr=False)
    phones: tuple[Phone, ...]
    hours: str | None
    schedule: str | None
    lat: float | None = field(repr=False)
    lon: float | None = field(repr=False)
    confidential: bool
    public_contact: str | None
    active: bool
    doubtful: bool  # shown, with status_note as the caveat, only where nothing better exists
    status_note: str | None
    source_url: str
    verified_on: date
    verification: str
    note: str | None = field(repr=False)
    website: str | None = None  # from websites.csv (read_websites)
    # (language, field, text) from translations.csv (directory.translations)
    translations: tuple[tuple[str, str, str], ...] = ()


WEBSITE_COLUMNS = ("id", "website", "source_url", "note")
_WEBSITE = re.compile(r"https?://\S+|[a-z0-9.-]+\.[a-z]{2,}(?:/\S*)?", re.IGNORECASE)


class _Rows:
    """CSV rows with the line each record starts on, plus header checks."""

    def __init__(self, path: Path, rejections: list[Rejection]):
        self.path = path
        self.rejections = rejections

    def reject(self, line: int, reason: str) -> None:
        self.rejections.append(Rejection(str(self.path), line, reason))

    def read(self, columns: tuple[str, ...], exact: bool) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            handle = open(self.path, encoding="utf-8-sig", newline="")
        except OSError as exc:
            self.reject(0, f"cannot read file ({exc.strerror})")
            return
        with handle:
            reader = csv.DictReader(handle)
            header = tuple(reader.fieldnames or ())
            missing = [c for c in columns if c not in header]
            extra = [c for c in header if c not in columns] if exact else []
            if missing or extra:
                parts = []
                if missing:
                    parts.append("missing column(s) " + ", ".join(missing))
                if extra:
                    parts.append("unexpected column(s) " + ", ".join(extra))
                self.reject(1, "; ".join(parts))
                return
            previous = reader.line_num
            for raw in reader:
                line = previous + 1
                previous = reader.line_num
                if None in raw or any(v is None for v in raw.values()):
                    self.reject(line, "wrong number of fields")
                    continue
                yield line, {k: (v or "").strip() for k, v in raw.items()}


def read_rows(
    path: Path,
    columns: tuple[str, ...],
    rejections: list[Rejection],
    check: Callable[[dict[str, str]], list[str]],
    exact: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of one CSV file that pass `check` (which lists what is wrong with a row), with
    their line; every problem of the other rows becomes a Rejection. `check` runs just before
    its row is yielded, so it sees what the caller kept of the rows before (duplicates)."""
    rows = _Rows(path, rejections)
    for line, row in rows.read(columns, exact):
        problems = check(row)
        for problem in problems:
            rows.reject(line, problem)
        if not problems:
            yield line, row


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _url_problems(url: str) -> list[str]:
    return [] if re.match(r"https?://\S+$", url) else ["source_url must be a single http(s) URL"]


def read_regions(path: Path, rejections: list[Rejection]) -> list[RegionRecord]:
    records: dict[str, RegionRecord] = {}

    def check(row: dict[str, str]) -> list[str]:
        code = row["region_code"]
        if code not in REGION_CODES:
            return [f"unknown region {code!r}"]
        if code in records:
            return [f"duplicate id {code!r}"]
        if not row["name_ru"]:
            return ["missing name_ru"]
        if row["kind"] not in REGION_KINDS:
            return [f"unknown kind {row['kind']!r}"]
        if not _ADMIN1.fullmatch(row["geonames_admin1_code"]) or not row["admin_centre_geonameid"].isdigit():
            return ["geonames_admin1_code must be BY.nn and admin_centre_geonameid a number"]
        lat, lon = _float(row["admin_centre_lat"]), _float(row["admin_centre_lon"])
        if lat is None or lon is None or not in_belarus(lat, lon):
            return ["lat/lon outside Belarus or not a number"]
        return []

    for _line, row in read_rows(path, REGION_COLUMNS, rejections, check):
        code = row["region_code"]
        records[code] = RegionRecord(
            code,
            row["name_ru"],
            row["name_be"],
            row["name_en"],
            float(row["admin_centre_lat"]),
            float(row["admin_centre_lon"]),
            kind=row["kind"],
            name_iso=row["name_iso3166_2"],
            admin1_code=row["geonames_admin1_code"].split(".")[-1],
            admin1_name=row["geonames_admin1_name"],
            centre_ru=row["admin_centre_ru"],
            centre_be=row["admin_centre_be"],
            centre_en=row["admin_centre_en_geonames"],
            centre_gid=row["admin_centre_geonameid"],
        )
    for code in REGION_CODES:
        if code not in records and not any(r.path == str(path) for r in rejections):
            rejections.append(Rejection(str(path), 1, f"region {code!r} missing"))
    return [records[c] for c in REGION_CODES if c in records]


def read_districts(path: Path, region_codes: set[str], rejections: list[Rejection]) -> list[DistrictRecord]:
    records: dict[str, DistrictRecord] = {}

    def check(row: dict[str, str]) -> list[str]:
        did, region = row["district_id"], row["region_code"]
        problems = []
        if not _DISTRICT_ID.fullmatch(did):
            problems.append(f"bad district id {did!r}")
        elif did in records:
            problems.append(f"duplicate id {did!r}")
        if region not in region_codes:
            problems.append(f"unknown region {region!r}")
        elif _DISTRICT_ID.fullmatch(did) and not did.startswith(region + "-"):
            problems.append(f"district {did!r} is not in region {region!r}")
        if row["kind"] not in DISTRICT_KINDS:
            problems.append(f"unknown kind {row['kind']!r}")
        if not row["name_ru"]:
            problems.append("missing name_ru")
        lat, lon = _float(row["centre_lat"]), _float(row["centre_lon"])
        if (row["centre_lat"] or row["centre_lon"]) and (lat is None or lon is None or not in_belarus(lat, lon)):
            problems.append("lat/lon outside Belarus or not a number")
        if row["centre_geonameid"] and not row["centre_geonameid"].isdigit():
            problems.append("centre_geonameid must be a number or empty")
        if _bool(row["centre_is_separate_unit"]) is None:
            problems.append("centre_is_separate_unit must be true or false")
        if row.get("city_id") and row["kind"] != "city_district":
            problems.append("only a city_district has a city_id")
        return problems

    lines: dict[str, int] = {}
    for line, row in read_rows(path, DISTRICT_COLUMNS, rejections, check):
        did = row["district_id"]
        records[did] = DistrictRecord(
            did,
            row["region_code"],
            row["kind"],
            row["name_ru"],
            row["name_be"],
            row["name_en_geonames"],
            row["centre_ru"],
            row["centre_be"],
            row["centre_en_geonames"],
            _float(row["centre_lat"]),
            _float(row["centre_lon"]),
            row.get("city_id") or None,
            row["centre_geonameid"],
            bool(_bool(row["centre_is_separate_unit"])),
        )
        lines[did] = line
    for record in records.values():
        city = records.get(record.city_id or "")
        if record.city_id and (city is None or city.kind != "city" or city.region_code != record.region_code):
            rejections.append(
                Rejection(
                    str(path), lines[record.id], f"city_id {record.city_id!r} is not a city of region {record.region_code!r}"
                )
            )
    return list(records.values())


def read_towns(path: Path, districts: dict[str, DistrictRecord], rejections: list[Rejection]) -> list[TownRecord]:
    """Validate towns.csv: towns that are not district centres, with the district they lie in."""

    def check(row: dict[str, str]) -> list[str]:
        district = districts.get(row["district_id"])
        problems = []
        if not row["name_ru"]:
            problems.append("missing name_ru")
        if district is None:
            problems.append(f"unknown district {row['district_id']!r}")
        elif district.region_code != row["region_code"]:
            problems.append(f"district {row['district_id']!r} is not in region {row['region_code']!r}")
        if row["geonameid"] and not row["geonameid"].isdigit():
            problems.append("geonameid must be a number or empty")
        return problems + _url_problems(row["source_url"])

    return [
        TownRecord(
            row["name_ru"],
            row["name_be"],
            row["name_en"],
            row["geonameid"],
            row["region_code"],
            row["district_id"],
            row["source_url"],
        )
        for _line, row in read_rows(path, TOWN_COLUMNS, rejections, check)
    ]


@dataclass(frozen=True)
class Places:
    """regions.csv, districts.csv and towns.csv, validated together."""

    regions: list[RegionRecord]
    districts: list[DistrictRecord]
    towns: list[TownRecord]


def read_places(data_dir: Path, rejections: list[Rejection], say: Callable[[str], None] = lambda _m: None) -> Places:
    """The places of `data_dir`, as the loader and the place gazetteer read them: a district must
    name a known region, a town a known district (towns.csv is optional)."""
    say(f"Reading {data_dir / 'regions.csv'}")
    regions = read_regions(data_dir / "regions.csv", rejections)
    say(f"Reading {data_dir / 'districts.csv'}")
    districts = read_districts(data_dir / "districts.csv", {r.code for r in regions}, rejections)
    towns: list[TownRecord] = []
    if (data_dir / "towns.csv").exists():
        say(f"Reading {data_dir / 'towns.csv'}")
        towns = read_towns(data_dir / "towns.csv", {d.id: d for d in districts}, rejections)
    return Places(regions, districts, towns)


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text.lower())


def read_organisations(
    path: Path,
    region_codes: set[str],
    district_regions: dict[str, str],
    rejections: list[Rejection],
    area_codes: dict[str, str] | None = None,
) -> list[OrganisationRecord]:
    """Validate organisations.csv. `district_regions` maps district_id → region code;
    `area_codes` district_id → telephone area code, for local numbers printed without one."""
    area_codes = area_codes or {}
    rows = _Rows(path, rejections)
    records: list[OrganisationRecord] = []
    first_line: dict[str, int] = {}
    for line, row in rows.read(ORGANISATION_COLUMNS, exact=True):
        problems: list[str] = []
        oid = row["id"]
        if not _ID.fullmatch(oid):
            problems.append("missing or malformed id")
        elif oid in first_line:
            problems.append(f"duplicate id {oid!r} (first on line {first_line[oid]})")
        else:
            first_line[oid] = line
        for column in ("name_ru", "name_en"):
            if not row[column]:
                problems.append(f"missing name ({column})")
        if row["kind"] not in KINDS:
            problems.append(f"unknown kind {row['kind']!r}")
        services = tuple(s.strip() for s in row["services"].split(";") if s.strip())
        if not services:
            problems.append("no services")
        for service in services:
            if service not in HELP_TYPES:
                problems.append(f"unknown service {service!r}")
        if len(set(services)) != len(services):
            problems.append("duplicate service")

        region, district = row["region"], row["district"] or None
        if region != NATIONWIDE and region not in region_codes:
            problems.append(f"unknown region {region!r}")
        if district is not None:
            if district not in district_regions:
                problems.append(f"unknown district {district!r}")
            elif district_regions[district] != region:
                problems.append(f"district {district!r} is not in region {region!r}")

        phones: list[Phone] = []
        for number, entry in enumerate(split_phones(row["phones"]), start=1):
            try:
                phones.append(parse_phone(entry, area_codes.get(district or "")))
            except PhoneError as exc:
                problems.append(f"malformed phone (entry {number}): {exc}")

        schedule = row["schedule"] or None
        if schedule is not None:
            try:
                schedule = Schedule.parse(schedule).spec
            except ScheduleError as exc:
                problems.append(f"bad schedule: {exc}")

        lat, lon = _float(row["lat"]), _float(row["lon"])
        has_coords = bool(row["lat"] or row["lon"])
        if has_coords:
            if lat is None or lon is None:
                problems.append("lat and lon must both be numbers")
            elif not in_belarus(lat, lon):
                problems.append("lat/lon outside Belarus bounding box")

        confidential, active = _bool(row["confidential"]), _bool(row["active"])
        doubtful = _bool(row["doubtful"]) if row["doubtful"] else False  # empty = not doubtful
        if confidential is None:
            problems.append("confidential must be true or false")
        if active is None:
            problems.append("active must be true or false")
        if doubtful is None:
            problems.append("doubtful must be true, false or empty")
        elif doubtful and not row["status_note"]:
            problems.append("doubtful row needs a status_note (the caveat shown to users)")
        if confidential and row["address"]:
            problems.append("confidential row must not have an address")
        if confidential and has_coords:
            problems.append("confidential row must not have lat/lon")

        source_url = row["source_url"]
        if not source_url:
            problems.append("missing source_url")
        elif not re.match(r"https?://\S+$", source_url):
            problems.append("source_url must be a single http(s) URL")
        try:
            verified_on = date.fromisoformat(row["verified_on"])
        except ValueError:
            problems.append("bad verified_on (want YYYY-MM-DD)")
            verified_on = date.min  # never stored: the row is rejected below
        if row["verification"] not in VERIFICATIONS:
            problems.append(f"unknown verification {row['verification']!r} (want desk or phone)")

        for problem in problems:
            rows.reject(line, problem)
        if problems:
            continue
        records.append(
            OrganisationRecord(
                id=oid,
                position=len(records) + 1,
                name_ru=row["name_ru"],
                name_be=row["name_be"],
                name_en=row["name_en"],
                kind=row["kind"],
                services=services,
                region_code=region,
                district_id=district,
                address=row["address"] or None,
                phones=tuple(phones),
                hours=row["hours"] or None,
                schedule=schedule,
                lat=lat if has_coords else None,
                lon=lon if has_coords else None,
                confidential=bool(confidential),
                public_contact=row["public_contact"] or None,
                active=bool(active),
                doubtful=bool(doubtful),
                status_note=row["status_note"] or None,
                source_url=source_url,
                verified_on=verified_on,
                verification=row["verification"],
                note=row["note"] or None,
            )
        )
    return records


def read_websites(path: Path, organisation_ids: set[str], rejections: list[Rejection]) -> dict[str, str]:
    """websites.csv: organisation id → its website as the source prints it (a missing file = none)."""
    if not path.exists():
        return {}
    websites: dict[str, str] = {}

    def check(row: dict[str, str]) -> list[str]:
        oid = row["id"]
        problems = []
        if oid not in organisation_ids:
            problems.append(f"unknown organisation {oid!r}")
        elif oid in websites:
            problems.append(f"duplicate organisation {oid!r}")
        if not _WEBSITE.fullmatch(row["website"]):
            problems.append("website must be a domain or an http(s) URL")
        return problems + _url_problems(row["source_url"])

    for _line, row in read_rows(path, WEBSITE_COLUMNS, rejections, check, exact=True):
        websites[row["id"]] = row["website"]
    return websites
