"""Phone numbers as printed by the sources → `Phone`, parsed and validated with `phonenumbers`.

Sources print numbers in many ways (`8 (0232) 31-51-61`, `+375 (17) 352-44-44`, `8-017-311-00-99`,
`(01511) 7-25-04`, short `102`, free-phone `8-801-100-8-801`, local `2-81-22`), often with a label
before (`«Доверие» 8 (0232) 34-97-92`) and a remark in brackets after (`… (9.00–13.00)`).

Google's libphonenumber (`phonenumbers`) parses and validates every full number against its
Belarus metadata; the number is kept as E.164 and formatted for reading only at the edge
(`Phone.readable`: `+375 17 352-44-44`). A local number printed without its area code gets the
code of its district from `directory/data/area_codes.csv` (`directory.area_codes`) when the digit
counts agree and libphonenumber accepts the result; otherwise it stays undialable (`tel=None`)
and the loader reports it to the operator — a code is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

__all__ = [
    "Phone",
    "PhoneError",
    "parse_phone",
    "parse_phones",
    "split_phones",
    "merge_same",
    "valid_area_code",
    "NATIONAL_DIGITS",
]

REGION = "BY"
NATIONAL_DIGITS = 9  # area code + local number (or operator code + subscriber number)


class PhoneError(ValueError):
    """A phone entry that is not a recognisable Belarusian number."""


@dataclass(frozen=True)
class Phone:
    display: str  # as printed by the source (label and remark included), spacing normalised
    tel: str | None  # what a mobile dials: "+375173524444", "88011008801", "102"; None = no area code
    e164: str | None = None  # "+375173524444" (free numbers too: "+3758011008801"); None for short numbers
    label: str = ""  # text before the number: «Доверие», Приемная …
    remark: str = ""  # text after the number, usually hours: (9.00–13.00)
    area_code_added: str | None = None  # the district's code, when the source printed none

    @property
    def readable(self) -> str:
        """One readable form: `+375 17 352-44-44` (libphonenumber's international format).
        A number dialled only inside Belarus (8-801 free numbers) keeps the form its service
        publishes (`8-801-100-8-801`), short numbers stay as they are, and an undialable local
        number is shown as printed."""
        if self.e164 and self.tel == self.e164:
            return _readable(self.e164)
        if self.tel and len(self.tel) <= 4:
            return self.tel
        return _number_part(self.display)

    @property
    def details(self) -> str:
        """Label and remark, for printing beside the number; a lone remark loses its brackets."""
        if not self.label and self.remark.startswith("(") and self.remark.endswith(")"):
            return self.remark[1:-1].strip()
        return " ".join(part for part in (self.label, self.remark) if part)


@lru_cache(maxsize=4096)
def _readable(e164: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164, None), PhoneNumberFormat.INTERNATIONAL)


_SHORT = re.compile(r"\d{3}")
_LOCAL = re.compile(r"\d{1,3}(?:[\s\-]\d{2,3}){1,2}|\d{5,7}")
_NUMBER_CHARS = re.compile(r"\+?[\d\s\-]*(?:\(\s*[\d\s\-]+\s*\))?[\d\s\-]*")


def _normalise_spacing(text: str) -> str:
    return " ".join(text.split())


def split_phones(cell: str) -> list[str]:
    """Split a `;`-separated cell, ignoring `;` inside brackets (remarks may contain one)."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in cell:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == ";" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in (_normalise_spacing(p) for p in parts) if p]


def _strip_trailing_remark(text: str) -> str:
    """Drop a final `( … )` that is a remark (contains more than digits), keep `(0232)`-style codes."""
    if not text.endswith(")"):
        return text
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                inside = text[index + 1 : -1]
                if re.fullmatch(r"[\d\s\-]*", inside):
                    return text
                return text[:index].rstrip()
    raise PhoneError("unbalanced brackets")


def _number_start(text: str) -> int:
    for index, char in enumerate(text):
        if char.isdigit() or char == "+":
            return index
        if char == "(" and index + 1 < len(text) and text[index + 1].isdigit():
            return index
    raise PhoneError("no phone number found")


def _split(display: str) -> tuple[str, str, str]:
    """(label, number as printed, remark)."""
    core = _strip_trailing_remark(display)
    start = _number_start(core)
    label = core[:start].strip().rstrip(":").strip()
    return label, core[start:].strip(), display[len(core) :].strip()


def _number_part(display: str) -> str:
    try:
        return _split(display)[1]
    except PhoneError:
        return display


def _parse_full(number: str) -> phonenumbers.PhoneNumber:
    try:
        parsed = phonenumbers.parse(number, REGION)
    except NumberParseException as exc:
        raise PhoneError(f"not a phone number ({exc.error_type})") from None
    if parsed.country_code != 375:
        raise PhoneError("not a Belarusian number")
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneError("not a valid Belarusian number (libphonenumber)")
    return parsed


def _dial(parsed: phonenumbers.PhoneNumber) -> tuple[str, str]:
    """(tel, e164): E.164 is dialled where it can be; 8-801 free numbers only nationally."""
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    if phonenumbers.can_be_internationally_dialled(parsed):
        return e164, e164
    return phonenumbers.format_number_for_mobile_dialing(parsed, REGION, False), e164


def valid_area_code(code: str) -> bool:
    """True when libphonenumber's Belarus metadata has valid fixed-line numbers whose area code
    is exactly `code` (not merely numbers starting with it under a shorter code: 1799 is Minsk
    17 + 99…, not a code)."""
    if not code.isdigit() or not 2 <= len(code) <= 4:
        return False
    rest = NATIONAL_DIGITS - len(code)
    for first in "123456789":
        number = phonenumbers.parse(f"+375{code}{first}{'0' * (rest - 1)}", None)
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE
            and phonenumbers.length_of_geographical_area_code(number) == len(code)
        ):
            return True
    return False


def parse_phone(entry: str, area_code: str | None = None) -> Phone:
    """Parse one printed entry (label + number + optional remark) into a Phone.

    `area_code` is the code of the entry's district (no leading 0), used only for a local number
    printed without one. Raises PhoneError for anything libphonenumber does not accept."""
    display = _normalise_spacing(entry)
    if not display:
        raise PhoneError("empty phone entry")
    label, number, remark = _split(display)
    if not _NUMBER_CHARS.fullmatch(number):
        raise PhoneError("unexpected characters inside the number")
    digits = re.sub(r"\D", "", number)
    if _SHORT.fullmatch(number):
        return Phone(display, digits, None, label, remark)  # 102, 103, 112, 133, 165, 170 …
    if _LOCAL.fullmatch(number) and 5 <= len(digits) <= 7:
        if area_code and len(area_code) + len(digits) == NATIONAL_DIGITS:
            parsed = _parse_full(f"+375{area_code}{digits}")
            tel, e164 = _dial(parsed)
            return Phone(display, tel, e164, label, remark, area_code_added=area_code)
        return Phone(display, None, None, label, remark)  # reported by the loader
    tel, e164 = _dial(_parse_full(number))
    return Phone(display, tel, e164, label, remark)


def parse_phones(cell: str | None, area_code: str | None = None) -> tuple[Phone, ...]:
    """Parse a whole `;`-separated cell; empty cell → empty tuple."""
    return tuple(parse_phone(part, area_code) for part in split_phones(cell or ""))


def merge_same(phones: tuple[Phone, ...]) -> tuple[Phone, ...]:
    """Each number once: entries dialling the same number become one Phone whose label lists
    every label and remark (`Приемная; «Горячая линия» (9.00–13.00)`), in source order."""
    groups: dict[str, list[Phone]] = {}
    for phone in phones:
        groups.setdefault(phone.tel or phone.display, []).append(phone)
    merged: list[Phone] = []
    for same in groups.values():
        if len(same) == 1:
            merged.append(same[0])
            continue
        details = list(dict.fromkeys(p.details for p in same if p.details))
        first = same[0]
        merged.append(
            Phone(
                display="; ".join(p.display for p in same),
                tel=first.tel,
                e164=first.e164,
                label="; ".join(details),
                remark="",
                area_code_added=first.area_code_added,
            )
        )
    return tuple(merged)
