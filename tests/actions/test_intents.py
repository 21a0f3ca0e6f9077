"""The help type ↔ intent ↔ payload table (actions/intents.py) agrees with domain.yml and
data/rules.yml, and everything derived from it (keyboards, the Telegram whitelist, deep links)
stays inside it."""

from __future__ import annotations

from pathlib import Path

import yaml

from directory import HELP_TYPES

from actions import buttons, intents
from actions.texts import LANGUAGES
from channels import telegram

REPO = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
RULES = yaml.safe_load((REPO / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]


def first_action_after(intent: str, with_form: bool):
    """The action each rule starts with after ``intent`` (inside the help form or outside)."""
    found = set()
    for rule in RULES:
        in_form = any(c.get("active_loop") == "help_form" for c in rule.get("condition") or [])
        if in_form != with_form:
            continue
        steps = rule["steps"]
        first = steps[0]
        named = {first["intent"]} if "intent" in first else {o["intent"] for o in first.get("or", [])}
        if intent in named:
            found.add(steps[1]["action"])
    return found


def test_every_help_type_has_its_intent_in_the_domain():
    assert [help_type for help_type, _ in intents.HELP_INTENTS] == list(HELP_TYPES)
    assert set(intents.INTENT_FOR_HELP.values()) <= set(DOMAIN["intents"])
    assert DOMAIN["slots"]["help_type"]["values"] == list(HELP_TYPES)


def test_no_stray_help_intent_in_the_domain_the_rules_or_the_stories():
    """A need_* intent, a help_type mapping or a rule outside the table would be a second source."""
    table = set(intents.HELP_FOR_INTENT)
    assert {i for i in DOMAIN["intents"] if i.startswith("need_")} == table
    mapped = {m["intent"] for m in DOMAIN["slots"]["help_type"]["mappings"] if m["type"] == "from_intent"}
    assert mapped == table | {"danger"}
    stories = yaml.safe_load((REPO / "data" / "stories.yml").read_text(encoding="utf-8"))["stories"]
    named = set()
    for item in RULES + stories:
        for step in item["steps"]:
            named |= {step["intent"]} if "intent" in step else {o["intent"] for o in step.get("or", []) if "intent" in o}
    assert {i for i in named if i.startswith("need_")} <= table


def test_every_help_type_has_a_button():
    for lang in LANGUAGES:
        offered = [b["payload"] for b in buttons.help_types(lang)]
        assert offered == [intents.payload(i) for _, i in intents.HELP_INTENTS]
        assert all(intents.PAYLOAD_PATTERN.match(p) for p in offered)


def test_the_slot_mappings_are_the_table():
    mapped = {m["intent"]: m["value"] for m in DOMAIN["slots"]["help_type"]["mappings"] if m["type"] == "from_intent"}
    assert {i: v for i, v in mapped.items() if i != "danger"} == intents.HELP_FOR_INTENT
    assert mapped["danger"] == "emergency"


def test_the_rules_route_every_help_intent():
    for help_type, intent in intents.HELP_INTENTS:
        if help_type == "emergency":
            expected = {"action_emergency"}
        elif help_type in intents.IMMEDIATE:
            expected = {f"action_{help_type}"}
        else:
            expected = {"help_form"}
        assert first_action_after(intent, with_form=False) == expected, intent
        if help_type in intents.IMMEDIATE or help_type == "emergency":
            assert first_action_after(intent, with_form=True) == expected, intent
    assert set(f"action_{h}" for h in intents.IMMEDIATE) <= set(DOMAIN["actions"])


def test_restart_is_followed_by_listening_not_by_fallbacks():
    assert first_action_after("restart", with_form=False) == {"action_restart"}
    assert first_action_after("restart", with_form=True) == {"action_restart"}


def test_every_payload_names_a_domain_intent_and_entity():
    builtin = {"restart"}
    for intent in intents.PLAIN_INTENTS:
        assert intent in DOMAIN["intents"] or intent in builtin, intent
    for intent, entity, _ in intents.ENTITY_PAYLOADS:
        assert intent in DOMAIN["intents"], intent
        assert entity in DOMAIN["entities"], entity


def test_the_menus_offer_everything_once_and_the_first_is_short():
    for lang in LANGUAGES:
        first, more = buttons.main_menu(lang), buttons.more_menu(lang)
        assert len(first) <= 8 and first[-1]["payload"] == intents.MORE_PAYLOAD
        shown = [b["payload"] for b in first[:-1] + more[:-1]]
        assert len(shown) == len(set(shown))
        assert {f"/{i}" for _, i in intents.HELP_INTENTS} <= set(shown)
        guides = {"/risk_check", "/safety_plan", "/witness_guide", "/rights", "/about", "/role_specialist", "/choose_language"}
        assert guides <= set(shown)
        assert more[-1]["payload"] == "/main_menu"


def test_telegram_reads_the_table():
    assert telegram.CALLBACK_WHITELIST is intents.PAYLOAD_PATTERN
    assert telegram.DEEP_LINK is intents.DEEP_LINKS
    for parameter, payload in intents.DEEP_LINKS.items():
        assert telegram.allowed_callback(payload), parameter
    for forged in ('/need_legal{"help_type":"x"}', "/need_nothing", '/main_menu{"menu":"all"}', "/restart_everything"):
        assert not telegram.allowed_callback(forged)
