"""What a person reads, through the real actions and the real directory: /start, the hotline,
thanks, nonsense, restart, the menus, and the length of every results answer (issue 16, items
4–6)."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from directory import HELP_TYPES, REGION_CODES

from actions import buttons, hotline, intents
from actions.conversation import ActionMainMenu, ActionNotUnderstood, ActionRestart, ActionSmalltalk, ActionWelcome
from actions.results import ANSWER_BUDGET, ActionHotline, ActionShowContacts, is_hotline, without_hotline
from actions.texts import LANGUAGES, text
from tests.actions.conftest import make_tracker


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def payloads(dispatcher: CollectingDispatcher):
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("action", [ActionWelcome, ActionRestart])
async def test_start_and_restart_show_welcome_the_hotline_once_and_a_short_menu(directory_url, dispatcher, lang, action):
    await action().run(dispatcher, make_tracker(before={"language": lang}, intent="start", text="/start"), {})
    reply = texts(dispatcher)
    assert reply.count(text(lang, "welcome")) == 1
    assert hotline.mentions(reply) == 1 and "102" in reply
    assert payloads(dispatcher) == [b["payload"] for b in buttons.main_menu(lang)]
    assert len(payloads(dispatcher)) <= 8 and len(dispatcher.messages) == 1


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_more_shows_the_rest_of_the_menu(dispatcher, lang):
    tracker = make_tracker(
        before={"language": lang}, intent="main_menu", text=intents.MORE_PAYLOAD, entities=[{"entity": "menu", "value": "more"}]
    )
    await ActionMainMenu().run(dispatcher, tracker, {})
    assert payloads(dispatcher) == [b["payload"] for b in buttons.more_menu(lang)]
    assert text(lang, "menu_more_prompt") in texts(dispatcher)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("active_loop", [None, "help_form"])
async def test_the_hotline_answers_at_once_without_asking_the_place(directory_url, dispatcher, lang, active_loop):
    tracker = make_tracker(
        {"help_type": "hotline"},
        before={"language": lang, "help_type": "legal"},
        intent="need_hotline",
        text="/need_hotline",
        active_loop=active_loop,
    )
    events = await ActionHotline().run(dispatcher, tracker, {})
    reply = texts(dispatcher)
    assert len(dispatcher.messages) == 1 and hotline.mentions(reply) == 1
    assert hotline.status(lang) in reply and "102" in reply
    assert not any(p.startswith("/inform") for p in payloads(dispatcher))
    assert "/main_menu" in payloads(dispatcher)
    assert "165" in reply  # the directory's other nationwide line of this kind, in the same message
    assert SlotSet("help_type", "legal") in events  # what the person looked for before is kept


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("intent", ["thank", "goodbye", "bot_challenge"])
async def test_small_talk_is_one_short_message_without_the_menu(dispatcher, lang, intent):
    await ActionSmalltalk().run(dispatcher, make_tracker(before={"language": lang}, intent=intent, text="спасибо"), {})
    reply = texts(dispatcher)
    assert len(dispatcher.messages) == 1 and payloads(dispatcher) == []
    assert reply == f"{text(lang, intent)}\n{hotline.reminder(lang)}"
    assert len(reply) <= 160 and reply.count("\n") == 1


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_nonsense_gets_a_one_line_reminder_and_the_short_menu(dispatcher, lang):
    await ActionNotUnderstood().run(dispatcher, make_tracker(before={"language": lang}, intent="nlu_fallback", text="ываыва"), {})
    reply = texts(dispatcher)
    assert reply.startswith(f"{text(lang, 'not_understood')}\n{hotline.reminder(lang)}")
    assert hotline.mentions(reply) == 1
    assert len(payloads(dispatcher)) <= 8


async def test_every_results_answer_is_short_and_names_the_hotline_once(known, monkeypatch):
    """Every help type × region × (whole region + each district), ru / be / en: at most one
    hotline mention; with up to 3 contacts, at most 3 messages and ANSWER_BUDGET characters."""
    lengths, over = [], []
    for region in REGION_CODES:
        for district in [None] + [d.id for d in known.districts(region)]:
            for help_type in HELP_TYPES:
                listed = without_hotline(known.search(help_type, region, district))
                contacts = len(listed.local) + len(listed.national) + len(listed.nearby)
                for lang in LANGUAGES:
                    dispatcher = CollectingDispatcher()
                    slots = {"help_type": help_type, "region": region, "district": district, "whole_region": district is None}
                    await ActionShowContacts().run(dispatcher, make_tracker(slots, before={"language": lang}), {})
                    reply = texts(dispatcher)
                    assert hotline.mentions(reply) == 1, (region, district, help_type, lang)
                    assert dispatcher.messages[-1].get("buttons"), "the follow-ups end the answer"
                    if contacts <= 3:
                        lengths.append(len(reply))
                        if len(dispatcher.messages) > 3 or len(reply) > ANSWER_BUDGET:
                            over.append((region, district, help_type, lang, len(dispatcher.messages), len(reply)))
    assert len(lengths) > 1000
    assert over == [], f"{len(over)} answers over budget: {over}"


def test_the_hotline_rows_are_recognised(known):
    row = known.hotline()
    assert is_hotline(row)
    national = known.search("hotline", "BY-HM", None).national
    assert any(is_hotline(c) for c in national)
    rest = without_hotline(known.search("hotline", "BY-HM", None)).national
    assert rest and not any(hotline.PHONE in [p.display for p in c.phones] for c in rest)
