"""Which Telegram messages belong to which conversation, so that /erase can delete them.

Kept IN PROCESS MEMORY ONLY, keyed by the hashed conversation id, and never written anywhere:

* Telegram lets a bot delete its own and the user's messages in a private chat for 48 hours, so
  entries older than that are dropped; a conversation silent for 48 hours is forgotten entirely.
* The raw chat id is needed to call ``deleteMessages`` (and for the optional auto-erase, which has
  no incoming update to take it from). It lives here, beside the message ids, and nowhere else —
  not in the tracker store, not in logs, not on disk.
* Trade-off: after a restart of the Rasa server the list is empty, so /erase then deletes only
  messages exchanged since the restart (the stored conversation is still deleted). A disk-backed
  list would survive restarts but would keep a chat id ↔ conversation link on disk; for this
  assistant the smaller record wins.
"""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Deque, List, Optional, Tuple

DELETE_WINDOW_SECONDS = 48 * 3600 - 600  # Telegram's limit, minus a margin
MAX_MESSAGES_PER_CONVERSATION = 1000
MAX_CONVERSATIONS = 100_000


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
