"""Anonymous aggregate usage statistics: counters per Minsk day, and the report command.

    .venv/bin/python -m directory.stats [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv FILE]
    .venv/bin/python -m directory.stats --purge-before YYYY-MM-DD

WHAT IS STORED. Only the table `usage_counts(day, metric, value, count)` in the directory
database: how many times, on one calendar day in Minsk, something from the whitelist `METRICS`
happened. No text, no ids, no time finer than a day, nothing per conversation. A pair outside the
whitelist is dropped before it reaches the database and logged without its value. Counters are
kept indefinitely (they are aggregates); `--purge-before` deletes older days.

HOW THE ACTION SERVER COUNTS. `usage_counter()` gives the counter for the directory database
($DIRECTORY_DATABASE_URL, default var/directory.sqlite — the same database the directory is read
from, through a separate writable connection that only ever touches `usage_counts`):

    from directory import usage_counter
    await usage_counter().record_async(("contacts_shown", "shelter"), ("region", "BY-MI"))

`record` is synchronous: all pairs of one call are incremented in ONE short transaction (an
upsert). It never raises and never waits long: the lock timeout is LOCK_TIMEOUT_SECONDS, a
failure is logged at WARNING (error class only) and the counts of that call are lost; after a
failure the counter stays silent for `retry_after` seconds so that a broken database does not
slow down every reply. `record_async` runs `record` on the counter's own single worker thread
(so the event loop never waits on the disk or a lock, and writes of one process never compete
with each other) and waits at most ASYNC_WAIT_SECONDS for it.

`record_soon` (what the actions use) does not wait at all: it adds the pairs to in-memory
counts of the day and the worker writes everything gathered in one transaction, at most every
FLUSH_EVERY_SECONDS. Why (measured with py-spy on the action server during the bench flows):
one commit per counted reply was 63 % of the action server's CPU samples, competing with the
replies for the GIL and for the 2 cores. The price: counts of the last FLUSH_EVERY_SECONDS are
lost if the process is killed hard (at a normal exit the worker thread still writes them;
`close()` writes them at once).

SQLITE AND RELOADS. `python -m directory.load` builds a new file and renames it over the old
one; it carries `usage_counts` over while holding the old file's write lock (see
`directory.db_writer`). A counter that was waiting for that lock notices the file was replaced
(its inode changed) and writes to the new file instead. On PostgreSQL the load transaction
never touches `usage_counts`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import sqlite3
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import create_engine, delete, event, func, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from .constants import HELP_TYPES, LANGUAGES, REGION_CODES
from .database import default_database_url, read_engine, safe_url, sqlite_file, write_engine
from .hours import MINSK
from .models import UsageCountRow

__all__ = ["METRICS", "allowed", "UsageCounter", "usage_counter", "Summary", "summarise", "main"]

logger = logging.getLogger(__name__)

# THE WHITELIST: the only metrics and values that can ever be stored. Adding a metric is one line.
METRICS: Dict[str, Tuple[str, ...]] = {
    "conversation": ("started",),
    "contacts_shown": HELP_TYPES,  # a contact list was shown, by help type
    "region": REGION_CODES,  # counted when contacts are shown
    "role": ("survivor", "witness", "specialist"),
    "language": LANGUAGES,
    "emergency": ("shown",),  # danger / emergency numbers shown
    "risk_check": ("started", "high", "lower"),
    "guide": ("safety_plan", "witness", "rights", "about"),
    "safety_net": ("shown",),  # the fallback answer when a part failed
}

LOCK_TIMEOUT_SECONDS = 1.0  # longest a write waits for a lock (SQLite busy timeout, PostgreSQL lock_timeout)
STATEMENT_TIMEOUT_SECONDS = 2.0  # PostgreSQL: longest the whole write may take; also its connect timeout
ASYNC_WAIT_SECONDS = 1.5  # longest `record_async` keeps a reply waiting
FLUSH_EVERY_SECONDS = 2.0  # `record_soon`: counts gathered this long are written in one transaction
RETRY_AFTER_SECONDS = 10.0  # silence after a failure

Pair = Tuple[str, str]


def allowed(metric: object, value: object) -> bool:
    """True only for a whitelisted metric with one of its whitelisted values."""
    return isinstance(metric, str) and isinstance(value, str) and value in METRICS.get(metric, ())


def _accepted(pairs: Iterable[object]) -> Counter:
    """Whitelisted pairs with how often each occurs; everything else is logged (never its value)."""
    counts: Counter = Counter()
    for pair in pairs:
        if isinstance(pair, tuple) and len(pair) == 2 and allowed(*pair):
            counts[pair] += 1
        elif isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) and pair[0] in METRICS:
            logger.warning("usage statistics: value not in the whitelist for metric %s, ignored", pair[0])
        else:
            logger.warning("usage statistics: unknown metric or malformed pair, ignored")
    return counts


def today() -> date:
    """The current calendar day in Minsk (Europe/Minsk): the finest time the statistics know."""
    return datetime.now(MINSK).date()


class _Replaced(Exception):
    """The SQLite file was renamed over while this write waited for its lock."""


def _inode(path: Path) -> Tuple[int, int]:
    stat = path.stat()
    return stat.st_dev, stat.st_ino


class UsageCounter:
    """Counts whitelisted events for today in the directory database. Never raises."""

    def __init__(self, url: Optional[str] = None, retry_after: float = RETRY_AFTER_SECONDS):
        self._url = url or default_database_url()
        self.retry_after = retry_after
        self._engine: Optional[Engine] = None
        self._file: Optional[Path] = None
        self._table_ready: object = None  # the database (inode, or True) where the table is known to exist
        self._quiet_until = 0.0
        self._lock = threading.Lock()
        self._executor: Optional[ThreadPoolExecutor] = None
        self._gathered: Dict[date, Counter] = {}  # `record_soon` counts not yet written (bounded by METRICS)
        self._flush_scheduled = False
        self._flush_now = threading.Event()

    def __repr__(self) -> str:
        return f"<UsageCounter {safe_url(self._url)}>"

    # ---- the API ----

    def record(self, *pairs: Pair) -> None:
        """Add 1 to each (metric, value) for today, all in one transaction. Pairs outside the
        whitelist are dropped. Never raises; waits for the lock at most LOCK_TIMEOUT_SECONDS (once
        more if the loader replaced the SQLite file meanwhile)."""
        try:
            self._write_counts(today(), _accepted(pairs))
        except Exception as error:  # _accepted only logs; kept for "never raises"
            logger.warning("usage statistics not recorded (%s)", type(error).__name__)

    async def record_async(self, *pairs: Pair) -> None:
        """`record` on the counter's worker thread, awaited for at most ASYNC_WAIT_SECONDS."""
        try:
            loop = asyncio.get_running_loop()
            self._flush_now.set()  # a gathering `record_soon` flush ahead of it stops waiting
            future = loop.run_in_executor(self._worker(), self.record, *pairs)
            await asyncio.wait_for(future, ASYNC_WAIT_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("usage statistics: write still pending, not waited for")
        except Exception as error:
            logger.warning("usage statistics not recorded (%s)", type(error).__name__)

    def record_soon(self, *pairs: Pair) -> None:
        """Count the pairs now (in memory) and write them with the others gathered within
        FLUSH_EVERY_SECONDS, in one transaction on the worker thread: the reply never waits for
        the disk, and a busy server commits once per interval, not once per reply. Memory is
        bounded by the whitelist (one counter per pair and day). Never raises."""
        try:
            counts = _accepted(pairs)
            if not counts:
                return
            day = today()
            with self._lock:
                self._gathered.setdefault(day, Counter()).update(counts)
                if self._flush_scheduled:
                    return
                self._flush_scheduled = True
            self._worker().submit(self._flush_gathered)
        except Exception as error:
            logger.warning("usage statistics not recorded (%s)", type(error).__name__)

    def _flush_gathered(self) -> None:
        self._flush_now.wait(FLUSH_EVERY_SECONDS)  # gather; `close` or `record_async` cut it short
        with self._lock:
            gathered, self._gathered = self._gathered, {}
            self._flush_scheduled = False
            self._flush_now.clear()
        for day, counts in sorted(gathered.items()):
            self._write_counts(day, counts)

    def _write_counts(self, day: date, counts: Counter) -> None:
        """One transaction for `counts` on `day`; failures are logged and start the quiet time."""
        if not counts or time.monotonic() < self._quiet_until:
            return
        try:
            self._write(day, counts)
        except Exception as error:  # statistics must never break or hold up a reply
            self._quiet_until = time.monotonic() + self.retry_after
            # The class only: driver messages can quote the statement's parameters.
            logger.warning("usage statistics not recorded (%s)", type(error).__name__)

    def close(self) -> None:
        """Write the gathered counts now, wait for pending writes and release the connections
        (the counter works again later)."""
        self._flush_now.set()
        with self._lock:
            executor, self._executor = self._executor, None
            engine, self._engine = self._engine, None
        if executor is not None:
            executor.shutdown(wait=True)
        if engine is not None:
            engine.dispose()

    # ---- inside ----

    def _worker(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="usage-counts")
            return self._executor

    def _connect(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._file = sqlite_file(self._url)
                self._engine = _counter_engine(self._url, self._file)
            return self._engine

    def _write(self, day: date, counts: Counter) -> None:
        engine = self._connect()
        if self._file is None:
            with engine.begin() as connection:
                self._upsert(connection, True, day, counts)
            return
        for _attempt in range(2):
            before = _inode(self._file)  # FileNotFoundError when there is no directory database
            try:
                with engine.begin() as connection:  # BEGIN IMMEDIATE: the write lock, or busy after 1 s
                    if _inode(self._file) != before:
                        raise _Replaced
                    self._upsert(connection, before, day, counts)
                return
            except _Replaced:
                continue  # the loader renamed a new file into place: write there
        raise _Replaced

    def _upsert(self, connection: Connection, database: object, day: date, counts: Counter) -> None:
        dialect = connection.dialect.name
        if dialect == "postgresql":
            connection.execute(text(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_SECONDS * 1000)}ms'"))
            connection.execute(text(f"SET LOCAL statement_timeout = '{int(STATEMENT_TIMEOUT_SECONDS * 1000)}ms'"))
        if self._table_ready != database:
            # A database built before the statistics existed: add the one table, nothing else.
            UsageCountRow.__table__.create(connection, checkfirst=True)
        table = UsageCountRow.__table__
        insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect](table)
        statement = insert.values(
            [{"day": day, "metric": metric, "value": value, "count": n} for (metric, value), n in sorted(counts.items())]
        )
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.day, table.c.metric, table.c.value], set_={"count": table.c.count + statement.excluded.count}
        )
        connection.execute(statement)
        self._table_ready = database


def _counter_engine(url: str, path: Optional[Path]) -> Engine:
    """A writable engine for the counters: SQLite without creating a missing file and with
    BEGIN IMMEDIATE (take the write lock first, wait at most LOCK_TIMEOUT_SECONDS); PostgreSQL
    with a one-connection pool and a connect timeout."""
    driver = make_url(url).get_backend_name()
    if driver == "sqlite":
        if path is not None:
            uri = path.resolve().as_uri() + "?mode=rw"

            def connect() -> sqlite3.Connection:
                return sqlite3.connect(uri, uri=True, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False)

            engine = create_engine("sqlite://", creator=connect, poolclass=NullPool, future=True)
        else:
            engine = create_engine(url, poolclass=NullPool, future=True, connect_args={"timeout": LOCK_TIMEOUT_SECONDS})

            @event.listens_for(engine, "connect")
            def _autocommit_driver(dbapi_connection: Any, _record: object) -> None:
                dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if driver == "postgresql":
        connect_args = {"connect_timeout": max(1, int(STATEMENT_TIMEOUT_SECONDS))}
        return create_engine(
            url,
            future=True,
            pool_size=1,
            max_overflow=1,
            pool_timeout=LOCK_TIMEOUT_SECONDS,
            pool_pre_ping=True,
            connect_args=connect_args,
        )
    raise NotImplementedError("usage statistics support SQLite and PostgreSQL only")


_counters: Dict[str, UsageCounter] = {}
_counters_lock = threading.Lock()


def usage_counter(url: Optional[str] = None) -> UsageCounter:
    """The counter for `url` (default: $DIRECTORY_DATABASE_URL or var/directory.sqlite — the
    directory's own database). One per URL; never raises (connecting happens on first write)."""
    url = url or default_database_url()
    with _counters_lock:
        counter = _counters.get(url)
        if counter is None:
            counter = _counters[url] = UsageCounter(url)
        return counter


# ---- the report ----


@dataclass(frozen=True)
class Summary:
    start: Optional[date]  # first day with data in the range (None: no data)
    end: Optional[date]
    days: int  # days with any count
    counts: Dict[Pair, int]  # whitelisted pairs only

    def total(self, metric: str) -> int:
        return sum(n for (m, _v), n in self.counts.items() if m == metric)

    def get(self, metric: str, value: str) -> int:
        return self.counts.get((metric, value), 0)

    @property
    def empty(self) -> bool:
        return not self.counts


def summarise(url: Optional[str] = None, start: Optional[date] = None, end: Optional[date] = None) -> Summary:
    """Counts summed over the days from `start` to `end` (inclusive; None = unbounded)."""
    url = url or default_database_url()
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        return Summary(None, None, 0, {})
    engine = read_engine(url)
    try:
        if not inspect(engine).has_table(UsageCountRow.__tablename__):
            return Summary(None, None, 0, {})
        table = UsageCountRow.__table__
        where = []
        if start is not None:
            where.append(table.c.day >= start)
        if end is not None:
            where.append(table.c.day <= end)
        with engine.connect() as connection:
            rows = connection.execute(
                select(table.c.metric, table.c.value, func.sum(table.c.count))
                .where(*where)
                .group_by(table.c.metric, table.c.value)
            ).all()
            first, last, days = connection.execute(
                select(func.min(table.c.day), func.max(table.c.day), func.count(func.distinct(table.c.day))).where(*where)
            ).one()
    finally:
        engine.dispose()
    counts = {(m, v): int(n) for m, v, n in rows if allowed(m, v) and n}
    return Summary(_as_date(first), _as_date(last), int(days or 0), counts)


def _as_date(value: date | str | None) -> Optional[date]:
    """A day as the database returns it: a date, or ISO text from SQLite."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    –"


# (title, metric, denominator description) of the share tables, in report order.
SHARES: Tuple[Tuple[str, str, str], ...] = (
    ("Help types (share of contact lists shown)", "contacts_shown", "contact lists"),
    ("Regions (share of regions counted with contact lists)", "region", "regions"),
    ("Roles (share of roles counted)", "role", "roles"),
    ("Languages (share of languages counted)", "language", "languages"),
)


def report_rows(summary: Summary) -> List[Tuple[str, str, int, str, str]]:
    """The report as (section, item, count, percent, of what) rows, in print order."""
    conversations = summary.get("conversation", "started")
    lists = summary.total("contacts_shown")
    rows: List[Tuple[str, str, int, str, str]] = [
        ("overview", "conversations started", conversations, "", ""),
        ("overview", "contact lists shown", lists, _percent(lists, conversations).strip(), "of conversations"),
        (
            "overview",
            "emergency numbers shown",
            summary.get("emergency", "shown"),
            _percent(summary.get("emergency", "shown"), conversations).strip(),
            "of conversations",
        ),
        (
            "overview",
            "safety net shown",
            summary.get("safety_net", "shown"),
            _percent(summary.get("safety_net", "shown"), conversations).strip(),
            "of conversations",
        ),
    ]
    for title, metric, of in SHARES:
        whole = summary.total(metric)
        for value in METRICS[metric]:
            n = summary.get(metric, value)
            rows.append((title, value, n, _percent(n, whole).strip(), of))
    started = summary.get("risk_check", "started")
    rows.append(("Risk checks", "started", started, "", ""))
    for value in ("high", "lower"):
        n = summary.get("risk_check", value)
        rows.append(("Risk checks", value, n, _percent(n, started).strip(), "of risk checks started"))
    guides = summary.total("guide")
    for value in METRICS["guide"]:
        n = summary.get("guide", value)
        rows.append(("Guides opened", value, n, _percent(n, guides).strip(), "of guides opened"))
    return rows


def render(summary: Summary, start: Optional[date] = None, end: Optional[date] = None) -> str:
    span = f"{start.isoformat() if start else 'the beginning'} to {end.isoformat() if end else 'today'}"
    if summary.empty:
        return (
            f"No usage statistics recorded from {span}.\n"
            "The action server counts conversations, contact lists and the like as people use the bot."
        )
    lines = [
        f"Usage statistics from {span} (Minsk calendar days; data on {summary.days} day(s), "
        f"{summary.start} to {summary.end})",
        "",
    ]  # str(date) is its ISO form
    section = None
    for name, item, count, percent, of in report_rows(summary):
        if name != section:
            if name != "overview":
                lines += ["", name]
            section = name
        label = item.capitalize() if name == "overview" else f"  {item}"
        share = ""
        if percent:  # the share tables name their total in the heading; the others per line
            share = f"  {percent:>6}" + (f" {of}" if name in ("overview", "Risk checks") else "")
        lines.append(f"{label:<28} {count:>8}{share}")
    lines += ["", "Counts only: no text, no ids, nothing finer than a day. Shares are of the totals named."]
    return "\n".join(lines)


def write_csv(summary: Summary, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["section", "item", "count", "percent", "of"])
        writer.writerows(report_rows(summary))


def purge_before(url: Optional[str], before: date) -> int:
    """Delete the counters of days before `before`; returns how many day rows went."""
    url = url or default_database_url()
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        return 0
    engine = write_engine(url)
    try:
        if not inspect(engine).has_table(UsageCountRow.__tablename__):
            return 0
        with engine.begin() as connection:
            return connection.execute(delete(UsageCountRow.__table__).where(UsageCountRow.day < before)).rowcount
    finally:
        engine.dispose()


def _day(text_: str) -> date:
    try:
        return date.fromisoformat(text_)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (want YYYY-MM-DD): {text_!r}") from None


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m directory.stats", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL (default: $DIRECTORY_DATABASE_URL " "or sqlite:///<repo>/var/directory.sqlite)"
    )
    parser.add_argument("--from", dest="start", type=_day, help="first day (YYYY-MM-DD, Minsk), inclusive")
    parser.add_argument("--to", dest="end", type=_day, help="last day (YYYY-MM-DD, Minsk), inclusive")
    parser.add_argument("--csv", type=Path, help="also write the report as CSV to this file")
    parser.add_argument(
        "--purge-before", type=_day, metavar="DATE", help="delete the counters of all days before DATE, then report"
    )
    args = parser.parse_args(argv)
    if args.start and args.end and args.start > args.end:
        parser.error("--from is after --to")
    try:
        if args.purge_before:
            gone = purge_before(args.database_url, args.purge_before)
            print(f"Deleted {gone} counter row(s) of days before {args.purge_before.isoformat()}.\n")
        summary = summarise(args.database_url, args.start, args.end)
    except (SQLAlchemyError, OSError) as error:
        print(f"Could not read the statistics ({type(error).__name__}).", file=sys.stderr)
        return 2
    print(render(summary, args.start, args.end))
    if args.csv:
        write_csv(summary, args.csv)
        print(f"\nWrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
