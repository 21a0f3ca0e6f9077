"""The lock store chosen by the environment, against a real Redis server."""

from __future__ import annotations

import asyncio
import time

from rasa.core.lock_store import InMemoryLockStore

from safety import lock_store
from safety.lock_store import URL_ENV, EnvironmentLockStore


def test_in_memory_without_the_variable(monkeypatch):
    monkeypatch.delenv(URL_ENV, raising=False)
    store = EnvironmentLockStore()
    assert store.redis is None and not store.shared


async def test_two_servers_share_one_conversations_lock(redis_url, monkeypatch):
    monkeypatch.setenv(URL_ENV, redis_url[0])
    first, second = EnvironmentLockStore(), EnvironmentLockStore()
    order = []

    async def turn(store, name, hold):
        async with store.lock("c1", wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    await asyncio.gather(turn(first, "a", 0.3), asyncio.sleep(0.05))
    await asyncio.gather(turn(first, "a", 0.3), turn(second, "b", 0))
    assert order[2:] == ["a in", "a out", "b in", "b out"]
    assert first.get_lock("c1") is None  # cleaned up in Redis


async def test_a_turn_behind_a_dead_servers_ticket_goes_ahead_when_it_expires(redis_url, monkeypatch):
    """Rasa's loop waited forever when both tickets expired in the same second."""
    monkeypatch.setenv(URL_ENV, redis_url[0])
    dead, alive = EnvironmentLockStore(), EnvironmentLockStore()
    dead.issue_ticket("c1", lock_lifetime=1)  # then the server is killed: never cleaned up
    started = time.monotonic()
    async with alive.lock("c1", lock_lifetime=1, wait_time_in_seconds=1):
        waited = time.monotonic() - started
    assert 0.9 <= waited < 5


async def test_redis_down_falls_back_to_local_locks_and_back(redis_url, monkeypatch, caplog):
    monkeypatch.setenv(URL_ENV, redis_url[0])
    monkeypatch.setenv("LOCK_STORE_TIMEOUT", "0.5")
    store = EnvironmentLockStore()
    url, server = redis_url
    server.kill()
    server.wait()
    async with store.lock("c1", wait_time_in_seconds=0.05):
        assert not store.shared and isinstance(store.memory, InMemoryLockStore)
        assert store.memory.get_lock("c1") is not None
    assert "Redis failed" in caplog.text
    async with store.lock("c2", wait_time_in_seconds=0.05):  # still down: no new wait on Redis
        pass
    monkeypatch.setattr(lock_store, "RETRY_SECONDS", 0.0)
    store._down_until = time.monotonic()
    assert store.get_lock("c3") is None  # retries Redis (still down) and falls back again
