"""The patch table in docs/PERFORMANCE.md is the registry's (python -m rasa_patches.table --write)."""

from __future__ import annotations

import pytest

from rasa_patches import table
from rasa_patches.registry import PATCHES
from tests.actions.conftest import REPO

PERFORMANCE = REPO / "docs" / "PERFORMANCE.md"


def test_one_row_per_patch():
    rows = table.markdown().splitlines()[2:]
    assert [row.split("|")[1].strip(" `") for row in rows] == [patch.name for patch in PATCHES]


def test_write_replaces_only_the_text_between_the_markers(tmp_path):
    path = tmp_path / "PERFORMANCE.md"
    path.write_text(f"# Before\n\n{table.START}\nstale\n{table.END}\n\nAfter.\n", encoding="utf-8")
    assert table.write(path)
    assert path.read_text(encoding="utf-8") == f"# Before\n\n{table.START}\n{table.markdown()}{table.END}\n\nAfter.\n"
    assert not table.write(path)  # up to date: untouched


def test_write_creates_a_missing_file_with_just_the_markers(tmp_path):
    path = tmp_path / "docs" / "PERFORMANCE.md"
    assert table.write(path)
    assert path.read_text(encoding="utf-8") == f"{table.START}\n{table.markdown()}{table.END}\n"


def test_markers_missing_is_an_error(tmp_path):
    path = tmp_path / "PERFORMANCE.md"
    path.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ValueError):
        table.write(path)


def test_docs_performance_is_up_to_date():
    if not PERFORMANCE.exists():
        pytest.skip("docs/PERFORMANCE.md is written on the docs branch; this checks it once merged")
    text = PERFORMANCE.read_text(encoding="utf-8")
    assert table.with_table(text) == text, "run: .venv/bin/python -m rasa_patches.table --write docs/PERFORMANCE.md"
