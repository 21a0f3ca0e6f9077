"""Bounded work per message, through the real servers (REST channel): a hostile message is
answered at once with the calm "please write briefly" reply and the hotline, the server's
memory does not grow, a conversation beside it is not held up, and a malformed request gets a
4xx, never a 5xx. The numbers: ``python -m bench.hostile_input``."""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest

from actions.texts import text
from bench.hostile_input import (
    HARD_MESSAGES,
    ONE_MILLION_LETTERS,
    declared_huge_post,
    hostile_posts,
    malformed_requests,
    memory_kb,
    neighbour_delay,
    post,
    say,
)
from safety.message_bounds import MAX_MESSAGE_CHARS

pytestmark = pytest.mark.e2e

NUMBERS = ("102", "103", "112", "8-801-100-8-801")


def stored_texts(assistant, sender: str) -> list:
    with sqlite3.connect(assistant.work / "tracker.sqlite") as connection:
        rows = connection.execute("select data from events where sender_id = ? and type_name = 'user'", (sender,))
        return [json.loads(data).get("text") for (data,) in rows]


def test_a_million_letters_get_the_calm_reply_at_once_and_the_memory_stays(assistant):
    me = "hostile-" + uuid.uuid4().hex
    say(assistant.base, me, "привет")  # warm: the first turn loads what it needs
    say(assistant.base, me, ONE_MILLION_LETTERS)
    before = memory_kb(assistant.pid)
    for _ in range(3):
        reply, seconds = say(assistant.base, me, ONE_MILLION_LETTERS)
        assert seconds < 1.0, seconds
        assert len(reply) == 1 and reply[0]["text"].startswith(text("ru", "too_long"))
        for number in NUMBERS:
            assert number in reply[0]["text"]
    after = memory_kb(assistant.pid)
    # Was: 19 GB at 100,000 letters, killed by the kernel at 1,000,000. Reading a 2 MB body and
    # its JSON may leave a few MB with the allocator; a parse of it would take gigabytes.
    assert after["VmRSS"] - before["VmRSS"] < 50 * 1024, (before, after)
    assert after["VmHWM"] - before["VmHWM"] < 50 * 1024, (before, after)
    assert all(len(t or "") <= MAX_MESSAGE_CHARS for t in stored_texts(assistant, me))  # never stored


def test_the_reply_to_an_over_long_message_is_in_the_conversations_language(assistant):
    me = "hostile-" + uuid.uuid4().hex
    say(assistant.base, me, '/set_language{"language":"en"}')
    reply, _ = say(assistant.base, me, "z" * (MAX_MESSAGE_CHARS + 1))
    assert reply[0]["text"].startswith(text("en", "too_long"))
    reply, _ = say(assistant.base, "hostile-" + uuid.uuid4().hex, "Мне патрэбна дапамога " * 100)
    assert reply[0]["text"].startswith(text("be", "too_long"))


def test_a_conversation_beside_them_is_not_held_up(assistant):
    base = assistant.base
    delay = neighbour_delay(base, lambda: hostile_posts(base, 5))
    print(f"\nneighbour turns: {delay}")
    assert delay["turns beside"] >= 1
    # Was: every conversation held 13 s by one message of 50,000 letters. Now each costs the
    # server ~15 ms; on this shared 2-core machine single turns vary by hundreds of ms, so the
    # typical turn is held to 200 ms and the worst to a second.
    assert delay["beside median"] <= delay["alone median"] + 200, delay
    assert delay["beside max"] <= delay["alone max"] + 1000, delay


@pytest.mark.parametrize("name", sorted(HARD_MESSAGES))
def test_messages_at_the_limit_that_made_nlu_work_hard_are_answered_quickly(assistant, name):
    # Were 3.5-5 s (2,000 exclamation marks or emoji) before the NLU bounds.
    reply, seconds = say(assistant.base, "hard-" + uuid.uuid4().hex, HARD_MESSAGES[name])
    assert reply and seconds < 1.0, seconds


@pytest.mark.parametrize("name", sorted(malformed_requests()))
def test_malformed_requests_get_a_4xx(assistant, name):
    status, body, _ = post(assistant.base, malformed_requests()[name])
    assert 400 <= status < 500, (status, body[:300])


@pytest.mark.parametrize("size", [9_000_000, 100_000_000, 1_000_000_000])
def test_a_huge_body_is_refused_before_it_is_read(assistant, size):
    assert declared_huge_post(assistant.base, size) == 413
    reply, _ = say(assistant.base, "after-" + uuid.uuid4().hex, "/start")
    assert text("ru", "welcome") in "\n".join(m.get("text") or "" for m in reply)


def test_client_metadata_and_channel_name_are_not_stored(assistant):
    me = "meta-" + uuid.uuid4().hex
    body = {"sender": me, "message": "/start", "metadata": {"phone": "+375291112233"}, "input_channel": "telegram"}
    status, _, _ = post(assistant.base, json.dumps(body).encode())
    assert status == 200
    with sqlite3.connect(assistant.work / "tracker.sqlite") as connection:
        rows = [
            json.loads(d)
            for (d,) in connection.execute("select data from events where sender_id = ? and type_name = 'user'", (me,))
        ]
    assert rows and all(r.get("input_channel") == "rest" for r in rows)
    assert "375291112233" not in json.dumps(rows)


async def test_the_website_answers_an_over_long_message_without_rasa(assistant):
    """The socket.io channel, as the chat page talks to it."""
    import asyncio

    import socketio

    client = socketio.AsyncClient(reconnection=False)
    replies: "asyncio.Queue" = asyncio.Queue()
    confirmed: "asyncio.Queue" = asyncio.Queue()
    client.on("session_confirm", lambda session_id: confirmed.put_nowait(session_id))
    client.on("bot_uttered", lambda message: replies.put_nowait(message))
    # Long polling: this aiohttp is older than python-socketio's websocket client wants.
    await client.connect(assistant.base, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {})
        session_id = await asyncio.wait_for(confirmed.get(), 10)
        await client.emit("user_uttered", {"message": "ж" * 5000})
        parts = [await asyncio.wait_for(replies.get(), 10)]
        while len(parts) < 10:  # Rasa's socket.io output sends each paragraph as a message
            try:
                parts.append(await asyncio.wait_for(replies.get(), 1.5))
            except asyncio.TimeoutError:
                break
        said = "\n\n".join(p["text"] for p in parts)
        assert said.startswith(text("ru", "too_long"))
        for number in NUMBERS:
            assert number in said
        assert stored_texts(assistant, session_id) == []  # it never reached Rasa
        await client.emit("user_uttered", {"message": "/start"})
        reply = await asyncio.wait_for(replies.get(), 30)
        assert reply.get("text")
    finally:
        await client.disconnect()


@pytest.mark.parametrize("message", ["ж" * 100_000, "!" * 100_000, "😀 " * 50_000], ids=["letters", "exclamation marks", "emoji"])
def test_the_nlu_pipeline_itself_is_bounded(assistant, message):
    """The HTTP API's parse endpoint reaches NLU without any channel: the pipeline's own bound
    (components/message_bounds.py) answers at once (was: over 60 s and 19 GB for 100,000 letters)."""
    import time
    import urllib.request

    request = urllib.request.Request(
        f"{assistant.base}/model/parse?token={assistant.token}",
        data=json.dumps({"text": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        parsed = json.loads(response.read())
    assert time.perf_counter() - started < 1.0
    assert parsed["intent"]["name"] and len(parsed["text"]) <= MAX_MESSAGE_CHARS
