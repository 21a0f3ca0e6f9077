"""A shared point (a Telegram location, or any channel's) → the place it lies in and the nearest
public help. Channel-independent: a channel turns the result into its own text and payload.

The point itself is never stored or returned: only a region, a district and public contacts
(``Directory.nearest_public`` never locates a confidential organisation).

There is no boundary data, only district centres: the nearest centre decides. A city unit
(«г. Гомель») shares its centre with its urban districts and with the raion around it, so a point
nearest to that centre gives the city, as the typed city name does; its urban district is then
asked with buttons, as in Minsk. Several districts at one centre (Minsk's city districts) make
the region certain and the district a question.
"""

from __future__ import annotations

from dataclasses import dataclass

from .constants import HELP_TYPES, in_belarus
from .public import Contact, District, Region
from .queries import Directory

__all__ = ["MAX_DISTRICT_KM", "MAX_NEAREST_KM", "TIE_KM", "PointPlace", "nearest_public_help", "place_of_point"]

# Farther than this from every district centre, a point is not taken for a place in Belarus.
MAX_DISTRICT_KM = 60.0
# Public organisations farther than this are not "nearest" (the region's list is better).
MAX_NEAREST_KM = 50.0
# Centres within this of the nearest one count as the same point (shared centres).
TIE_KM = 1.0
# How many ranked centres are enough to see every district sharing the nearest centre.
_RANKED = 24


@dataclass(frozen=True)
class PointPlace:
    """Where a point lies: the region, and the district when one is certain."""

    region: Region
    district: District | None


def _candidates(directory: Directory, lat: float, lon: float) -> list[tuple[District, float]]:
    """District centres by distance, without the ones a typed name would not give either:
    an urban district of a city unit (the city stands for it) and the raion around a city unit
    at the same centre."""
    ranked = directory.nearest_districts(lat, lon, limit=_RANKED)
    ranked = [(d, km) for d, km in ranked if d.kind != "city_district" or d.region_code == "BY-HM"]
    return [
        (d, km)
        for d, km in ranked
        if not (d.kind == "raion" and any(c.kind == "city" and abs(c_km - km) <= TIE_KM for c, c_km in ranked))
    ][:8]


def place_of_point(directory: Directory, lat: float, lon: float) -> PointPlace | None:
    """The place a point lies in, or None outside Belarus (or too far from every centre)."""
    if not in_belarus(lat, lon):
        return None
    ranked = _candidates(directory, lat, lon)
    if not ranked or ranked[0][1] > MAX_DISTRICT_KM:
        return None
    tied = [d for d, km in ranked if km - ranked[0][1] <= TIE_KM]
    if len(tied) > 1:
        city = next((d for d in tied if d.region_code == "BY-HM"), None)
        region = directory.region(city.region_code if city else tied[0].region_code)
        return PointPlace(region, None) if region is not None else None
    region = directory.region(tied[0].region_code)
    return PointPlace(region, tied[0]) if region is not None else None


def nearest_public_help(directory: Directory, help_type: object, lat: float, lon: float) -> list[tuple[Contact, float]]:
    """The nearest PUBLIC organisations offering ``help_type`` within MAX_NEAREST_KM, with km
    (none for a help type that is not one: the person has not chosen yet)."""
    if not isinstance(help_type, str) or help_type not in HELP_TYPES:
        return []
    return [(c, km) for c, km in directory.nearest_public(help_type, lat, lon) if km <= MAX_NEAREST_KM]
