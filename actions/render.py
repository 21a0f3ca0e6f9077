"""Directory results as calm, short text.

Contacts arrive from ``directory`` already filtered for confidentiality (a crisis room has no
address or map link to render); this module only decides wording and order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, List, Optional, Sequence, Set

from directory import Contact, District, Nearby, Phone, Region, SearchResult

from actions.content import content
from actions.texts import text

# Telegram allows 4096 characters per message; stay well below for readability.
MAX_MESSAGE_CHARS = 3000
# content/sources.yml entry behind results_shelter_any_registration.
ANY_REGISTRATION_SOURCE = "crisis_room_any_registration"
_WORD = re.compile(r"\w+")
# Abbreviations the directory's names use for the unit a "who answers" line spells out.
_ABBREVIATIONS = {
    "тцсон": "территориальный центр социального обслуживания населения",
    "тцсан": "тэрытарыяльны цэнтр сацыяльнага абслугоўвання насельніцтва",
    "tcson": "territorial centre of social services",
}


def phone_text(phone: Phone) -> str:
    """One readable international form (`+375 17 263-03-03`) with the number's own label and
    hours. The website turns it into a tel: link (web/chat.js); Telegram clients detect phone
    numbers in message text themselves (bot messages cannot carry tel: links)."""
    return f"{phone.readable} — {phone.details}" if phone.details else phone.readable


@dataclass
class _Said:
    """What one answer has already told, so it is told once: why a room's address is hidden,
    each caveat, and (outside the specialist role) the verification date, given once at the end."""

    dates_per_contact: bool
    confidential: bool = False
    notes: Set[str] = field(default_factory=set)
    checked: List[date] = field(default_factory=list)


def _words(value: str) -> Set[str]:
    """Significant words as rough stems (first 5 letters, so "учреждение" and "учреждения",
    "Слуцкий" and "Слуцкого" match), with the centre's abbreviation spelt out."""
    value = value.lower()
    for short, full in _ABBREVIATIONS.items():
        value = value.replace(short, full)
    return {w[:5] for w in _WORD.findall(value) if len(w) > 3}


def _responsible_is_news(contact: Contact, lang: str) -> bool:
    """ "Who answers" only when it adds something: not when the name or the phone labels already
    name the same unit (a room "— отделение ... ТЦСОН X" answered by "Отделение ... ТЦСОН X")."""
    said = _words(" ".join([contact.name(lang)] + [p.details or "" for p in contact.phones_in(lang)]))
    return not _words(contact.text("public_contact", lang) or "") <= said


def _note_line(contact: Contact, lang: str, said: _Said) -> Optional[str]:
    """A caveat in full the first time; after that a short pointer, so an unverified number still
    carries its warning without the same sentence twice."""
    note = contact.text("status_note", lang)
    if not note:
        return None
    if note in said.notes:
        return text(lang, "contact_status_again")
    said.notes.add(note)
    return text(lang, "contact_status", note=note)


def _checked_line(contact: Contact, lang: str, role: str, said: _Said) -> Optional[str]:
    """Source and date with each contact for specialists (they check them); everyone else gets
    the oldest date once, at the end of the answer (see `checked_line`)."""
    if not said.dates_per_contact:
        said.checked.append(contact.verified_on)
        return None
    checked = contact.verified_on.strftime("%d.%m.%Y")
    if role == "specialist":
        return text(lang, "contact_source", url=contact.source_url, date=checked)
    return text(lang, "contact_checked", date=checked)


def checked_line(lang: str, said: _Said) -> Optional[str]:
    """One "checked on" line for the whole answer: the oldest date, so no contact looks fresher
    than it is."""
    return text(lang, "contact_checked", date=min(said.checked).strftime("%d.%m.%Y")) if said.checked else None


def _contact_lines(contact: Contact, lang: str, role: str, said: _Said, compact: bool = False) -> List[str]:
    """One contact's lines. `compact` (a nearby entry when the answer is long) keeps what a person
    needs to call: name, phones with labels, the caveat and, once, why the address is hidden."""
    lines: List[Optional[str]] = [] if compact else [contact.name(lang)]  # None: a line left out
    if contact.phones:
        lines.extend(text(lang, "contact_phone", phones=phone_text(p)) for p in contact.phones_in(lang))
    elif not contact.website:
        lines.append(text(lang, "contact_no_phone"))
    if contact.website:
        lines.append(text(lang, "contact_website", url=contact.website))
    if contact.hours and not compact:
        lines.append(text(lang, "contact_hours", hours=contact.text("hours", lang)))
    if contact.confidential:
        if contact.public_contact and not compact and _responsible_is_news(contact, lang):
            lines.append(text(lang, "contact_responsible", contact=contact.text("public_contact", lang)))
        if contact.via_centre and not compact:
            lines.append(text(lang, "contact_via_centre"))
        if not said.confidential:
            lines.append(text(lang, "contact_confidential"))
            said.confidential = True
    else:
        if contact.address:
            lines.append(text(lang, "contact_address", address=contact.text("address", lang)))
        if contact.map_url and not compact:
            lines.append(text(lang, "contact_map", url=contact.map_url))
    lines.append(_note_line(contact, lang, said))
    lines.append(_checked_line(contact, lang, role, said))
    return [line for line in lines if line]


def contact_block(contact: Contact, lang: str, role: str, explain_confidential: bool = True) -> str:
    """One contact on its own (the hotline answer, a shared location), with its own date;
    `explain_confidential=False` leaves out why a room's address is not given."""
    said = _Said(dates_per_contact=True, confidential=not explain_confidential)
    return "\n".join(_contact_lines(contact, lang, role, said))


def place_label(lang: str, region: Region, district: Optional[District]) -> str:
    if district is None:
        return region.name(lang)
    return text(lang, "place_district", district=district.name(lang), region=region.name(lang))


def _ordered(contacts: Iterable[Contact]) -> List[Contact]:
    """Contacts someone can call first; the district's before region-wide ones."""
    return sorted(contacts, key=lambda c: (not c.phones, c.district_id is None))


def _not_repeated(national: Iterable[Contact], shown: List[Contact]) -> List[Contact]:
    """Nationwide entries minus those that only repeat numbers already shown above (a district
    police station listed with 102 makes the bare 102 entry redundant); each number once."""
    dialled = {p.tel for c in shown for p in c.phones if p.tel}
    return [c for c in national if c.website or c.address or not c.phones or not all(p.tel in dialled for p in c.phones)]


def _where(item: Nearby, lang: str) -> str:
    """Where a neighbouring district's contact is: its district's centre town and km."""
    town = item.district.centre(lang) or item.district.name(lang)
    km = round(item.km)
    return text(lang, "nearest_same_town", town=town) if km < 1 else text(lang, "nearest_where", town=town, km=km)


def nearby_block(item: Nearby, lang: str, role: str, said: _Said, compact: bool = False) -> str:
    """Town and km, then the contact; compact puts the name on the town's line."""
    where = _where(item, lang)
    head = f"{where} — {item.contact.name(lang)}" if compact else where
    return "\n".join([head] + _contact_lines(item.contact, lang, role, said, compact))


def _any_registration(lang: str, role: str) -> str:
    line = text(lang, "results_shelter_any_registration")
    if role == "specialist":
        source = content().sources[ANY_REGISTRATION_SOURCE]
        line += "\n" + text(lang, "results_claim_source", url=source.url)
    return line


def _size(blocks: List[str]) -> int:
    return sum(len(b) for b in blocks) + 2 * max(len(blocks) - 1, 0)


def result_blocks(result: SearchResult, lang: str, role: str, place: str, budget: Optional[int] = None) -> List[str]:
    """The answer's blocks within `budget` characters when it can be done without cutting
    anything mid-way: the full form first; then nearby entries compact; then fewer of them
    (the nearest kept). If nothing fits, the compact form with every nearby entry."""
    tries = [(False, len(result.nearby))] + [(True, n) for n in range(len(result.nearby), 0, -1)]
    if budget is None or not result.nearby:
        tries = tries[:1]
    for compact, count in tries:
        blocks = _blocks(result, lang, role, place, result.nearby[:count], compact)
        if budget is None or _size(blocks) <= budget:
            return blocks
    return _blocks(result, lang, role, place, result.nearby, True)


def _blocks(result: SearchResult, lang: str, role: str, place: str, nearby: Sequence[Nearby], compact: bool) -> List[str]:
    """Header, notes and one block per contact, in reading order: the district's own contacts;
    when it has none, the nearest ones elsewhere in the region (town, km) and the region-wide
    ones; then the nationwide lines; then, once, when the details were checked."""
    help_name = text(lang, f"help_names.{result.help_type}")
    blocks = [text(lang, "results_header", help=help_name, place=place)]
    if role == "witness":
        blocks.append(text(lang, "results_witness"))
    in_district = bool(result.district_id) and not result.district_has_own
    said = _Said(dates_per_contact=role == "specialist")

    def block(contact: Contact) -> str:
        return "\n".join(_contact_lines(contact, lang, role, said))

    if in_district and nearby:
        blocks.append(text(lang, "results_nearest"))
        blocks.extend(nearby_block(n, lang, role, said, compact) for n in nearby)
        if any(n.contact.kind == "crisis_room" for n in nearby):
            blocks.append(_any_registration(lang, role))
        if result.local:
            blocks.append(text(lang, "results_region_wide_header"))
    elif in_district and result.local:
        blocks.append(text(lang, "results_region_fallback"))
    if result.local:
        blocks.extend(block(c) for c in _ordered(result.local))
    if not in_district and nearby:  # the district's entries have no phone: the nearest that do
        blocks.append(text(lang, "results_nearest_phone"))
        blocks.extend(nearby_block(n, lang, role, said, compact) for n in nearby)
        if any(n.contact.kind == "crisis_room" for n in nearby):
            blocks.append(_any_registration(lang, role))
    national = _not_repeated(result.national, list(result.local) + [n.contact for n in nearby])
    if national:
        key = "results_national_header" if result.local or nearby else "results_national_fallback"
        blocks.append(text(lang, key))
        blocks.extend(block(c) for c in _ordered(national))
    if not result.local and not result.national and not nearby:
        blocks.append(text(lang, "results_none"))
    checked = checked_line(lang, said)
    if checked:
        blocks.append(checked)
    return blocks


def pack(blocks: List[str], limit: int = MAX_MESSAGE_CHARS) -> List[str]:
    """Join blocks with blank lines into as few messages as fit under ``limit`` each."""
    messages: List[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if current and len(candidate) > limit:
            messages.append(current)
            current = block[:limit]
        else:
            current = candidate[:limit]
    if current:
        messages.append(current)
    return messages
