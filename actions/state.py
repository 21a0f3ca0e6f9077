"""A validated, read-only view of the conversation state, built once per action call.

Actions never read raw slots: a value stored before validation ran (for example while the
action server was down) is filtered through ``slot_rules`` here as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from rasa_sdk import Tracker

from actions import slot_rules


@dataclass(frozen=True)
class State:
    language: str
    role: str
    help_type: Optional[str]
    region: Optional[str]
    district: Optional[str]
    city: Optional[str]  # a city unit whose urban district is being asked («г. Гомель»)
    whole_region: bool
    page: int
    requested_slot: Optional[str]
    active_loop: Optional[str]
    other_need: Optional[str] = None  # the second of two needs named at once (issue 17.5)
    other_place: Optional[str] = None  # the second of two places: a district id or region code

    @classmethod
    def of(cls, tracker: Tracker) -> "State":
        slot = tracker.get_slot
        return cls(
            language=slot_rules.language_or_default(slot("language")),
            role=slot_rules.role(slot("role")),
            help_type=slot_rules.help_type(slot("help_type")),
            region=slot_rules.region(slot("region")),
            district=slot_rules.district_id(slot("district")),
            city=slot_rules.district_id(slot("city")),
            whole_region=slot_rules.whole_region(slot("whole_region")),
            page=slot_rules.page(slot("district_page")),
            requested_slot=slot("requested_slot"),
            active_loop=(tracker.active_loop or {}).get("name"),
            other_need=slot_rules.help_type(slot("other_need")),
            other_place=slot_rules.place(slot("other_place")),
        )


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent of the latest user message, as the NLU pipeline (or a button) gave it."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def previous_slot_value(tracker: Tracker, name: str) -> Any:
    """The value ``name`` had before the latest user message (what to keep on bad input)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == name:
            return event.get("value")
        elif event.get("event") == "restart":
            break
    return None
