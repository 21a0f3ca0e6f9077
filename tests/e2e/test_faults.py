"""Safety rule 4 with the parts really stopped or slowed: no action server, or one slower than
ACTION_TIMEOUT_SECONDS → the hotline and 102/103/112; the action server starts or is fast again →
the bot is itself again, with no restart of the Rasa server."""

from __future__ import annotations

import http.client
import http.server
import threading
import time
import uuid

import pytest

from actions.texts import text
from tests.e2e.conftest import free_port, running_assistant, start_action_server, stop, texts

pytestmark = pytest.mark.e2e


def test_action_server_down_then_back(tmp_path):
    with running_assistant(tmp_path, with_action_server=False) as assistant:
        me = uuid.uuid4().hex
        for message in ("/start", "нужен юрист в Гомеле", '/inform{"region":"BY-MI"}'):
            reply = texts(assistant.say(me, message))
            for number in ("102", "103", "112", "8-801-100-8-801"):
                assert number in reply, (message, reply)
            assert reply.count(text("ru", "unavailable")) == 1  # once per turn, not once per failed call

        actions = start_action_server(assistant.action_port, tmp_path / "actions.log", assistant.env)
        try:
            reply = texts(assistant.say(me, "/start"))
            assert text("ru", "welcome") in reply
            assert text("ru", "unavailable") not in reply
        finally:
            stop(actions)


def test_rasa_server_restart_mid_conversation_continues(tmp_path):
    """The conversation lives in the SQL tracker store, not in the server's memory."""
    me = uuid.uuid4().hex
    with running_assistant(tmp_path) as assistant:
        assistant.say(me, "/need_legal")
        asked = assistant.say(me, '/inform{"region":"BY-VI"}')
        assert any('"district":"BY-VI-' in b["payload"] for m in asked for b in m.get("buttons") or [])
    with running_assistant(tmp_path) as assistant:  # same tracker file, fresh processes
        answer = texts(assistant.say(me, "/whole_region"))
        assert text("ru", "help_names.legal") in answer and "Витебская" in answer
        assert text("ru", "followup_prompt") in answer


class SlowProxy:
    """Forwards the Rasa server's calls to the real action server, after ``delay`` seconds."""

    def __init__(self, port: int, upstream: int) -> None:
        self.delay = 0.0
        self.calls = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                proxy.calls += 1
                time.sleep(proxy.delay)
                upstream_call = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
                upstream_call.request("POST", self.path, body, {"Content-Type": "application/json"})
                answer = upstream_call.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.getheader("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:  # the Rasa server gave up waiting: that is the point
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_slow_action_server_then_fast_again(tmp_path, monkeypatch):
    """A hung or overloaded action server (slower than ACTION_TIMEOUT_SECONDS) gets the same
    answer as a dead one, once per turn, and the next turn after it speeds up is normal."""
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "1")
    with running_assistant(tmp_path, with_action_server=False) as assistant:
        upstream = free_port()
        actions = start_action_server(upstream, tmp_path / "actions.log", assistant.env)
        proxy = SlowProxy(assistant.action_port, upstream)
        try:
            me = uuid.uuid4().hex
            reply = texts(assistant.say(me, "/start"))
            assert text("ru", "welcome") in reply and text("ru", "unavailable") not in reply

            proxy.delay = 3.0  # three times ACTION_TIMEOUT_SECONDS
            for message in ("/need_legal", '/inform{"region":"BY-HO"}'):
                started = time.monotonic()
                reply = texts(assistant.say(me, message))
                for number in ("102", "103", "112", "8-801-100-8-801"):
                    assert number in reply, (message, reply)
                assert reply.count(text("ru", "unavailable")) == 1, reply
                assert time.monotonic() - started < 15  # the person is not kept waiting for the slow server

            proxy.delay = 0.0
            time.sleep(3)  # let the abandoned slow calls finish on the proxy
            reply = texts(assistant.say(me, "/start"))
            assert text("ru", "welcome") in reply
            assert text("ru", "unavailable") not in reply
            reply = texts(assistant.say(me, "/need_legal"))
            assert text("ru", "unavailable") not in reply and reply.strip(), reply
        finally:
            proxy.close()
            stop(actions)
