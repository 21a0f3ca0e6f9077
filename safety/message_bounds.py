"""Bounded work per message: what one typed message may cost the Rasa server.

Found by a hostile-input probe: the work of the NLU pipeline grows with the square of a token's
length (the gazetteer's typo check builds every one-letter deletion of an unknown word;
spaCy's tokenizer searches a run of punctuation or emoji for suffixes once per character). One
REST message of 100,000 letters without a space took the server past 60 s and to 19 GB; 2,000
exclamation marks or emoji, under the website's old cap, held every conversation for 3.5–5 s.

Two bounds, applied everywhere a message enters:

* ``MAX_MESSAGE_CHARS``: every channel (REST, Telegram, website) answers a longer message
  itself, with ``too_long_reply`` (a calm request to write briefly, the hotline and
  102 / 103 / 112); the text never reaches Rasa, its tracker store or its logs.
* ``bounded``: what the NLU pipeline reads (``components.message_bounds.MessageBounds``, first
  in config.yml): at most ``MAX_MESSAGE_CHARS`` characters, and every run of non-space
  characters cut to ``MAX_RUN_CHARS`` (no word, place name or phone number is that long). This
  holds for messages that come in another way too (the HTTP API).
"""

from __future__ import annotations

import re
from typing import Any, Optional

MAX_MESSAGE_CHARS = 2000
MAX_RUN_CHARS = 64
_LONG_RUN = re.compile(r"(\S{%d})\S+" % MAX_RUN_CHARS)


def over_long(message: str) -> bool:
    return len(message) > MAX_MESSAGE_CHARS


def bounded(message: str) -> str:
    """The message as the NLU pipeline reads it: cut to ``MAX_MESSAGE_CHARS``, every run of
    non-space characters cut to ``MAX_RUN_CHARS``."""
    message = message[:MAX_MESSAGE_CHARS]
    if len(message) <= MAX_RUN_CHARS:
        return message
    return _LONG_RUN.sub(r"\1", message)


def too_long_reply(lang: str) -> str:
    """The whole answer to an over-long message, in the person's language."""
    from actions.texts import text
    from safety import fallback

    return f"{text(lang, 'too_long')}\n\n{fallback.footer(lang)}"


async def reply_language(agent: Any, sender_id: Optional[str], message: str) -> str:
    """The language to answer an over-long message in: the conversation's, else the one its
    first characters are written in, else Russian."""
    from actions.language_detection import detect
    from actions.texts import LANGUAGES

    chosen = None
    store = getattr(agent, "tracker_store", None)
    if store is not None and sender_id:
        try:
            tracker = await store.retrieve(sender_id)
            chosen = tracker.get_slot("language") if tracker is not None else None
        except Exception:  # a store that is down must not stop this reply
            chosen = None
    if chosen in LANGUAGES:
        return chosen
    guessed = detect(message[:MAX_MESSAGE_CHARS])
    return guessed if guessed in LANGUAGES else "ru"
