"""Fixtures for the directory tests: real SQLite databases built in tmp dirs, no mocks."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from directory import open_directory
from directory.database import DATA_DIR
from directory.load import load

from .directory_fixtures import MINI_ROWS, write_data_dir
from .postgres_server import postgres_cluster


@pytest.fixture
def build_directory(tmp_path: Path) -> Callable[[list[dict[str, str]]], object]:
    """Factory: rows → a Directory on a fresh SQLite file (loaded through the real loader)."""
    counter = iter(range(1000))

    def build(rows: list[dict[str, str]]):
        number = next(counter)
        data_dir = write_data_dir(tmp_path / f"data{number}", rows)
        url = f"sqlite:///{tmp_path / f'directory{number}.sqlite'}"
        report = load(data_dir, url)
        assert report.ok, [str(r) for r in report.rejections]
        return open_directory(url)

    return build


@pytest.fixture
def mini_directory(build_directory):
    return build_directory(MINI_ROWS)


@pytest.fixture(scope="session")
def real_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real directory/data built into a session-wide temporary SQLite file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'directory.sqlite'}"
    report = load(DATA_DIR, url)
    assert report.ok, [str(r) for r in report.rejections]
    return url


@pytest.fixture(scope="session")
def pg_url():
    """A throwaway PostgreSQL cluster (one per test session) holding the real directory/data."""
    with postgres_cluster() as url:
        report = load(DATA_DIR, url)
        assert report.ok, [str(r) for r in report.rejections]
        yield url
