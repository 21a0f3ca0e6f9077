import calendar
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from directory.hours import MINSK, Schedule, ScheduleError

HOTLINE = Schedule.parse("daily 08:00-20:00")
OFFICE = Schedule.parse("mon-fri 08:30-13:00,14:00-17:30")
SESSION = Schedule.parse("last-thu 14:00-18:00")


def minsk(*args) -> datetime:
    return datetime(*args, tzinfo=MINSK)


@pytest.mark.parametrize(
    "hour, minute, expected", [(7, 59, False), (8, 0, True), (19, 59, True), (20, 0, False), (0, 0, False), (12, 0, True)]
)
def test_daily_hours_boundaries_in_minsk(hour, minute, expected):
    assert HOTLINE.is_open(minsk(2026, 11, 24, hour, minute)) is expected


@pytest.mark.parametrize(
    "utc_hour, utc_minute, expected",  # Minsk is UTC+3
    [(4, 59, False), (5, 0, True), (16, 59, True), (17, 0, False)],
)
def test_utc_input_is_computed_in_minsk_time(utc_hour, utc_minute, expected):
    at = datetime(2026, 11, 24, utc_hour, utc_minute, tzinfo=timezone.utc)
    assert HOTLINE.is_open(at) is expected


def test_other_time_zones_work_too():
    new_york = ZoneInfo("America/New_York")  # 23:30 in New York = 07:30 next day in Minsk
    assert not HOTLINE.is_open(datetime(2026, 11, 23, 23, 30, tzinfo=new_york))
    assert HOTLINE.is_open(datetime(2026, 11, 24, 0, 30, tzinfo=new_york))  # 08:30 Minsk


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        HOTLINE.is_open(datetime(2026, 11, 24, 12, 0))


def test_next_open_across_midnight():
    assert HOTLINE.next_open(minsk(2026, 11, 24, 20, 0)) == minsk(2026, 11, 25, 8, 0)
    assert HOTLINE.next_open(minsk(2026, 11, 24, 23, 30)) == minsk(2026, 11, 25, 8, 0)
    assert HOTLINE.next_open(minsk(2026, 11, 25, 0, 30)) == minsk(2026, 11, 25, 8, 0)
    assert HOTLINE.next_open(minsk(2026, 11, 25, 7, 59)) == minsk(2026, 11, 25, 8, 0)


def test_next_open_from_utc_returns_minsk_time():
    result = HOTLINE.next_open(datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc))  # 21:00 Minsk
    assert result == minsk(2026, 11, 25, 8, 0)
    assert result.utcoffset() == timedelta(hours=3)


def test_next_open_is_none_while_open():
    assert HOTLINE.next_open(minsk(2026, 11, 24, 9, 0)) is None


def test_next_open_over_the_weekend_and_lunch():
    friday, saturday = date(2026, 11, 27), date(2026, 11, 28)
    assert friday.weekday() == 4 and saturday.weekday() == 5
    assert OFFICE.next_open(minsk(2026, 11, 27, 17, 30)) == minsk(2026, 11, 30, 8, 30)
    assert OFFICE.next_open(minsk(2026, 11, 28, 12, 0)) == minsk(2026, 11, 30, 8, 30)
    assert OFFICE.next_open(minsk(2026, 11, 27, 13, 0)) == minsk(2026, 11, 27, 14, 0)
    assert not OFFICE.is_open(minsk(2026, 11, 29, 10, 0))  # Sunday


def test_closes_at():
    assert HOTLINE.closes_at(minsk(2026, 11, 24, 10, 0)) == minsk(2026, 11, 24, 20, 0)
    assert HOTLINE.closes_at(minsk(2026, 11, 24, 21, 0)) is None
    assert OFFICE.closes_at(minsk(2026, 11, 24, 10, 0)) == minsk(2026, 11, 24, 13, 0)
    overnight = Schedule.parse("fri 22:00-24:00; sat 00:00-06:00")
    assert overnight.closes_at(minsk(2026, 11, 27, 23, 0)) == minsk(2026, 11, 28, 6, 0)
    assert overnight.is_open(minsk(2026, 11, 28, 5, 59))


def test_round_the_clock():
    always = Schedule.parse("24/7")
    assert always.is_open(minsk(2026, 11, 28, 3, 0))
    assert always.next_open(minsk(2026, 11, 28, 3, 0)) is None
    assert always.closes_at(minsk(2026, 11, 28, 3, 0)) is None


def test_day_lists_and_wrapping_ranges():
    lists = Schedule.parse("mon,wed 10:00-12:00")
    assert lists.is_open(minsk(2026, 11, 25, 11, 0))  # Wednesday
    assert not lists.is_open(minsk(2026, 11, 24, 11, 0))  # Tuesday
    wrap = Schedule.parse("fri-mon 10:00-12:00")
    assert wrap.is_open(minsk(2026, 11, 29, 11, 0))  # Sunday
    assert not wrap.is_open(minsk(2026, 11, 25, 11, 0))  # Wednesday


def _last_thursday(year: int, month: int) -> date:
    weeks = calendar.monthcalendar(year, month)
    return date(year, month, max(week[calendar.THURSDAY] for week in weeks))


def test_last_thursday_only_and_not_the_one_before():
    last = _last_thursday(2026, 11)
    before = last - timedelta(days=7)
    assert SESSION.is_open(minsk(last.year, last.month, last.day, 15, 0))
    assert not SESSION.is_open(minsk(before.year, before.month, before.day, 15, 0))
    assert not SESSION.is_open(minsk(last.year, last.month, last.day, 18, 0))
    assert SESSION.next_open(minsk(before.year, before.month, before.day, 15, 0)) == minsk(last.year, last.month, last.day, 14, 0)


def test_month_ending_on_thursday():
    assert date(2026, 12, 31).weekday() == calendar.THURSDAY
    assert SESSION.is_open(minsk(2026, 12, 31, 14, 0))
    assert not SESSION.is_open(minsk(2026, 12, 24, 14, 0))


def test_december_to_january():
    january = _last_thursday(2027, 1)
    assert SESSION.next_open(minsk(2026, 12, 31, 18, 0)) == minsk(2027, 1, january.day, 14, 0)


def test_every_thursday_of_two_years_against_the_calendar():
    day = date(2026, 1, 1)
    while day.year < 2028:
        if day.weekday() == calendar.THURSDAY:
            expected = day == _last_thursday(day.year, day.month)
            assert SESSION.is_open(minsk(day.year, day.month, day.day, 16, 0)) is expected, day
        day += timedelta(days=1)


def test_other_last_weekdays():
    last_monday = Schedule.parse("last-mon 10:00-11:00")
    assert last_monday.is_open(minsk(2026, 11, 30, 10, 0))
    assert not last_monday.is_open(minsk(2026, 11, 23, 10, 0))


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "daily",
        "daily 8:00-20:00",
        "fri 22:00-06:00",
        "funday 08:00-10:00",
        "mon-fri 08:00-25:00",
        "last-xyz 10:00-11:00",
        "mon 10:00-10:00",
        "mon 10:60-11:00",
        "mon 10:00-11:00 extra",
    ],
)
def test_bad_specs_are_rejected(spec):
    with pytest.raises(ScheduleError):
        Schedule.parse(spec)


def test_remembered_answers_are_the_computed_ones():
    """Schedules remember intervals per day and next openings per minute; a warm schedule gives
    what a fresh one computes, and the cache is no part of equality, hashing or repr."""
    specs = [
        "daily 08:00-20:00",
        "last-thu 14:00-18:00",
        "mon-fri 09:00-13:00, 14:00-18:00; sat 10:00-14:00",
        "daily 22:00-24:00; daily 00:00-06:00",
    ]
    for spec in specs:
        warm = Schedule.parse(spec)
        moment = minsk(2026, 11, 1, 0, 0)
        for _ in range(0, 60 * 24 * 70, 97):  # every 97 minutes for 70 days
            moment += timedelta(minutes=97)
            fresh = Schedule.parse(spec)
            assert warm.next_open(moment) == fresh.next_open(moment) == warm.next_open(moment)
            assert warm.is_open(moment) == fresh.is_open(moment)
            assert warm.closes_at(moment) == fresh.closes_at(moment)
        assert warm == Schedule.parse(spec) and hash(warm) == hash(Schedule.parse(spec))
        assert repr(warm) == repr(Schedule.parse(spec))
        warm._intervals_on(moment.date()).append((1, 2))  # callers get a copy
        assert warm._intervals_on(moment.date()) == Schedule.parse(spec)._intervals_on(moment.date())
