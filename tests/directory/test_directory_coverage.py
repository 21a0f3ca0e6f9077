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
        assert sum(coverage.count(help_type, level) for level in ("district", "region", "nearby", "national", "none")) == 152
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


def test_answer_checks_hold_and_the_operator_list_names_what_is_missing(real_db_url):
    """Over every district × help type: no district answer is empty while its region holds
    contacts of that kind, no region-wide line is hidden, no number without its area code is
    shown, every public address has a map link. Entries that are not contacts are listed."""
    coverage = measure(open_directory(real_db_url), max_age_days=365, today=date(2026, 12, 1))
    assert coverage.checks == {
        "district empty, region has some": 0,
        "region-wide line hidden": 0,
        "numbers without area code shown": 0,
        "public addresses without map link": 0,
    }
    by_kind = {}
    for note in coverage.notes:
        by_kind.setdefault(note.kind, set()).add(note.organisation_id)
    assert {"br-stolin-crisis-room", "hm-narcology-centre"} <= by_kind["not-a-contact"]
    assert not by_kind["not-a-contact"] & set(coverage.contacts)  # left out of every answer
    assert by_kind["via-centre"] == {"mi-nesvizh-crisis-room"}
    assert "mi-slutsk-crisis-room" in by_kind["area-code-added"]
