"""Erase and retention on a real SQLite tracker store."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from safeguards.purge import parse_age
from safeguards.tracker_store import PrivateSQLTrackerStore
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
    endpoints.write_text(f"tracker_store:\n  type: safeguards.tracker_store.PrivateSQLTrackerStore\n  dialect: sqlite\n  db: {db}\n")
    done = subprocess.run(
        [sys.executable, "-m", "safeguards.purge", "--older-than", "2d", "--endpoints", str(endpoints)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Deleted 1 conversation" in done.stdout
    assert await store_at(db).keys() == []


async def test_retention_runs_inside_the_server_loop(tmp_path):
    store = PrivateSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.sqlite"),
                                   retention_hours=1, purge_every_minutes=0.001)
    await save(store, "old", time.time() - 2 * 3600)
    await save(store, "recent", time.time())
    await store.retrieve("recent")  # first use starts the loop
    for _ in range(50):
        if set(await store.keys()) == {"recent"}:
            break
        await asyncio.sleep(0.05)
    assert set(await store.keys()) == {"recent"}
    store._purging.cancel()
