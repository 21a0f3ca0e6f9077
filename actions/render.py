"""Directory results as calm, short text.

Contacts arrive from ``directory`` already filtered for confidentiality (a crisis room has no
address or map link to render); this module only decides wording and order.
"""
from __future__ import annotations

from typing import Iterable, List, Optional

from directory import Contact, District, Nearby, Phone, Region, SearchResult

from actions.content import content
from actions.texts import text

# Telegram allows 4096 characters per message; stay well below for readability.
MAX_MESSAGE_CHARS = 3000
# content/sources.yml entry behind results_shelter_any_registration.
ANY_REGISTRATION_SOURCE = "crisis_room_any_registration"


def phone_text(phone: Phone) -> str:
    """One readable international form (`+375 17 263-03-03`) with the number's own label and
    hours. The website turns it into a tel: link (web/chat.js); Telegram clients detect phone
    numbers in message text themselves (bot messages cannot carry tel: links)."""
    return f"{phone.readable} — {phone.details}" if phone.details else phone.readable


def contact_block(contact: Contact, lang: str, role: str, explain_confidential: bool = True) -> str:
    """One contact; `explain_confidential=False` leaves out why a room's address is not given
    (said once per answer, with the first room)."""
    lines = [contact.name(lang)]
    if contact.phones:
        lines.extend(text(lang, "contact_phone", phones=phone_text(p)) for p in contact.phones)
    elif not contact.website:
        lines.append(text(lang, "contact_no_phone"))
    if contact.website:
        lines.append(text(lang, "contact_website", url=contact.website))
    if contact.hours:
        lines.append(text(lang, "contact_hours", hours=contact.hours))
    if contact.confidential:
        if contact.public_contact:
            lines.append(text(lang, "contact_responsible", contact=contact.public_contact))
        if contact.via_centre:
            lines.append(text(lang, "contact_via_centre"))
        if explain_confidential:
            lines.append(text(lang, "contact_confidential"))
    else:
        if contact.address:
            lines.append(text(lang, "contact_address", address=contact.address))
        if contact.map_url:
            lines.append(text(lang, "contact_map", url=contact.map_url))
    if contact.status_note:
        lines.append(text(lang, "contact_status", note=contact.status_note))
    checked = contact.verified_on.strftime("%d.%m.%Y")
    if role == "specialist":
        lines.append(text(lang, "contact_source", url=contact.source_url, date=checked))
    else:
        lines.append(text(lang, "contact_checked", date=checked))
    return "\n".join(lines)


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
    return [c for c in national
            if c.website or c.address or not c.phones or not all(p.tel in dialled for p in c.phones)]


def nearby_block(item: Nearby, lang: str, role: str, explain_confidential: bool = True) -> str:
    """Where a neighbouring district's contact is (its district's centre town and km), then the contact."""
    town = item.district.centre(lang) or item.district.name(lang)
    km = round(item.km)
    where = text(lang, "nearest_same_town", town=town) if km < 1 else text(lang, "nearest_where", town=town, km=km)
    return f"{where}\n{contact_block(item.contact, lang, role, explain_confidential)}"


def _any_registration(lang: str, role: str) -> str:
    line = text(lang, "results_shelter_any_registration")
    if role == "specialist":
        source = content().sources[ANY_REGISTRATION_SOURCE]
        line += "\n" + text(lang, "results_claim_source", url=source.url)
    return line


def result_blocks(result: SearchResult, lang: str, role: str, place: str) -> List[str]:
    """Header, notes and one block per contact, in reading order: the district's own contacts;
    when it has none, the nearest ones elsewhere in the region (town, km) and the region-wide
    ones; then the nationwide lines."""
    help_name = text(lang, f"help_names.{result.help_type}")
    blocks = [text(lang, "results_header", help=help_name, place=place)]
    if role == "witness":
        blocks.append(text(lang, "results_witness"))
    in_district = bool(result.district_id) and not result.district_has_own
    explained = [False]  # why a room's address is not given: said once, with the first room

    def explain(contact: Contact) -> bool:
        first = contact.confidential and not explained[0]
        explained[0] = explained[0] or contact.confidential
        return first

    if in_district and result.nearby:
        blocks.append(text(lang, "results_nearest"))
        blocks.extend(nearby_block(n, lang, role, explain(n.contact)) for n in result.nearby)
        if any(n.contact.kind == "crisis_room" for n in result.nearby):
            blocks.append(_any_registration(lang, role))
        if result.local:
            blocks.append(text(lang, "results_region_wide_header"))
    elif in_district and result.local:
        blocks.append(text(lang, "results_region_fallback"))
    if result.local:
        blocks.extend(contact_block(c, lang, role, explain(c)) for c in _ordered(result.local))
    national = _not_repeated(result.national, list(result.local) + [n.contact for n in result.nearby])
    if national:
        key = "results_national_header" if result.local or result.nearby else "results_national_fallback"
        blocks.append(text(lang, key))
        blocks.extend(contact_block(c, lang, role, explain(c)) for c in _ordered(national))
    if not result.local and not result.national and not result.nearby:
        blocks.append(text(lang, "results_none"))
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
