"""Erase one conversation (safety rule 2): the one function every channel calls — Telegram's
/erase, its erase button and auto-erase, the website's quick exit.

It runs under the conversation's lock, the one Rasa's agent holds while it handles a message of
that conversation. A message still being handled saves its events only when its turn ends; an
erase that did not wait would be followed by that save, which writes the whole conversation back
(the store then counts nothing stored and saves every event again). With the lock, the turn in
flight finishes, then the erase runs, then any message that arrived after it starts afresh.

``also`` is a channel's own clean-up (deleting the chat's messages in Telegram); it runs under
the same lock, so the replies of the turn in flight are already sent and can be deleted too.

Depends on Rasa's agent, lock store and a tracker store with ``delete`` only (no speed patch).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.lock_store import LockError

logger = logging.getLogger(__name__)

# How often a waiting erase looks at the lock again (Rasa's agent polls every second).
LOCK_POLL_SECONDS = 0.05


def deletable_store(store: Any) -> Any:
    """The configured store inside Rasa's wrappers (AwaitableTrackerStore, FailSafeTrackerStore),
    if it can delete a conversation; else None."""
    for _ in range(4):
        if hasattr(store, "delete"):
            return store
        store = getattr(store, "_tracker_store", None)
        if store is None:
            break
    return None


async def erase_conversation(agent: Any, sender_id: str, also: Optional[Callable[[], Awaitable[None]]] = None) -> Optional[int]:
    """Delete every stored event of ``sender_id`` once no message of it is being handled, and
    run ``also`` under the same lock. Returns the number of events deleted, or None if the
    tracker store cannot delete (logged as an error)."""
    lock_store = getattr(agent, "lock_store", None)
    if lock_store is None:
        return await _erase(agent, sender_id, also)
    try:
        async with lock_store.lock(sender_id, wait_time_in_seconds=LOCK_POLL_SECONDS):
            return await _erase(agent, sender_id, also)
    except LockError:
        # The lock expired while waiting (a turn outlived the lock's lifetime): forgetting is
        # what the person asked for, so erase anyway.
        logger.warning("erase: the conversation lock expired; erasing without it")
        return await _erase(agent, sender_id, also)


async def _erase(agent: Any, sender_id: str, also: Optional[Callable[[], Awaitable[None]]]) -> Optional[int]:
    store = deletable_store(getattr(agent, "tracker_store", None))
    deleted = None
    if store is None:
        logger.error("the tracker store cannot erase conversations; configure PrivateSQLTrackerStore")
    else:
        deleted = await store.delete(sender_id)
    if also is not None:
        try:
            await also()
        except Exception as error:  # the stored conversation is gone; report the rest
            logger.error("erase: the channel's clean-up failed (%s)", type(error).__name__)
    return deleted
