"""Telegram's message-id memory shared by several Rasa servers through one real Redis: /erase
arriving at any server deletes the messages every server saw; Redis holds no chat id."""

from __future__ import annotations

import time

import redis

from channels import telegram_memory
from channels.telegram_memory import DELETE_WINDOW_SECONDS, MessageLog, SharedMessageLog, message_log

CHAT = 987654321
SENDER = "c0ffee" * 6


def _two(url: str):
    return (
        SharedMessageLog(redis.Redis.from_url(url, socket_timeout=0.5)),
        SharedMessageLog(redis.Redis.from_url(url, socket_timeout=0.5)),
    )


def test_erase_on_the_other_server_gets_every_message(redis_url):
    first, second = _two(redis_url[0])
    first.add(SENDER, CHAT, 1)
    first.add(SENDER, CHAT, 2, active=False)
    second.add(SENDER, CHAT, 3)
    second.add(SENDER, CHAT, 4, active=False)
    assert second.pop(SENDER) == (CHAT, [1, 2, 3, 4])
    assert first.pop(SENDER) == (CHAT, [])  # already deleted; this server only knew the chat id


def test_a_server_that_never_saw_the_chat_still_gets_the_ids(redis_url):
    """The /erase update carries the chat id (channels/telegram.py takes it from there)."""
    first, second = _two(redis_url[0])
    first.add(SENDER, CHAT, 10)
    first.add(SENDER, CHAT, 11, active=False)
    assert second.pop(SENDER) == (None, [10, 11])


def test_redis_holds_no_chat_id_nor_conversation_id_and_forgets_in_48_hours(redis_url):
    first, _ = _two(redis_url[0])
    first.add(SENDER, CHAT, 5)
    client = redis.Redis.from_url(redis_url[0])
    keys = client.keys("*")
    assert keys
    for key in keys:
        assert str(CHAT).encode() not in key and SENDER.encode() not in key
        value = client.lrange(key, 0, -1) if client.type(key) == b"list" else [client.get(key)]
        assert not any(str(CHAT).encode() in item or SENDER.encode() in item for item in value)
        assert 0 < client.ttl(key) <= 48 * 3600


def test_messages_past_telegrams_window_are_not_returned(redis_url):
    first, second = _two(redis_url[0])
    now = time.time()
    first.add(SENDER, CHAT, 20, now=now - DELETE_WINDOW_SECONDS - 60)
    first.add(SENDER, CHAT, 21, now=now)
    assert second.pop(SENDER, now=now) == (None, [21])


def test_auto_erase_waits_for_a_conversation_active_on_another_server(redis_url):
    first, second = _two(redis_url[0])
    start = time.time()
    first.add(SENDER, CHAT, 30, now=start)
    second.add(SENDER, CHAT, 31, now=start + 100)  # the person went on, on the other server
    assert first.inactive(50, now=start + 120) == []
    assert first.inactive(50, now=start + 200) == [SENDER]


def test_redis_down_keeps_the_ids_in_this_server(redis_url, caplog):
    first, _ = _two(redis_url[0])
    first.add(SENDER, CHAT, 40)
    url, server = redis_url
    server.kill()
    server.wait()
    first.add(SENDER, CHAT, 41)
    first.add(SENDER, CHAT, 42, active=False)  # no second wait on Redis: it is marked down
    assert first.pop(SENDER) == (CHAT, [41, 42])
    assert caplog.text.count("Redis failed") == 1


def test_in_memory_unless_the_servers_share_a_redis(redis_url, monkeypatch):
    monkeypatch.delenv(telegram_memory.URL_ENV, raising=False)
    assert type(message_log()) is MessageLog
    monkeypatch.setenv(telegram_memory.URL_ENV, redis_url[0])
    shared = message_log()
    assert isinstance(shared, SharedMessageLog)
    shared.add(SENDER, CHAT, 50)
    assert message_log().pop(SENDER) == (None, [50])
