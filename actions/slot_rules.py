"""The one whitelist for slot values (safety rule 3: typed input is hostile until validated).

A user can type ``/inform{"region": "' OR 1=1 --"}``; Rasa would store it. Every validation
action and every reader of a slot goes through these functions, so a value outside the
contract in docs/ARCHITECTURE.md is never kept and never used.
"""

from __future__ import annotations

from typing import Any, FrozenSet, Optional

from directory import HELP_TYPES, REGION_CODES
from directory.database import DATA_DIR
from directory.source_csv import read_districts

from actions.texts import DEFAULT_LANGUAGE, LANGUAGES

ROLES = ("survivor", "witness", "specialist", "child")
DEFAULT_ROLE = "survivor"
# Control values the district keyboard puts into the `district` slot (domain.yml mappings);
# they are turned into "no district" here and never kept.
WHOLE_REGION = "__whole_region__"
NEXT_PAGE = "__page__"
MAX_PAGE = 10


def _district_ids() -> FrozenSet[str]:
    """Every district id of directory/data/districts.csv, read by the directory's validated
    reader (the same rows the loader accepts): one source for the whitelist and the data."""
    return frozenset(d.id for d in read_districts(DATA_DIR / "districts.csv", set(REGION_CODES), []))


DISTRICT_IDS = _district_ids()


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
    """A district id of the data (raion, city unit or urban district); the directory is asked
    again where the district is used (the database may be older than the files)."""
    return value if isinstance(value, str) and value in DISTRICT_IDS else None


def place(value: Any) -> Optional[str]:
    """A place a button can name: a district id or a region code (``other_place``)."""
    return district_id(value) or region(value)


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
