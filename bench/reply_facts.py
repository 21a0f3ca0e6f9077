"""What counts in a reply: phone numbers, the hotline, map links, length, language.

The one place where the coverage walk (``bench.walk``) and the scenario suite
(``tests/scenarios``) decide what a reply contains. Everything is read from the text as a person
sees it, by pattern, never by the bot's wording, so it keeps working while the texts change:

* a *phone* is a run of digits with the separators people print (space, hyphen, brackets, a
  leading +), at least 5 digits; times (8:00–20:00), dates (28.11.2026) and digits inside links
  are not phones;
* a *contact phone* is any phone except the emergency numbers (3–4 digits: 101/102/103/112) and
  the national hotline 8-801-100-8-801; each number counts once per answer, however printed;
* a phone *without an area code* is one a mobile cannot dial: neither international (+…),
  nor national with the trunk prefix (8 0xx …, which includes the free 8-801 / 8-820 lines),
  nor short (3–4 digits);
* a six-digit run without separators starting with 2 is a postal code, not a phone;
* a *map link* is a URL to Yandex / Google / 2GIS / OpenStreetMap maps.

A reply is the list of messages the REST channel returns for one user turn (``text`` and
``buttons`` per message); an *answer* is that whole list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

Reply = Sequence[Dict[str, Any]]

HOTLINE_DIGITS = "8011008801"  # 8-801-100-8-801 in any form ends with these digits
EMERGENCY_NUMBERS = frozenset({"101", "102", "103", "112"})

URL = re.compile(r"(?:https?://|tel:|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
MAP_HOSTS = re.compile(
    r"yandex\.[a-z]+/maps|maps\.yandex|yandex\.[a-z]+/-/|google\.[a-z.]+/maps|maps\.google|"
    r"goo\.gl/maps|maps\.app\.goo\.gl|2gis\.|openstreetmap\.org|osm\.org",
    re.IGNORECASE,
)
# Digits joined by single separators; not glued to letters, times, dates, decimals or links.
# A colon after a number ends it ("8-801-100-8-801: daily …") unless a digit follows (a time, 8:00).
PHONE = re.compile(r"(?<![\w.,:/=%&?#@+\-])(\+?\(?\d(?:[\d()]|[ \-\u2011\u00a0](?=[\d(]))*\d\)?)(?![\w/]|[.,:]\d)")
POSTCODE = re.compile(r"2\d{5}")  # a Belarusian postal code (246032, г. Гомель) is printed unseparated
SHORT_MAX_DIGITS = 4
PHONE_MIN_DIGITS = 5


@dataclass(frozen=True)
class Phone:
    raw: str  # as printed
    digits: str  # digits only
    plus: bool  # printed with a leading +

    @property
    def kind(self) -> str:
        """international | trunk (8 0xx …) | short | local (no area code: not diallable)."""
        if len(self.digits) <= SHORT_MAX_DIGITS:
            return "short"
        if self.plus:
            return "international"
        if (self.digits[:2], len(self.digits)) in (("80", 11), ("88", 11), ("88", 12)):  # 8 0xx …; 8 801 / 8 820 …
            return "trunk"
        return "local"

    @property
    def key(self) -> str:
        """One number however it is printed: the last 9 digits (a Belarusian national number)."""
        return self.digits[-9:]

    @property
    def is_hotline(self) -> bool:
        return self.digits.endswith(HOTLINE_DIGITS)

    @property
    def is_emergency(self) -> bool:
        return self.kind == "short" and self.digits in EMERGENCY_NUMBERS

    @property
    def is_contact(self) -> bool:
        return self.kind != "short" and not self.is_hotline


def answer_text(reply: Reply) -> str:
    """Every message's text of one answer, in order, one blank line between messages."""
    return "\n\n".join((m.get("text") or "") for m in reply if isinstance(m, dict))


def links(text: str) -> List[str]:
    return URL.findall(text)


def without_links(text: str) -> str:
    return URL.sub(" ", text)


def phones(text: str) -> List[Phone]:
    """Every phone-like number in ``text`` (links removed first), in order, with repeats."""
    found = []
    for match in PHONE.finditer(without_links(text)):
        raw = match.group(1).strip("()")
        digits = re.sub(r"\D", "", raw)
        if POSTCODE.fullmatch(raw):
            continue
        if len(digits) >= PHONE_MIN_DIGITS or (len(digits) >= 3 and digits in EMERGENCY_NUMBERS):
            found.append(Phone(raw, digits, raw.startswith("+")))
        elif 3 <= len(digits) <= SHORT_MAX_DIGITS and re.fullmatch(r"\d+", raw):
            found.append(Phone(raw, digits, False))
    return found


def contact_phones(text: str) -> List[str]:
    """Keys of the contact phones (not emergency, not the hotline), each once, in order."""
    seen: Dict[str, None] = {}
    for phone in phones(text):
        if phone.is_contact:
            seen.setdefault(phone.key, None)
    return list(seen)


def undiallable(text: str) -> List[str]:
    """Numbers printed without an area code (each once, as printed)."""
    seen: Dict[str, None] = {}
    for phone in phones(text):
        if phone.kind == "local":
            seen.setdefault(phone.raw, None)
    return list(seen)


def repeated_numbers(text: str) -> List[str]:
    """Contact numbers printed more than once in one answer (the hotline is counted apart)."""
    counts: Dict[str, int] = {}
    for phone in phones(text):
        if phone.is_contact:
            counts[phone.key] = counts.get(phone.key, 0) + 1
    return [key for key, n in counts.items() if n > 1]


def hotline_mentions(text: str) -> int:
    """How many times the hotline number is printed (a tel: link behind it is not a second one)."""
    return sum(1 for phone in phones(text) if phone.is_hotline)


def has_number(text: str, number: str) -> bool:
    """``number`` (e.g. "102", "8-801-100-16-11") appears as a whole number in ``text``."""
    wanted = re.sub(r"\D", "", number)
    return any(p.digits == wanted or (len(wanted) > SHORT_MAX_DIGITS and p.key == wanted[-9:]) for p in phones(text))


def same_number(a: str, b: str) -> bool:
    """Two digit strings are one number: a local number matches its area-coded form by its end."""
    shorter = min(len(a), len(b))
    if shorter < PHONE_MIN_DIGITS:
        return a == b
    tail = min(shorter, 7)
    return a[-tail:] == b[-tail:]


def map_links(reply: Reply) -> List[str]:
    """Map URLs in the texts and in URL buttons of one answer."""
    urls = links(answer_text(reply))
    for message in reply:
        for button in message.get("buttons") or []:
            for field in ("url", "payload"):
                value = button.get(field) or ""
                if isinstance(value, str) and value.startswith("http"):
                    urls.append(value)
    return [url for url in urls if MAP_HOSTS.search(url)]


def buttons(reply: Reply) -> List[Dict[str, str]]:
    return [b for m in reply for b in (m.get("buttons") or [])]


def chars(reply: Reply) -> int:
    """Characters a person reads: the texts of all messages (button titles not counted)."""
    return sum(len(m.get("text") or "") for m in reply)


def messages(reply: Reply) -> int:
    return sum(1 for m in reply if (m.get("text") or m.get("buttons") or m.get("image")))


def language(text: str) -> Optional[str]:
    """ru | be | en by letters (links and numbers ignored); None when there are too few letters.

    Belarusian is told from Russian by the letters only it uses (і, ў, the apostrophe between
    letters) against those only Russian uses (и, щ, ъ); with neither ("г. Гомель: выберыце раён
    горада або …") it cannot tell them apart: None."""
    text = without_links(text)
    latin = len(re.findall(r"[A-Za-z]", text))
    cyrillic = len(re.findall(r"[\u0400-\u04FF]", text))
    if latin + cyrillic < 12:
        return None
    if latin > cyrillic:
        return "en"
    be = len(re.findall(r"[іІўЎ]|(?<=[а-яё])['ʼ’](?=[а-яё])", text, re.IGNORECASE))
    ru = len(re.findall(r"[иИщЩъЪ]", text))
    if not be and not ru:
        return None
    return "be" if be > ru else "ru"


# Words an answer in this language never has (issue 17.7): English no Cyrillic at all,
# Belarusian none of the letters only Russian uses.
FOREIGN = {"en": re.compile(r"\w*[\u0400-\u04ff]+\w*"), "be": re.compile(r"\w*[иИщЩъЪ]\w*")}


def foreign_words(text: str, lang: str) -> List[str]:
    """Words of `text` (links left out) that cannot be `lang` (none checked for ru)."""
    pattern = FOREIGN.get(lang)
    return pattern.findall(without_links(text)) if pattern else []


def percentile(values: Iterable[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")
