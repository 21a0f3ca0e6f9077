"""Actions that frame the conversation: welcome, menu, restart, language, role, small talk."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import buttons, hotline, intents
from actions.state import State, latest_intent
from actions.texts import text
from actions.usage import count
from safety import fallback

# Longer than any real request for help; such a message gets a gentle "please be brief".
MAX_MESSAGE_LENGTH = 1000

DomainDict = Dict[Text, Any]


def leave_form() -> List[EventType]:
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


def fresh_search() -> List[EventType]:
    """Forget the current search (not the language)."""
    return [
        SlotSet("help_type", None),
        SlotSet("region", None),
        SlotSet("district", None),
        SlotSet("whole_region", False),
        SlotSet("district_page", 0),
        SlotSet("role", "survivor"),
        SlotSet("risk_answers", None),
        SlotSet("other_need", None),
        SlotSet("other_place", None),
    ]


def send_menu(dispatcher: CollectingDispatcher, lang: str, more: bool = False) -> None:
    if more:
        dispatcher.utter_message(text=text(lang, "menu_more_prompt"), buttons=buttons.more_menu(lang))
    else:
        dispatcher.utter_message(text=text(lang, "menu_prompt"), buttons=buttons.main_menu(lang))


def send_welcome(dispatcher: CollectingDispatcher, lang: str) -> None:
    """Who we are, the hotline's one-line reminder with 102 / 103 / 112 (its hours and whether it
    is open now are one tap away, on the menu's hotline button), and the first menu: one message
    (Rasa's REST and socket.io channels cut a text at each blank line into bubbles; on a 640-px
    phone screen the menu's first options must stay in view under the greeting)."""
    welcome = f"{text(lang, 'welcome')}\n{hotline.reminder(lang)}\n\n{text(lang, 'menu_prompt')}"
    dispatcher.utter_message(text=welcome, buttons=buttons.main_menu(lang))


def wants_more(tracker: Tracker) -> bool:
    """The "more" button of the first menu (``/main_menu{"menu":"more"}``)."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return any(e.get("entity") == intents.MORE_ENTITY and e.get("value") == intents.MORE_VALUE for e in entities)


class ActionWelcome(Action):
    """/start or a greeting: who the bot is, that it is anonymous, then the menu."""

    def name(self) -> Text:
        return "action_welcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        send_welcome(dispatcher, State.of(tracker).language)
        count(("conversation", "started"))
        return leave_form() + fresh_search()


class ActionMainMenu(Action):
    def name(self) -> Text:
        return "action_main_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        send_menu(dispatcher, State.of(tracker).language, more=wants_more(tracker))
        return leave_form() + [SlotSet("risk_answers", None)]


class ActionRestart(Action):
    """Overrides Rasa's ``action_restart``: start the search over, keep the language.

    Rasa's own restart wipes every slot and then starts a new session, which would switch a
    Belarusian or English speaker back to Russian. Erasing the stored conversation is a
    separate, explicit feature.
    """

    def name(self) -> Text:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        send_welcome(dispatcher, State.of(tracker).language)
        return leave_form() + fresh_search()


class ActionChooseLanguage(Action):
    def name(self) -> Text:
        return "action_choose_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text=text(State.of(tracker).language, "choose_language"), buttons=buttons.languages())
        return []


class ActionLanguageChanged(Action):
    """Confirms the new language; outside a form, shows the menu in it."""

    def name(self) -> Text:
        return "action_language_changed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        dispatcher.utter_message(text=text(state.language, "language_set"))
        if not state.active_loop:
            send_menu(dispatcher, state.language)
        return []


class ActionRoleIntro(Action):
    """Wording for a witness or a specialist before the same directory search."""

    def name(self) -> Text:
        return "action_role_intro"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        if state.role == "witness":
            dispatcher.utter_message(text=text(state.language, "intro_witness", police=fallback.POLICE))
        elif state.role == "specialist":
            dispatcher.utter_message(text=text(state.language, "intro_specialist"))
        return []


class ActionSmalltalk(Action):
    """Thanks, goodbye, "are you a bot?": a short kind reply and the one-line hotline reminder.

    No menu: after "спасибо" a person has what they came for (issue 16, item 5); inside the
    search, the form asks its question again (data/rules.yml).
    """

    def name(self) -> Text:
        return "action_smalltalk"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        intent = latest_intent(tracker)
        key = intent if intent in ("thank", "goodbye", "bot_challenge") else "not_understood"
        dispatcher.utter_message(text=f"{text(state.language, key)}\n{hotline.reminder(state.language)}")
        return []


class ActionNotUnderstood(Action):
    """NLU or dialogue confusion: say so kindly with the one-line hotline reminder (102/103/112
    included), then the first menu outside the search."""

    def name(self) -> Text:
        return "action_not_understood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        message = tracker.latest_message or {}
        entities = {e.get("entity") for e in message.get("entities") or []}
        if len(message.get("text") or "") > MAX_MESSAGE_LENGTH:
            key = "too_long"
        elif state.active_loop and state.requested_slot in ("region", "district"):
            key = "unknown_place"
        else:
            key = "not_understood"
        # The slot validation already explained a foreign or ambiguous place.
        if not entities & {"foreign_place", "place_options"}:
            dispatcher.utter_message(text=f"{text(state.language, key)}\n{hotline.reminder(state.language)}")
        if not state.active_loop:
            send_menu(dispatcher, state.language)
        return []
