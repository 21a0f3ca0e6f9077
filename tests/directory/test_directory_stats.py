"""Anonymous usage statistics (`directory.stats`) on SQLite and on a real PostgreSQL server.

The central promise: only whitelisted (metric, value) counters per Minsk day are stored —
nothing a person typed, no ids, no phone numbers, no time finer than a day."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from directory import HELP_TYPES, LANGUAGES, REGION_CODES, open_directory, stats
from directory.database import DATA_DIR, sqlite_file
from directory.hours import MINSK
from directory.load import load
from directory.stats import (
    LOCK_TIMEOUT_SECONDS,
    METRICS,
    UsageCounter,
    allowed,
    main,
    render,
    report_rows,
    summarise,
    usage_counter,
)

from .directory_fixtures import MINI_ROWS, write_data_dir

HOSTILE_VALUES = [
    "' OR 1=1 --",
    "123456789",  # a Telegram-like user id
    "+375291234567",  # a phone number
    "Мой муж бьёт меня, адрес ул. Ленина 5, кв. 12 " * 20,  # long text a person could type
    "shelter; DROP TABLE usage_counts; --",
    "BY-MI-16",  # a district: finer than the whitelist allows
    "SHELTER",  # case matters
    " shelter",
    "",
]
HOSTILE_PAIRS = (
    [(metric, value) for metric in ("contacts_shown", "region", "role", "guide") for value in HOSTILE_VALUES]
    + [(value, "started") for value in HOSTILE_VALUES]  # hostile metric names
    + [
        ("conversation", "started", "extra"),
        ("conversation",),
        "conversation",
        None,
        42,
        ("conversation", 1),
        (b"conversation", b"started"),
        ("user_id", "123456789"),
        ("phone", "+375291234567"),
        ("text", "help me"),
        ("timestamp", "2026-11-28T13:45:12"),
    ]
)
SECRETS = ["OR 1=1", "123456789", "+375291234567", "375291234567", "Ленина", "DROP TABLE", "13:45"]


def minsk_today() -> date:
    return datetime.now(MINSK).date()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The directory database on either backend, with no usage counters yet."""
    if request.param == "sqlite":
        return loaded_sqlite(tmp_path)[1]
    url = request.getfixturevalue("pg_url")
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM usage_counts"))
    engine.dispose()
    return url


def loaded_sqlite(tmp_path: Path) -> tuple[Path, str]:
    """A fresh SQLite directory database (path, url) with the small test data loaded."""
    path = tmp_path / "directory.sqlite"
    url = f"sqlite:///{path}"
    assert load(write_data_dir(tmp_path / "data", MINI_ROWS), url).ok
    return path, url


@pytest.fixture
def counter(db_url):
    made = UsageCounter(db_url, retry_after=0)
    yield made
    made.close()


def rows(url: str) -> list[tuple]:
    """Every row of usage_counts, as stored (dates as the driver returns them)."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return [
                tuple(r)
                for r in connection.execute(
                    text("SELECT day, metric, value, count FROM usage_counts ORDER BY day, metric, value")
                )
            ]
    finally:
        engine.dispose()


def counts(url: str) -> dict[tuple[str, str], int]:
    return {(metric, value): n for _day, metric, value, n in rows(url)}


def directory_dump(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return {
                table: sorted(map(tuple, connection.execute(text(f"SELECT * FROM {table}"))), key=repr)
                for table in ("regions", "districts", "organisations", "organisation_services", "organisation_phones")
            }
    finally:
        engine.dispose()


# ---- the whitelist ----


def test_whitelist_is_one_dict_of_the_contract_vocabularies():
    assert METRICS["contacts_shown"] == HELP_TYPES
    assert METRICS["region"] == REGION_CODES
    assert METRICS["language"] == LANGUAGES
    assert METRICS["role"] == ("survivor", "witness", "specialist")
    assert METRICS["risk_check"] == ("started", "high", "lower")
    assert METRICS["guide"] == ("safety_plan", "witness", "rights", "about")
    assert {m for m, values in METRICS.items() if values == ("shown",)} == {"emergency", "safety_net"}
    assert METRICS["conversation"] == ("started",)
    for metric, values in METRICS.items():  # short, plain identifiers only
        assert re.fullmatch(r"[a-z_]{1,32}", metric)
        assert all(re.fullmatch(r"[A-Za-z_-]{1,32}", v) for v in values)


@pytest.mark.parametrize("pair", HOSTILE_PAIRS, ids=repr)
def test_allowed_refuses_everything_else(pair):
    assert not (isinstance(pair, tuple) and len(pair) == 2 and allowed(*pair))


# ---- counting ----


def test_increments_accumulate(counter, db_url):
    for _ in range(3):
        counter.record(("conversation", "started"))
    counter.record(("contacts_shown", "shelter"), ("region", "BY-MI"), ("role", "witness"), ("language", "be"))
    counter.record(("contacts_shown", "shelter"), ("region", "BY-MI"))
    counter.record(("region", "BY-HM"), ("region", "BY-HM"))  # the same pair twice in one call
    counter.record()  # nothing to do
    assert counts(db_url) == {
        ("conversation", "started"): 3,
        ("contacts_shown", "shelter"): 2,
        ("region", "BY-MI"): 2,
        ("region", "BY-HM"): 2,
        ("role", "witness"): 1,
        ("language", "be"): 1,
    }
    days = {str(day) for day, *_ in rows(db_url)}
    assert days == {minsk_today().isoformat()}


async def test_record_async(counter, db_url):
    await counter.record_async(("emergency", "shown"), ("safety_net", "shown"))
    await asyncio.gather(*(counter.record_async(("guide", "rights")) for _ in range(5)))
    assert counts(db_url) == {("emergency", "shown"): 1, ("safety_net", "shown"): 1, ("guide", "rights"): 5}


def test_record_soon_gathers_counts_into_one_transaction(counter, db_url, monkeypatch):
    writes = []
    real_write = counter._write
    monkeypatch.setattr(counter, "_write", lambda day, counts: (writes.append(dict(counts)), real_write(day, counts)))
    started = time.monotonic()
    for _ in range(200):
        counter.record_soon(("guide", "safety_plan"), ("language", "en"))
    counter.record_soon(("guide", "not-a-guide"))  # dropped by the whitelist, as in `record`
    assert time.monotonic() - started < 0.5  # nothing waited for the disk
    assert counts(db_url) == {}  # still gathering
    counter.close()  # writes what was gathered at once, and waits for it
    assert time.monotonic() - started < stats.FLUSH_EVERY_SECONDS
    assert counts(db_url) == {("guide", "safety_plan"): 200, ("language", "en"): 200}
    assert writes == [{("guide", "safety_plan"): 200, ("language", "en"): 200}]  # one transaction


def test_record_soon_writes_by_itself_after_the_interval(counter, db_url, monkeypatch):
    monkeypatch.setattr(stats, "FLUSH_EVERY_SECONDS", 0.2)
    counter.record_soon(("role", "witness"))
    deadline = time.monotonic() + 5
    while not counts(db_url) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counts(db_url) == {("role", "witness"): 1}
    counter.record_soon(("role", "witness"))  # the next interval starts with the next count
    counter.close()
    assert counts(db_url) == {("role", "witness"): 2}


def test_hostile_pairs_are_not_stored(counter, db_url, caplog):
    caplog.set_level(logging.DEBUG)
    for pair in HOSTILE_PAIRS:
        counter.record(pair)
        counter.record(pair, ("conversation", "started"))  # a bad pair does not spoil the good one
    assert counts(db_url) == {("conversation", "started"): len(HOSTILE_PAIRS)}
    assert "ignored" in caplog.text
    for secret in SECRETS:
        assert secret not in caplog.text


def test_nothing_identifying_is_stored(counter, db_url, caplog):
    """A realistic day, hostile input included; then every row of every table the statistics
    touch is read back: only whitelisted values, dates without a time, positive counts, and
    the directory's own tables untouched."""
    caplog.set_level(logging.DEBUG)
    directory_before = directory_dump(db_url)
    events = [
        [("conversation", "started"), ("language", "ru")],
        [("conversation", "started"), ("language", "be"), ("role", "witness")],
        [("contacts_shown", "shelter"), ("region", "BY-MI"), ("role", "survivor")],
        [("emergency", "shown")],
        [("risk_check", "started")],
        [("risk_check", "high")],
        [("guide", "safety_plan")],
        [("guide", "rights")],
        [("contacts_shown", "psychological"), ("region", "BY-HM")],
        [("safety_net", "shown")],
        [("conversation", "started"), ("language", "en"), ("role", "specialist")],
        [("risk_check", "started")],
        [("risk_check", "lower")],
        [("contacts_shown", "hotline"), ("region", "BY-BR")],
    ]
    for event in events:
        counter.record(*event)
    for pair in HOSTILE_PAIRS:
        counter.record(pair, ("conversation", "started"))

    engine = create_engine(db_url, future=True)
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("usage_counts")}
    engine.dispose()
    assert set(columns) == {"day", "metric", "value", "count"}
    stored = rows(db_url)
    assert stored
    for day, metric, value, n in stored:
        assert allowed(metric, value), (metric, value)
        assert isinstance(n, int) and n > 0
        if isinstance(day, str):  # SQLite keeps dates as text: exactly a day, no time part
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)
        else:
            assert type(day) is date  # not a datetime
    assert directory_dump(db_url) == directory_before  # only usage_counts was written

    everything = repr(stored) + caplog.text
    path = sqlite_file(db_url)
    if path is not None:  # the whole file, free pages and all
        everything += path.read_bytes().decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in everything


def test_a_missing_database_is_not_created(tmp_path, caplog):
    path = tmp_path / "absent.sqlite"
    counter = UsageCounter(f"sqlite:///{path}")
    counter.record(("conversation", "started"))
    assert not path.exists()
    assert "not recorded" in caplog.text


def test_a_database_built_before_the_statistics_gets_the_table(tmp_path):
    path, url = loaded_sqlite(tmp_path)
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE usage_counts")
    counter = UsageCounter(url)
    counter.record(("conversation", "started"))
    assert counts(url) == {("conversation", "started"): 1}


def test_counting_does_not_rebuild_the_directory_snapshot(counter, db_url):
    directory = open_directory(db_url)
    directory.search("social", "BY-MI", None)
    snapshot = directory._snapshot
    counter.record(("conversation", "started"))
    directory.search("social", "BY-MI", None)
    assert directory._snapshot is snapshot


def test_usage_counter_is_cached_per_url_and_follows_the_directory_setting(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'somewhere.sqlite'}"
    monkeypatch.setenv("DIRECTORY_DATABASE_URL", url)
    assert usage_counter() is usage_counter(url)
    assert "somewhere.sqlite" in repr(usage_counter())


# ---- never raising, never blocking for long ----


def test_locked_sqlite_database_returns_quickly(tmp_path, caplog):
    path, url = loaded_sqlite(tmp_path)
    counter = UsageCounter(url, retry_after=0)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        counter.record(("conversation", "started"))
        asyncio.run(counter.record_async(("conversation", "started")))
        elapsed = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert elapsed < 2 * LOCK_TIMEOUT_SECONDS + 1.0  # two writes, each gives up after the lock timeout
    assert "usage statistics not recorded (OperationalError)" in caplog.text
    counter.record(("conversation", "started"))  # the lock is free again
    assert counts(url) == {("conversation", "started"): 1}
    counter.close()


def test_after_a_failure_the_counter_stays_quiet_for_a_while(tmp_path):
    path, url = loaded_sqlite(tmp_path)
    counter = UsageCounter(url, retry_after=60)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    counter.record(("conversation", "started"))  # fails after the lock timeout
    holder.execute("ROLLBACK")
    holder.close()
    started = time.monotonic()
    counter.record(("conversation", "started"))  # skipped at once, without touching the database
    assert time.monotonic() - started < 0.1
    assert counts(url) == {}


def test_locked_postgresql_row_returns_quickly(pg_url, caplog):
    engine = create_engine(pg_url, future=True)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM usage_counts"))
    counter = UsageCounter(pg_url, retry_after=0)
    counter.record(("conversation", "started"))
    with engine.connect() as holder:  # another transaction holds the row lock of today's counter
        holder.execute(text("UPDATE usage_counts SET count = count + 100"))
        started = time.monotonic()
        counter.record(("conversation", "started"))
        elapsed = time.monotonic() - started
        holder.rollback()
    engine.dispose()
    assert elapsed < LOCK_TIMEOUT_SECONDS + 1.5
    assert "usage statistics not recorded" in caplog.text
    counter.record(("conversation", "started"))
    assert counts(pg_url) == {("conversation", "started"): 2}
    counter.close()


def test_unreachable_postgresql_returns_quickly(caplog):
    with socket_closed_port() as port:
        counter = UsageCounter(f"postgresql://nobody@127.0.0.1:{port}/nothing", retry_after=0)
        started = time.monotonic()
        counter.record(("conversation", "started"))
        assert time.monotonic() - started < 3
    assert "usage statistics not recorded (OperationalError)" in caplog.text


class socket_closed_port:
    """A local port nobody listens on."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def __exit__(self, *exc) -> None:
        return None


# ---- reloading the directory keeps the counters ----


def test_sqlite_reload_keeps_the_counters(tmp_path):
    path = tmp_path / "directory.sqlite"
    url = f"sqlite:///{path}"
    data = write_data_dir(tmp_path / "data", MINI_ROWS)
    assert load(data, url).ok
    counter = UsageCounter(url, retry_after=0)
    counter.record(("conversation", "started"), ("contacts_shown", "legal"))
    counter.record(("conversation", "started"))
    with sqlite3.connect(path) as connection:  # rows written by other means, outside the whitelist
        connection.execute("INSERT INTO usage_counts VALUES ('2026-11-01', 'phone', '+375291234567', 1)")
        connection.execute("INSERT INTO usage_counts VALUES ('2026-11-01 13:45:12', 'conversation', 'started', 1)")
    inode = path.stat().st_ino

    report = load(write_data_dir(data, MINI_ROWS[:5]), url)

    assert report.ok and report.statistics_kept == 2
    assert path.stat().st_ino != inode  # a new file was renamed into place
    assert counts(url) == {("conversation", "started"): 2, ("contacts_shown", "legal"): 1}
    counter.record(("conversation", "started"))  # the counter follows the new file
    assert counts(url)[("conversation", "started")] == 3
    assert "+375291234567" not in path.read_bytes().decode("utf-8", "replace")


def test_sqlite_reloads_while_counting_lose_nothing(tmp_path, caplog):
    """The loader copies the counters under the old file's write lock and renames before
    releasing it; a counter waiting for that lock writes to the new file."""
    path = tmp_path / "directory.sqlite"
    url = f"sqlite:///{path}"
    data = write_data_dir(tmp_path / "data", MINI_ROWS)
    assert load(data, url).ok
    counter = UsageCounter(url, retry_after=0)
    done = threading.Event()
    recorded = 0

    def count() -> None:
        nonlocal recorded
        while not done.is_set():
            counter.record(("conversation", "started"))
            recorded += 1
            time.sleep(0.001)  # a busy bot, not a tight loop that would starve the loader's reads

    worker = threading.Thread(target=count)
    worker.start()
    try:
        for _ in range(4):
            assert load(data, url).ok
    finally:
        done.set()
        worker.join()
    assert "not recorded" not in caplog.text
    assert recorded > 0 and counts(url) == {("conversation", "started"): recorded}


def test_postgresql_reload_keeps_the_counters(pg_url):
    counter = UsageCounter(pg_url, retry_after=0)
    engine = create_engine(pg_url, future=True)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM usage_counts"))
    engine.dispose()
    counter.record(("conversation", "started"), ("region", "BY-VI"))
    report = load(DATA_DIR, pg_url)
    assert report.ok and report.statistics_kept == 2
    assert counts(pg_url) == {("conversation", "started"): 1, ("region", "BY-VI"): 1}
    counter.close()


# ---- the report ----


def seed(url: str, day_rows: list[tuple[str, str, str, int]]) -> None:
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM usage_counts"))
        for day, metric, value, n in day_rows:
            connection.execute(
                text("INSERT INTO usage_counts (day, metric, value, count) VALUES (:d, :m, :v, :n)"),
                {"d": date.fromisoformat(day), "m": metric, "v": value, "n": n},
            )
    engine.dispose()


REPORT_ROWS = [
    ("2026-11-01", "conversation", "started", 5),
    ("2026-11-02", "conversation", "started", 3),
    ("2026-11-01", "contacts_shown", "shelter", 2),
    ("2026-11-02", "contacts_shown", "shelter", 1),
    ("2026-11-02", "contacts_shown", "legal", 1),
    ("2026-11-01", "region", "BY-MI", 3),
    ("2026-11-02", "region", "BY-HM", 1),
    ("2026-11-01", "role", "survivor", 3),
    ("2026-11-02", "role", "witness", 1),
    ("2026-11-01", "language", "ru", 4),
    ("2026-11-02", "language", "be", 4),
    ("2026-11-01", "emergency", "shown", 2),
    ("2026-11-01", "risk_check", "started", 4),
    ("2026-11-01", "risk_check", "high", 1),
    ("2026-11-01", "risk_check", "lower", 3),
    ("2026-11-02", "guide", "safety_plan", 1),
    ("2026-11-10", "conversation", "started", 100),  # outside the range below
]


def test_report_percentages(db_url, tmp_path, capsys):
    seed(db_url, REPORT_ROWS)
    summary = summarise(db_url, date(2026, 11, 1), date(2026, 11, 2))
    assert (summary.start, summary.end, summary.days) == (date(2026, 11, 1), date(2026, 11, 2), 2)
    table = {(section, item): (n, percent) for section, item, n, percent, _of in report_rows(summary)}
    assert table[("overview", "conversations started")] == (8, "")
    assert table[("overview", "contact lists shown")] == (4, "50.0%")
    assert table[("overview", "emergency numbers shown")] == (2, "25.0%")
    help_types = "Help types (share of contact lists shown)"
    assert table[(help_types, "shelter")] == (3, "75.0%")
    assert table[(help_types, "legal")] == (1, "25.0%")
    assert table[(help_types, "medical")] == (0, "0.0%")
    assert table[("Regions (share of regions counted with contact lists)", "BY-MI")] == (3, "75.0%")
    assert table[("Roles (share of roles counted)", "witness")] == (1, "25.0%")
    assert table[("Languages (share of languages counted)", "be")] == (4, "50.0%")
    assert table[("Risk checks", "high")] == (1, "25.0%")
    assert table[("Risk checks", "lower")] == (3, "75.0%")
    assert table[("Guides opened", "safety_plan")] == (1, "100.0%")

    assert summarise(db_url).get("conversation", "started") == 108
    assert summarise(db_url, date(2026, 11, 2), None).get("conversation", "started") == 103

    out = tmp_path / "stats.csv"
    assert main(["--database-url", db_url, "--from", "2026-11-01", "--to", "2026-11-02", "--csv", str(out)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"Contact lists shown\s+4\s+50\.0% of conversations", printed)
    assert re.search(r"shelter\s+3\s+75\.0%", printed)
    assert "2026-11-01 to 2026-11-02" in printed
    assert "shelter,3,75.0%" in out.read_text(encoding="utf-8")


def test_report_when_empty(db_url, capsys):
    assert main(["--database-url", db_url]) == 0
    assert "No usage statistics recorded" in capsys.readouterr().out
    assert "No usage statistics" in render(summarise(db_url, date(2030, 1, 1), None), date(2030, 1, 1))


def test_report_on_a_missing_database(tmp_path, capsys):
    path = tmp_path / "absent.sqlite"
    assert main(["--database-url", f"sqlite:///{path}"]) == 0
    assert "No usage statistics recorded" in capsys.readouterr().out
    assert not path.exists()


def test_purge_before(db_url, capsys):
    seed(db_url, REPORT_ROWS)
    assert main(["--database-url", db_url, "--purge-before", "2026-11-02"]) == 0
    assert "Deleted 9 counter row(s)" in capsys.readouterr().out
    assert {str(day) for day, *_ in rows(db_url)} == {"2026-11-02", "2026-11-10"}


def test_report_rejects_bad_dates(db_url):
    with pytest.raises(SystemExit):
        main(["--database-url", db_url, "--from", "28.11.2026"])
    with pytest.raises(SystemExit):
        main(["--database-url", db_url, "--from", "2026-11-02", "--to", "2026-11-01"])


def test_day_is_minsk_calendar_day():
    from directory.stats import today

    now = datetime.now(MINSK)
    assert today() in (now.date(), (now + timedelta(minutes=1)).date())


def test_reload_over_a_file_that_is_not_a_database(tmp_path, capsys):
    """A damaged directory file must never stop the operator from rebuilding it."""
    from directory.load import main as load_main

    path = tmp_path / "directory.sqlite"
    path.write_bytes(b"this is not a database " * 200)
    data = write_data_dir(tmp_path / "data", MINI_ROWS)
    assert load_main(["--data-dir", str(data), "--database-url", f"sqlite:///{path}"]) == 0
    assert "could not be read" in capsys.readouterr().out
    assert open_directory(f"sqlite:///{path}").hotline() is not None


def test_reload_waits_for_a_counter_and_fails_cleanly_when_the_lock_stays_taken(tmp_path, monkeypatch):
    import directory.db_writer as db_writer

    path = tmp_path / "directory.sqlite"
    url = f"sqlite:///{path}"
    data = write_data_dir(tmp_path / "data", MINI_ROWS)
    assert load(data, url).ok
    UsageCounter(url).record(("conversation", "started"))
    before = path.read_bytes()
    monkeypatch.setattr(db_writer, "CARRY_LOCK_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a writer that does not finish
    try:
        with pytest.raises(sqlite3.OperationalError):
            load(data, url)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
