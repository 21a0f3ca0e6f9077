"""Closed vocabularies shared by the loader, the queries and the rest of the bot.

They mirror the slot contract in docs/ARCHITECTURE.md; changing one here changes what the
loader accepts, so keep them in step with `actions/slot_rules.py`.
"""

from __future__ import annotations

HELP_TYPES: tuple[str, ...] = (
    "emergency",
    "shelter",
    "psychological",
    "legal",
    "social",
    "police",
    "medical",
    "addiction",
    "hotline",
)
# Which services answer a help type. In immediate danger the local police and crisis rooms
# matter as much as rows tagged "emergency" (102 / 103 / 112), so they are searched too.
SERVICES_FOR_HELP_TYPE: dict[str, tuple[str, ...]] = {"emergency": ("emergency", "police", "shelter")}


def services_for(help_type: str) -> tuple[str, ...]:
    return SERVICES_FOR_HELP_TYPE.get(help_type, (help_type,))


# Display order of the region menu (oblasts west→east, then the capital).
REGION_CODES: tuple[str, ...] = ("BY-BR", "BY-VI", "BY-HO", "BY-HR", "BY-MI", "BY-MA", "BY-HM")
LANGUAGES: tuple[str, ...] = ("ru", "be", "en")
# Letters of Russian that Belarusian does not have (и, щ, ъ): a Belarusian text with one of them
# is Russian, or a mistranslation.
RUSSIAN_ONLY_LETTERS = "иИщЩъЪ"

NATIONWIDE = "BY"  # region value of a contact that serves the whole country
KINDS: tuple[str, ...] = (
    "helpline",
    "police",
    "ambulance",
    "crisis_room",
    "social_center",
    "psychological",
    "legal",
    "addiction",
    "medical",
    "ngo",
)
# desk = copied from the cited public source, not confirmed by calling; phone = confirmed by calling.
VERIFICATIONS: tuple[str, ...] = ("desk", "phone")

# Generous bounding box of Belarus (lat 51.26–56.17, lon 23.18–32.78) used to catch swapped or
# mistyped coordinates.
BELARUS_BBOX = (51.2, 56.2, 23.1, 32.8)  # min_lat, max_lat, min_lon, max_lon

HOTLINE_ID = "by-dv-hotline-8801"
MVD_SESSION_ID = "by-dv-hotline-mvd-session"
# Shown wherever they match, even when doubtful and something better exists: the project
# requires the national hotline (and its MVD session) to be always shown, with its caveat.
ALWAYS_SHOWN: frozenset[str] = frozenset({HOTLINE_ID, MVD_SESSION_ID})


def in_belarus(lat: float, lon: float) -> bool:
    """True when the point lies inside BELARUS_BBOX."""
    min_lat, max_lat, min_lon, max_lon = BELARUS_BBOX
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
