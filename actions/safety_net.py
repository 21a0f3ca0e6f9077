"""The numbers every reply can fall back on, even when the directory or database is down.

Safety rule 4: whatever fails, the person still gets the hotline and 102 / 103 / 112. These
values therefore do not come from the database; ``tests/test_safety_net.py`` checks that they
agree with the directory rows (by-police-102, by-ambulance-103, by-emergency-112,
by-dv-hotline-8801, by-dv-hotline-mvd-session), which carry the sources.
"""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from directory.hours import MINSK, Schedule

from actions.texts import text

POLICE = "102"
AMBULANCE = "103"
EMERGENCY = "112"
HOTLINE = "8-801-100-8-801"
HOTLINE_SCHEDULE = Schedule.parse("daily 08:00-20:00")
MVD_SESSION_SCHEDULE = Schedule.parse("last-thu 14:00-18:00")
HOTLINE_HOURS = "8:00–20:00"
MVD_SESSION_HOURS = "14:00–18:00"


def emergency_text(lang: str) -> str:
    """The 'call now' block: 102 / 103 / 112 and what to do if talking is unsafe."""
    return text(lang, "emergency", police=POLICE, ambulance=AMBULANCE, emergency=EMERGENCY)


def danger_line(lang: str) -> str:
    return text(lang, "danger_line", police=POLICE, ambulance=AMBULANCE, emergency=EMERGENCY)


def _clock(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def _when(lang: str, moment: datetime, now: datetime) -> str:
    days = (moment.date() - now.date()).days
    if days == 0:
        return text(lang, "when_today", time=_clock(moment))
    if days == 1:
        return text(lang, "when_tomorrow", time=_clock(moment))
    return text(lang, "when_date", date=moment.strftime("%d.%m"), time=_clock(moment))


def hotline_lines(lang: str, now: Optional[datetime] = None) -> List[str]:
    """Hotline number, whether it is open right now (Minsk time), and the MVD session."""
    now = (now or datetime.now(MINSK)).astimezone(MINSK)
    lines = [text(lang, "hotline_line", phone=HOTLINE, hours=HOTLINE_HOURS)]
    if HOTLINE_SCHEDULE.is_open(now):
        closes = HOTLINE_SCHEDULE.closes_at(now)
        lines.append(text(lang, "hotline_open", time=_clock(closes.astimezone(MINSK))))
    else:
        opens = HOTLINE_SCHEDULE.next_open(now).astimezone(MINSK)
        lines.append(text(lang, "hotline_closed", when=_when(lang, opens, now)))
    session = MVD_SESSION_SCHEDULE.next_open(now)
    if MVD_SESSION_SCHEDULE.is_open(now) or (session and session.astimezone(MINSK).date() == now.date()):
        lines.append(text(lang, "mvd_today", hours=MVD_SESSION_HOURS))
    elif session:
        lines.append(
            text(lang, "mvd_next", hours=MVD_SESSION_HOURS, date=session.astimezone(MINSK).strftime("%d.%m.%Y"))
        )
    return lines


def footer(lang: str, now: Optional[datetime] = None) -> str:
    """What ends every answer: the hotline with its status, then the emergency numbers."""
    return "\n".join(hotline_lines(lang, now) + [danger_line(lang)])


def unavailable_text(lang: str) -> str:
    """The whole answer when a part has failed: details unavailable, 102/103/112, the hotline."""
    return "\n\n".join([text(lang, "unavailable"), emergency_text(lang), footer(lang)])
