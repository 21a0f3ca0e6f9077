"""Answers with contacts: the emergency block, the hotline answer and the directory results."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from directory import Contact, SearchResult

from actions import buttons, hotline, render, slot_rules
from actions.conversation import leave_form
from actions.knowledge import directory
from actions.state import State, previous_slot_value
from actions.texts import text
from actions.usage import count
from safety import fallback

DomainDict = Dict[Text, Any]
# A results answer with up to 3 contacts stays within this many characters (issue 16, item 5).
ANSWER_BUDGET = 1000
_DIGITS = re.compile(r"\D")
HOTLINE_DIGITS = _DIGITS.sub("", hotline.PHONE)


class ActionEmergency(Action):
    """Immediate danger: 102 / 103 / 112 and the hotline first, before anything else."""

    def name(self) -> Text:
        return "action_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = State.of(tracker).language
        dispatcher.utter_message(text=f"{fallback.emergency_text(lang)}\n\n{hotline.line(lang)}")
        count(("emergency", "shown"))
        return []


class ActionHotline(Action):
    """The hotline at once: a national line, so no region is asked (issue 16, item 4)."""

    def name(self) -> Text:
        return "action_hotline"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        body = "\n\n".join([hotline.full(state.language)] + self._other_lines(state))
        dispatcher.utter_message(
            text=body, buttons=buttons.offers(state.language, ["contacts:psychological", "contacts:shelter", "risk_check"])
        )
        count(("contacts_shown", "hotline"), ("language", state.language))
        # The slot mapping set help_type=hotline; keep what the person was looking for before.
        before = slot_rules.help_type(previous_slot_value(tracker, "help_type"))
        return leave_form() + [SlotSet("help_type", before if before != "hotline" else None)]

    @staticmethod
    def _other_lines(state: State) -> List[str]:
        """The directory's other nationwide lines of this kind (e.g. 165); none if it is down."""
        known = directory()
        if known is None:
            return []
        try:
            national = without_hotline(known.search("hotline", None, None)).national
        except (SQLAlchemyError, ValueError):
            return []
        return [render.contact_block(c, state.language, state.role) for c in national]


def is_hotline(contact: Contact) -> bool:
    """A directory row whose number is the hotline's (the line itself, its MVD session)."""
    return any(_DIGITS.sub("", p.display) == HOTLINE_DIGITS for p in contact.phones)


def without_hotline(result: SearchResult) -> SearchResult:
    """The results minus the hotline's rows: it is named once, in the line under the answer."""
    return dataclasses.replace(
        result,
        local=tuple(c for c in result.local if not is_hotline(c)),
        national=tuple(c for c in result.national if not is_hotline(c)),
    )


class ActionShowContacts(Action):
    """Contacts for the chosen help type and place, the hotline line and the follow-ups, in as
    few messages as fit (one, for up to 3 contacts)."""

    def name(self) -> Text:
        return "action_show_contacts"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        lang = state.language
        steps = self._other_steps(state)
        prompt = text(lang, "followup_prompt")
        if steps:  # the other of two needs / places named at once (issue 17.5), never dropped
            prompt = text(lang, "also_asked", what="; ".join(name for name, _ in steps)) + "\n" + prompt
        blocks = self._results(state, prompt)
        if blocks is None:
            blocks = [text(lang, "unavailable"), fallback.emergency_text(lang), hotline.line(lang)]
            count(("safety_net", "shown"))
        else:
            blocks += [self._hotline_line(lang, blocks, prompt)]
            count(
                ("contacts_shown", state.help_type or ""),
                ("region", state.region or ""),
                ("role", state.role),
                ("language", lang),
            )
        messages = render.pack(blocks + [prompt])
        for message in messages[:-1]:
            dispatcher.utter_message(text=message)
        dispatcher.utter_message(
            text=messages[-1], buttons=[b for _, b in steps] + buttons.followups(lang, state.help_type, state.role)
        )
        return [SlotSet("district_page", 0), SlotSet("other_need", None), SlotSet("other_place", None)]

    @staticmethod
    def _other_steps(state: State) -> List[Tuple[str, Dict[str, str]]]:
        known = directory()
        if known is None or not (state.other_need or state.other_place):
            return []
        return buttons.other_steps(
            state.language,
            known,
            state.help_type,
            (state.district, state.city, state.region),
            state.other_need,
            state.other_place,
        )

    @staticmethod
    def _hotline_line(lang: str, blocks: List[str], prompt: str) -> str:
        """The hotline line; its shortest form when the contacts need the room (the budget)."""
        line = fallback.footer(lang)
        used = sum(len(b) + 2 for b in blocks) + len(prompt)
        return line if used + len(line) + 2 <= ANSWER_BUDGET else hotline.reminder(lang)

    @staticmethod
    def _results(state: State, prompt: str) -> List[str] | None:
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
        # Room left for the contacts once the shortest hotline line and the prompt are counted.
        room = ANSWER_BUDGET - len(hotline.reminder(state.language)) - len(prompt) - 4
        return render.result_blocks(without_hotline(result), state.language, state.role, place, budget=room)
