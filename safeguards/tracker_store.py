"""A SQL tracker store that can forget (safety rule 2: conversations can be erased and expire).

Rasa 3.6's ``SQLTrackerStore`` can only add events. This subclass adds ``delete`` (one
conversation, for "erase" in Telegram and the website's quick exit) and ``purge`` (every
conversation silent for longer than a given age, for retention). Configure it in endpoints.yml:

    tracker_store:
      type: safeguards.tracker_store.PrivateSQLTrackerStore
      dialect: sqlite
      db: var/tracker.sqlite
"""
from __future__ import annotations

import logging
import time
from typing import Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import delete, func, select

logger = logging.getLogger(__name__)


class PrivateSQLTrackerStore(SQLTrackerStore):
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
