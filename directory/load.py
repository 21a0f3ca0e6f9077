"""Build the directory database from the CSV files: `python -m directory.load`.

Validates every row of every file first. Any rejection → all are printed as `path:line: reason`,
the command exits 1 and the database is left exactly as it was. Otherwise the database is
replaced atomically (see `directory.db_writer`); a failure while writing exits 2, also leaving
the previous database in place.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from sqlalchemy import create_engine
from sqlalchemy.exc import DatabaseError, SQLAlchemyError

from .area_codes import read_area_codes
from .database import DATA_DIR, default_database_url, read_engine, safe_url, sqlite_file
from .db_writer import CARRY_LOCK_TIMEOUT_SECONDS, write_database
from .diff import diff
from .operator import OperatorNote, operator_notes
from .source_csv import Rejection, read_organisations, read_places, read_websites
from .translations import Missing, read_glossary, read_translations

__all__ = ["LoadReport", "OperatorNote", "Rejection", "Sources", "load", "main", "read_sources"]


@dataclass(frozen=True)
class LoadReport:
    url: str  # password hidden
    regions: int
    districts: int
    organisations: int
    active: int
    confidential: int
    rejections: tuple[Rejection, ...]
    written: bool
    statistics_kept: int = 0  # usage counter rows that survived the load (directory.stats)
    # Entries the operator must complete (numbers without a derivable area code, entries that
    # are not contacts); loaded anyway — see directory.operator.
    notes: tuple[OperatorNote, ...] = ()

    @property
    def ok(self) -> bool:
        return self.written and not self.rejections


@dataclass(frozen=True)
class Sources:
    """The CSVs read and validated, nothing written."""

    regions: list
    districts: list
    organisations: list  # records with their websites and translations
    rejections: list[Rejection]
    stale: list[Missing]  # translations whose Russian changed since


def read_sources(data_dir: Path | None = None, say: Callable[[str], None] | None = None) -> Sources:
    """Every CSV of `data_dir`, validated as the loader validates them."""
    data_dir = Path(data_dir or DATA_DIR)
    say = say or (lambda _message: None)
    rejections: list[Rejection] = []

    places = read_places(data_dir, rejections, say)  # towns.csv: only the place gazetteer uses it
    regions, districts = places.regions, places.districts
    say(f"Reading {data_dir / 'organisations.csv'}")
    say(f"Reading {data_dir / 'area_codes.csv'}")
    codes = read_area_codes(data_dir / "area_codes.csv", {d.id for d in districts}, rejections)
    organisations = read_organisations(
        data_dir / "organisations.csv",
        {r.code for r in regions},
        {d.id: d.region_code for d in districts},
        rejections,
        {did: code.code for did, code in codes.items()},
    )
    say(f"Reading {data_dir / 'websites.csv'}")
    websites = read_websites(data_dir / "websites.csv", {o.id for o in organisations}, rejections)
    say(f"Reading {data_dir / 'translations.csv'}")
    texts, stale = read_translations(
        data_dir / "translations.csv", organisations, rejections, read_glossary(data_dir / "glossary.csv", rejections)
    )
    organisations = [replace(o, website=websites.get(o.id), translations=texts.get(o.id, ())) for o in organisations]
    return Sources(regions, districts, organisations, rejections, stale)


def load(
    data_dir: Path | str = DATA_DIR, url: str | None = None, progress: Callable[[str], None] | None = None, dry_run: bool = False
) -> LoadReport:
    """Validate the CSVs in `data_dir` and, only if all rows pass, write them to `url`.

    The change is shown first (`directory.diff`); with `dry_run` nothing is written."""
    url = url or default_database_url()
    say = progress or (lambda _message: None)
    sources = read_sources(Path(data_dir), say)
    regions, districts, organisations = sources.regions, sources.districts, sources.organisations
    rejections = sources.rejections
    notes = tuple(operator_notes(organisations)) + tuple(
        OperatorNote(
            f"{m.why}-translation",
            m.organisation_id,
            f"{m.field}: "
            + (
                "the Russian changed; Russian shown until translations.csv is updated"
                if m.why == "stale"
                else "no such entry; remove the row from translations.csv"
            ),
        )
        for m in sources.stale
        if m.language == "be"
    )
    active = sum(o.active for o in organisations)
    confidential = sum(o.confidential for o in organisations)

    def report(written: bool, statistics_kept: int = 0) -> LoadReport:
        return LoadReport(
            safe_url(url),
            len(regions),
            len(districts),
            len(organisations),
            active,
            confidential,
            tuple(rejections),
            written,
            statistics_kept,
            notes,
        )

    if rejections:
        return report(written=False)
    say(
        f"Validated {len(regions)} regions, {len(districts)} districts, {len(organisations)} "
        f"organisations ({active} active, {confidential} confidential)"
    )
    with tempfile.TemporaryDirectory() as scratch:
        preview = f"sqlite:///{Path(scratch) / 'preview.sqlite'}"
        write_database(preview, regions, districts, organisations)
        # The operator can wait longer than a person: a busy counter must not fail the load.
        current = (
            read_engine(url, timeout=CARRY_LOCK_TIMEOUT_SECONDS) if _exists(url) else create_engine("sqlite://", future=True)
        )  # nothing yet
        try:
            change = diff(current, read_engine(preview))
        except DatabaseError as exc:
            if not _damaged_sqlite(url, exc):
                raise
            say("The current database file is damaged (not readable as SQLite); it will be replaced.")
            change = diff(create_engine("sqlite://", future=True), read_engine(preview))
    say("Changes:\n  " + "\n  ".join(change.lines()))
    if notes:
        say(f"For the operator ({len(notes)}; loaded, but not usable as they are):\n  " + "\n  ".join(str(n) for n in notes))
    for note in change.notes:
        say(note)
    if change.place_names_changed:
        say("Place names changed: restart the Rasa server so the place gazetteer is rebuilt (no retraining needed).")
    if dry_run:
        say("Dry run: nothing written.")
        return report(written=False)
    carried = write_database(url, regions, districts, organisations)
    say(f"Wrote {safe_url(url)}; a running action server sees it from the next message.")
    if carried.unreadable:
        say("The old database file could not be read; its usage statistics (if any) are not carried over.")
    else:
        say(
            f"Usage statistics kept: {carried.kept} counter row(s)"
            + (f"; {carried.dropped} row(s) outside the whitelist dropped" if carried.dropped else "")
            + "."
        )
    return report(written=True, statistics_kept=carried.kept)


def _damaged_sqlite(url: str, exc: DatabaseError) -> bool:
    """A SQLite file that is not a database (not merely locked or busy)."""
    orig = getattr(exc, "orig", None)
    return (
        sqlite_file(url) is not None
        and isinstance(orig, sqlite3.DatabaseError)
        and not isinstance(orig, sqlite3.OperationalError)
    )


def _exists(url: str) -> bool:
    path = sqlite_file(url)
    return path.exists() if path is not None else True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m directory.load", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL (default: $DIRECTORY_DATABASE_URL " "or sqlite:///<repo>/var/directory.sqlite)"
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder with the CSV files")
    parser.add_argument("--dry-run", action="store_true", help="validate and show the changes, write nothing")
    args = parser.parse_args(argv)
    try:
        result = load(args.data_dir, args.database_url, progress=print, dry_run=args.dry_run)
    except (SQLAlchemyError, OSError) as exc:
        # The driver's own message only (SQLAlchemy's text would include row parameters).
        detail = getattr(exc, "orig", None) or exc
        print(f"Writing failed ({type(exc).__name__}: {detail}); database left unchanged.", file=sys.stderr)
        return 2
    if not result.rejections and not result.written:
        return 0  # dry run
    if result.rejections:
        for rejection in result.rejections:
            print(rejection, file=sys.stderr)
        print(f"Rejected {len(result.rejections)} problem(s); database left unchanged.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
