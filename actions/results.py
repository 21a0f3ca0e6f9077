"""Answers with contacts: the emergency block and the directory results."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from sqlalchemy.exc import SQLAlchemyError
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import buttons, render, safety_net
from actions.knowledge import directory
from actions.state import State
from actions.texts import text
from actions.usage import count

DomainDict = Dict[Text, Any]


class ActionEmergency(Action):
    """Immediate danger: 102 / 103 / 112 and the hotline first, before anything else."""

    def name(self) -> Text:
        return "action_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = State.of(tracker).language
        dispatcher.utter_message(text=f"{safety_net.emergency_text(lang)}\n\n{safety_net.footer(lang)}")
        count(("emergency", "shown"))
        return []


class ActionShowContacts(Action):
    """Contacts for the chosen help type and place, then the hotline and the follow-ups."""

    def name(self) -> Text:
        return "action_show_contacts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        lang = state.language
        messages = self._results(state)
        if messages is None:
            messages = [text(lang, "unavailable"), safety_net.emergency_text(lang)]
            count(("safety_net", "shown"))
        else:
            count(
                ("contacts_shown", state.help_type or ""), ("region", state.region or ""),
                ("role", state.role), ("language", lang),
            )
        for message in messages:
            dispatcher.utter_message(text=message)
        dispatcher.utter_message(
            text=f"{safety_net.footer(lang)}\n\n{text(lang, 'followup_prompt')}", buttons=buttons.followups(lang, state.help_type, state.role)
        )
        return [SlotSet("district_page", 0)]

    @staticmethod
    def _results(state: State) -> List[str] | None:
        known = directory()
        if known is None or state.help_type is None or state.region is None:
            return None
        region = known.region(state.region)
        district = known.district(state.district) if state.district else None
        if region is None or (district is not None and district.region_code != region.code):
            return None
        try:
            result = known.search(state.help_type, region.code, district.id if district else None)
        except (SQLAlchemyError, ValueError):
            return None
        place = render.place_label(state.language, region, district)
        return render.pack(render.result_blocks(result, state.language, state.role, place))
