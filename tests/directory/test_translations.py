"""The be/en text of what answers show: complete for every shown entry, and checked."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from directory.database import DATA_DIR
from directory.load import read_sources
from directory.romanise import romanise
from directory.translations import main, missing, shown_entries, text_problems


@pytest.fixture(scope="module")
def sources():
    return read_sources(DATA_DIR)


def test_no_shown_field_lacks_its_translation(sources):
    assert not sources.rejections
    assert missing(sources.organisations, sources.stale) == []
    assert len(shown_entries(sources.organisations)) > 50


def test_the_check_command_passes(capsys):
    assert main(["--missing"]) == 0
    assert "0 field(s) without their translation" in capsys.readouterr().out


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    return data


def _edit(path: Path, change) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        change(row)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_changed_russian_makes_its_translation_stale(tmp_path):
    data = _copy(tmp_path)
    _edit(data / "organisations.csv", lambda r: r.update(hours="пн–пт 9:00–17:00") if r["id"] == "tcson-BY-HO-13" else None)
    sources = read_sources(data)
    found = {(m.organisation_id, m.field, m.why) for m in missing(sources.organisations, sources.stale)}
    assert ("tcson-BY-HO-13", "hours", "stale") in found
    contact_texts = dict(
        (f, t) for lg, f, t in next(o for o in sources.organisations if o.id == "tcson-BY-HO-13").translations if lg == "en"
    )
    assert "hours" not in contact_texts  # the old English is not shown for the new Russian


def test_a_missing_translation_is_listed(tmp_path, capsys):
    data = _copy(tmp_path)
    _edit(data / "translations.csv", lambda r: r.update(en="") if r["id"] == "by-psy-133" else None)
    assert main(["--missing", "--data-dir", str(data)]) == 1
    assert "by-psy-133 hours [en]" in capsys.readouterr().out


def test_a_translation_with_other_digits_is_rejected(tmp_path):
    data = _copy(tmp_path)
    _edit(
        data / "translations.csv", lambda r: r.update(en=r["en"].replace("122", "123")) if r["id"] == "ho-gomel-zd-ovd" else None
    )
    assert any("digits differ" in r.reason for r in read_sources(data).rejections)


@pytest.mark.parametrize(
    "lang, text, bad",
    [
        ("en", "Kirava St., 122", False),
        ("en", "вул. Кірава, 122", True),
        ("be", "вул. Кірава, 122", False),
        ("be", "ул. Кирова, 122", True),
    ],
)
def test_letters_of_the_other_language(lang, text, bad):
    assert bool(text_problems(lang, "ул. Кирова, 122", text)) is bad


def test_a_glossary_term_must_be_translated_the_same_way(tmp_path):
    data = _copy(tmp_path)
    _edit(data / "organisations.csv", lambda r: r.update(name_be="Цэнтр Лідскі") if r["id"] == "tcson-BY-HR-09" else None)
    assert any("glossary" in r.reason and "tcson-BY-HR-09" in r.reason for r in read_sources(data).rejections)


def test_a_glossary_term_without_its_translation_is_reported_not_used(tmp_path):
    data = _copy(tmp_path)
    _edit(data / "glossary.csv", lambda r: r.update(en="") if r["ru"].startswith("территориальный центр") else None)
    rejected = [r.reason for r in read_sources(data).rejections if r.path.endswith("glossary.csv")]
    assert rejected == ["glossary term without en"]


def test_romanisation_is_the_national_system_of_iso_3166_2(sources):
    """ISO 3166-2:BY prints the regions in Belarus' national romanisation (2007)."""
    with open(DATA_DIR / "regions.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "oblast":
                assert romanise(row["name_be"]) == row["name_iso3166_2"]
    assert romanise("вул. 50 гадоў БССР") == "vul. 50 hadoŭ BSSR"
    assert romanise("Магілёў") == "Mahilioŭ"
