"""The directory held in memory, indexed for the questions the bot asks.

A few hundred (or ten thousand) contacts fit easily in memory; answering from dictionaries
instead of SQL takes microseconds instead of the ~25 ms a query cost (connection, ORM, eager
loading). Contacts are built once, through `public.contact_from_row` — so the confidentiality
rule still applies where data is read — and only rows that are active. Coordinates are indexed
for non-confidential organisations only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from .constants import HOTLINE_ID, MVD_SESSION_ID, NATIONWIDE, REGION_CODES
from .models import DistrictRow, OrganisationRow, RegionRow
from .operator import OperatorNote, centre_of, centres_by_district, operator_notes, reachable
from .public import Contact, District, Region, contact_from_row, district_from_row, region_from_row

GRID_DEGREES = 0.5  # cell size of the spatial index (about 55 × 35 km in Belarus)
MIN_CELL_KM = 30.0  # the narrowest a cell gets inside Belarus


def russian_sort_key(text: str) -> str:
    """Sort key for Russian names: case-insensitive, ё sorted as е."""
    return text.casefold().replace("ё", "е")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _cell(lat: float, lon: float) -> Tuple[int, int]:
    return int(math.floor(lat / GRID_DEGREES)), int(math.floor(lon / GRID_DEGREES))


@dataclass
class Snapshot:
    regions: Dict[str, Region]
    districts: Dict[str, District]
    districts_by_region: Dict[str, List[District]]
    position: Dict[str, int]
    contacts: Dict[str, Contact] = field(default_factory=dict)  # every active contact, file order
    # service → contacts in file order, split by where they serve
    in_district: Dict[Tuple[str, str], List[Contact]] = field(default_factory=lambda: defaultdict(list))
    region_wide: Dict[Tuple[str, str], List[Contact]] = field(default_factory=lambda: defaultdict(list))
    in_region: Dict[Tuple[str, str], List[Contact]] = field(default_factory=lambda: defaultdict(list))
    national: Dict[str, List[Contact]] = field(default_factory=lambda: defaultdict(list))
    # service → grid cell → [(lat, lon, contact)], non-confidential only
    grid: Dict[str, Dict[Tuple[int, int], List[Tuple[float, float, Contact]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    centres: List[Tuple[float, float, District]] = field(default_factory=list)
    hotline: Optional[Contact] = None
    schedules: Dict[str, Optional[str]] = field(default_factory=dict)
    # Where each contact is for "nearest in the region": a public contact's own coordinates,
    # else its district's centre (a confidential contact is never located).
    points: Dict[str, Tuple[float, float]] = field(default_factory=dict)
    district_centres: Dict[str, Tuple[float, float]] = field(default_factory=dict)
    notes: List[OperatorNote] = field(default_factory=list)  # for the operator (directory.operator)
    # a city unit (or "BY-HM", Minsk) → its urban districts, by name
    urban: Dict[str, List[District]] = field(default_factory=dict)
    # region → what its keyboard offers: city units first, then raions (urban districts are
    # offered once their city is chosen); Minsk: its urban districts
    choices: Dict[str, List[District]] = field(default_factory=dict)

    def place_ids(self, district_id: str) -> Tuple[str, ...]:
        """The district ids a place covers: a city unit is itself and all its urban districts."""
        return (district_id, *(d.id for d in self.urban.get(district_id, ())))

    def district_key(self, contact: Contact) -> Tuple[bool, str, int]:
        """Whole-region order: region-wide first, then by district name, then file order."""
        district = self.districts.get(contact.district_id or "")
        return (district is not None, russian_sort_key(district.name_ru) if district else "", self.position[contact.id])

    def nearest(self, services: Tuple[str, ...], lat: float, lon: float, limit: int) -> List[Tuple[Contact, float]]:
        """Nearest located contacts, searching rings of grid cells outwards until `limit` are
        certainly found (or the grid is exhausted)."""
        grids = [self.grid[s] for s in services if s in self.grid]
        if not grids:
            return []
        centre = _cell(lat, lon)
        span = max((max(abs(c[0] - centre[0]), abs(c[1] - centre[1])) for g in grids for c in g), default=0)
        found: Dict[str, Tuple[Contact, float]] = {}
        for ring in range(span + 1):
            for dx in range(-ring, ring + 1):
                for dy in range(-ring, ring + 1):
                    if max(abs(dx), abs(dy)) != ring:
                        continue
                    for g in grids:
                        for plat, plon, contact in g.get((centre[0] + dx, centre[1] + dy), ()):
                            found.setdefault(contact.id, (contact, km(lat, lon, plat, plon)))
            # Anything outside the rings searched is at least `ring` cells away: ≥ 30 km per cell
            # (half a degree of longitude at Belarus's northern edge, 56.2° N, is 30.9 km).
            if len(found) >= limit and sorted(d for _, d in found.values())[limit - 1] <= ring * MIN_CELL_KM:
                break
        return sorted(found.values(), key=lambda item: (item[1], self.position[item[0].id]))[:limit]


def load_snapshot(session: Session) -> Snapshot:
    regions = {r.code: region_from_row(r) for r in session.scalars(select(RegionRow))}
    district_rows = list(session.scalars(select(DistrictRow)))
    districts = {r.id: district_from_row(r) for r in district_rows}
    by_region: Dict[str, List[District]] = defaultdict(list)
    for district in districts.values():
        by_region[district.region_code].append(district)
    for members in by_region.values():
        members.sort(key=lambda d: russian_sort_key(d.name_ru))
    urban: Dict[str, List[District]] = defaultdict(list)
    for members in by_region.values():
        for d in members:
            if d.kind == "city_district":
                urban[d.city_id or d.region_code].append(d)
    choices = {
        code: (
            [d for d in members if d.kind == "city"] + [d for d in members if d.kind == "raion"]
            if code != "BY-HM"
            else list(urban.get(code, ()))
        )
        for code, members in by_region.items()
    }
    rows = list(
        session.scalars(select(OrganisationRow).where(OrganisationRow.active.is_(True)).order_by(OrganisationRow.position))
    )
    snapshot = Snapshot(
        regions={code: regions[code] for code in REGION_CODES if code in regions},
        districts=districts,
        districts_by_region=dict(by_region),
        position={row.id: row.position for row in rows},
        urban=dict(urban),
        choices=choices,
    )
    snapshot.centres = [
        (r.centre_lat, r.centre_lon, districts[r.id])
        for r in district_rows
        if r.centre_lat is not None and r.centre_lon is not None
    ]
    snapshot.district_centres = {
        r.id: (r.centre_lat, r.centre_lon) for r in district_rows if r.centre_lat is not None and r.centre_lon is not None
    }
    snapshot.notes = list(operator_notes(rows))
    centres = centres_by_district(rows)
    for row in rows:
        contact = contact_from_row(row)
        if not reachable(row):
            centre = centre_of(row, centres)
            if centre is None:
                continue  # not a contact: listed in snapshot.notes for the operator
            via = contact_from_row(centre)
            contact = replace(
                contact, phones=via.phones, localised_phones=via.localised_phones, website=via.website, via_centre=True
            )
            if not contact.public_contact:  # who answers: the centre, by its name in each language
                contact = replace(
                    contact,
                    public_contact=via.name_ru,
                    translations=contact.translations + tuple((lang, "public_contact", via.name(lang)) for lang in ("be", "en")),
                )
        if not contact.confidential and row.lat is not None and row.lon is not None:
            snapshot.points[row.id] = (row.lat, row.lon)
        elif contact.district_id in snapshot.district_centres:
            snapshot.points[row.id] = snapshot.district_centres[contact.district_id]
        snapshot.contacts[row.id] = contact
        snapshot.schedules[row.id] = row.schedule
        if row.id == HOTLINE_ID:
            snapshot.hotline = contact
        for service in contact.services:
            if contact.region_code == NATIONWIDE and contact.district_id is None:
                snapshot.national[service].append(contact)
            elif contact.district_id is not None:
                snapshot.in_district[(service, contact.district_id)].append(contact)
                # a contact of an urban district serves the whole city too («весь город»)
                city = districts[contact.district_id].city_id
                if city:
                    snapshot.in_district[(service, city)].append(contact)
                snapshot.in_region[(service, contact.region_code)].append(contact)
            else:
                snapshot.region_wide[(service, contact.region_code)].append(contact)
                snapshot.in_region[(service, contact.region_code)].append(contact)
            if not contact.confidential and row.lat is not None and row.lon is not None:
                snapshot.grid[service][_cell(row.lat, row.lon)].append((row.lat, row.lon, contact))
    snapshot.schedules.setdefault(MVD_SESSION_ID, None)
    return snapshot
