"""The hotline's one source (content/hotline.yml via actions.hotline) agrees with the sourced
directory rows, and its status is right at the boundaries (Minsk time)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from directory import MINSK

from actions import hotline
from actions.content import content
from actions.texts import LANGUAGES, text
from safety import fallback

REPO = Path(__file__).resolve().parents[2]


def minsk(*args) -> datetime:
    return datetime(*args, tzinfo=MINSK)


def test_constants_match_the_directory(known):
    row = known.hotline()
    assert row is not None and hotline.PHONE in [p.display for p in row.phones]
    emergency = [p.display for c in known.emergency_contacts() for p in c.phones]
    for number in (fallback.POLICE, fallback.AMBULANCE, fallback.EMERGENCY):
        assert number in emergency


def test_schedules_match_the_directory_rows(known):
    """Every half hour for five weeks (a last Thursday included): the same open / session state."""
    source = hotline.hotline()
    moment = minsk(2026, 11, 20, 0, 0)
    for _ in range(5 * 7 * 48):
        status = known.hotline_status(moment)
        assert status.open_now == source.schedule.is_open(moment), moment
        assert status.mvd_session_now == source.mvd_session.is_open(moment), moment
        moment += timedelta(minutes=30)


def test_the_source_cites_known_sources():
    assert hotline.hotline().sources and set(hotline.hotline().sources) <= set(content().sources)


@pytest.mark.parametrize(
    "now, key, value",
    [
        (minsk(2026, 11, 27, 7, 59), "closed", {"when": ("when_today", "8:00")}),
        (minsk(2026, 11, 27, 8, 0), "open", {"time": "20:00"}),
        (minsk(2026, 11, 27, 19, 59), "open", {"time": "20:00"}),
        (minsk(2026, 11, 27, 20, 0), "closed", {"when": ("when_tomorrow", "8:00")}),
        # 05:30 UTC = 08:30 in Minsk (UTC+3): open.
        (datetime(2026, 11, 27, 5, 30, tzinfo=timezone.utc), "open", {"time": "20:00"}),
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_open_or_closed_at_the_boundaries(now, key, value, lang):
    values = {k: (text(lang, v[0], time=v[1]) if isinstance(v, tuple) else v) for k, v in value.items()}
    expected = hotline.hotline().text[key][lang].format(**values)
    assert hotline.status(lang, now) == expected
    assert expected in hotline.full(lang, now) and expected in hotline.line(lang, now)


def test_last_thursday_session():
    # 26 November 2026 is the last Thursday of the month.
    today = hotline.hotline().text["mvd_today"]["ru"].format(mvd_hours="14:00–18:00")
    assert today in hotline.full("ru", minsk(2026, 11, 26, 9, 0))
    assert today in hotline.line("ru", minsk(2026, 11, 26, 9, 0))  # the line names it on the day only
    assert "МВД" not in hotline.line("ru", minsk(2026, 11, 19, 15, 0))
    assert "(ближайшая 26.11.2026;" in hotline.full("ru", minsk(2026, 11, 19, 15, 0))
    assert "(ближайшая 31.12.2026;" in hotline.full("ru", minsk(2026, 11, 26, 18, 0))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_form_names_the_number_once_and_none_contradicts_the_caveat(lang):
    night = minsk(2026, 11, 27, 3, 0)
    forms = {
        "full": hotline.full(lang, night),
        "line": hotline.line(lang, night),
        "static": hotline.static(lang),
        "reminder": hotline.reminder(lang),
        "footer": fallback.footer(lang, night),
        "unavailable": fallback.unavailable_text(lang),
    }
    caveat = {"ru": "не подтверждено", "be": "не пацверджана", "en": "not confirmed"}[lang]
    for name, form in forms.items():
        assert hotline.mentions(form) == 1, name
        assert "8:00–20:00" in form or name == "reminder", name
        assert caveat in form or name == "reminder", name
        # The operator is unknown: no text promises what nobody has confirmed.
        assert not re.search(r"анонимн|ананімн|anonymous", form, re.I), name
    for name in ("full", "footer", "unavailable", "reminder", "static"):
        for number in ("102", "103", "112"):
            assert number in forms[name], (name, number)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_web_page_notice_is_the_same_text(lang):
    script = (REPO / "web" / "i18n.js").read_text(encoding="utf-8")
    block = script.split(f"  {lang}: {{", 1)[1].split("\n  }", 1)[0]
    notice = re.search(r'safety_5: "([^"]*)"', block).group(1)
    assert notice == hotline.static(lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_telegram_help_carries_the_same_text(lang):
    assert hotline.static(lang) in text(lang, "telegram.help", hotline=hotline.static(lang))
    assert "{hotline}" in text(lang, "telegram.help")


def test_a_text_that_names_the_hotline_gets_no_second_mention():
    named = f"Позвоните {hotline.PHONE}, в опасности 112."
    assert fallback.with_footer("ru", named) == named
    plain = fallback.with_footer("ru", "Текст.")
    assert hotline.mentions(plain) == 1 and "112" in plain
