import csv
import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from directory.database import REPO_ROOT
from directory.load import load, main

from .directory_fixtures import MINI_ROWS, org_row, write_data_dir


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _organisation_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [r[0] for r in connection.execute("select id from organisations order by position")]


@pytest.fixture
def loaded(tmp_path):
    """A valid data dir already loaded into a SQLite file: (data_dir, db_path, url)."""
    data_dir = write_data_dir(tmp_path / "data", MINI_ROWS)
    db = tmp_path / "directory.sqlite"
    url = f"sqlite:///{db}"
    assert load(data_dir, url).ok
    return data_dir, db, url


def test_good_load_writes_every_row(loaded):
    _data_dir, db, _url = loaded
    assert _organisation_ids(db) == [row["id"] for row in MINI_ROWS]
    assert [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")] == []


BAD_ROWS = {
    "unknown region": org_row("bad", region="BY-XX"),
    "unknown district": org_row("bad", district="BY-MI-99"),
    "is not in region": org_row("bad", region="BY-BR", district="BY-MI-16"),
    "unknown kind": org_row("bad", kind="shelter_house"),
    "unknown service": org_row("bad", services="social;housing"),
    "malformed phone": org_row("bad", phones="8 (0232) 31-51-61; 8 (0232) 3l-51-61"),
    "not a valid Belarusian number": org_row("bad", phones="8 (0232) 31-51-6"),  # a digit short
    "confidential row must not have an address": org_row(
        "bad", kind="crisis_room", services="shelter", confidential="true", address="ул. Тайная, 1"
    ),
    "confidential row must not have lat/lon": org_row(
        "bad", kind="crisis_room", services="shelter", confidential="true", lat="53.9", lon="27.5"
    ),
    "missing source_url": org_row("bad", source_url=""),
    "single http(s) URL": org_row("bad", source_url="project brief"),
    "bad verified_on": org_row("bad", verified_on="2026-13-01"),
    "missing name (name_ru)": org_row("bad", name_ru=""),
    "missing name (name_en)": org_row("bad", name_en=""),
    "duplicate id": org_row(MINI_ROWS[0]["id"]),
    "outside Belarus": org_row("bad", lat="48.85", lon="2.35"),
    "bad schedule": org_row("bad", schedule="mon-fri 8-17"),
    "unknown verification": org_row("bad", verification="maybe"),
    "confidential must be true or false": org_row("bad", confidential="yes"),
    "doubtful must be true, false or empty": org_row("bad", doubtful="maybe", status_note="?"),
    "doubtful row needs a status_note": org_row("bad", doubtful="true"),
}


@pytest.mark.parametrize("reason", list(BAD_ROWS))
def test_each_rejection_names_file_and_line_and_changes_nothing(loaded, reason):
    data_dir, db, url = loaded
    before = _digest(db)
    rows = MINI_ROWS[:3] + [BAD_ROWS[reason]] + MINI_ROWS[3:]
    write_data_dir(data_dir, rows)

    report = load(data_dir, url)

    assert not report.written and not report.ok
    messages = [str(r) for r in report.rejections]
    expected_prefix = f"{data_dir / 'organisations.csv'}:5: "  # header is line 1, bad row is 4th
    assert any(m.startswith(expected_prefix) and reason in m for m in messages), messages
    assert _digest(db) == before
    assert [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_rejection_messages_do_not_echo_confidential_data(loaded):
    data_dir, _db, url = loaded
    secret = "ул. Секретная, 13"
    rows = MINI_ROWS + [
        org_row(
            "bad", kind="crisis_room", services="shelter", confidential="true", address=secret, lat="53.123456", lon="27.654321"
        )
    ]
    write_data_dir(data_dir, rows)
    text = "\n".join(str(r) for r in load(data_dir, url).rejections)
    assert text and secret not in text and "53.123456" not in text and "27.654321" not in text


def test_line_numbers_count_multiline_fields(loaded):
    data_dir, _db, url = loaded
    rows = [org_row("first", note="line one\nline two\nline three"), org_row("bad", region="BY-XX")]
    write_data_dir(data_dir, rows)
    messages = [str(r) for r in load(data_dir, url).rejections]
    assert messages == [f"{data_dir / 'organisations.csv'}:5: unknown region 'BY-XX'"]


def test_all_files_are_validated_before_anything_is_written(loaded):
    data_dir, db, url = loaded
    before = _digest(db)
    write_data_dir(data_dir, MINI_ROWS + [org_row("bad1", kind="nope"), org_row("bad2", region="XX")])
    with open(data_dir / "districts.csv", "a", encoding="utf-8", newline="") as handle:
        row = ["BY-ZZ-01", "BY-ZZ", "raion", "Район", "", "", "", "", "Центр", "", "", "", "", "", "", "", "", ""]
        csv.writer(handle, lineterminator="\n").writerow(row)

    report = load(data_dir, url)

    paths = {(Path(r.path).name, r.line) for r in report.rejections}
    district_line = 1 + 152 + 1  # header, 152 districts, the bad row
    assert ("districts.csv", district_line) in paths
    assert ("organisations.csv", len(MINI_ROWS) + 2) in paths
    assert ("organisations.csv", len(MINI_ROWS) + 3) in paths
    assert _digest(db) == before


def test_missing_or_extra_organisation_columns(loaded):
    data_dir, _db, url = loaded
    path = data_dir / "organisations.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[0] = text[0].replace(",note", ",remarks")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    messages = [str(r) for r in load(data_dir, url).rejections]
    assert len(messages) == 1 and messages[0].startswith(f"{path}:1: missing column(s) note")


def test_cli_exit_codes_and_output(loaded, tmp_path):
    data_dir, db, url = loaded
    command = [sys.executable, "-m", "directory.load", "--data-dir", str(data_dir), "--database-url", url]
    good = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert "Reading" in good.stdout and "Validated" in good.stdout and "Wrote" in good.stdout

    before = _digest(db)
    write_data_dir(data_dir, MINI_ROWS + [org_row("bad", region="BY-XX")])
    bad = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    assert bad.returncode == 1
    assert f"{data_dir / 'organisations.csv'}:{len(MINI_ROWS) + 2}: unknown region 'BY-XX'" in bad.stderr
    assert _digest(db) == before


def test_main_in_process(loaded, capsys):
    data_dir, _db, url = loaded
    assert main(["--data-dir", str(data_dir), "--database-url", url]) == 0
    assert "Validated" in capsys.readouterr().out


def test_non_file_url_replaces_contents_in_one_transaction_and_rolls_back(tmp_path):
    """Non-file URLs take the transactional path; a failing insert leaves the old data."""
    db = tmp_path / "shared.db"
    url = f"sqlite:///file:{db}?uri=true"
    data_dir = write_data_dir(tmp_path / "data", MINI_ROWS)
    assert load(data_dir, url).ok
    before = _organisation_ids(db)
    with sqlite3.connect(db) as connection:  # a real database-side failure, no mocks
        connection.execute(
            "create trigger refuse before insert on organisations when new.id = 'boom' "
            "begin select raise(abort, 'refused'); end"
        )
    write_data_dir(data_dir, MINI_ROWS[:2] + [org_row("boom")])
    with pytest.raises(Exception):  # noqa: B017 - any failure: what matters is that nothing was written
        load(data_dir, url)
    assert _organisation_ids(db) == before

    assert main(["--data-dir", str(data_dir), "--database-url", url]) == 2
    assert _organisation_ids(db) == before


def test_real_data_loads_without_rejections(tmp_path):
    from directory.database import DATA_DIR

    report = load(DATA_DIR, f"sqlite:///{tmp_path / 'real.sqlite'}")
    assert report.rejections == ()
    assert report.regions == 7 and report.districts == 152  # 118 raions + 10 city units + 24 urban districts
    assert report.organisations > 0 and report.written


def test_doubtful_column_empty_means_not_doubtful(tmp_path):
    from directory import open_directory

    rows = [
        org_row("empty", doubtful=""),
        org_row("no", district="BY-MI-12", doubtful="false", status_note="Примечание без сомнения."),
        org_row("yes", district="BY-MI-16", doubtful="true", status_note="Сомнение."),
    ]
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    assert load(write_data_dir(tmp_path / "data", rows), url).ok
    directory = open_directory(url)
    found = {c.id: c for c in directory.search("social", "BY-MI", None).local}
    assert not found["empty"].doubtful and not found["no"].doubtful
    assert found["no"].status_note == "Примечание без сомнения."  # a note on a sure entry is still shown
    assert "yes" not in found  # a sure region-wide entry exists
    assert directory.search("social", "BY-MI", "BY-MI-16").level == "region"


def test_old_database_without_the_doubtful_column(tmp_path, capsys):
    """A database built by the previous loader: the directory asks for a rebuild, the loader
    rebuilds it and says the column is new instead of listing every row as changed."""
    from directory import DirectoryUnavailable, open_directory

    db = tmp_path / "old.sqlite"
    url = f"sqlite:///{db}"
    data_dir = write_data_dir(tmp_path / "data", MINI_ROWS)
    assert load(data_dir, url).ok
    with sqlite3.connect(db) as connection:
        connection.execute("ALTER TABLE organisations DROP COLUMN doubtful")
    with pytest.raises(DirectoryUnavailable) as error:
        open_directory(url)
    assert "python -m directory.load" in str(error.value)
    assert main(["--data-dir", str(data_dir), "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "organisations.doubtful" in out and "~ organisation" not in out
    assert open_directory(url).hotline().doubtful


def test_what_the_place_gazetteer_reads_is_validated_too(loaded):
    """regions.csv / districts.csv columns the gazetteer uses (kind, GeoNames ids, separate unit)
    are checked by the same reader, so the gazetteer never sees a row the loader would refuse."""
    data_dir, _db, url = loaded
    regions = (data_dir / "regions.csv").read_text(encoding="utf-8").replace(",oblast,", ",province,", 1)
    (data_dir / "regions.csv").write_text(regions, encoding="utf-8")
    districts = (data_dir / "districts.csv").read_text(encoding="utf-8").splitlines()
    districts[2] = districts[2].replace(",false,", ",maybe,", 1)
    (data_dir / "districts.csv").write_text("\n".join(districts) + "\n", encoding="utf-8")
    messages = [str(r) for r in load(data_dir, url).rejections]
    assert f"{data_dir / 'regions.csv'}:2: unknown kind 'province'" in messages
    assert f"{data_dir / 'districts.csv'}:3: centre_is_separate_unit must be true or false" in messages
