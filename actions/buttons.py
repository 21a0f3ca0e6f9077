"""Keyboards: one structure for every language, titles from the locale catalogue.

Payloads are Rasa's ``/intent{"entity":"value"}`` form and stay far below Telegram's 64-byte
callback limit (the longest, a district, is 31 bytes).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from directory import District, Region

from actions import intents
from actions.content import Guide, content
from actions.texts import text

Button = Dict[str, str]
DISTRICTS_PER_PAGE = 8

# The help type ↔ intent ↔ payload table lives in actions/intents.py; these names read it.
HELP_INTENTS = intents.HELP_INTENTS
GUIDE_INTENTS = intents.GUIDE_INTENTS
payload = intents.payload
LANGUAGE_TITLES = (("ru", "Русский"), ("be", "Беларуская"), ("en", "English"))


def button(title: str, intent: str, **entities: str) -> Button:
    return {"title": title, "payload": payload(intent, **entities)}


def main_menu(lang: str) -> List[Button]:
    """The first menu: the most needed kinds of help, then "more" (at most 8 buttons)."""
    first = [button(text(lang, f"menu.{key}"), intents.INTENT_FOR_HELP[key]) for key in intents.MENU_FIRST]
    return first + [button(text(lang, "menu.more"), intents.MENU_INTENT, **{intents.MORE_ENTITY: intents.MORE_VALUE})]


def more_menu(lang: str) -> List[Button]:
    """Behind "more": the other kinds of help, the guides, the language, and back."""
    rest = [button(text(lang, f"menu.{key}"), intent) for key, intent in intents.MENU_MORE]
    return rest + [button(text(lang, "back"), intents.MENU_INTENT)]


def help_types(lang: str) -> List[Button]:
    return [button(text(lang, f"menu.{key}"), intent) for key, intent in HELP_INTENTS]


def sos(lang: str) -> Button:
    """Emergency help one tap away at every question of the search (issue 17, item 4): the
    numbers once, then the same question again (data/rules.yml, "danger interrupts the form")."""
    return button(text(lang, "menu.emergency"), intents.INTENT_FOR_HELP["emergency"])


def regions(lang: str, all_regions: Sequence[Region]) -> List[Button]:
    return [sos(lang)] + [button(region.name(lang), "inform", region=region.code) for region in all_regions]


def district_page(lang: str, region_code: str, districts: Sequence[District], page: int) -> Tuple[List[Button], int, int]:
    """One page of district buttons plus "whole region" and paging; returns (buttons, page, pages)."""
    pages = max(1, -(-len(districts) // DISTRICTS_PER_PAGE))
    page = page if 0 <= page < pages else 0
    chunk = districts[page * DISTRICTS_PER_PAGE : (page + 1) * DISTRICTS_PER_PAGE]
    result = [sos(lang)] + [button(d.name(lang), "inform", district=d.id) for d in chunk]
    whole = "whole_city" if region_code == "BY-HM" else "whole_region"
    result.append(button(text(lang, whole), "whole_region"))
    if page + 1 < pages:
        result.append(button(text(lang, "more"), "district_page", page=str(page + 1)))
    if page > 0:
        result.append(button(text(lang, "back"), "district_page", page=str(page - 1)))
    return result, page, pages


def urban_district_keyboard(lang: str, urban: Sequence[District]) -> List[Button]:
    """A city's urban districts (at most 9, Minsk) on one keyboard, then "I don't know / whole
    city" (the ``whole_region`` intent: with a city being asked it means the whole city)."""
    return (
        [sos(lang)]
        + [button(d.name(lang), "inform", district=d.id) for d in urban]
        + [button(text(lang, "whole_city"), "whole_region")]
    )


# After contacts, the paths that fit what the person asked for (issue: "offered after results").
RELATED_PATHS = {
    "emergency": ("guide:safety_plan", "risk_check"),
    "shelter": ("guide:safety_plan", "risk_check"),
    "police": ("guide:rights", "risk_check"),
    "legal": ("guide:rights",),
    "medical": ("guide:rights",),
    "psychological": ("risk_check",),
    "social": ("guide:safety_plan",),
    "hotline": ("risk_check",),
}


def followups(lang: str, help_type: str | None = None, role: str = "survivor") -> List[Button]:
    """What next after contacts: the related guides, other help, other region, start over."""
    related = ("guide:witness",) if role == "witness" else RELATED_PATHS.get(help_type or "", ())
    return [offer(lang, target) for target in related] + [
        button(text(lang, "followup.change_help"), "change_help"),
        button(text(lang, "followup.change_region"), "change_region"),
        button(text(lang, "followup.restart"), "restart"),
    ]


def place_name(lang: str, known: Any, key: str) -> str:
    """A district's or region's name for a text or a button ("" when the directory lacks it)."""
    found = known.district(key) if key.count("-") == 2 else known.region(key)
    return found.name(lang) if found is not None else ""


def other_steps(
    lang: str,
    known: Any,
    help_type: Optional[str],
    place_now: Sequence[Optional[str]],
    other_need: Optional[str],
    other_place: Optional[str],
) -> List[Tuple[str, Button]]:
    """The other of two needs / places named at once, as the next step after the results:
    (what it is called in a sentence, its button)."""
    result = []
    if other_need and other_need != help_type:
        result.append(
            (
                text(lang, f"help_names.{other_need}"),
                button(text(lang, f"menu.{other_need}"), intents.INTENT_FOR_HELP[other_need]),
            )
        )
    if other_place and other_place not in place_now and (name := place_name(lang, known, other_place)):
        result.append((name, place(text(lang, "other_place", place=name), other_place)))
    return result


def languages() -> List[Button]:
    return [button(title, "set_language", language=code) for code, title in LANGUAGE_TITLES]


def places(lang: str, options: Sequence[Tuple[str, str]]) -> List[Button]:
    """Buttons for an ambiguous place name: (district id or region code, label)."""
    return [sos(lang)] + [place(label, key) for key, label in options]


def place(label: str, key: str) -> Button:
    """A place button: a district id (BY-xx-NN) or a region code (BY-xx)."""
    return button(label, "inform", **({"district": key} if key.count("-") == 2 else {"region": key}))


def offer(lang: str, target: str) -> Button:
    """A button for a content offer (actions.content.OFFER): contacts, a guide, the self-check."""
    kind, _, value = target.partition(":")
    if kind == "contacts":
        return button(text(lang, f"menu.{value}"), intents.INTENT_FOR_HELP[value])
    if kind == "guide":
        return button(content().guides[value].title[lang], GUIDE_INTENTS[value])
    if kind == "witness_contacts":
        return button(text(lang, "offers.witness_contacts"), "role_witness")
    return button(text(lang, "menu.risk_check"), "risk_check")


def offers(lang: str, targets: Sequence[str]) -> List[Button]:
    """Offers, then the way back to the menu."""
    return [offer(lang, t) for t in targets] + [button(text(lang, "followup.menu"), "main_menu")]


def guide_screen(lang: str, guide: Guide, step: int) -> List[Button]:
    """Next / Back within a guide; after the last screen, the guide's offers and the menu."""
    intent = GUIDE_INTENTS[guide.id]
    result: List[Button] = []
    last = step == len(guide.screens) - 1
    if not last:
        result.append(button(text(lang, "guide.next"), intent, step=str(step + 1)))
    if step > 0:
        result.append(button(text(lang, "back"), intent, step=str(step - 1)))
    if last:
        return result + offers(lang, guide.offers)
    return result + [button(text(lang, "followup.menu"), "main_menu")]


def risk_answer(lang: str, answers: str) -> List[Button]:
    """Yes / No / Don't know for the next self-check question (the payload carries all answers so
    far); emergency help one tap away here too, since its questions are about danger."""
    return [
        sos(lang),
        button(text(lang, "risk.answer_yes"), "risk_check", answers=answers + "y"),
        button(text(lang, "risk.answer_no"), "risk_check", answers=answers + "n"),
        button(text(lang, "risk.answer_unknown"), "risk_check", answers=answers + "u"),
        button(text(lang, "risk.stop"), "main_menu"),
    ]
