"""Which Telegram messages belong to which conversation, so that /erase can delete them.

Never written to disk, and never next to a raw chat id outside this process's memory:

* Telegram lets a bot delete its own and the user's messages in a private chat for 48 hours, so
  entries older than that are dropped; a conversation silent for 48 hours is forgotten entirely.
* The raw chat id is needed to call ``deleteMessages`` (and for the optional auto-erase, which has
  no incoming update to take it from). It lives in this process's memory, beside the message ids,
  and nowhere else — not in Redis, not in the tracker store, not in logs, not on disk.
* One Rasa server (the default): everything in memory (``MessageLog``). Trade-off: after a
  restart the list is empty, so /erase then deletes only messages exchanged since the restart
  (the stored conversation is still deleted). A disk-backed list would survive restarts but
  would keep a chat id ↔ conversation link on disk; for this assistant the smaller record wins.
* Several Rasa servers behind a load balancer (``LOCK_STORE_URL`` set, docs/SCALING.md): the
  message ids and the time of the last user message go to that Redis (``SharedMessageLog``),
  keyed by a SHA-256 of the (already hashed) conversation id, with a 48-hour TTL — message ids
  and times only, never a chat id. So /erase arriving at any server deletes the messages every
  server saw: the update carries the chat id. Auto-erase runs on each server for the
  conversations it has seen (it needs the chat id, which stays in that server's memory); it
  reads the shared last activity, so a conversation active on another server is not erased
  early. If Redis fails, the ids of that moment stay in this server's memory (logged once).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Deque, List, Optional, Tuple

logger = logging.getLogger(__name__)

DELETE_WINDOW_SECONDS = 48 * 3600 - 600  # Telegram's limit, minus a margin
MAX_MESSAGES_PER_CONVERSATION = 1000
MAX_CONVERSATIONS = 100_000
SHARED_TTL_SECONDS = 48 * 3600
SHARED_RETRY_SECONDS = 5.0
URL_ENV = "LOCK_STORE_URL"  # the Redis the servers share (safety/lock_store.py)


@dataclass
class _Entry:
    chat_id: int
    last_active: float
    messages: Deque[Tuple[int, float]] = field(default_factory=deque)


class MessageLog:
    def __init__(self, window: float = DELETE_WINDOW_SECONDS) -> None:
        self._window = window
        self._entries: "OrderedDict[str, _Entry]" = OrderedDict()
        self._last_expiry = 0.0

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, sender: str, chat_id: int, message_id: Optional[int], now: Optional[float] = None, active: bool = True) -> None:
        """Remember a message (``active`` = sent by the user, which also marks activity)."""
        now = time.time() if now is None else now
        entry = self._entries.get(sender)
        if entry is None:
            entry = self._entries[sender] = _Entry(chat_id=chat_id, last_active=now)
        self._entries.move_to_end(sender)
        if active:
            entry.last_active = now
        if isinstance(message_id, int):
            entry.messages.append((message_id, now))
            while len(entry.messages) > MAX_MESSAGES_PER_CONVERSATION:
                entry.messages.popleft()
        while len(self._entries) > MAX_CONVERSATIONS:
            self._entries.popitem(last=False)
        self._expire(now)

    def pop(self, sender: str, now: Optional[float] = None) -> Tuple[Optional[int], List[int]]:
        """Forget a conversation; returns (chat id, ids of its messages still deletable)."""
        now = time.time() if now is None else now
        entry = self._entries.pop(sender, None)
        if entry is None:
            return None, []
        return entry.chat_id, [mid for mid, sent in entry.messages if now - sent < self._window]

    def inactive(self, seconds: float, now: Optional[float] = None) -> List[str]:
        """Conversations with no user message for ``seconds``."""
        now = time.time() if now is None else now
        return [sender for sender, entry in self._entries.items() if now - entry.last_active >= seconds]

    def _expire(self, now: float) -> None:
        if now - self._last_expiry < 60:
            return
        self._last_expiry = now
        for sender in [s for s, e in self._entries.items() if now - e.last_active >= self._window]:
            del self._entries[sender]
        for entry in self._entries.values():
            while entry.messages and now - entry.messages[0][1] >= self._window:
                entry.messages.popleft()


class SharedMessageLog(MessageLog):
    """``MessageLog`` whose message ids and last user activity live in a Redis shared by every
    Rasa server (see the module docstring); chat ids stay in this process."""

    PREFIX = "dv-help:telegram:"

    def __init__(self, client: Any, window: float = DELETE_WINDOW_SECONDS) -> None:
        super().__init__(window)
        self.redis = client
        self._down_until = 0.0

    def _key(self, kind: str, sender: str) -> str:
        return f"{self.PREFIX}{kind}:{hashlib.sha256(sender.encode()).hexdigest()}"

    def _call(self, work: Callable[[Any], Any]) -> Tuple[bool, Any]:
        """(True, result) from Redis, or (False, None) while it fails (retried after a pause)."""
        if time.monotonic() < self._down_until:
            return False, None
        try:
            result = work(self.redis)
        except Exception as error:  # noqa: BLE001 - any Redis failure: keep the ids here
            if not self._down_until:
                logger.error("Telegram message ids: Redis failed (%s); kept in this server for now", type(error).__name__)
            self._down_until = time.monotonic() + SHARED_RETRY_SECONDS
            return False, None
        if self._down_until:
            logger.warning("Telegram message ids: Redis answers again")
            self._down_until = 0.0
        return True, result

    def add(self, sender: str, chat_id: int, message_id: Optional[int], now: Optional[float] = None, active: bool = True) -> None:
        now = time.time() if now is None else now
        messages, activity = self._key("messages", sender), self._key("active", sender)

        def store(client: Any) -> None:
            pipe = client.pipeline(transaction=False)
            if isinstance(message_id, int):
                pipe.rpush(messages, f"{message_id}:{now:.0f}")
                pipe.ltrim(messages, -MAX_MESSAGES_PER_CONVERSATION, -1)
                pipe.expire(messages, SHARED_TTL_SECONDS)
            if active:
                pipe.set(activity, f"{now:.0f}", ex=SHARED_TTL_SECONDS)
            pipe.execute()

        shared, _ = self._call(store)
        super().add(sender, chat_id, None if shared else message_id, now, active)

    def pop(self, sender: str, now: Optional[float] = None) -> Tuple[Optional[int], List[int]]:
        now = time.time() if now is None else now
        chat_id, local = super().pop(sender, now)
        messages, activity = self._key("messages", sender), self._key("active", sender)

        def take(client: Any) -> List[Any]:
            pipe = client.pipeline(transaction=True)
            pipe.lrange(messages, 0, -1)
            pipe.delete(messages, activity)
            return pipe.execute()[0]

        shared, stored = self._call(take)
        ids = set(local)
        for item in stored or ():
            message_id, _, sent = (item.decode() if isinstance(item, bytes) else str(item)).partition(":")
            if message_id.isdigit() and sent.isdigit() and now - int(sent) < self._window:
                ids.add(int(message_id))
        return chat_id, sorted(ids)

    def inactive(self, seconds: float, now: Optional[float] = None) -> List[str]:
        now = time.time() if now is None else now
        quiet = []
        for sender in super().inactive(seconds, now):
            shared, last = self._call(functools.partial(_get, key=self._key("active", sender)))
            if shared and last is not None and now - float(last) < seconds:
                self._entries[sender].last_active = float(last)  # active on another server
            else:
                quiet.append(sender)
        return quiet


def _get(client: Any, key: str) -> Any:
    return client.get(key)


def message_log() -> MessageLog:
    """Shared through Redis when the servers share one (``LOCK_STORE_URL``), else in memory."""
    url = os.environ.get(URL_ENV)
    if not url:
        return MessageLog()
    import redis

    client = redis.Redis.from_url(url, socket_timeout=float(os.environ.get("LOCK_STORE_TIMEOUT", 1)))
    return SharedMessageLog(client)
