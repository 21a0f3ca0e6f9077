"""What makes an entry a contact, and what the operator must complete.

One rule for the loader's report and for the snapshot the bot answers from: an entry someone can
reach has a phone, a website or (public entries) an address. A confidential room without a phone
is reached through its centre — the public social-services centre (TCSON) of the same district
that has a phone or a website. Anything else is left out of answers and listed here.

Works on loader records and on ORM rows alike (same attribute names). Notes name ids and printed
phone numbers only — never an address or coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence

__all__ = ["OperatorNote", "reachable", "centres_by_district", "centre_of", "operator_notes"]

CENTRE_KIND = "social_center"


@dataclass(frozen=True)
class OperatorNote:
    kind: str  # no-area-code | area-code-added | not-a-contact | via-centre
    organisation_id: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind:<16} {self.organisation_id}: {self.detail}"


def reachable(entry: Any) -> bool:
    """A phone, a website or a public address of its own."""
    return bool(entry.phones or entry.website or (entry.address and not entry.confidential))


def centres_by_district(entries: Sequence[Any]) -> Dict[str, List[Any]]:
    """district_id → the public, active TCSONs there with a phone or website, phone first."""
    index: Dict[str, List[Any]] = {}
    for e in entries:
        if e.kind == CENTRE_KIND and e.active and not e.confidential and e.district_id and (e.phones or e.website):
            index.setdefault(e.district_id, []).append(e)
    for centres in index.values():
        centres.sort(key=lambda e: not e.phones)
    return index


def centre_of(entry: Any, centres: Dict[str, List[Any]]) -> Optional[Any]:
    """The centre that answers for a confidential entry without a phone of its own: an active,
    public TCSON of the same district with a phone (preferred) or a website."""
    if not entry.confidential or entry.phones or not entry.district_id:
        return None
    found = [c for c in centres.get(entry.district_id, ()) if c.id != entry.id]
    return found[0] if found else None


def operator_notes(entries: Iterable[Any]) -> Iterator[OperatorNote]:
    """Active entries that need the operator, in file order."""
    entries = [e for e in entries if e.active]
    centres = centres_by_district(entries)
    for entry in entries:
        for number, phone in enumerate(entry.phones, start=1):
            if phone.tel is None:
                yield OperatorNote(
                    "no-area-code",
                    entry.id,
                    f"phone {number} {phone.display!r}: printed without "
                    "area code and none derivable (district code missing or digits do not fit); "
                    "shown as printed, not dialable from a mobile",
                )
            elif phone.area_code_added:
                yield OperatorNote(
                    "area-code-added",
                    entry.id,
                    f"phone {number} {phone.display!r}: area code "
                    f"{phone.area_code_added} of the district added (area_codes.csv); check by calling",
                )
        if reachable(entry):
            continue
        centre = centre_of(entry, centres)
        if centre is not None:
            yield OperatorNote("via-centre", entry.id, f"no phone of its own: reached through {centre.id}")
        else:
            yield OperatorNote("not-a-contact", entry.id, "no phone, website or address: left out of answers")
