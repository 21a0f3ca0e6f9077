"""The lock store chosen by the environment: Rasa's ``RedisLockStore`` when ``LOCK_STORE_URL`` is
set (several Rasa servers), Rasa's in-memory store otherwise (one server, the default).

Rasa serialises the turns of one conversation with a ticket lock. With several servers behind a
load balancer the lock must be shared, or two turns of one conversation on two servers could
both read the tracker and save over each other. endpoints.yml names this class; Rasa's own
``${VAR}`` substitution in endpoints.yml has no default (an unset variable stops the server), so
one file could not serve both set-ups.

    LOCK_STORE_URL=redis://[:password@]host:6379/0   # unset: in memory
    LOCK_STORE_TIMEOUT=1                             # seconds to wait for Redis (default 1)

When Redis fails (down, unreachable, too slow) the turn is NOT lost: this store falls back to
the in-process lock for ``RETRY_SECONDS`` and then tries Redis again, logging once per outage.
Answers carry on as usual (hotline and 102/103/112 included); what is lost meanwhile is only the
cross-server ordering of two messages of the same conversation arriving at the same moment on
two servers — one person typing rarely does that, and the worst case is one reply computed from
a tracker without the other's turn (docs/SCALING.md).

One fix to Rasa's waiting loop (``_acquire_lock``): a turn waiting behind the ticket of a server
that died mid-turn waited forever whenever its own ticket expired in the same second as the dead
one (found by tests/e2e/test_topology.py: a turn resent by HAProxy 0.5 s after the kill is exactly
that case) — the queue is then empty and "now serving" never equals its number. Tickets all have
the same lifetime, so when the waiting turn's own ticket has expired every ticket before it has
too: nobody holds the conversation, and the turn goes ahead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, Optional, Text
from urllib.parse import unquote, urlsplit

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore, RedisLockStore

logger = logging.getLogger(__name__)

URL_ENV = "LOCK_STORE_URL"
RETRY_SECONDS = 5.0


class EnvironmentLockStore(LockStore):
    """See the module docstring."""

    def __init__(self, endpoint_config: Any = None) -> None:
        self.memory = InMemoryLockStore()
        self.redis: Optional[RedisLockStore] = None
        self._down_until = 0.0
        url = os.environ.get(URL_ENV)
        if url:
            parts = urlsplit(url)
            if parts.scheme != "redis":
                raise ValueError(f"{URL_ENV} must be a redis:// URL")
            self.redis = RedisLockStore(
                host=parts.hostname or "localhost",
                port=parts.port or 6379,
                db=int(parts.path.strip("/") or 0),
                password=unquote(parts.password) if parts.password else None,
                socket_timeout=float(os.environ.get("LOCK_STORE_TIMEOUT", 1)),
            )
            logger.info("lock store: Redis at %s:%s", parts.hostname, parts.port or 6379)

    @property
    def shared(self) -> bool:
        """Whether locks are currently shared between servers (Redis configured and answering)."""
        return self.redis is not None and time.monotonic() >= self._down_until

    def _call(self, name: str, *args: Any) -> Any:
        if self.shared:
            try:
                result = getattr(self.redis, name)(*args)
                if self._down_until:
                    logger.warning("lock store: Redis answers again; locks are shared again")
                    self._down_until = 0.0
                return result
            except redis.exceptions.RedisError as error:
                if not self._down_until:
                    logger.error("lock store: Redis failed (%s); in-process locks for now", type(error).__name__)
                self._down_until = time.monotonic() + RETRY_SECONDS
        return getattr(self.memory, name)(*args)

    async def _acquire_lock(self, conversation_id: Text, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break  # Rasa's behaviour: the lock was deleted meanwhile → LockError below
            if not lock.is_locked(ticket) or lock._ticket_for_ticket_number(ticket) is None:
                return lock  # its turn, or its own ticket (and so every earlier one) expired
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self._call("get_lock", conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        self._call("delete_lock", conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self._call("save_lock", lock)
