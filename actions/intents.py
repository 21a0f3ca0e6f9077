"""The one table of help type ↔ intent ↔ button payload (issue 18, item 5).

Keyboards (``actions/buttons.py``), the Telegram callback whitelist and its /start deep links
(``channels/telegram.py``) are derived from here; ``tests/actions/test_intents.py`` checks that
domain.yml's slot mappings and data/rules.yml agree with it.
"""

from __future__ import annotations

import json
import re
from typing import Dict, Tuple

from directory import HELP_TYPES, REGION_CODES

from actions.texts import LANGUAGES

# help type → the intent that asks for it (a button, a typed request, a deep link).
HELP_INTENTS: Tuple[Tuple[str, str], ...] = tuple((help_type, f"need_{help_type}") for help_type in HELP_TYPES)
INTENT_FOR_HELP: Dict[str, str] = dict(HELP_INTENTS)
HELP_FOR_INTENT: Dict[str, str] = {intent: help_type for help_type, intent in HELP_INTENTS}
# Help types answered at once, without asking the place (a national line; issue 16, item 4).
IMMEDIATE = frozenset({"hotline"})

# The first menu: the kinds of help people need most, at most 7, then "more" (issue 16, item 5).
MENU_FIRST: Tuple[str, ...] = ("emergency", "shelter", "hotline", "psychological", "legal", "police", "medical")
# Behind "more": the other kinds of help, then guides and settings (locale key, intent).
MENU_MORE: Tuple[Tuple[str, str], ...] = tuple(
    (help_type, INTENT_FOR_HELP[help_type]) for help_type in HELP_TYPES if help_type not in MENU_FIRST
) + (
    ("witness", "witness_guide"),
    ("risk_check", "risk_check"),
    ("safety_plan", "safety_plan"),
    ("rights", "rights"),
    ("specialist", "role_specialist"),
    ("about", "about"),
    ("language", "choose_language"),
)
MENU_INTENT = "main_menu"
MORE_ENTITY, MORE_VALUE = "menu", "more"

# The intent that opens each guide of content/guides.
GUIDE_INTENTS: Dict[str, str] = {"safety_plan": "safety_plan", "witness": "witness_guide", "rights": "rights", "about": "about"}
# Keyboard payloads without entities besides the help and menu ones: follow-ups and controls.
CONTROL_INTENTS: Tuple[str, ...] = ("change_help", "change_region", "restart", "whole_region", MENU_INTENT, "role_witness")

_REGION = "BY-(?:" + "|".join(code.removeprefix("BY-") for code in REGION_CODES) + ")"
# Payloads that carry one entity: (intent, entity, pattern of the value).
ENTITY_PAYLOADS: Tuple[Tuple[str, str, str], ...] = (
    ("risk_check", "answers", "[ynu]{1,12}"),
    *((intent, "step", r"\d{1,2}") for intent in GUIDE_INTENTS.values()),
    ("inform", "region", _REGION),
    ("inform", "district", _REGION + r"-\d{2}"),
    ("district_page", "page", r"\d{1,2}"),
    ("set_language", "language", "(?:" + "|".join(LANGUAGES) + ")"),
    (MENU_INTENT, MORE_ENTITY, MORE_VALUE),
)


def payload(intent: str, **entities: str) -> str:
    """Rasa's ``/intent{"entity":"value"}`` form (compact, so it fits Telegram's 64 bytes)."""
    body = json.dumps(entities, ensure_ascii=False, separators=(",", ":")) if entities else ""
    return f"/{intent}{body}"


MORE_PAYLOAD = payload(MENU_INTENT, **{MORE_ENTITY: MORE_VALUE})
_REGION_PREFIX = payload("inform", region="")[: -len('"}')]  # /inform{"region":"
PLAIN_INTENTS: Tuple[str, ...] = tuple(
    dict.fromkeys([intent for _, intent in HELP_INTENTS] + [intent for _, intent in MENU_MORE] + list(CONTROL_INTENTS))
)
# Every payload a keyboard can carry, and nothing else (tests/channels check all buttons pass).
PAYLOAD_PATTERN = re.compile(
    "^/(?:"
    + "|".join(re.escape(intent) for intent in PLAIN_INTENTS)
    + "|"
    + "|".join(rf'{re.escape(intent)}\{{"{entity}":"{value}"\}}' for intent, entity, value in ENTITY_PAYLOADS)
    + ")$"
)

# t.me/<bot>?start=<parameter> → the payload it starts with (after /start).
DEEP_LINKS: Dict[str, str] = {
    **{help_type: payload(intent) for help_type, intent in HELP_INTENTS},
    **{lang: payload("set_language", language=lang) for lang in LANGUAGES},
    "witness": payload("role_witness"),
    "specialist": payload("role_specialist"),
}


def offers_regions(payloads: "set[str] | frozenset[str]") -> bool:
    """Whether a keyboard asks for the region (Telegram then offers to share the location)."""
    return any(p.startswith(_REGION_PREFIX) for p in payloads)


def is_main_menu(payloads: "set[str] | frozenset[str]") -> bool:
    """Whether a keyboard is the first menu (Telegram adds its erase button there)."""
    return MORE_PAYLOAD in payloads
