"""Opening hours: the machine-readable `schedule` grammar and every time computation on it.

This is the only module that knows about hours, so "is the hotline open now?" is answered the
same way everywhere. All computations happen in Minsk local time (Europe/Minsk); callers may pass
aware datetimes in any time zone.

Grammar of a schedule spec::

    spec   := "24/7" | rule (";" rule)*
    rule   := DAYS " " TIMES
    DAYS   := "daily" | item ("," item)*         item := day | day "-" day | "last-" day
    TIMES  := HH:MM-HH:MM ("," HH:MM-HH:MM)*     (end may be 24:00; start < end)
    day    := mon | tue | wed | thu | fri | sat | sun

`last-thu` is the last Thursday of the month (any `last-<day>` works). An interval includes its
opening minute and excludes its closing minute (08:00-20:00 is open at 08:00 and 19:59, closed at
20:00). Intervals cannot cross midnight: write `fri 22:00-24:00; sat 00:00-06:00` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Callable
from zoneinfo import ZoneInfo

__all__ = ["MINSK", "Schedule", "ScheduleError", "HotlineStatus"]

MINSK = ZoneInfo("Europe/Minsk")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MINUTES_PER_DAY = 24 * 60
# Longest gap between two openings we search for: a monthly rule needs at most ~5 weeks.
_SEARCH_DAYS = 400
_TIME_RANGE = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")


class ScheduleError(ValueError):
    """A schedule spec that does not follow the grammar."""


@dataclass(frozen=True)
class HotlineStatus:
    """State of the national hotline at one moment (datetimes are in Minsk time)."""

    open_now: bool
    closes_at: datetime | None
    next_open: datetime | None
    mvd_session_now: bool
    next_mvd_session: datetime | None


@dataclass(frozen=True)
class _Days:
    weekly: frozenset[int]  # weekday numbers (Monday = 0) open every week
    last_of_month: frozenset[int]  # weekday numbers open only on their last occurrence in a month

    def matches(self, day: date) -> bool:
        weekday = day.weekday()
        if weekday in self.weekly:
            return True
        return weekday in self.last_of_month and (day + timedelta(days=7)).month != day.month


@dataclass(frozen=True)
class _Rule:
    days: _Days
    intervals: tuple[tuple[int, int], ...]  # (start, end) in minutes after midnight


def _day_number(name: str, spec: str) -> int:
    try:
        return DAY_NAMES.index(name)
    except ValueError:
        raise ScheduleError(f"unknown day {name!r} in schedule {spec!r}") from None


def _parse_days(text: str, spec: str) -> _Days:
    if text == "daily":
        return _Days(frozenset(range(7)), frozenset())
    weekly: set[int] = set()
    last: set[int] = set()
    for item in text.split(","):
        if item.startswith("last-"):
            last.add(_day_number(item[len("last-") :], spec))
        elif "-" in item:
            first_name, _, last_name = item.partition("-")
            first, final = _day_number(first_name, spec), _day_number(last_name, spec)
            span = (final - first) % 7
            weekly.update((first + offset) % 7 for offset in range(span + 1))
        else:
            weekly.add(_day_number(item, spec))
    return _Days(frozenset(weekly), frozenset(last))


def _parse_times(text: str, spec: str) -> tuple[tuple[int, int], ...]:
    intervals = []
    for item in text.split(","):
        match = _TIME_RANGE.fullmatch(item)
        if not match:
            raise ScheduleError(f"bad time range {item!r} in schedule {spec!r} (want HH:MM-HH:MM)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
            raise ScheduleError(f"impossible time in {item!r} in schedule {spec!r}")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start >= end:
            raise ScheduleError(
                f"time range {item!r} in schedule {spec!r} must end after it starts"
                " (split ranges that cross midnight into two rules)"
            )
        intervals.append((start, end))
    return tuple(intervals)


def _to_minsk(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware datetime (any time zone)")
    return at.astimezone(MINSK)


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=MINSK) + timedelta(minutes=minute)


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule spec; build it with `Schedule.parse`."""

    spec: str
    always_open: bool
    rules: tuple[_Rule, ...]

    @classmethod
    def parse(cls, spec: str) -> "Schedule":
        text = " ".join(spec.split())
        text = re.sub(r"\s*([,\-])\s*", r"\1", text)
        if not text:
            raise ScheduleError("empty schedule")
        if text == "24/7":
            return cls(spec=text, always_open=True, rules=())
        rules = []
        for part in text.split(";"):
            part = part.strip()
            pieces = part.split(" ")
            if len(pieces) != 2:
                raise ScheduleError(f"rule {part!r} in schedule {spec!r} must be 'DAYS HH:MM-HH:MM'")
            rules.append(_Rule(_parse_days(pieces[0], spec), _parse_times(pieces[1], spec)))
        return cls(spec=text, always_open=False, rules=tuple(rules))

    def __str__(self) -> str:
        return self.spec

    def _intervals_on(self, day: date) -> list[tuple[int, int]]:
        """Merged, sorted opening intervals of one calendar day (a new list; computed once per
        schedule and day — the answer never changes, and `next_open` asks for up to 400 days on
        every reply that shows the hotline's status)."""
        return list(self._remembered("_intervals_by_day", day, self._compute_intervals_on))

    def _remembered(self, table: str, key: object, compute: Callable[[Any], Any]) -> Any:
        """`compute(key)`, remembered in this schedule's `table` (a cache, not a field: eq, hash and
        repr ignore it; schedules are frozen, so the answer for a key never changes)."""
        known = self.__dict__.get(table)
        if known is None or len(known) > 4096:
            known = {}
            object.__setattr__(self, table, known)
        if key not in known:
            known[key] = compute(key)
        return known[key]

    def _compute_intervals_on(self, day: date) -> tuple[tuple[int, int], ...]:
        if self.always_open:
            return ((0, _MINUTES_PER_DAY),)
        raw = sorted(iv for rule in self.rules if rule.days.matches(day) for iv in rule.intervals)
        merged: list[tuple[int, int]] = []
        for start, end in raw:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return tuple(merged)

    def is_open(self, at: datetime) -> bool:
        local = _to_minsk(at)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self._intervals_on(local.date()))

    def next_open(self, at: datetime) -> datetime | None:
        """Start of the next opening after `at`; None if open at `at` or never open again.
        Decided by the Minsk date and minute of `at`, so remembered per minute (the answer is
        an immutable datetime)."""
        local = _to_minsk(at)
        return self._remembered("_next_open_by_minute", (local.date(), local.hour * 60 + local.minute), self._next_open)

    def _next_open(self, key: tuple[date, int]) -> datetime | None:
        today, minute = key
        if any(start <= minute < end for start, end in self._intervals_on(today)):
            return None
        for offset in range(_SEARCH_DAYS):
            day = today + timedelta(days=offset)
            for start, _end in self._intervals_on(day):
                if offset > 0 or start > minute:
                    return _at(day, start)
        return None

    def closes_at(self, at: datetime) -> datetime | None:
        """End of the current opening (following openings that continue past midnight).

        None when closed at `at`, or when it never closes (24/7).
        """
        local = _to_minsk(at)
        minute = local.hour * 60 + local.minute
        day = local.date()
        current = next(((s, e) for s, e in self._intervals_on(day) if s <= minute < e), None)
        if current is None:
            return None
        end = current[1]
        for _ in range(_SEARCH_DAYS):
            if end < _MINUTES_PER_DAY:
                return _at(day, end)
            day += timedelta(days=1)
            following = self._intervals_on(day)
            if not following or following[0][0] != 0:
                return _at(day, 0)
            end = following[0][1]
        return None
