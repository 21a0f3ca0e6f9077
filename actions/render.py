"""Directory results as calm, short text.

Contacts arrive from ``directory`` already filtered for confidentiality (a crisis room has no
address or map link to render); this module only decides wording and order.
"""
from __future__ import annotations

from typing import Iterable, List, Optional

from directory import Contact, District, Phone, Region, SearchResult

from actions.texts import text

# Telegram allows 4096 characters per message; stay well below for readability.
MAX_MESSAGE_CHARS = 3000


def phone_text(phone: Phone) -> str:
    """The tappable form: E.164 where we know it, otherwise the number as printed."""
    return phone.tel if phone.tel and phone.tel.startswith("+") else phone.display


def contact_block(contact: Contact, lang: str, role: str) -> str:
    lines = [contact.name(lang)]
    if contact.phones:
        lines.append(text(lang, "contact_phone", phones=", ".join(phone_text(p) for p in contact.phones)))
    else:
        lines.append(text(lang, "contact_no_phone"))
    if contact.hours:
        lines.append(text(lang, "contact_hours", hours=contact.hours))
    if contact.confidential:
        if contact.public_contact:
            lines.append(text(lang, "contact_responsible", contact=contact.public_contact))
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
    """Contacts someone can call first; name-only entries last."""
    return sorted(contacts, key=lambda c: (not c.phones, c.district_id is None))


def result_blocks(result: SearchResult, lang: str, role: str, place: str) -> List[str]:
    """Header, notes and one block per contact, in reading order."""
    help_name = text(lang, f"help_names.{result.help_type}")
    blocks = [text(lang, "results_header", help=help_name, place=place)]
    if role == "witness":
        blocks.append(text(lang, "results_witness"))
    if result.level == "region" and result.district_id:
        blocks.append(text(lang, "results_region_fallback"))
    if result.local:
        blocks.extend(contact_block(c, lang, role) for c in _ordered(result.local))
    if result.national:
        key = "results_national_header" if result.local else "results_national_fallback"
        blocks.append(text(lang, key))
        blocks.extend(contact_block(c, lang, role) for c in _ordered(result.national))
    if not result.local and not result.national:
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
