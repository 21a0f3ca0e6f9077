"""What leaves the package: frozen dataclasses, and the one function that builds contacts.

THE CONFIDENTIALITY RULE LIVES HERE. `contact_from_row` is the only code that turns an
organisation row into something a caller can see. For a confidential organisation (crisis room,
shelter) it drops the address and never builds a map link; `Contact` has no coordinate fields at
all. The loader also refuses confidential rows with an address or coordinates, but this function
does not rely on that: it holds even for a row written to the database by other means.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from typing import Optional

from .maplinks import yandex_map_url
from .models import DistrictRow, OrganisationRow, RegionRow
from .phones import Phone, merge_same

__all__ = [
    "Region",
    "District",
    "Contact",
    "Nearby",
    "SearchResult",
    "Phone",
    "region_from_row",
    "district_from_row",
    "contact_from_row",
]


def _pick(lang: str, ru: str, be: str | None, en: str | None) -> str:
    """Text in `lang`, falling back to Russian when that language is missing."""
    if lang == "be" and be:
        return be
    if lang == "en" and en:
        return en
    return ru


@dataclass(frozen=True)
class Region:
    code: str
    name_ru: str
    name_be: str
    name_en: str
    centre_lat: float
    centre_lon: float

    def name(self, lang: str) -> str:
        return _pick(lang, self.name_ru, self.name_be, self.name_en)


@dataclass(frozen=True)
class District:
    id: str
    region_code: str
    kind: str  # raion | city | city_district (see directory.source_csv.DISTRICT_KINDS)
    name_ru: str
    name_be: str
    name_en: str
    centre_ru: str
    centre_be: str
    centre_en: str
    city_id: str | None = None  # an urban district's city unit; None for Minsk's (the region is the city)

    def name(self, lang: str) -> str:
        return _pick(lang, self.name_ru, self.name_be, self.name_en)

    def centre(self, lang: str) -> str:
        return _pick(lang, self.centre_ru, self.centre_be, self.centre_en)


@dataclass(frozen=True)
class Contact:
    id: str
    name_ru: str
    name_be: str
    name_en: str
    kind: str
    services: tuple[str, ...]
    region_code: str  # ISO code, or "BY" for nationwide
    district_id: str | None
    phones: tuple[Phone, ...]
    hours: str | None
    address: str | None  # always None when confidential
    map_url: str | None  # always None when confidential
    confidential: bool
    public_contact: str | None  # who answers the phone of a confidential service
    status_note: str | None  # caveat to show with the contact (doubtful source, unknown status)
    doubtful: bool  # shown only where nothing better exists (see Directory.search); has a status_note
    source_url: str
    verified_on: date
    verification: str  # desk | phone
    website: str | None = None
    via_centre: bool = False  # phones/website are its centre's (a room without a phone of its own)
    # be/en text of the shown fields: ((language, field, text), …); see directory.translations
    translations: tuple[tuple[str, str, str], ...] = ()
    # the phones with be/en labels and remarks: ((language, phones), …)
    localised_phones: tuple[tuple[str, tuple[Phone, ...]], ...] = ()

    def name(self, lang: str) -> str:
        return _pick(lang, self.name_ru, self.name_be, self.name_en)

    def text(self, field: str, lang: str) -> Optional[str]:
        """`address`, `hours`, `public_contact` or `status_note` in `lang`; the Russian when
        that translation is missing (listed by `python -m directory.translations --missing`)."""
        russian = getattr(self, field)
        if not russian or lang == "ru":
            return russian
        return next((t for lg, f, t in self.translations if lg == lang and f == field), russian)

    def phones_in(self, lang: str) -> tuple[Phone, ...]:
        """The phones with their labels and remarks in `lang` (Russian where untranslated)."""
        return next((phones for lg, phones in self.localised_phones if lg == lang), self.phones)


@dataclass(frozen=True)
class Nearby:
    """A contact of another district of the region, `km` from the asked district's centre
    (measured to the contact's own point when public and located, else to its district centre —
    a confidential contact is never located)."""

    contact: Contact
    km: float
    district: District


@dataclass(frozen=True)
class SearchResult:
    help_type: str
    region_code: str | None
    district_id: str | None
    level: str  # 'district' | 'region' | 'national': where `local` came from ('national' = nothing local)
    local: tuple[Contact, ...]
    national: tuple[Contact, ...]
    # When the district itself has nothing of this kind: the nearest entries elsewhere in the
    # region (at most 3), nearest first. `local` then holds only the region-wide ones. When its
    # entries (and the region-wide ones) have no phone, only a website: the nearest with a phone.
    nearby: tuple[Nearby, ...] = ()
    district_has_own: bool = False  # the district itself has contacts of this kind


def region_from_row(row: RegionRow) -> Region:
    return Region(
        code=row.code,
        name_ru=row.name_ru,
        name_be=row.name_be or "",
        name_en=row.name_en or "",
        centre_lat=row.centre_lat,
        centre_lon=row.centre_lon,
    )


def district_from_row(row: DistrictRow) -> District:
    return District(
        id=row.id,
        region_code=row.region_code,
        kind=row.kind,
        name_ru=row.name_ru,
        name_be=row.name_be or "",
        name_en=row.name_en or "",
        centre_ru=row.centre_ru or "",
        centre_be=row.centre_be or "",
        centre_en=row.centre_en or "",
        city_id=row.city_id or None,
    )


def _translations(row: OrganisationRow) -> tuple[tuple[str, str, str], ...]:
    stored = json.loads(row.translations) if getattr(row, "translations", None) else {}
    return tuple((lang, field, text) for lang, fields in sorted(stored.items()) for field, text in sorted(fields.items()))


def localise_phones(
    phones: tuple[Phone, ...], translations: tuple[tuple[str, str, str], ...]
) -> tuple[tuple[str, tuple[Phone, ...]], ...]:
    """Per language, the unmerged phones with translated `phone.N.label` / `phone.N.remark`, merged."""
    out = []
    for lang in sorted({lg for lg, _f, _t in translations}):
        texts = {f: t for lg, f, t in translations if lg == lang}
        out.append(
            (
                lang,
                merge_same(
                    tuple(
                        dataclasses.replace(
                            p, label=texts.get(f"phone.{i}.label", p.label), remark=texts.get(f"phone.{i}.remark", p.remark)
                        )
                        for i, p in enumerate(phones, start=1)
                    )
                ),
            )
        )
    return tuple(out)


def contact_from_row(row: OrganisationRow) -> Contact:
    """The single ORM → public conversion for organisations; applies the confidentiality rule."""
    confidential = bool(row.confidential)
    if confidential:
        address = None
        map_url = None
    else:
        address = row.address or None
        map_url = yandex_map_url(lat=row.lat, lon=row.lon, address=address)
    phones = tuple(
        Phone(
            display=p.display,
            tel=p.tel,
            e164=p.e164,
            label=p.label or "",
            remark=p.remark or "",
            area_code_added=p.area_code_added,
        )
        for p in row.phones
    )
    translations = _translations(row)
    if confidential:  # never carry an address, in any language
        translations = tuple(t for t in translations if t[1] != "address")
    return Contact(
        id=row.id,
        name_ru=row.name_ru,
        name_be=row.name_be or "",
        name_en=row.name_en or "",
        kind=row.kind,
        services=tuple(s.service for s in row.services),
        region_code=row.region_code,
        district_id=row.district_id or None,
        phones=merge_same(phones),
        hours=row.hours or None,
        address=address,
        map_url=map_url,
        confidential=confidential,
        public_contact=row.public_contact or None,
        status_note=row.status_note or None,
        doubtful=bool(row.doubtful),
        source_url=row.source_url,
        verified_on=row.verified_on,
        verification=row.verification,
        website=row.website or None,
        translations=translations,
        localised_phones=localise_phones(phones, translations),
    )
