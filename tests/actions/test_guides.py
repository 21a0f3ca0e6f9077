"""The risk self-check and the guides, run as the action server runs them (real SDK objects)."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.buttons import GUIDE_INTENTS, main_menu, more_menu
from actions.content import content
from actions.guides import ActionGuide, ActionRiskCheck
from actions.intents import INTENT_FOR_HELP
from actions.texts import LANGUAGES, text
from safety import fallback
from tests.actions.conftest import all_text, make_tracker

PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")


def parse(payload: str) -> Tuple[str, List[Dict[str, Any]]]:
    intent, body = PAYLOAD.match(payload).groups()
    return intent, [{"entity": k, "value": v} for k, v in json.loads(body or "{}").items()]


async def press(action, payload: str, lang: str, slots: Optional[Dict[str, Any]] = None):
    intent, entities = parse(payload)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"language": lang, **(slots or {})}, text=payload, intent=intent, entities=entities)
    events = await action.run(dispatcher, tracker, {})
    return dispatcher, events


def payloads(dispatcher: CollectingDispatcher) -> List[str]:
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def expected_outcome(answers: str) -> Optional[str]:
    """The instrument's rule, written out again independently of actions/risk.py."""
    check = content().risk_check
    yes = [q for q, a in zip(check.questions, answers, strict=False) if a == "y"]
    if any(q.red_flag for q in yes) or sum(not q.red_flag for q in yes) >= check.counted_at_least:
        return "high"
    return "lower" if len(answers) == len(check.questions) else None


def assert_safety_numbers(reply: str, lang: str) -> None:
    for number in (fallback.POLICE, fallback.AMBULANCE, fallback.EMERGENCY, fallback.HOTLINE):
        assert number in reply, (lang, number)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_path_through_the_risk_check_ends_by_the_instruments_rule(directory_url, lang):
    """Walk every button path; high risk always reaches 102/103/112, the hotline and shelter."""
    check = content().risk_check
    action = ActionRiskCheck()
    pending = ["/risk_check"]
    results = {"high": 0, "lower": 0}
    while pending:
        payload = pending.pop()
        dispatcher, events = await press(action, payload, lang)
        _, entities = parse(payload)
        answers = entities[0]["value"] if entities else ""
        reply = all_text(dispatcher)
        outcome = expected_outcome(answers)
        slot = [e for e in events if e.get("name") == "risk_answers"]
        if outcome is None:
            question = check.questions[len(answers)]
            assert question.text[lang].split("{")[0][:20] in reply
            assert payloads(dispatcher)[:3] == [
                f"/{INTENT_FOR_HELP['emergency']}",
                f'/risk_check{{"answers":"{answers}y"}}',
                f'/risk_check{{"answers":"{answers}n"}}',
            ]
            assert slot[-1]["value"] == answers
            pending.extend(payloads(dispatcher)[1:3])
            continue
        results[outcome] += 1
        assert slot[-1]["value"] is None, "answers are not kept after the result"
        assert_safety_numbers(reply, lang)
        assert "/main_menu" in payloads(dispatcher)
        if outcome == "high":
            assert check.result_high[lang][:30] in reply
            assert fallback.emergency_text(lang) in reply
            assert "/need_shelter" in payloads(dispatcher)
        else:
            assert check.result_lower[lang][:30] in reply
    assert results["high"] > 0 and results["lower"] > 0


async def test_a_red_flag_yes_stops_the_questions_at_once(directory_url):
    check = content().risk_check
    first_flag = next(i for i, q in enumerate(check.questions) if q.red_flag)
    answers = "n" * first_flag + "y"
    dispatcher, _ = await press(ActionRiskCheck(), f'/risk_check{{"answers":"{answers}"}}', "ru")
    assert fallback.emergency_text("ru") in all_text(dispatcher)
    assert not any("answers" in p for p in payloads(dispatcher))


@pytest.mark.parametrize("intent,letter", [("affirm", "y"), ("deny", "n")])
async def test_typed_yes_or_no_answers_the_open_question(directory_url, intent, letter):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"risk_answers": "nnn", "language": "en"}, text="yes", intent=intent)
    events = await ActionRiskCheck().run(dispatcher, tracker, {})
    assert [e["value"] for e in events if e.get("name") == "risk_answers"] == ["nnn" + letter]
    assert text("en", "risk.progress", n=5, total=len(content().risk_check.questions)) in all_text(dispatcher)


async def test_yes_without_an_open_question_is_answered_kindly_with_the_menu(directory_url):
    dispatcher = CollectingDispatcher()
    await ActionRiskCheck().run(dispatcher, make_tracker({"language": "be"}, text="так", intent="affirm"), {})
    reply = all_text(dispatcher)
    assert text("be", "not_understood") in reply and fallback.HOTLINE in reply
    assert payloads(dispatcher) == [b["payload"] for b in main_menu("be")]


@pytest.mark.parametrize("answers", ["x", "yn' OR 1=1", "n" * 40, "yy", 5, ["y"], {"a": 1}, ""])
async def test_forged_answers_get_a_calm_reply_and_the_menu(directory_url, answers):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        {"language": "ru"}, text="/risk_check", intent="risk_check", entities=[{"entity": "answers", "value": answers}]
    )
    events = await ActionRiskCheck().run(dispatcher, tracker, {})
    reply = all_text(dispatcher)
    if answers == "":
        assert content().risk_check.intro["ru"][:20] in reply
    else:
        assert text("ru", "invalid_choice") in reply
        assert [e["value"] for e in events if e.get("name") == "risk_answers"] == [None]


async def test_starting_the_check_inside_the_search_form_leaves_the_form(directory_url):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"language": "ru"}, text="/risk_check", intent="risk_check", active_loop="help_form")
    events = await ActionRiskCheck().run(dispatcher, tracker, {})
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("guide_id", sorted(GUIDE_INTENTS))
async def test_each_guide_reads_screen_by_screen_and_ends_with_offers_and_the_hotline(directory_url, guide_id, lang):
    guide = content().guides[guide_id]
    intent = GUIDE_INTENTS[guide_id]
    payload = f"/{intent}"
    for step, screen in enumerate(guide.screens):
        dispatcher, _ = await press(ActionGuide(), payload, lang)
        reply = all_text(dispatcher)
        assert screen.text[lang][:25].split("{")[0] in reply
        assert "/main_menu" in payloads(dispatcher)
        if step < len(guide.screens) - 1:
            payload = f'/{intent}{{"step":"{step + 1}"}}'
            assert payload in payloads(dispatcher)
        else:
            assert_safety_numbers(reply, lang)
            assert len(payloads(dispatcher)) >= len(guide.offers) + 1
    # Back from the last screen goes to the one before.
    if len(guide.screens) > 1:
        assert f'/{intent}{{"step":"{len(guide.screens) - 2}"}}' in payloads(dispatcher)


@pytest.mark.parametrize("step", ["99", "-1", "two", "1e9", None, ["1"]])
async def test_odd_guide_steps_show_the_first_screen(directory_url, step):
    guide = content().guides["rights"]
    dispatcher = CollectingDispatcher()
    entities = [] if step is None else [{"entity": "step", "value": step}]
    await ActionGuide().run(dispatcher, make_tracker({"language": "en"}, text="x", intent="rights", entities=entities), {})
    assert guide.screens[0].text["en"][:25].split("{")[0] in all_text(dispatcher)


def test_the_menu_reaches_every_new_path():
    menu = {b["payload"] for b in main_menu("ru") + more_menu("ru")}
    assert {"/risk_check", "/safety_plan", "/witness_guide", "/rights", "/about"} <= menu
