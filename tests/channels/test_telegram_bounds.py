"""An over-long Telegram message is answered by the channel (calm reply + hotline) and never
reaches Rasa: nothing of it is stored (real servers, fake Bot API)."""

from __future__ import annotations

import sqlite3

import pytest

from actions.texts import text
from safety.message_bounds import MAX_MESSAGE_CHARS

pytestmark = pytest.mark.e2e


def test_an_over_long_message_gets_the_calm_reply(telegram):
    me = 7_100_000_001
    calls = telegram.say(telegram.text(me, "ж" * (MAX_MESSAGE_CHARS + 1)))
    sent = [c["text"] for c in calls if c["method"] == "sendMessage"]
    assert len(sent) == 1 and sent[0].startswith(text("ru", "too_long"))
    for number in ("102", "103", "112", "8-801-100-8-801"):
        assert number in sent[0]
    with sqlite3.connect(telegram.assistant.work / "tracker.sqlite") as connection:
        stored = connection.execute("select count(*) from events where sender_id = ?", (telegram.sender(me),)).fetchone()[0]
    assert stored == 0
    answer = telegram.say(telegram.text(me, "ж" * MAX_MESSAGE_CHARS))  # at the limit: a normal turn
    assert [c for c in answer if c["method"] == "sendMessage"]
