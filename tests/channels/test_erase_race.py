"""Erase while a message of the same conversation is still being handled (real servers).

The Rasa server saves a turn's events when the turn ends. An erase that does not wait for the
conversation's lock deletes the stored conversation while a turn is in flight; that turn then
saves the whole conversation again, and the replies it sends after the erase stay in the chat.
Here the action server is held at a gate while "/erase" arrives, then let go."""

from __future__ import annotations

import http.client
import http.server
import sqlite3
import threading
from typing import Any, Iterator, List

import pytest

from actions.texts import text
from tests.channels.conftest import Bot, FakeTelegram, telegram_bot
from tests.e2e.conftest import free_port, start_action_server, stop

pytestmark = pytest.mark.e2e


class GatedProxy:
    """Forwards the Rasa server's action calls to the real action server once ``gate`` is open."""

    def __init__(self, port: int, upstream: int) -> None:
        self.gate = threading.Event()
        self.arrived = threading.Event()
        self.gate.set()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                proxy.arrived.set()
                proxy.gate.wait(30)
                upstream_call = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
                upstream_call.request("POST", self.path, body, {"Content-Type": "application/json"})
                answer = upstream_call.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory, fake_telegram: FakeTelegram) -> Iterator[Any]:
    work = tmp_path_factory.mktemp("erase-race")
    bots = telegram_bot(work, fake_telegram, with_action_server=False)
    bot = next(bots)
    upstream = free_port()
    actions = start_action_server(upstream, work / "actions.log", bot.assistant.env)
    proxy = GatedProxy(bot.assistant.action_port, upstream)
    try:
        yield bot, proxy
    finally:
        proxy.close()
        stop(actions)
        next(bots, None)


def stored_events(bot: Bot, chat_id: int) -> int:
    with sqlite3.connect(bot.assistant.work / "tracker.sqlite") as connection:
        return connection.execute("select count(*) from events where sender_id = ?", (bot.sender(chat_id),)).fetchone()[0]


def in_thread(target: Any) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("how", ["command", "button"])
def test_erase_waits_for_the_message_in_flight(gated, how):
    bot, proxy = gated
    me = 7_000_000_000 + (1 if how == "command" else 2)
    bot.say(bot.text(me, "/start"))  # a stored conversation and messages in the chat
    assert stored_events(bot, me) > 0

    proxy.gate.clear()
    proxy.arrived.clear()
    mark, sent_mark = bot.api.mark(), len(bot.api.sent)
    statuses: List[int] = []
    in_flight = in_thread(lambda: statuses.append(bot.post(bot.text(me, "/start"))[0]))
    assert proxy.arrived.wait(30), "the turn never reached the action server"
    erase = bot.text(me, "/erase") if how == "command" else bot.callback(me, "erase")
    erasing = in_thread(lambda: statuses.append(bot.post(erase)[0]))
    erasing.join(2)  # an erase that does not wait for the turn is done by now
    proxy.gate.set()
    in_flight.join(30)
    erasing.join(30)
    assert statuses == [200, 200]

    assert stored_events(bot, me) == 0, "the turn in flight saved the conversation again after the erase"
    sent = [(message_id, sent_text) for chat, message_id, sent_text in bot.api.sent[sent_mark:] if chat == me]
    assert sent[-1][1] == text("ru", "telegram.erased")
    replies = {message_id for message_id, _ in sent[:-1]}
    assert text("ru", "welcome") in "\n".join(t for _, t in sent[:-1])  # the turn in flight answered
    deleted = {i for p in bot.api.since(mark, "deleteMessages") if p["chat_id"] == me for i in p["message_ids"]}
    assert replies <= deleted, "replies the turn in flight sent after the erase stayed in the chat"
