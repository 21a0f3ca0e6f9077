"""Paths beyond the phone book: the risk self-check and the guides (content/).

Both are button-driven and stateless apart from the self-check's answer string: a button
carries everything the next screen needs, so a stale or forged button can only show another
valid screen. Every path ends with the hotline, the emergency numbers and the menu.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import buttons, hotline, risk, slot_rules
from actions.content import Guide, content, fill
from actions.conversation import leave_form, send_menu
from actions.state import State, latest_intent
from actions.texts import text
from actions.usage import count
from safety import fallback

DomainDict = Dict[Text, Any]
GUIDE_FOR_INTENT = {intent: guide for guide, intent in buttons.GUIDE_INTENTS.items()}


def _entity(tracker: Tracker, name: str) -> Any:
    return next((e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == name), None)


class ActionGuide(Action):
    """One screen of a guide, with Next/Back; the last one adds its offers and the hotline."""

    def name(self) -> Text:
        return "action_guide"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        guide_id = GUIDE_FOR_INTENT.get(latest_intent(tracker) or "", "about")
        guide = content().guides[guide_id]
        step = slot_rules.guide_step(_entity(tracker, "step"), len(guide.screens))
        if step == 0:
            count(("guide", guide_id))
        dispatcher.utter_message(
            text=screen_text(guide, step, state.language), buttons=buttons.guide_screen(state.language, guide, step)
        )
        return leave_form()


def screen_text(guide: Guide, step: int, lang: str) -> str:
    screen = guide.screens[step]
    parts = []
    if step == 0:
        parts.append(guide.title[lang])
    parts.append(fill(screen.text[lang]))
    if len(guide.screens) > 1:
        parts.append(text(lang, "guide.page", n=step + 1, total=len(guide.screens)))
    body = "\n\n".join(parts)
    return fallback.with_footer(lang, body) if step == len(guide.screens) - 1 else body


class ActionRiskCheck(Action):
    """The self-check: intro, one yes/no question at a time, and the result.

    A button carries all answers so far (``/risk_check{"answers":"ny"}``); a typed yes/no
    continues from the ``risk_answers`` slot. High risk ends the check at once with the
    emergency numbers, the hotline and the way to a crisis room.
    """

    def name(self) -> Text:
        return "action_risk_check"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        lang = state.language
        check = content().risk_check
        events: List[EventType] = leave_form()
        answers = self._answers(tracker)
        if answers is None:
            if latest_intent(tracker) in ("affirm", "deny", "dont_know"):
                # A yes or no with no question open: nothing to answer.
                dispatcher.utter_message(text=f"{text(lang, 'not_understood')}\n{hotline.reminder(lang)}")
            else:
                dispatcher.utter_message(text=text(lang, "invalid_choice"))
            send_menu(dispatcher, lang)
            return events + [SlotSet("risk_answers", None)]
        result = risk.outcome(answers, check)
        if result is None:
            if not answers:
                count(("risk_check", "started"))
                dispatcher.utter_message(text=fill(check.intro[lang]))
            question = check.questions[len(answers)]
            progress = text(lang, "risk.progress", n=len(answers) + 1, total=len(check.questions))
            dispatcher.utter_message(text=f"{progress}\n{fill(question.text[lang])}", buttons=buttons.risk_answer(lang, answers))
            return events + [SlotSet("risk_answers", answers)]
        count(("risk_check", result))
        unknown = unknown_note(lang, answers)
        if result == risk.HIGH:
            body = [fallback.with_footer(lang, f"{fill(check.result_high[lang])}{unknown}\n\n{fallback.emergency_text(lang)}")]
            offers = ["contacts:shelter", "contacts:emergency", "guide:safety_plan"]
        else:
            body = [fallback.with_footer(lang, f"{fill(check.result_lower[lang])}{unknown}")]
            offers = ["guide:safety_plan", "contacts:psychological", "contacts:shelter"]
        dispatcher.utter_message(text="\n\n".join(body), buttons=buttons.offers(lang, offers))
        return events + [SlotSet("risk_answers", None)]

    @staticmethod
    def _answers(tracker: Tracker) -> Optional[str]:
        """The answers so far, from the button or the typed yes/no; None if not possible."""
        check = content().risk_check
        intent = latest_intent(tracker)
        if intent == "risk_check":
            given = _entity(tracker, "answers")
            return "" if given is None else risk.valid_answers(given, check)
        if intent in TYPED_ANSWERS:
            so_far = risk.valid_answers(tracker.get_slot("risk_answers"), check)
            if so_far is None:
                return None
            return risk.valid_answers(so_far + TYPED_ANSWERS[intent], check)
        return None


# A typed answer to the open self-check question: yes, no, don't know (its own answer, not "no").
TYPED_ANSWERS = {"affirm": "y", "deny": "n", "dont_know": risk.UNKNOWN}


def unknown_note(lang: str, answers: str) -> str:
    """How the "don't know" answers were counted, when there were any ('' otherwise)."""
    n = risk.unknowns(answers)
    if not n:
        return ""
    return f"\n\n{text(lang, 'risk.unknown_count', n=n)} {fill(content().risk_check.unknown_counted[lang])}"
