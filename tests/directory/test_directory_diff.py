"""The operator sees what a load will change before it is applied; a dry run writes nothing."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

from directory import open_directory
from directory.load import load

REPO = Path(__file__).resolve().parents[2]


def edit_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REPO / "directory" / "data", data)
    path = data / "organisations.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = list(rows[0].keys())
    rows = [r for r in rows if r["id"] != "by-redcross-201"]  # removed
    for r in rows:
        if r["id"] == "hm-psy-adults":
            r["hours"] = "ежедневно 9:00–21:00"  # changed
    new = dict(rows[0], id="test-new-row")  # added
    rows.append(new)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    districts = data / "districts.csv"
    districts.write_text(districts.read_text(encoding="utf-8").replace("Слуцкий район", "Слуцкий р-н"), encoding="utf-8")
    return data


def test_dry_run_shows_the_change_and_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    assert load(REPO / "directory" / "data", url).ok
    data = edit_copy(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "directory.load", "--dry-run", "--data-dir", str(data), "--database-url", url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "+ organisation test-new-row" in out
    assert "- organisation by-redcross-201" in out
    assert "~ organisation hm-psy-adults: hours: круглосуточно → ежедневно 9:00–21:00" in out
    assert "Place names changed" in out and "Dry run: nothing written." in out
    assert open_directory(url).search("psychological", "BY-HM", None).local[0].hours == "круглосуточно"

    applied = load(data, url)
    assert applied.ok
    hours = {c.id: c.hours for c in open_directory(url).search("psychological", "BY-HM", None).local}
    assert hours["hm-psy-adults"] == "ежедневно 9:00–21:00"  # the same Directory sees the new file
