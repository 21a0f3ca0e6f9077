"""The Telegram channel through the real protocol: Update JSON posted to the webhook of a running
Rasa server, replies observed at a fake Bot API, the tracker store and the log inspected."""

from __future__ import annotations

import itertools
import re
import sqlite3
import statistics

import pytest

from actions.texts import text
from channels.telegram import allowed_callback
from tests.channels.conftest import WEBHOOK_SECRET, callback_data, sent_texts

pytestmark = pytest.mark.e2e
_chats = itertools.count(731_000_001)


def chat() -> int:
    return next(_chats)


def sends(calls):
    return [c for c in calls if c["method"] == "sendMessage"]


def tracker_events(telegram, chat_id):
    return telegram.assistant.tracker(telegram.sender(chat_id))["events"]


def slot(telegram, chat_id, name):
    return telegram.assistant.tracker(telegram.sender(chat_id))["slots"][name]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-0000000000", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1]])
def test_webhook_without_the_right_secret_is_refused(telegram, secret):
    mark = telegram.api.mark()
    status, _ = telegram.post(telegram.text(chat(), "/start"), secret=secret)
    assert status == 403
    assert telegram.api.since(mark) == []


def test_start_sends_welcome_and_a_phone_sized_menu(telegram):
    calls = telegram.say(telegram.text(chat(), "/start"))
    messages = sends(calls)
    assert text("ru", "welcome") in sent_texts(calls)
    assert all(m["protect_content"] is True and "parse_mode" not in m for m in messages)
    menu = messages[-1]["reply_markup"]["inline_keyboard"]
    assert all(len(row) <= 3 for row in menu)
    data = callback_data(calls)
    assert "/need_legal" in data and "/need_emergency" in data and "erase" in data
    assert all(allowed_callback(d) and len(d.encode()) <= 64 for d in data)
    assert [c["method"] for c in calls if c["method"] not in ("sendMessage",)] == []  # no getMe, nothing else


@pytest.mark.parametrize("code, lang", [("be", "be"), ("en-GB", "en"), ("de", "ru"), (None, "ru")])
def test_telegram_language_code_picks_the_first_language(telegram, code, lang):
    me = chat()
    calls = telegram.say(telegram.text(me, "/start", language_code=code))
    assert text(lang, "welcome") in sent_texts(calls)
    assert slot(telegram, me, "language") == lang


def test_buttons_all_the_way_to_contacts_with_answered_callbacks_and_location_offer(telegram):
    me = chat()
    telegram.say(telegram.text(me, "/start"))
    asked = telegram.say(telegram.callback(me, "/need_legal"))
    assert asked[0]["method"] == "answerCallbackQuery"  # the button stops spinning first
    assert '/inform{"region":"BY-HO"}' in callback_data(asked)
    offers = [m for m in sends(asked) if "keyboard" in (m.get("reply_markup") or {})]
    assert offers and offers[0]["reply_markup"]["keyboard"][0][0]["request_location"] is True
    districts = telegram.say(telegram.callback(me, '/inform{"region":"BY-HO"}'))
    assert any(d.startswith('/inform{"district":"BY-HO-') for d in callback_data(districts))
    answer = telegram.say(telegram.callback(me, '/inform{"district":"BY-HO-04"}'))
    reply = sent_texts(answer)
    assert "8-801-100-8-801" in reply and "102" in reply
    assert text("ru", "followup_prompt") in reply
    assert all(len(m["text"]) <= 4096 and "parse_mode" not in m and "**" not in m["text"] for m in sends(answer))


@pytest.mark.parametrize(
    "data",
    [
        '/inform{"region":"\' OR 1=1 --"}',
        '/need_legal{"help_type":"x"}',
        "/restart_everything",
        '/set_language{"language":"de"}',
        "/" + "x" * 80,
        "garbage",
    ],
)
def test_forged_or_stale_callback_data_is_answered_and_ignored(telegram, data):
    me = chat()
    telegram.say(telegram.text(me, "/start"))
    before = len(tracker_events(telegram, me))
    calls = telegram.say(telegram.callback(me, data))
    assert [c["method"] for c in calls] == ["answerCallbackQuery"]
    assert calls[0]["text"] == text("ru", "telegram.stale_button")
    assert len(tracker_events(telegram, me)) == before


@pytest.mark.parametrize("typed", ['/inform{"region":"BY-HO"}', "/need_legal", '/set_language{"language":"en"}', "//inform"])
def test_typed_slash_text_cannot_inject_intents_or_slots(telegram, typed):
    me = chat()
    telegram.say(telegram.text(me, typed))
    users = [e for e in tracker_events(telegram, me) if e["event"] == "user"]
    assert users and not any((e.get("text") or "").startswith("/") for e in users)
    # No payload reached Rasa: every stored user text is plain text for NLU (which may still
    # understand "need legal" as words; it can never set an arbitrary slot value).
    assert slot(telegram, me, "region") is None


def test_start_with_a_deep_link_parameter(telegram):
    me = chat()
    calls = telegram.say(telegram.text(me, "/start legal"))
    assert text("ru", "welcome") in sent_texts(calls)
    assert '/inform{"region":"BY-MI"}' in callback_data(calls)
    assert slot(telegram, me, "help_type") == "legal"
    other = chat()
    calls = telegram.say(telegram.text(other, "/start en"))
    assert text("en", "welcome") in sent_texts(calls)
    unknown = chat()
    calls = telegram.say(telegram.text(unknown, '/start inform{"region":"BY-HO"}'))
    assert text("ru", "welcome") in sent_texts(calls) and slot(telegram, unknown, "region") is None


def test_help_language_and_restart_commands(telegram):
    me = chat()
    helped = telegram.say(telegram.text(me, "/help"))
    # The commands, then "About and privacy" (content/guides/about.yml) with a way to the menu.
    assert "/erase" in sent_texts(helped) and '/about{"step":"1"}' in callback_data(helped)
    assert "/main_menu" in callback_data(helped)
    language = telegram.say(telegram.text(me, "/language@DvHelpBot"))
    assert '/set_language{"language":"be"}' in callback_data(language)
    telegram.say(telegram.callback(me, '/set_language{"language":"en"}'))
    restarted = telegram.say(telegram.text(me, "/restart"))
    assert text("en", "welcome") in sent_texts(restarted)  # restart keeps the language


def test_shared_location_resolves_the_district_and_is_not_stored(telegram):
    me = chat()
    telegram.say(telegram.callback(me, "/need_social"))
    calls = telegram.say(telegram.message(me, location={"latitude": 52.4412, "longitude": 30.9878}))
    first = sends(calls)[0]
    assert first["reply_markup"] == {"remove_keyboard": True}
    # a point in Gomel is the city (not «Гомельский район»): its urban districts are asked
    assert "г. Гомель" in first["text"] and "Гомельский район" not in sent_texts(calls)
    assert slot(telegram, me, "region") == "BY-HO" and slot(telegram, me, "city") == "BY-HO-26"
    assert '/inform{"district":"BY-HO-22"}' in callback_data(calls) and "/whole_region" in callback_data(calls)
    answered = telegram.say(telegram.callback(me, "/whole_region"))
    assert "8-801-100-8-801" in sent_texts(answered)
    assert slot(telegram, me, "district") == "BY-HO-26"
    events = str(tracker_events(telegram, me))
    assert "52.44" not in events and "30.98" not in events


def test_location_in_minsk_asks_the_city_district(telegram):
    me = chat()
    telegram.say(telegram.callback(me, "/need_legal"))
    calls = telegram.say(telegram.message(me, location={"latitude": 53.9023, "longitude": 27.5619}))
    assert slot(telegram, me, "region") == "BY-HM"
    assert any(d.startswith('/inform{"district":"BY-HM-') for d in callback_data(calls))


def test_location_outside_belarus(telegram):
    me = chat()
    calls = telegram.say(telegram.message(me, location={"latitude": 52.52, "longitude": 13.405}))
    assert text("ru", "telegram.location_outside") in sent_texts(calls)
    assert "/need_legal" in callback_data(calls)


@pytest.mark.parametrize(
    "content",
    [
        {"voice": {"file_id": "v1", "file_unique_id": "u1", "duration": 3}},
        {"photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]},
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u3",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"document": {"file_id": "d1", "file_unique_id": "u4", "file_name": "x.pdf"}},
        {"contact": {"phone_number": "+375291112233", "first_name": "Ефросинья", "user_id": 1}},
    ],
)
def test_non_text_messages_get_a_short_reply_and_the_menu(telegram, content):
    me = chat()
    calls = telegram.say(telegram.message(me, **content))
    assert sends(calls)[0]["text"] == text("ru", "telegram.non_text")
    assert "/need_legal" in callback_data(calls)


def test_groups_channels_and_edits_are_ignored(telegram):
    me = chat()
    group = telegram.text(-100_000_000_123, "/start", chat_type="supergroup")
    edited = telegram.text(me, "нужен юрист")
    edited["edited_message"] = edited.pop("message")
    channel = telegram.text(-100_000_000_456, "пост", chat_type="channel")
    channel["channel_post"] = channel.pop("message")
    for update in (group, edited, channel, telegram.text(-42, "привет", chat_type="group")):
        assert telegram.say(update) == []


def test_erase_deletes_messages_and_the_stored_conversation(telegram):
    me = chat()
    start = telegram.text(me, "/start")
    first = telegram.say(start)
    second = telegram.say(telegram.callback(me, "/need_legal"))
    erase = telegram.text(me, "/erase")
    calls = telegram.say(erase)
    deleted = [i for c in calls if c["method"] == "deleteMessages" for i in c["message_ids"]]
    expected = {start["message"]["message_id"], erase["message"]["message_id"]}
    assert expected <= set(deleted)
    assert len(deleted) >= 2 + len(sends(first)) + len(sends(second))
    assert all(c["chat_id"] == me for c in calls if c["method"] == "deleteMessages")
    assert sends(calls)[-1]["text"] == text("ru", "telegram.erased")
    db = telegram.assistant.work / "tracker.sqlite"
    with sqlite3.connect(db) as connection:
        count = connection.execute("select count(*) from events where sender_id = ?", (telegram.sender(me),)).fetchone()[0]
    assert count == 0


def test_erase_button_in_the_menu(telegram):
    me = chat()
    telegram.say(telegram.text(me, "/start"))
    calls = telegram.say(telegram.callback(me, "erase"))
    assert calls[0]["method"] == "answerCallbackQuery"
    assert any(c["method"] == "deleteMessages" for c in calls)
    db = telegram.assistant.work / "tracker.sqlite"
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from events where sender_id = ?", (telegram.sender(me),)).fetchone()[0] == 0


def test_no_chat_id_name_username_phone_or_text_in_the_store_or_the_log(telegram):
    me = 5_987_654_321
    telegram.say(telegram.text(me, "/start"))
    telegram.say(telegram.text(me, "мне нужен юрист по разводу"))
    telegram.say(telegram.message(me, contact={"phone_number": "+375291112233", "first_name": "Ефросинья", "user_id": me}))
    telegram.say(telegram.message(me, location={"latitude": 52.4412, "longitude": 30.9878}))
    # The database and its write-ahead log (the tracker store runs SQLite in WAL mode).
    stored = b"".join(p.read_bytes() for p in sorted(telegram.assistant.work.glob("tracker.sqlite*")))
    log = (telegram.assistant.work / "rasa.log").read_bytes()
    assert telegram.sender(me).encode() in stored  # the conversation is there, under the hash
    for secret in (str(me), "efrosinya_test_user", "Ефросинья", "Тестовая", "375291112233", "52.4412", "30.9878"):
        assert secret.encode() not in stored, secret
        assert secret.encode() not in log, secret
    assert "юрист по разводу".encode() not in log  # no message text at INFO


def test_latency_per_update_against_the_fake_api(telegram):
    """Wall time from POSTing an Update to the webhook's 200 (replies already at the fake API)."""
    import time
    import uuid

    kinds = {
        "403": [],
        "ignored (group)": [],
        "/start": [],
        "callback": [],
        "typed text": [],
        "REST /start": [],
        "REST /need_legal": [],
        "REST typed text": [],
    }
    for round_ in range(8):
        me = chat()
        rest = uuid.uuid4().hex
        for kind, message in (("REST /start", "/start"), ("REST /need_legal", "/need_legal"), ("REST typed text", "в Гомеле")):
            started = time.perf_counter()
            telegram.assistant.say(rest, message)
            kinds[kind].append(time.perf_counter() - started)
        kinds["403"].append(telegram.post(telegram.text(me, "/start"), secret="wrong-secret-0000000000")[1])
        kinds["ignored (group)"].append(telegram.post(telegram.text(-1000 - round_, "x", chat_type="group"))[1])
        kinds["/start"].append(telegram.post(telegram.text(me, "/start"))[1])
        kinds["callback"].append(telegram.post(telegram.callback(me, "/need_legal"))[1])
        kinds["typed text"].append(telegram.post(telegram.text(me, "в Гомеле"))[1])
    print()
    for kind, times in kinds.items():
        ms = sorted(t * 1000 for t in times)
        print(f"telegram latency {kind:16s} median {statistics.median(ms):7.1f} ms  max {ms[-1]:7.1f} ms  (n={len(ms)})")
    assert statistics.median(kinds["callback"]) < 5


def test_a_repeated_update_is_processed_once(telegram):
    update = telegram.text(chat(), "/start")
    assert sends(telegram.say(update))
    assert telegram.say(update) == []  # Telegram re-delivering the same update_id


def test_the_location_keyboard_is_hidden_again_after_the_answer(telegram):
    me = chat()
    telegram.say(telegram.callback(me, "/need_legal"))  # asks the region, offers the location button
    telegram.say(telegram.callback(me, '/inform{"region":"BY-VI"}'))
    answer = telegram.say(telegram.callback(me, '/inform{"district":"BY-VI-02"}'))
    assert sends(answer)[0]["reply_markup"] == {"remove_keyboard": True}


def test_menu_erase_button_follows_a_language_change(telegram):
    me = chat()
    calls = telegram.say(telegram.callback(me, '/set_language{"language":"be"}'))
    erase = [
        b
        for m in sends(calls)
        for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
        if b["callback_data"] == "erase"
    ]
    assert erase and erase[0]["text"] == text("be", "telegram.erase_button")


def test_auto_erase_after_inactivity(telegram_auto_erase):
    import time

    bot = telegram_auto_erase
    me = chat()
    start = bot.text(me, "/start")
    mark = bot.api.mark()
    bot.say(start)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        erased = [p for p in bot.api.since(mark, "deleteMessages") if p["chat_id"] == me]
        if erased:
            break
        time.sleep(0.5)
    assert erased and start["message"]["message_id"] in erased[0]["message_ids"]
    assert not [
        p for p in bot.api.since(mark, "sendMessage") if p["chat_id"] == me and p["text"] == text("ru", "telegram.erased")
    ]
    with sqlite3.connect(bot.assistant.work / "tracker.sqlite") as connection:
        assert connection.execute("select count(*) from events where sender_id = ?", (bot.sender(me),)).fetchone()[0] == 0


def test_location_lists_the_nearest_public_organisations_with_km(telegram):
    me = chat()
    telegram.say(telegram.callback(me, "/need_social"))
    calls = telegram.say(telegram.message(me, location={"latitude": 51.96, "longitude": 30.81}))
    nearest = [m["text"] for m in sends(calls) if m["text"].startswith(text("ru", "telegram.nearest_header"))]
    assert nearest and "Лоевский" in nearest[0] and re.search(r"≈ \d+,\d км", nearest[0])
    assert slot(telegram, me, "district") == "BY-HO-12"
