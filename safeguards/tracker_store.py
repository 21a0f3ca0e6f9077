"""A SQL tracker store that can forget (safety rule 2: conversations can be erased and expire).

Rasa 3.6's ``SQLTrackerStore`` can only add events. This subclass adds ``delete`` (one
conversation, for "erase" in Telegram and the website's quick exit) and ``purge`` (every
conversation silent for longer than a given age, for retention). Configure it in endpoints.yml:

    tracker_store:
      type: safeguards.tracker_store.PrivateSQLTrackerStore
      dialect: sqlite
      db: var/tracker.sqlite
      retention_hours: 24        # conversations silent longer than this are deleted …
      purge_every_minutes: 60    # … by a task inside the server, this often (0 = never)
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import delete, func, select

logger = logging.getLogger(__name__)


class PrivateSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, retention_hours: float = 24, purge_every_minutes: float = 60, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retention_seconds = float(retention_hours) * 3600
        self.purge_every_seconds = float(purge_every_minutes) * 60
        self._purging: Optional[asyncio.Task] = None

    def _ensure_purge_task(self) -> None:
        """Start the retention loop inside the server's event loop, on first use."""
        if self._purging is None and self.purge_every_seconds > 0:
            self._purging = asyncio.get_running_loop().create_task(self._purge_forever())

    async def _purge_forever(self) -> None:
        while True:
            try:
                await self.purge(self.retention_seconds)
            except Exception as error:  # a failed purge must never take the server down
                logger.error("retention purge failed: %s", type(error).__name__)
            await asyncio.sleep(self.purge_every_seconds)

    async def retrieve(self, sender_id: Text):  # type: ignore[no-untyped-def]
        self._ensure_purge_task()
        return await super().retrieve(sender_id)

    async def delete(self, sender_id: Text) -> int:
        """Delete every event of one conversation; returns how many were deleted."""
        with self.session_scope() as session:
            result = session.execute(delete(self.SQLEvent).where(self.SQLEvent.sender_id == sender_id))
            session.commit()
        # The count only: a conversation id is never logged.
        logger.info("erased one conversation (%d events)", result.rowcount)
        return result.rowcount

    async def purge(self, older_than_seconds: float, now: Optional[float] = None) -> int:
        """Delete conversations whose latest event is older than ``older_than_seconds``;
        returns how many conversations were deleted."""
        cutoff = (now if now is not None else time.time()) - older_than_seconds
        with self.session_scope() as session:
            stale = (
                select(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(func.max(self.SQLEvent.timestamp) < cutoff)
            )
            senders = list(session.scalars(stale))
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                session.execute(delete(self.SQLEvent).where(self.SQLEvent.sender_id.in_(chunk)))
            session.commit()
        logger.info("purged %d conversations older than %.0f s", len(senders), older_than_seconds)
        return len(senders)
