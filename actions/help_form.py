"""The help form: help type → region → district, asked with buttons, validated by one whitelist.

A place means what the person meant: a city that is a unit of its own («г. Гомель») is not the
raion around it; when it has urban districts (Gomel, Brest, …; Minsk, the region BY-HM, too)
they are asked with buttons and "I don't know / whole city", which makes the city unit the
district (its search covers all its urban districts). The ``city`` slot holds the city unit
while that is asked (Rasa looks at a value twice, in ``action_validate_slot_mappings`` and again
in the form: the second look at a typed city must still ask, at the whole-city choice must not).

The same validators run in two places Rasa calls: ``action_validate_slot_mappings`` (every
turn, every slot) and ``validate_help_form`` (inside the form). Both inherit ``SlotValidators``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker, ValidationAction
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import buttons, slot_rules
from actions.knowledge import directory
from actions.language_detection import language_decided, sure
from actions.state import State, latest_intent, previous_slot_value
from actions.texts import text
from safety import fallback

DomainDict = Dict[Text, Any]
# Slots validated on every turn even though a mapping of theirs is conditioned on the form.
ALWAYS_GLOBAL = ("help_type",)
# Help types whose region question names them (locales: ask_region_for.<help type>).
NAMED_NEEDS = ("shelter", "psychological", "legal", "social", "police", "medical", "addiction")


def _unavailable(dispatcher: CollectingDispatcher, lang: str) -> None:
    dispatcher.utter_message(text=fallback.unavailable_text(lang))


def _lang(tracker: Tracker) -> str:
    return slot_rules.language_or_default(tracker.get_slot("language"))


class SlotValidators:
    """``validate_<slot>`` methods shared by the global and the form validation actions."""

    def _refuse(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, keep: Any) -> Dict[Text, Any]:
        dispatcher.utter_message(text=text(_lang(tracker), "invalid_choice"))
        return {slot: keep}

    def validate_help_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or slot_rules.help_type(value):
            return {"help_type": value}
        return self._refuse(dispatcher, tracker, "help_type", slot_rules.help_type(previous_slot_value(tracker, "help_type")))

    def validate_role(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value in slot_rules.ROLES:
            return {"role": value}
        return self._refuse(dispatcher, tracker, "role", slot_rules.role(previous_slot_value(tracker, "role")))

    def validate_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_rules.language(value):
            return {"language": value}
        keep = slot_rules.language_or_default(previous_slot_value(tracker, "language"))
        dispatcher.utter_message(text=text(keep, "invalid_choice"))
        return {"language": keep}

    def validate_other_need(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or slot_rules.help_type(value):
            return {"other_need": value}
        return self._refuse(dispatcher, tracker, "other_need", None)

    def validate_other_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or slot_rules.place(value):
            return {"other_place": value}
        return self._refuse(dispatcher, tracker, "other_place", None)

    def validate_whole_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"whole_region": slot_rules.whole_region(value)}

    def validate_district_page(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"district_page": slot_rules.page(value)}

    def validate_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"region": None}
        code = slot_rules.region(value)
        if code is None:
            return self._refuse(dispatcher, tracker, "region", slot_rules.region(previous_slot_value(tracker, "region")))
        result: Dict[Text, Any] = {"region": code}
        if code != slot_rules.region(previous_slot_value(tracker, "region")):
            result.update(whole_region=False, district_page=0)
            if "district" not in tracker.slots_to_validate():
                result["district"] = None
                # the form re-validates a region typed with a city («в Гомеле»): keep that city
                city = slot_rules.district_id(tracker.get_slot("city"))
                if city is None or not city.startswith(code + "-"):
                    result["city"] = None
        return result

    def validate_district(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"district": None}
        city = slot_rules.district_id(tracker.get_slot("city"))
        if value == slot_rules.WHOLE_REGION:
            if city:  # "I don't know / whole city": the city unit covers its urban districts
                return {"district": city, "city": None, "whole_region": False, "district_page": 0}
            return {"district": None, "whole_region": True, "district_page": 0}
        if value == slot_rules.NEXT_PAGE:
            return {"district": None, "whole_region": False}
        district_id = slot_rules.district_id(value)
        found = None
        known = directory() if district_id else None
        if district_id:
            if known is None:
                _unavailable(dispatcher, _lang(tracker))
                return {"district": None}
            found = known.district(district_id)
        if found is None or known is None:
            return self._refuse(dispatcher, tracker, "district", None)
        if (
            found.kind == "city"
            and known.urban_districts(found.id)
            and latest_intent(tracker) != "whole_region"
            and found.id not in (previous_slot_value(tracker, "city"), previous_slot_value(tracker, "district"))
        ):
            # «в Гомеле»: which urban district? (asked by action_ask_district). Not after "whole
            # city" (Rasa's form looks once more at the value the global validator returned),
            # not when the person names the same city again (that is the whole city), and not
            # when the form starts again with the whole city chosen before (another kind of help).
            return {"district": None, "city": found.id, "region": found.region_code, "whole_region": False, "district_page": 0}
        return {"district": found.id, "city": None, "region": found.region_code, "whole_region": False}


class ValidateSlotMappings(SlotValidators, ValidationAction):
    """Runs after every user message; also explains places it cannot use."""

    _global_slots: Tuple[Optional[Dict[Text, Any]], List[Text]] = (None, [])

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    def global_slots(self, domain: DomainDict) -> List[Text]:
        """The SDK's answer, worked out once per domain.

        Why (measured): the SDK asks for the global slots once per slot while it looks for
        ``extract_<slot>`` methods, and each answer scans every slot's mappings — quadratic in
        the slots, ~45 % of this action's time (cProfile over the bench flows' calls). The domain
        arrives as a fresh dict with every call (or the SDK's cached one), so the answer is kept
        for the one ``slots`` dict it was computed from; callers get a copy.
        """
        slots = domain.get("slots", {})
        known, names = self._global_slots
        if known is not slots:
            names = super().global_slots(domain)
            # The SDK drops every slot with a form condition; help_type has two (the 🆘 button
            # answering the form's "which help?"), yet it is filled outside the form too, so the
            # whitelist must run on it everywhere.
            names += [slot for slot in ALWAYS_GLOBAL if slot in slots and slot not in names]
            self._global_slots = (slots, names)
        return list(names)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        entities = (tracker.latest_message or {}).get("entities") or []
        names = {e.get("entity") for e in entities}
        language_chosen = any(e.get("event") == "slot" and e.get("name") == "language" for e in events)
        typed = (tracker.latest_message or {}).get("text") or ""
        if not language_chosen and not typed.startswith("/") and not language_decided(tracker.events):
            # Until a language is chosen or surely written, each typed message may decide it
            # (a bare "Гомель" first decides nothing; "дзякуй" next still answers in Belarusian).
            detected = sure(typed)
            if detected:
                events.append(SlotSet("language", detected))
                tracker.slots["language"] = detected
        lang = _lang(tracker)
        # "I'm in Warsaw" (intent abroad) gets the country's own answer (actions/moments.py).
        abroad = ((tracker.latest_message or {}).get("intent") or {}).get("name") == "abroad"
        if "foreign_place" in names and not names & {"region", "district"} and not abroad:
            dispatcher.utter_message(text=text(lang, "foreign_place", emergency=fallback.EMERGENCY, hotline=fallback.HOTLINE))
        options = next((e.get("value") for e in entities if e.get("entity") == "place_options"), None)
        if options and not names & {"region", "district"}:
            chosen = self._in_asked_city(tracker, str(options))
            if chosen:  # «Железнодорожный» while Gomel's districts are asked: Gomel's
                events += [SlotSet("district", chosen), SlotSet("city", None)]
            else:
                self._ask_which_place(dispatcher, lang, str(options))
        return events

    @staticmethod
    def _in_asked_city(tracker: Tracker, options: str) -> Optional[str]:
        """The one option that is an urban district of the city being asked, else None."""
        city = slot_rules.district_id(tracker.get_slot("city"))
        known = directory() if city else None
        if not city or known is None:
            return None
        inside = {d.id for d in known.urban_districts(city)}
        found = [key for key in options.split("|") if key in inside]
        return found[0] if len(found) == 1 else None

    def _ask_which_place(self, dispatcher: CollectingDispatcher, lang: str, options: str) -> None:
        known = directory()
        if known is None:
            _unavailable(dispatcher, lang)
            return
        choices = []
        for key in options.split("|")[:8]:
            district = known.district(key) if slot_rules.district_id(key) else None
            region = known.region(district.region_code if district else key)
            if region is None:
                continue
            label = f"{district.name(lang)}, {region.name(lang)}" if district else region.name(lang)
            choices.append((district.id if district else region.code, label))
        if choices:
            dispatcher.utter_message(text=text(lang, "ambiguous_place"), buttons=buttons.places(lang, choices))


class ValidateHelpForm(SlotValidators, FormValidationAction):
    def name(self) -> Text:
        return "validate_help_form"

    def validate_help_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """The 🆘 button (or danger) answering "which help?" shows the numbers once, here, and
        the form goes on to the region (domain.yml maps it only while help_type is asked)."""
        result = super().validate_help_type(value, dispatcher, tracker, domain)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        asked = tracker.get_slot("requested_slot") == "help_type"  # not when the form starts
        if asked and result.get("help_type") == "emergency" and intent in ("danger", "need_emergency"):
            lang = _lang(tracker)
            dispatcher.utter_message(text=f"{fallback.emergency_text(lang)}\n\n{fallback.footer(lang)}")
        return result

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """ "Whole region" makes the district optional."""
        if slot_rules.whole_region(tracker.get_slot("whole_region")):
            return [slot for slot in domain_slots if slot != "district"]
        return domain_slots


class ActionAskHelpType(Action):
    def name(self) -> Text:
        return "action_ask_help_type"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = State.of(tracker).language
        dispatcher.utter_message(text=with_note(tracker, text(lang, "ask_help_type")), buttons=buttons.help_types(lang))
        return []


class ActionAskRegion(Action):
    def name(self) -> Text:
        return "action_ask_region"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        known = directory()
        if known is None:
            _unavailable(dispatcher, state.language)
            return []
        dispatcher.utter_message(
            text=with_note(tracker, region_question(state.language, state.help_type)),
            buttons=buttons.regions(state.language, known.regions()),
        )
        return []


def with_note(tracker: Tracker, question: str) -> str:
    """The question, after a line saying both needs / places were kept when the latest message
    named two (issue 17.5): the first is searched now, the other is offered after the results."""
    state = State.of(tracker)
    known = directory()
    lines = []
    if state.other_need and state.other_need != previous_slot_value(tracker, "other_need") and state.help_type:
        lines.append(
            text(
                state.language,
                "two_needs",
                first=text(state.language, f"help_names.{state.help_type}"),
                second=text(state.language, f"help_names.{state.other_need}"),
            )
        )
    if state.other_place and state.other_place != previous_slot_value(tracker, "other_place") and known is not None:
        first = state.district or state.city or state.region
        names = [buttons.place_name(state.language, known, key) for key in (first, state.other_place) if key]
        if len(names) == 2:
            lines.append(text(state.language, "two_places", first=names[0], second=names[1]))
    return "\n".join(lines + [question]) if lines else question


def naming_the_need(lang: str, help_type: Optional[str], question: str) -> str:
    """``question`` after the need it is for («Где искать юриста? …»), for the help types that have one."""
    return text(lang, f"ask_region_for.{help_type}") + " " + question if help_type in NAMED_NEEDS else question


def region_question(lang: str, help_type: Optional[str]) -> str:
    """The region question names the need («Где искать юриста?»): after the emergency numbers
    of a long danger story, the person sees that what she asked for was kept."""
    if help_type == "emergency":
        return text(lang, "ask_region_emergency")
    if help_type in NAMED_NEEDS:
        return naming_the_need(lang, help_type, text(lang, "ask_region_for.hint"))
    return text(lang, "ask_region")


class ActionAskDistrict(Action):
    def name(self) -> Text:
        return "action_ask_district"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        known = directory()
        region = known.region(state.region) if known and state.region else None
        if known is None or region is None:
            _unavailable(dispatcher, state.language)
            return []
        city = known.district(state.city) if state.city else None
        if city is not None and city.region_code == region.code:
            urban, place = known.urban_districts(city.id), city.name(state.language)
        else:
            urban, place = known.urban_districts(region.code), region.name(state.language)  # Minsk
        if urban:
            keyboard = buttons.urban_district_keyboard(state.language, urban)
            # often the first question: «муж пьёт, куда в Минске»
            question = naming_the_need(state.language, state.help_type, text(state.language, "ask_urban_district", city=place))
            dispatcher.utter_message(text=with_note(tracker, question), buttons=keyboard)
            return []
        keyboard, page, pages = buttons.district_page(
            state.language, region.code, known.district_choices(region.code), state.page
        )
        message = text(state.language, "ask_district", region=region.name(state.language))
        if previous_slot_value(tracker, "help_type") != state.help_type:
            # need and region in one message (a long story): no region question named the need yet
            message = naming_the_need(state.language, state.help_type, message)
        if pages > 1:
            message += "\n" + text(state.language, "ask_district_page", page=page + 1, pages=pages)
        dispatcher.utter_message(text=with_note(tracker, message), buttons=keyboard)
        return []


class ActionResetHelpType(Action):
    """ "Another kind of help": keep the place, ask the help type again."""

    def name(self) -> Text:
        return "action_reset_help_type"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return [SlotSet("help_type", None)]


class ActionResetRegion(Action):
    """ "Another region": keep the help type, ask the place again."""

    def name(self) -> Text:
        return "action_reset_region"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return [
            SlotSet("region", None),
            SlotSet("district", None),
            SlotSet("city", None),
            SlotSet("whole_region", False),
            SlotSet("district_page", 0),
        ]
