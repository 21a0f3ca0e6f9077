"""The moments that matter most: a witness to violence now, a child, a person abroad (issue 17).

Each answer puts the one number that helps first, in words for who is writing, and never asks
for a Belarusian region in the same answer. The intents come from the NLU pipeline
(components/moments.py, components/danger_priority.py); the rules are in data/rules.yml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import buttons
from actions.conversation import leave_form
from actions.state import State
from actions.texts import LANGUAGES, text
from actions.usage import count
from safety import fallback

DomainDict = Dict[Text, Any]
ABROAD_FILE = Path(__file__).resolve().parent.parent / "content" / "abroad.yml"
# Directory row by-children-line-1611 (source: moyby.com, 2012; round the clock, free);
# tests/actions/test_moments.py checks that the directory agrees.
CHILDREN_LINE = "8-801-100-16-11"
CHILDREN_LINE_ID = "by-children-line-1611"


@dataclass(frozen=True)
class Country:
    code: str
    name: Dict[str, str]
    stems: Tuple[str, ...]
    numbers: Tuple[Tuple[str, str], ...]  # (number, what: all | police)
    sources: Tuple[str, ...]


@lru_cache(maxsize=1)
def countries() -> Tuple[Country, ...]:
    """The sourced table of content/abroad.yml; every country names known sources."""
    raw = yaml.safe_load(ABROAD_FILE.read_text(encoding="utf-8"))
    known = set(raw["sources"])
    result = []
    for code, item in raw["countries"].items():
        missing = set(item["sources"]) - known
        if missing or set(item["name"]) != set(LANGUAGES) or not item["numbers"]:
            raise ValueError(f"content/abroad.yml: {code} is incomplete or names unknown sources {missing}")
        result.append(
            Country(
                code,
                dict(item["name"]),
                tuple(s.lower() for s in item["stems"]),
                tuple((str(n["number"]), n["what"]) for n in item["numbers"]),
                tuple(item["sources"]),
            )
        )
    return tuple(result)


def country_of(place: str) -> Optional[Country]:
    """The country a ``foreign_place`` value (matched text, any case form) belongs to."""
    words = place.lower().replace("ё", "е").split()
    for country in countries():
        if any(word.startswith(stem) for word in words for stem in country.stems):
            return country
    return None


def abroad_text(lang: str, place: Optional[str]) -> str:
    country = country_of(place) if place else None
    if country is None:
        first = text(lang, "moments.abroad_generic", emergency=fallback.EMERGENCY)
    else:
        numbers = "\n".join(text(lang, f"moments.abroad_number_{what}", number=number) for number, what in country.numbers)
        first = text(lang, "moments.abroad_country", country=country.name[lang], numbers=numbers)
    return "\n\n".join([first, text(lang, "moments.abroad_free_numbers", hotline=fallback.HOTLINE)])


class ActionWitnessEmergency(Action):
    """Someone is being hurt now and the person sees or hears it: call 102, say what, stay out."""

    def name(self) -> Text:
        return "action_witness_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        lang = state.language
        dispatcher.utter_message(
            text=text(lang, "moments.witness_now", police=fallback.POLICE, ambulance=fallback.AMBULANCE),
            buttons=[] if state.active_loop else buttons.offers(lang, ["guide:witness", "witness_contacts"]),
        )
        count(("emergency", "witness"))
        return [SlotSet("role", "witness")]


class ActionChildHelp(Action):
    """A child or teenager: 102 and the children's line, in words for a child; no form, no guide."""

    def name(self) -> Text:
        return "action_child_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = State.of(tracker).language
        dispatcher.utter_message(
            text=text(lang, "moments.child", police=fallback.POLICE, children_line=CHILDREN_LINE),
            buttons=buttons.offers(lang, []),
        )
        count(("emergency", "child"))
        return leave_form() + [SlotSet("role", "child")]


class ActionAbroad(Action):
    """Outside Belarus: that country's emergency number, and that 8-801 works only in Belarus."""

    def name(self) -> Text:
        return "action_abroad"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = State.of(tracker).language
        entities = (tracker.latest_message or {}).get("entities") or []
        place = next((str(e.get("value")) for e in entities if e.get("entity") == "foreign_place"), None)
        dispatcher.utter_message(text=abroad_text(lang, place), buttons=buttons.offers(lang, []))
        count(("emergency", "abroad"))
        return leave_form()
