"""The numbers shown when everything else fails agree with the sourced directory rows, and the
hotline status is right at the boundaries (Minsk time)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from actions import safety_net
from actions.texts import text
from directory import MINSK


def minsk(*args) -> datetime:
    return datetime(*args, tzinfo=MINSK)


def test_constants_match_the_directory(known):
    hotline = known.hotline()
    assert hotline is not None and safety_net.HOTLINE in [p.display for p in hotline.phones]
    emergency = [p.display for c in known.emergency_contacts() for p in c.phones]
    for number in (safety_net.POLICE, safety_net.AMBULANCE, safety_net.EMERGENCY):
        assert number in emergency


@pytest.mark.parametrize(
    "now, expected",
    [
        (minsk(2026, 11, 27, 7, 59), "hotline_closed"),
        (minsk(2026, 11, 27, 8, 0), "hotline_open"),
        (minsk(2026, 11, 27, 19, 59), "hotline_open"),
        (minsk(2026, 11, 27, 20, 0), "hotline_closed"),
    ],
)
def test_open_or_closed_at_the_boundaries(now, expected):
    lines = safety_net.hotline_lines("ru", now)
    key_start = text("ru", expected, time="", when="")[:12]
    assert lines[1].startswith(key_start)


def test_closed_in_the_evening_opens_tomorrow_at_eight():
    lines = safety_net.hotline_lines("en", minsk(2026, 11, 27, 21, 30))
    assert lines[1] == text("en", "hotline_closed", when=text("en", "when_tomorrow", time="8:00"))


def test_utc_input_is_read_in_minsk_time():
    # 05:30 UTC = 08:30 in Minsk (UTC+3): open.
    lines = safety_net.hotline_lines("en", datetime(2026, 11, 27, 5, 30, tzinfo=timezone.utc))
    assert lines[1] == text("en", "hotline_open", time="20:00")


def test_last_thursday_session():
    # 26 November 2026 is the last Thursday of the month.
    on_the_day = safety_net.hotline_lines("ru", minsk(2026, 11, 26, 9, 0))
    assert text("ru", "mvd_today", hours=safety_net.MVD_SESSION_HOURS) in on_the_day
    week_before = safety_net.hotline_lines("ru", minsk(2026, 11, 19, 15, 0))
    assert text("ru", "mvd_next", hours=safety_net.MVD_SESSION_HOURS, date="26.11.2026") in week_before
    after = safety_net.hotline_lines("ru", minsk(2026, 11, 26, 18, 0))
    assert text("ru", "mvd_next", hours=safety_net.MVD_SESSION_HOURS, date="31.12.2026") in after


def test_footer_always_has_the_emergency_numbers():
    for lang in ("ru", "be", "en"):
        footer = safety_net.footer(lang, minsk(2026, 11, 27, 3, 0))
        for number in ("102", "103", "112", "8-801-100-8-801"):
            assert number in footer
