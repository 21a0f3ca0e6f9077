"""The one source of the text every reply falls back on, even when the directory, the database
or the action server is down: the Rasa-side safety net (``safety.action_net``), the channels
and the actions all read it here.

Safety rule 4: whatever fails, the person still gets the hotline and 102 / 103 / 112. These
values therefore do not come from the database, and this module reads only text (the locale
catalogue and ``content/hotline.yml``), no action code: the hotline's text comes from its one source,
``content/hotline.yml`` (``actions.hotline``); ``tests/actions/test_safety_net.py`` checks that
it and the emergency numbers agree with the directory rows (by-police-102, by-ambulance-103,
by-emergency-112, by-dv-hotline-8801, by-dv-hotline-mvd-session), which carry the sources.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from actions import hotline
from actions.texts import text

POLICE = hotline.POLICE
AMBULANCE = hotline.AMBULANCE
EMERGENCY = hotline.EMERGENCY
HOTLINE = hotline.PHONE


def emergency_text(lang: str) -> str:
    """The 'call now' block: 102 / 103 / 112 and what to do if talking is unsafe."""
    return text(lang, "emergency", police=POLICE, ambulance=AMBULANCE, emergency=EMERGENCY)


def danger_line(lang: str) -> str:
    return text(lang, "danger_line", police=POLICE, ambulance=AMBULANCE, emergency=EMERGENCY)


def footer(lang: str, now: Optional[datetime] = None) -> str:
    """Under an answer: the hotline in one line (open or closed now) with 102 / 103 / 112."""
    return hotline.line(lang, now)


def with_footer(lang: str, body: str, now: Optional[datetime] = None) -> str:
    """``body`` and the footer, without naming the hotline twice (a guide text may name it)."""
    if hotline.mentions(body):
        return body if EMERGENCY in body else f"{body}\n\n{danger_line(lang)}"
    return f"{body}\n\n{footer(lang, now)}"


def unavailable_text(lang: str) -> str:
    """The whole answer when a part has failed: details unavailable, 102/103/112, the hotline."""
    return "\n\n".join([text(lang, "unavailable"), emergency_text(lang), hotline.line(lang)])
