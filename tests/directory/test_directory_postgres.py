"""The directory on a real PostgreSQL server gives exactly what it gives on SQLite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from directory import HELP_TYPES, REGION_CODES, open_directory
from directory.coverage import measure
from directory.load import load

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "directory" / "data"
# `pg_url` (conftest.py): a throwaway PostgreSQL cluster with the real data loaded.


def as_ids(result):
    return result.level, [c.id for c in result.local], [c.id for c in result.national]


def test_same_answers_as_sqlite(pg_url, real_db_url):
    pg, lite = open_directory(pg_url), open_directory(real_db_url)
    assert [r.code for r in pg.regions()] == list(REGION_CODES)
    for region in REGION_CODES:
        districts = lite.districts(region)
        assert [d.id for d in pg.districts(region)] == [d.id for d in districts]
        for district in [None, districts[0].id, districts[-1].id]:
            for help_type in HELP_TYPES:
                assert as_ids(pg.search(help_type, region, district)) == as_ids(lite.search(help_type, region, district))
    assert pg.hotline() == lite.hotline()
    assert [c.id for c in pg.emergency_contacts()] == [c.id for c in lite.emergency_contacts()]
    # Nearest entries, phones (E.164, labels, derived codes) and the operator list are the same.
    for help_type in HELP_TYPES:
        for district in ("BY-HO-04", "BY-MI-05", "BY-BR-03"):
            assert pg.search(help_type, None, district) == lite.search(help_type, None, district)
    assert pg.operator_notes() == lite.operator_notes()


def test_rejected_load_changes_nothing_on_postgres(pg_url, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "organisations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",BY-HM,", ",BY-XX,", 1), encoding="utf-8")
    before = as_ids(open_directory(pg_url).search("psychological", "BY-HM", None))
    report = load(data, pg_url)
    assert report.rejections and not report.written
    assert as_ids(open_directory(pg_url).search("psychological", "BY-HM", None)) == before


def test_reload_and_coverage_on_postgres(pg_url):
    assert load(DATA, pg_url).ok  # replacing the data in one transaction
    coverage = measure(open_directory(pg_url), max_age_days=365)
    assert len({c.district.id for c in coverage.cells}) == 152


def test_database_of_an_older_version_is_rebuilt_and_keeps_the_counters(pg_url):
    """Directory tables with other columns than the models are recreated inside the load
    transaction; usage_counts is left alone."""
    from sqlalchemy import create_engine, text

    from directory import DirectoryUnavailable
    from directory.queries import Directory
    from directory.stats import UsageCounter

    engine = create_engine(pg_url, future=True)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM usage_counts"))
    counter = UsageCounter(pg_url, retry_after=0)
    counter.record(("conversation", "started"), ("language", "be"))
    counter.close()
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE organisations DROP COLUMN doubtful"))
    with pytest.raises(DirectoryUnavailable):
        Directory(pg_url)._check()
    report = load(DATA, pg_url)
    assert report.ok and report.statistics_kept == 2
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM organisations WHERE doubtful")).scalar_one() > 0
        assert connection.execute(text("SELECT sum(count) FROM usage_counts")).scalar_one() == 2
    engine.dispose()
    Directory(pg_url)._check()
