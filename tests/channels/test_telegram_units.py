"""Pieces of the Telegram channel without a Rasa server: keyboards, splitting, ids, the message
log, the safety net on a Rasa failure, the disabled mode and webhook registration."""

from __future__ import annotations

import asyncio
import os
import urllib.error
import urllib.request
from unittest import mock

import pytest

from actions import buttons
from actions.content import content
from actions.knowledge import directory
from actions.texts import LANGUAGES, text
from channels import telegram_webhook
from channels.telegram import BotAPI, TelegramInput, allowed_callback, conversation_id, keyboard, language_from_code, split_text
from channels.telegram_memory import MessageLog
from tests.channels.conftest import TOKEN, WEBHOOK_SECRET


def all_keyboards():
    known = directory()
    for lang in LANGUAGES:
        yield buttons.main_menu(lang)
        yield buttons.more_menu(lang)
        yield buttons.help_types(lang)
        for help_type in buttons.RELATED_PATHS:
            yield buttons.followups(lang, help_type)
        yield buttons.followups(lang, "legal", "witness")
        yield buttons.regions(lang, known.regions())
        for region in known.regions():
            districts = known.districts(region.code)
            for page in range(0, 1 + len(districts) // buttons.DISTRICTS_PER_PAGE):
                yield buttons.district_page(lang, region.code, districts, page)[0]
            yield buttons.places(lang, [(d.id, d.name(lang)) for d in districts] + [(region.code, region.name(lang))])
    yield buttons.languages()
    for lang in LANGUAGES:
        for guide in content().guides.values():
            for step in range(len(guide.screens)):
                yield buttons.guide_screen(lang, guide, step)
        longest = "n" * (len(content().risk_check.questions) - 1)
        yield buttons.risk_answer(lang, longest)
        yield buttons.offers(
            lang, ["contacts:shelter", "contacts:emergency", "guide:safety_plan", "risk_check", "witness_contacts"]
        )


def test_every_keyboard_the_bot_makes_passes_the_callback_whitelist_within_64_bytes():
    count = 0
    for keys in all_keyboards():
        for button in keys:
            assert allowed_callback(button["payload"]), button["payload"]
            assert len(button["payload"].encode()) <= 64
            count += 1
        markup = keyboard(keys, "erase")
        assert sum(len(row) for row in markup["inline_keyboard"]) == len(keys) + 1
    assert count > 500


def test_keyboards_are_laid_out_for_a_phone():
    languages = keyboard(buttons.languages())["inline_keyboard"]
    assert [len(row) for row in languages] == [3]
    menu = keyboard(buttons.main_menu("ru"), "🧹")["inline_keyboard"]
    assert all(len(row) <= 2 for row in menu)
    assert all(len(b["text"]) <= 20 for row in menu if len(row) > 1 for b in row)
    assert menu[-1] == [{"text": "🧹", "callback_data": "erase"}]
    known = directory()
    page = buttons.district_page("ru", "BY-MI", known.districts("BY-MI"), 1)[0]
    rows = keyboard(page)["inline_keyboard"]
    assert {b["callback_data"] for b in rows[-1]} == {'/district_page{"page":"2"}', '/district_page{"page":"0"}'}


def test_long_replies_are_split_at_line_boundaries():
    lines = [f"{i:04d} " + "контакт " * (i % 40) for i in range(900)]
    message = "\n".join(lines)
    parts = split_text(message)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == message  # nothing lost, every cut on a line end
    assert all(p.split("\n")[0] in lines for p in parts)
    huge = "x" * 9000
    assert [len(p) for p in split_text(huge)] == [4096, 4096, 808]
    assert split_text("короткий ответ") == ["короткий ответ"]


def test_conversation_id_is_a_keyed_hash():
    a = conversation_id("secret-one-0123456789", 123456789)
    assert a == conversation_id("secret-one-0123456789", 123456789)
    assert a != conversation_id("secret-two-0123456789", 123456789)
    assert "123456789" not in a and len(a) == 40


@pytest.mark.parametrize(
    "code, lang", [("be", "be"), ("en", "en"), ("en-US", "en"), ("ru", "ru"), ("uk", "ru"), (None, "ru"), ("", "ru")]
)
def test_language_code(code, lang):
    assert language_from_code(code) == lang


def test_message_log_keeps_48_hours_and_reports_inactivity():
    log = MessageLog()
    log.add("conv", 42, 1, now=0.0)
    log.add("conv", 42, 2, now=10.0, active=False)
    log.add("conv", 42, 3, now=47 * 3600.0)
    assert log.inactive(3600, now=47 * 3600.0 + 7200) == ["conv"]
    assert log.inactive(3600, now=47 * 3600.0 + 60) == []
    chat_id, ids = log.pop("conv", now=48 * 3600.0)
    assert chat_id == 42 and ids == [3]  # 1 and 2 are past Telegram's 48 h
    assert log.pop("conv") == (None, [])


class _Store:
    async def retrieve(self, sender):
        return None


class _Agent:
    tracker_store = _Store()
    domain = None


def test_when_rasa_raises_the_person_still_gets_the_hotline_and_emergency_numbers(fake_telegram):
    channel = TelegramInput(BotAPI(TOKEN, fake_telegram.base), WEBHOOK_SECRET, "id-secret-0123456789")

    async def failing(message):
        raise RuntimeError("model crashed")

    update = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": 0,
            "text": "помогите",
            "chat": {"id": 77, "type": "private"},
            "from": {"id": 77, "language_code": "be"},
        },
    }
    mark = fake_telegram.mark()

    async def run():
        await channel.handle(update, failing, _Agent())
        await channel.api.close()

    asyncio.run(run())
    sent = fake_telegram.since(mark, "sendMessage")
    assert sent and "8-801-100-8-801" in sent[-1]["text"] and "102" in sent[-1]["text"] and "112" in sent[-1]["text"]


def test_webhook_registration_sends_secret_allowed_updates_and_commands(fake_telegram):
    env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET, "TELEGRAM_API_BASE": fake_telegram.base}
    mark = fake_telegram.mark()
    with mock.patch.dict(os.environ, env):
        asyncio.run(telegram_webhook.run("set", "https://example.org/webhooks/telegram/webhook"))
        with pytest.raises(SystemExit):
            asyncio.run(telegram_webhook.run("set", "http://example.org/webhooks/telegram/webhook"))
    calls = fake_telegram.calls[mark:]
    hook = [p for m, p in calls if m == "setWebhook"]
    assert hook == [
        {
            "url": "https://example.org/webhooks/telegram/webhook",
            "secret_token": WEBHOOK_SECRET,
            "allowed_updates": ["message", "callback_query"],
            "drop_pending_updates": True,
            "max_connections": 40,
        }
    ]
    menus = [p for m, p in calls if m == "setMyCommands"]
    assert len(menus) == 4
    assert {c["command"] for c in menus[0]["commands"]} == {"start", "help", "language", "restart", "erase"}
    assert menus[2]["language_code"] == "be" and menus[2]["commands"][0]["description"] == text("be", "telegram.commands.start")


def test_without_telegram_variables_rasa_still_runs_and_says_telegram_is_off(telegram_off):
    request = urllib.request.Request(
        f"{telegram_off.base}/webhooks/telegram/webhook",
        data=b"{}",
        headers={"X-Telegram-Bot-Api-Secret-Token": "anything-at-all-0000"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 503
    replies = telegram_off.say("a1b2c3", "/start")  # the REST channel works
    assert replies
    assert "Telegram channel is off" in (telegram_off.work / "rasa.log").read_text()


def test_nearest_never_locates_a_confidential_organisation(tmp_path):
    """Even a database row that wrongly gives a crisis room coordinates is never ranked."""
    import shutil
    import sqlite3

    from directory import HELP_TYPES
    from directory.queries import Directory

    copy = tmp_path / "directory.sqlite"
    shutil.copy(_directory_file(), copy)
    with sqlite3.connect(copy) as connection:
        planted = connection.execute("update organisations set lat = 53.9, lon = 27.56 where confidential = 1").rowcount
    assert planted > 0
    known = Directory(f"sqlite:///{copy}")
    for help_type in HELP_TYPES:
        for lat, lon in ((53.9, 27.56), (52.44, 31.0), (53.68, 23.83), (55.19, 30.2)):
            found = known.nearest_public(help_type, lat, lon, limit=50)
            assert all(not contact.confidential and contact.address != "" for contact, _ in found)
            assert [km for _, km in found] == sorted(km for _, km in found)
    district, km = known.nearest_districts(52.4412, 30.9878, limit=1)[0]
    assert district.region_code == "BY-HO" and km < 10


def _directory_file():
    from tests.e2e.conftest import REPO

    return REPO / "var" / "directory.sqlite"
