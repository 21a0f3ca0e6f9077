"""The help directory (knowledge layer): regions, districts and help contacts with provenance.

Actions import only this package. Everything returned is a frozen dataclass that already had the
confidentiality rule applied (see `directory.public`); ORM rows never leave the package.
Build the database with `python -m directory.load`.

Anonymous usage statistics (whitelisted counters per Minsk day) are kept in the same database:
`usage_counter().record(...)` / `await usage_counter().record_async(...)`, report with
`python -m directory.stats` (see `directory.stats`).
"""

from __future__ import annotations

from .constants import HELP_TYPES, LANGUAGES, REGION_CODES
from .errors import DirectoryUnavailable
from .hours import MINSK, HotlineStatus, Schedule
from .phones import Phone
from .public import Contact, District, Nearby, Region, SearchResult
from .queries import Directory, open_directory

__all__ = [
    "HELP_TYPES",
    "REGION_CODES",
    "LANGUAGES",
    "MINSK",
    "open_directory",
    "Directory",
    "DirectoryUnavailable",
    "Region",
    "District",
    "Contact",
    "Nearby",
    "Phone",
    "SearchResult",
    "HotlineStatus",
    "Schedule",
    "METRICS",
    "UsageCounter",
    "usage_counter",
]


def __getattr__(name: str) -> object:
    """`METRICS`, `UsageCounter`, `usage_counter` from `directory.stats`, imported on first use
    (so that `python -m directory.stats` does not find its own module imported already)."""
    if name in ("METRICS", "UsageCounter", "usage_counter"):
        from . import stats

        return getattr(stats, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
