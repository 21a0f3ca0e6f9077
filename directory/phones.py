"""Phone numbers as printed by the sources → `Phone(display, tel)`.

Sources print numbers in many ways (`8 (0232) 31-51-61`, `+375 (17) 352-44-44`, `8-017-311-00-99`,
`(01511) 7-25-04`, short `102`, free-phone `8-801-100-8-801`, local `2-81-22`), often with a label
before (`«Доверие» 8 (0232) 34-97-92`) and a remark in brackets after (`… (9.00–13.00)`). We keep
the printed text for display and derive a dialable `tel` only when the digits allow it without
guessing: a local number printed without its area code gets `tel=None`, never an invented code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Phone", "PhoneError", "parse_phone", "parse_phones", "split_phones"]


class PhoneError(ValueError):
    """A phone entry that is not a recognisable Belarusian number."""


@dataclass(frozen=True)
class Phone:
    display: str  # as printed by the source (label and remark included), spacing normalised
    tel: str | None  # dialable: "+375173524444", "102", "88011008801"; None for local numbers


_NUMBER_CHARS = re.compile(r"\+?[\d\s\-]*(?:\(\d+\))?[\d\s\-]*")
_LOCAL = re.compile(r"\d{1,3}(?:[\s\-]\d{2}){2}")
_SHORT = re.compile(r"\d{3}")


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
                inside = text[index + 1:-1]
                if re.fullmatch(r"[\d\s]*", inside):
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


def _tel_from_number(number: str) -> str | None:
    if not _NUMBER_CHARS.fullmatch(number):
        raise PhoneError("unexpected characters inside the number")
    digits = re.sub(r"\D", "", number)
    if number.startswith("+"):
        if digits.startswith("375") and len(digits) == 12:
            return "+" + digits
        raise PhoneError("international number must be +375 followed by 9 digits")
    if _SHORT.fullmatch(number):
        return digits  # short service number: 102, 103, 112, 133 …
    if digits.startswith("8") and len(digits) == 11:
        rest = digits[1:]
        if rest.startswith("0"):
            return "+375" + rest[1:]  # 8 0XX… trunk prefix → international form
        if rest.startswith("80"):
            return digits  # 8-80X free-phone: dialled as printed, inside Belarus only
        raise PhoneError("unknown number range after the 8 prefix")
    if digits.startswith("0") and len(digits) == 10:
        return "+375" + digits[1:]  # (0XXXX) area code without the 8 prefix
    if _LOCAL.fullmatch(number):
        return None  # local number printed without area code: displayed, not dialable
    raise PhoneError(f"wrong digit count ({len(digits)})")


def parse_phone(entry: str) -> Phone:
    """Parse one printed entry (label + number + optional remark) into a Phone."""
    display = _normalise_spacing(entry)
    if not display:
        raise PhoneError("empty phone entry")
    core = _strip_trailing_remark(display)
    start = _number_start(core)
    number = core[start:].strip()
    return Phone(display=display, tel=_tel_from_number(number))


def parse_phones(cell: str | None) -> tuple[Phone, ...]:
    """Parse a whole `;`-separated cell; empty cell → empty tuple."""
    return tuple(parse_phone(part) for part in split_phones(cell or ""))
