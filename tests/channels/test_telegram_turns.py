"""One Telegram message per turn where one keyboard allows it (issue 16, item 5): the bot
messages Rasa makes in a turn are joined, the keyboard on the last; through the real servers and
the fake Bot API."""

from __future__ import annotations

import itertools

import pytest

from actions import hotline
from actions.intents import MORE_PAYLOAD
from actions.texts import text
from tests.channels.conftest import callback_data, sent_texts

pytestmark = pytest.mark.e2e
_chats = itertools.count(733_000_001)


def sends(calls):
    return [c for c in calls if c["method"] == "sendMessage"]


def test_start_is_one_message_with_the_hotline_and_the_short_menu(telegram):
    calls = telegram.say(telegram.text(next(_chats), "/start"))
    messages = sends(calls)
    assert len(messages) == 1
    body = messages[0]["text"]
    assert body.startswith(text("ru", "welcome")) and hotline.mentions(body) == 1
    data = callback_data(calls)
    assert MORE_PAYLOAD in data and "erase" in data and len(data) <= 9  # 8 buttons + erase


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
def test_a_results_answer_is_one_message_with_its_buttons(telegram, lang):
    me = next(_chats)
    telegram.say(telegram.text(me, "/start"))
    telegram.say(telegram.callback(me, f'/set_language{{"language":"{lang}"}}'))
    telegram.say(telegram.callback(me, "/need_psychological"))
    telegram.say(telegram.callback(me, '/inform{"region":"BY-HM"}'))
    calls = telegram.say(telegram.callback(me, "/whole_region"))
    first = sends(calls)
    # The "share location" keyboard offered with the region question is hidden by the answer,
    # one message; a message holds one kind of keyboard, so its follow-ups are added by an edit.
    assert len(first) == 1 and first[0]["reply_markup"] == {"remove_keyboard": True}
    assert text(lang, "followup_prompt") in first[0]["text"]
    [edit] = [c for c in calls if c["method"] == "editMessageReplyMarkup"]
    assert edit["message_id"] and "/restart" in [
        b["callback_data"] for row in edit["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert hotline.mentions(sent_texts([{"method": "sendMessage", **m} for m in first])) == 1
    telegram.say(telegram.callback(me, "/change_help"))
    answer = sends(telegram.say(telegram.callback(me, "/need_legal")))
    assert len(answer) == 1
    assert text(lang, "followup_prompt") in answer[0]["text"] and hotline.mentions(answer[0]["text"]) == 1
    assert "/restart" in [b["callback_data"] for row in answer[0]["reply_markup"]["inline_keyboard"] for b in row]


def test_the_hotline_button_is_answered_in_one_message(telegram):
    me = next(_chats)
    telegram.say(telegram.text(me, "/start"))
    calls = telegram.say(telegram.callback(me, "/need_hotline"))
    assert len(sends(calls)) == 1 and hotline.status("ru") in sent_texts(calls)
    assert not any(d.startswith("/inform") for d in callback_data(calls))


def test_thanks_is_one_short_message_without_a_keyboard(telegram):
    me = next(_chats)
    telegram.say(telegram.text(me, "/start"))
    calls = sends(telegram.say(telegram.text(me, "спасибо")))
    assert len(calls) == 1 and "inline_keyboard" not in (calls[0].get("reply_markup") or {})
    assert calls[0]["text"] == f"{text('ru', 'thank')}\n{hotline.reminder('ru')}"


def test_restart_is_the_welcome_and_the_menu_once(telegram):
    me = next(_chats)
    telegram.say(telegram.callback(me, "/need_legal"))
    telegram.say(telegram.callback(me, '/inform{"district":"BY-HO-05"}'))
    calls = sends(telegram.say(telegram.callback(me, "/restart")))
    assert len(calls) == 1 and calls[0]["text"].count(text("ru", "welcome")) == 1
    assert text("ru", "not_understood") not in calls[0]["text"]


def test_help_names_the_hotline_as_everywhere_else(telegram):
    calls = telegram.say(telegram.text(next(_chats), "/help"))
    assert hotline.static("ru") in sent_texts(calls)
