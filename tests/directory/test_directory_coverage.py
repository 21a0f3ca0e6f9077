"""The operator's coverage report agrees with what the bot finds."""
from __future__ import annotations

import csv
from datetime import date

from directory import HELP_TYPES, open_directory
from directory.coverage import measure, write_csv, write_html


def test_coverage_matches_search_and_files(real_db_url, tmp_path):
    directory = open_directory(real_db_url)
    coverage = measure(directory, max_age_days=365, today=date(2026, 11, 28))
    districts = {c.district.id for c in coverage.cells}
    assert len(districts) == 152  # 118 raions + 10 city units + 24 urban districts
    for help_type in HELP_TYPES:
        assert sum(coverage.count(help_type, level) for level in ("district", "region", "national", "none")) == 152
    # Slutsk has its own crisis room: district level for shelter.
    slutsk = next(c for c in coverage.cells if c.district.centre_ru == "Слуцк" and c.help_type == "shelter")
    assert slutsk.level == "district" and slutsk.contacts >= 1
    assert all(c.level == "national" for c in coverage.cells if c.help_type == "hotline")
    assert any(c.id == "by-dv-hotline-8801" for c in coverage.doubtful)  # doubtful, always shown
    # Brest's only psychological lines are doubtful; the sure nationwide ones are shown instead.
    assert {"br-psy-oblast", "br-psy-dispensary"} <= {c.id for c in coverage.hidden}
    assert all(c.doubtful for c in coverage.doubtful + coverage.hidden)
    assert all(c.status_note and not c.doubtful for c in coverage.noted)
    assert not {c.id for c in coverage.hidden} & set(coverage.contacts)
    # Doubt only changes which contacts are shown: nothing is found where nothing was before.
    assert coverage.count("emergency", "none") == 0 and coverage.count("hotline", "national") == 152
    assert measure(directory, max_age_days=0, today=date(2027, 1, 1)).stale  # everything is older than 0 days then

    write_csv(coverage, tmp_path / "c.csv")
    rows = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8")))
    assert len(rows) == 152 * len(HELP_TYPES)
    write_html(coverage, tmp_path / "c.html", 365)
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "<table>" in page and "Слуцкий район" in page
