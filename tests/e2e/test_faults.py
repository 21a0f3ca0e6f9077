"""Safety rule 4 with the parts really stopped: no action server → the hotline and 102/103/112;
the action server starts → the bot is itself again, with no restart of the Rasa server."""
from __future__ import annotations

import uuid

import pytest

from actions.texts import text
from tests.e2e.conftest import running_assistant, start_action_server, stop, texts

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
