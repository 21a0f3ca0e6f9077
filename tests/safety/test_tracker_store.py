"""Erase and retention on a real SQLite tracker store."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text as sql

from safety.purge import parse_age
from safety.tracker_store import PrivateSQLTrackerStore
from tests.actions.conftest import REPO

DOMAIN = Domain.load(str(REPO / "domain.yml"))


def store_at(path) -> PrivateSQLTrackerStore:
    return PrivateSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path), purge_every_minutes=0)


async def save(store, sender: str, when: float) -> None:
    events = [ActionExecuted("action_listen", timestamp=when), UserUttered("привет", {"name": "greet"}, timestamp=when)]
    await store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots))


async def test_delete_forgets_one_conversation_only(tmp_path):
    store = store_at(tmp_path / "t.sqlite")
    now = time.time()
    await save(store, "a", now)
    await save(store, "b", now)
    assert await store.delete("a") > 0
    assert await store.retrieve("a") is None
    assert (await store.retrieve("b")).latest_message.text == "привет"
    assert await store.delete("a") == 0


async def test_purge_deletes_only_silent_conversations(tmp_path):
    store = store_at(tmp_path / "t.sqlite")
    now = time.time()
    await save(store, "old", now - 25 * 3600)
    await save(store, "recent", now - 3600)
    assert await store.purge(24 * 3600, now=now) == 1
    assert set(await store.keys()) == {"recent"}


def test_parse_age():
    assert parse_age("24h") == 86400 and parse_age("90m") == 5400 and parse_age("7d") == 604800 and parse_age("30") == 30


async def test_purge_command(tmp_path):
    db = tmp_path / "t.sqlite"
    store = store_at(db)
    await save(store, "old", time.time() - 3 * 86400)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: safety.tracker_store.PrivateSQLTrackerStore\n  dialect: sqlite\n  db: {db}\n")
    done = subprocess.run(
        [sys.executable, "-m", "safety.purge", "--older-than", "2d", "--endpoints", str(endpoints)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Deleted 1 conversation" in done.stdout
    assert await store_at(db).keys() == []


async def test_retention_runs_inside_the_server_loop(tmp_path):
    store = PrivateSQLTrackerStore(
        DOMAIN, dialect="sqlite", db=str(tmp_path / "t.sqlite"), retention_hours=1, purge_every_minutes=0.001
    )
    await save(store, "old", time.time() - 2 * 3600)
    await save(store, "recent", time.time())
    await store.retrieve("recent")  # first use starts the loop
    for _ in range(50):
        if set(await store.keys()) == {"recent"}:
            break
        await asyncio.sleep(0.05)
    assert set(await store.keys()) == {"recent"}
    store._purging.cancel()


# --- the per-turn fixes keep Rasa's rows ---------------------------------------------------


def _rows(store, sender):
    with store.session_scope() as session:
        return [
            tuple(r)
            for r in session.execute(
                sql("SELECT type_name, intent_name, action_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender},
            )
        ]


def _turn(n: int, t: float):
    return [
        UserUttered(f"сообщение {n}", {"name": "greet"}, timestamp=t),
        SlotSet("region", "BY-HO", timestamp=t),
        ActionExecuted("action_welcome", timestamp=t),
        ActionExecuted("action_listen", timestamp=t),
    ]


async def _conversation(store, sender: str, start: float):
    """Turns as the processor makes them: retrieve, add events, save; a new session after the third."""
    for n in range(6):
        tracker = await store.retrieve(sender) or DialogueStateTracker.from_events(sender, [], DOMAIN.slots)
        t = start + n
        if n in (0, 3):
            for event in [
                ActionExecuted("action_session_start", timestamp=t),
                SessionStarted(timestamp=t),
                ActionExecuted("action_listen", timestamp=t),
            ]:
                tracker.update(event)
            await store.save(tracker)  # the processor saves right after a session starts
            tracker = await store.retrieve(sender)
        for event in _turn(n, t):
            tracker.update(event)
        await store.save(tracker)


async def test_same_rows_as_rasas_store(tmp_path):
    ours = store_at(tmp_path / "ours.sqlite")
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.sqlite"))
    start = time.time()
    await _conversation(ours, "a", start)
    await _conversation(rasas, "a", start)
    assert _rows(ours, "a") == _rows(rasas, "a")
    assert len(_rows(ours, "a")) == 2 * 3 + 6 * 4
    assert (await ours.retrieve("a")).current_state() == (await rasas.retrieve("a")).current_state()


async def test_another_writer_between_retrieve_and_save(tmp_path):
    """Another server process writing the same conversation: the stored count is not trusted."""
    results = []
    for make in (lambda p: store_at(p), lambda p: SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(p))):
        path = tmp_path / f"db{len(results)}.sqlite"
        first, second = make(path), make(path)
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


async def test_sqlite_settings_and_erase_leaves_no_text(tmp_path):
    db = tmp_path / "t.sqlite"
    store = store_at(db)
    with store.session_scope() as session:
        assert session.execute(sql("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(sql("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert session.execute(sql("PRAGMA secure_delete")).scalar() == 1
    secret = "Тайная улица 17"
    await store.save(DialogueStateTracker.from_events("a", [UserUttered(secret, {"name": "inform"})], DOMAIN.slots))
    await save(store, "b", time.time())
    assert await store.delete("a") > 0
    stored_forms = [secret.encode(), json.dumps(secret)[1:-1].encode()]  # as UTF-8 and as JSON escapes
    for path in tmp_path.glob("t.sqlite*"):
        assert not any(form in path.read_bytes() for form in stored_forms), path.name
    assert (await store.retrieve("b")).latest_message.text == "привет"


async def test_the_erase_check_would_see_a_stored_text(tmp_path):
    """The check above can fail: before erasing, the text is in the files in one of its forms."""
    store = store_at(tmp_path / "t.sqlite")
    secret = "Тайная улица 17"
    await store.save(DialogueStateTracker.from_events("a", [UserUttered(secret, {"name": "inform"})], DOMAIN.slots))
    stored_forms = [secret.encode(), json.dumps(secret)[1:-1].encode()]
    assert any(form in path.read_bytes() for path in tmp_path.glob("t.sqlite*") for form in stored_forms)


async def test_same_rows_as_rasas_store_without_the_sqlite_shortcut(tmp_path, monkeypatch):
    """The generic (SQLAlchemy session) path, used for PostgreSQL, keeps Rasa's rows too."""
    ours = store_at(tmp_path / "ours.sqlite")
    monkeypatch.setattr(ours, "_raw_sql", {})
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.sqlite"))
    start = time.time()
    await _conversation(ours, "a", start)
    await _conversation(rasas, "a", start)
    assert _rows(ours, "a") == _rows(rasas, "a")


def test_full_synchronous_on_request(tmp_path):
    store = PrivateSQLTrackerStore(
        DOMAIN, dialect="sqlite", db=str(tmp_path / "t.sqlite"), purge_every_minutes=0, sqlite_synchronous="full"
    )
    with store.session_scope() as session:
        assert session.execute(sql("PRAGMA synchronous")).scalar() == 2
