"""A shared point → its place and the nearest public help (directory/location.py), for any
channel: the real districts.csv, points at known centres, borders and beyond."""

from __future__ import annotations

import pytest

from directory import open_directory
from directory.location import MAX_NEAREST_KM, nearest_public_help, place_of_point


@pytest.fixture(scope="module")
def real(real_db_url):
    return open_directory(real_db_url)


@pytest.mark.parametrize(
    "lat,lon,region,district",
    [
        (52.4412, 30.9878, "BY-HO", "BY-HO-26"),  # Gomel's centre: the city unit, not the raion around it
        (53.9023, 27.5619, "BY-HM", None),  # Minsk: its city districts share a centre, asked with buttons
        (52.10894, 23.71749, "BY-BR", "BY-BR-19"),  # Brest: the city unit
        (53.0274, 27.5597, "BY-MI", "BY-MI-16"),  # Slutsk: a raion centre
    ],
)
def test_a_point_gives_the_place_a_typed_name_would(real, lat, lon, region, district):
    found = place_of_point(real, lat, lon)
    assert found is not None and found.region.code == region
    assert (found.district.id if found.district else None) == district
    if found.district is not None:
        assert found.district.region_code == region


@pytest.mark.parametrize("lat,lon", [(52.52, 13.405), (55.7558, 37.6173), (50.45, 30.52), (0.0, 0.0)])
def test_a_point_outside_belarus_gives_no_place(real, lat, lon):
    assert place_of_point(real, lat, lon) is None


def test_nearest_help_is_public_near_and_only_for_a_chosen_help_type(real):
    found = nearest_public_help(real, "social", 51.96, 30.81)
    assert found and all(not c.confidential and km <= MAX_NEAREST_KM for c, km in found)
    assert [km for _, km in found] == sorted(km for _, km in found)
    for unknown in (None, "", "shelter{}", 7):
        assert nearest_public_help(real, unknown, 51.96, 30.81) == []
