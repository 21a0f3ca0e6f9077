"""The national hotline's text, built from its one source, ``content/hotline.yml``.

Four forms of the same facts, so no answer contradicts another (issue 16, item 4):
``full`` (the hotline answer), ``line`` (under results, /start, the safety nets), ``reminder``
(after small talk and messages not understood) and ``static`` (texts without a clock: Telegram
/help, the web page). Each carries the caveat that who answers the number is not confirmed.
An answer mentions the number at most once; ``with_line`` keeps it that way for texts that may
already name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import yaml

from directory.hours import MINSK, Schedule

from actions.texts import LANGUAGES, text

SOURCE = Path(__file__).resolve().parent.parent / "content" / "hotline.yml"
FORMS = ("full", "line", "reminder", "static", "open", "closed", "mvd_next", "mvd_today")
PLACEHOLDERS = frozenset(
    {"phone", "hours", "mvd_hours", "status", "mvd", "date", "time", "when", "police", "ambulance", "emergency"}
)
# The emergency numbers (safety/fallback.py re-exports them; they are not the hotline's to change).
POLICE, AMBULANCE, EMERGENCY = "102", "103", "112"
_INTERVAL = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")
_FIELD = re.compile(r"{([^{}]*)}")


@dataclass(frozen=True)
class Hotline:
    phone: str
    schedule_spec: str
    mvd_session_spec: str
    sources: tuple
    text: Dict[str, Dict[str, str]]  # form → language → template

    @property
    def schedule(self) -> Schedule:
        return Schedule.parse(self.schedule_spec)

    @property
    def mvd_session(self) -> Schedule:
        return Schedule.parse(self.mvd_session_spec)

    @property
    def hours(self) -> str:
        return _hours(self.schedule_spec)

    @property
    def mvd_hours(self) -> str:
        return _hours(self.mvd_session_spec)


def _hours(spec: str) -> str:
    """'daily 08:00-20:00' → '8:00–20:00' (the first interval, as people write it)."""
    match = _INTERVAL.search(spec)
    if match is None:
        raise ValueError(f"{SOURCE.name}: no HH:MM-HH:MM interval in {spec!r}")
    h1, m1, h2, m2 = match.groups()
    return f"{int(h1)}:{m1}–{int(h2)}:{m2}"


def load(path: Path = SOURCE) -> Hotline:
    """Read and check the file; a mistake fails the tests and start-up, not a reply."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    texts = raw.get("text") or {}
    for form in FORMS:
        entry = texts.get(form)
        if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
            raise ValueError(f"{path.name}: text.{form} needs exactly the languages {', '.join(LANGUAGES)}")
        for lang, value in entry.items():
            if not isinstance(value, str) or not value.strip() or set(_FIELD.findall(value)) - PLACEHOLDERS:
                raise ValueError(f"{path.name}: text.{form}.{lang} is empty or has an unknown placeholder")
    hotline = Hotline(
        phone=str(raw["phone"]),
        schedule_spec=str(raw["schedule"]),
        mvd_session_spec=str(raw["mvd_session"]),
        sources=tuple(raw.get("sources") or ()),
        text={form: dict(texts[form]) for form in FORMS},
    )
    _ = hotline.schedule, hotline.mvd_session, hotline.hours, hotline.mvd_hours  # parse now: fail early
    return hotline


@lru_cache(maxsize=1)
def hotline() -> Hotline:
    return load()


PHONE = hotline().phone


def _fill(form: str, lang: str, **values: str) -> str:
    known = hotline()
    lang = lang if lang in LANGUAGES else LANGUAGES[0]
    base = {
        "phone": known.phone,
        "hours": known.hours,
        "mvd_hours": known.mvd_hours,
        "police": POLICE,
        "ambulance": AMBULANCE,
        "emergency": EMERGENCY,
    }
    return known.text[form][lang].format(**{**base, **values})


def _now(now: Optional[datetime]) -> datetime:
    return (now or datetime.now(MINSK)).astimezone(MINSK)


def _clock(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def _when(lang: str, moment: datetime, now: datetime) -> str:
    days = (moment.date() - now.date()).days
    if days == 0:
        return text(lang, "when_today", time=_clock(moment))
    if days == 1:
        return text(lang, "when_tomorrow", time=_clock(moment))
    return text(lang, "when_date", date=moment.strftime("%d.%m"), time=_clock(moment))


def status(lang: str, now: Optional[datetime] = None) -> str:
    """Open or closed right now by the schedule (Minsk time), and until / from when."""
    now = _now(now)
    schedule = hotline().schedule
    if schedule.is_open(now):
        closes = schedule.closes_at(now)
        if closes is not None:
            return _fill("open", lang, time=_clock(closes.astimezone(MINSK)))
    else:
        opens = schedule.next_open(now)
        if opens is not None:
            return _fill("closed", lang, when=_when(lang, opens.astimezone(MINSK), now))
    # Only a 24/7 or never-open schedule gets here; content/hotline.yml holds neither.
    raise ValueError(f"the hotline's schedule {schedule!r} has no closing time or next opening")


def _session_today(now: datetime) -> bool:
    session = hotline().mvd_session
    upcoming = session.next_open(now)
    return session.is_open(now) or bool(upcoming and upcoming.astimezone(MINSK).date() == now.date())


def mvd(lang: str, now: Optional[datetime] = None) -> str:
    """The monthly MVD session: today, or the date of the next one."""
    now = _now(now)
    if _session_today(now):
        return _fill("mvd_today", lang)
    upcoming = hotline().mvd_session.next_open(now)
    return _fill("mvd_next", lang, date=upcoming.astimezone(MINSK).strftime("%d.%m.%Y") if upcoming else "—")


def full(lang: str, now: Optional[datetime] = None) -> str:
    """The hotline answer: number, hours and whether it is open now, the MVD session, the caveat."""
    return _fill("full", lang, status=status(lang, now), mvd=mvd(lang, now))


def line(lang: str, now: Optional[datetime] = None) -> str:
    """One line for under an answer; names the MVD session only on its day."""
    now = _now(now)
    session = " " + mvd(lang, now) if _session_today(now) else ""
    return _fill("line", lang, status=status(lang, now), mvd=session)


def reminder(lang: str) -> str:
    """The shortest form, with 102 / 103 / 112: after thanks and messages not understood."""
    return _fill("reminder", lang)


def static(lang: str) -> str:
    """Without the clock, for texts written once (Telegram /help, the web page)."""
    return _fill("static", lang)


def mentions(message: str) -> int:
    """How often a text names the hotline's number."""
    return message.count(hotline().phone)
