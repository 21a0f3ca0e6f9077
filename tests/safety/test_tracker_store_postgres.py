"""PrivateSQLTrackerStore on a real PostgreSQL server: same rows as Rasa's store, two servers
writing one conversation alternately, erase/purge that leave no text in the table's pages."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from safety.tracker_store import URL_ENV, PrivateSQLTrackerStore
from tests.actions.conftest import REPO
from tests.directory.postgres_server import postgres_cluster
from tests.safety.test_tracker_store import DOMAIN, _conversation, _rows, _turn, save

SECRET = "Тайная улица 17"
STORED_FORMS = [SECRET.encode(), json.dumps(SECRET)[1:-1].encode()]  # UTF-8 and JSON escapes


@pytest.fixture(scope="module")
def server_url():
    with postgres_cluster() as url:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("CREATE EXTENSION pageinspect"))
        engine.dispose()
        yield url


@pytest.fixture
def url(server_url):
    """A fresh events table for each test."""
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS events"))
    engine.dispose()
    return server_url


def pg_store(url: str) -> PrivateSQLTrackerStore:
    return PrivateSQLTrackerStore(DOMAIN, host=url, purge_every_minutes=0)


def pages_with_text(store: PrivateSQLTrackerStore) -> int:
    """How many pages of the events table (and its TOAST table) hold the secret in any form,
    read raw from PostgreSQL's buffers/files — free space and dead tuples included."""
    found = 0
    with store.engine.connect() as connection:
        toast = connection.execute(
            sa.text("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'events'")
        ).scalar()
        for relation in ["events"] + ([toast] if toast and toast != "-" else []):
            pages = connection.execute(sa.text("SELECT pg_relation_size(:r) / 8192"), {"r": relation}).scalar()
            for page in range(pages):
                raw = bytes(connection.execute(sa.text("SELECT get_raw_page(:r, :p)"), {"r": relation, "p": page}).scalar())
                found += any(form in raw for form in STORED_FORMS)
    return found


async def save_secret(store, sender: str) -> None:
    await store.save(DialogueStateTracker.from_events(sender, [UserUttered(SECRET, {"name": "inform"})], DOMAIN.slots))


def test_runs_on_postgresql(url):
    store = pg_store(url)
    assert store.engine.dialect.name == "postgresql" and store.engine.pool._pre_ping


async def test_same_rows_as_rasas_store(url, tmp_path):
    ours = pg_store(url)
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.sqlite"))
    start = time.time()
    await _conversation(ours, "a", start)
    await _conversation(rasas, "a", start)
    assert _rows(ours, "a") == _rows(rasas, "a")
    assert (await ours.retrieve("a")).current_state() == (await rasas.retrieve("a")).current_state()


async def test_two_servers_writing_one_conversation_alternately(url, tmp_path):
    """Turns handled by server A, B, A, B … (as behind the load balancer, one at a time by the
    lock store): every event stored once, in order — the same rows as one Rasa store."""
    first, second = pg_store(url), pg_store(url)
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.sqlite"))
    start = time.time()
    for n in range(8):
        for store in ((first, second)[n % 2], rasas):
            tracker = await store.retrieve("a") or DialogueStateTracker.from_events("a", [], DOMAIN.slots)
            for event in _turn(n, start + n):
                tracker.update(event)
            await store.save(tracker)
    assert _rows(first, "a") == _rows(rasas, "a")
    assert len(_rows(first, "a")) == 8 * 4
    # Both remember what they stored; each one's next save still sees the other's writes.
    assert (await first.retrieve("a")).current_state() == (await rasas.retrieve("a")).current_state()


async def test_another_writer_between_retrieve_and_save(url, tmp_path):
    """A second writer between this server's retrieve and save: the remembered count is not
    trusted, the rows are Rasa's (whose count-based save is what the lock store protects)."""
    results = []
    for first, second in (
        (pg_store(url), pg_store(url)),
        (lambda s: (s, SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "r.sqlite"))))(
            SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "r.sqlite"))
        ),
    ):
        await save(first, "a", 1000.0)
        tracker = await first.retrieve("a")
        other = await second.retrieve("a")
        other.update(ActionExecuted("action_other", timestamp=1001.0))
        await second.save(other)
        tracker.update(ActionExecuted("action_mine", timestamp=1002.0))
        tracker.update(ActionExecuted("action_listen", timestamp=1002.0))
        await first.save(tracker)
        results.append(_rows(first, "a"))
    assert results[0] == results[1]
    assert [row[2] for row in results[0]][-1] == "action_listen"


async def test_erase_leaves_no_text_in_the_tables_pages(url):
    store = pg_store(url)
    await save(store, "b", time.time())  # laid out as in the test below, where a DELETE leaves the text
    await save_secret(store, "a")
    assert pages_with_text(store) == 1  # the check sees a stored text
    assert await store.delete("a") > 0
    assert pages_with_text(store) == 0
    assert await store.retrieve("a") is None
    assert (await store.retrieve("b")).latest_message.text == "привет"


async def test_a_plain_delete_would_leave_the_text(url):
    """Why the VACUUM FULL: without it (and with a plain VACUUM) the deleted text is still there."""
    store = pg_store(url)
    # Live rows before it on the same page (an empty last page would be truncated, and live
    # rows stored after it would be moved over it when the page is compacted).
    await save(store, "b", time.time())
    await save_secret(store, "a")
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'a'"))
        connection.execute(sa.text("VACUUM events"))
    assert pages_with_text(store) == 1


async def test_purge_deletes_silent_conversations_and_their_text(url):
    store = pg_store(url)
    now = time.time()
    await save_secret(store, "old")  # timestamp: now
    await save(store, "recent", now + 3600)
    assert await store.purge(1800, now=now + 3600) == 1
    assert set(await store.keys()) == {"recent"}
    assert pages_with_text(store) == 0


async def test_concurrent_erases_share_rewrites(url):
    import asyncio

    store = pg_store(url)
    for sender in "abcd":
        await save_secret(store, sender)
    assert sum(await asyncio.gather(*(store.delete(s) for s in "abcd"))) == 4
    assert pages_with_text(store) == 0 and store._scrubbed == store._deleted == 4


def test_url_from_the_environment_and_the_purge_command(url, tmp_path, monkeypatch):
    """endpoints.yml as it is (SQLite) + TRACKER_STORE_URL → PostgreSQL, also for the purge command."""
    monkeypatch.setenv(URL_ENV, url)
    store = PrivateSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "unused.sqlite"), purge_every_minutes=0)
    assert store.engine.dialect.name == "postgresql" and not (tmp_path / "unused.sqlite").exists()
    import asyncio

    asyncio.run(save(store, "old", time.time() - 3 * 86400))
    result = subprocess.run(
        [sys.executable, "-m", "safety.purge", "--older-than", "2d"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 conversation" in result.stdout
    assert asyncio.run(store.keys()) == []
