"""The one whitelist for slot values (safety rule 3: typed input is hostile until validated).

A user can type ``/inform{"region": "' OR 1=1 --"}``; Rasa would store it. Every validation
action and every reader of a slot goes through these functions, so a value outside the
contract in docs/ARCHITECTURE.md is never kept and never used.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from directory import HELP_TYPES, REGION_CODES

from actions.texts import DEFAULT_LANGUAGE, LANGUAGES

ROLES = ("survivor", "witness", "specialist", "child")
DEFAULT_ROLE = "survivor"
# Control values the district keyboard puts into the `district` slot (domain.yml mappings);
# they are turned into "no district" here and never kept.
WHOLE_REGION = "__whole_region__"
NEXT_PAGE = "__page__"
MAX_PAGE = 10
DISTRICT_ID = re.compile(r"^BY-(BR|VI|HO|HR|MI|MA|HM)-\d{2}$")


def _choice(value: Any, allowed: tuple) -> Optional[str]:
    return value if isinstance(value, str) and value in allowed else None


def help_type(value: Any) -> Optional[str]:
    return _choice(value, HELP_TYPES)


def role(value: Any) -> str:
    return _choice(value, ROLES) or DEFAULT_ROLE


def language(value: Any) -> Optional[str]:
    return _choice(value, LANGUAGES)


def language_or_default(value: Any) -> str:
    return language(value) or DEFAULT_LANGUAGE


def region(value: Any) -> Optional[str]:
    return _choice(value, REGION_CODES)


def district_id(value: Any) -> Optional[str]:
    """A syntactically valid district id (existence is checked against the directory)."""
    return value if isinstance(value, str) and DISTRICT_ID.match(value) else None


def page(value: Any) -> int:
    """A district keyboard page number; anything odd means the first page."""
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return 0
    return number if 0 <= number <= MAX_PAGE else 0


def guide_step(value: Any, screens: int) -> int:
    """A guide screen number; anything odd means the first screen."""
    number = page(value)
    return number if number < screens else 0


def whole_region(value: Any) -> bool:
    return value is True
