"""The numbers shown when everything else fails agree with the sourced directory rows, and the
hotline status is right at the boundaries (Minsk time)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from actions import safety_net
from actions.texts import LANGUAGES, text
from directory import MINSK


def minsk(*args) -> datetime:
    return datetime(*args, tzinfo=MINSK)


def test_constants_match_the_directory(known):
    hotline = known.hotline()
    assert hotline is not None and safety_net.HOTLINE in [p.display for p in hotline.phones]
    emergency = [p.display for c in known.emergency_contacts() for p in c.phones]
    for number in (safety_net.POLICE, safety_net.AMBULANCE, safety_net.EMERGENCY):
        assert number in emergency


def status_lines(lang: str, opens: str) -> dict:
    """Both ways the status line can read at one moment: open until 20:00, or closed until ``opens``."""
    return {
        "open": text(lang, "hotline_open", time="20:00"),
        "closed": text(lang, "hotline_closed", when=text(lang, opens, time="8:00")),
    }


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "now, expected, opens",
    [
        (minsk(2026, 11, 27, 7, 59), "closed", "when_today"),
        (minsk(2026, 11, 27, 8, 0), "open", "when_today"),
        (minsk(2026, 11, 27, 19, 59), "open", "when_tomorrow"),
        (minsk(2026, 11, 27, 20, 0), "closed", "when_tomorrow"),
    ],
)
def test_open_or_closed_at_the_boundaries(lang, now, expected, opens):
    status = status_lines(lang, opens)
    # The whole line, not a prefix: the Russian open and closed texts share their first words.
    assert status["open"] != status["closed"]
    assert safety_net.hotline_lines(lang, now)[1] == status[expected]


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
