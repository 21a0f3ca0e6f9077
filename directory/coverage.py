"""Coverage report for the operator: where each kind of help has a contact, and what is stale.

    .venv/bin/python -m directory.coverage [--max-age-days 365] [--csv var/coverage.csv] [--html var/coverage.html]

For every district and help type: the best level at which the bot finds an active contact —
D (in the district), R (region-wide), n (only the nearest ones of other districts), N (only
nationwide), - (nothing). It asks the same
`Directory.search` the bot uses, so the report shows what a person would get. Also lists entries
checked longer ago than --max-age-days, doubtful entries (shown with their caveat where nothing
better exists, or hidden everywhere because something better always does) and other entries
that carry a note (status_note), and what the operator must complete (`directory.operator`:
numbers without a derivable area code, entries that are not contacts, rooms reached through their
centre). The answer checks the bot must pass (target 0) are counted under "Checks".
"""

from __future__ import annotations

import argparse
import csv
import html
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Dict, List, Optional

from .constants import HELP_TYPES, REGION_CODES
from .operator import OperatorNote
from .public import Contact, District
from .queries import Directory, open_directory

SYMBOL = {"district": "D", "region": "R", "nearby": "n", "national": "N", "none": "-"}
LEVELS = ("district", "region", "nearby", "national", "none")


@dataclass(frozen=True)
class Cell:
    region: str
    district: District
    help_type: str
    level: str  # district | region | national | none
    contacts: int


@dataclass
class Coverage:
    cells: List[Cell]
    contacts: Dict[str, Contact]
    stale: List[Contact]
    doubtful: List[Contact]  # doubtful and shown (with the caveat) for at least one request
    hidden: List[Contact]  # doubtful and never shown: something better exists for every request
    noted: List[Contact]  # not doubtful, shown with their status_note
    notes: List[OperatorNote] = field(default_factory=list)
    checks: Dict[str, int] = field(default_factory=dict)  # answer checks, target 0

    def count(self, help_type: str, level: str) -> int:
        return sum(1 for c in self.cells if c.help_type == help_type and c.level == level)


def measure(directory: Directory, max_age_days: int, today: Optional[date] = None) -> Coverage:
    cells: List[Cell] = []
    contacts: Dict[str, Contact] = {}
    checks = {
        "district empty, region has some": 0,
        "region-wide line hidden": 0,
        "numbers without area code shown": 0,
        "public addresses without map link": 0,
    }
    for region in REGION_CODES:
        for help_type in HELP_TYPES:
            whole = directory.search(help_type, region, None)
            region_wide = {c.id for c in whole.local if c.district_id is None}
            for district in directory.districts(region):
                result = directory.search(help_type, region, district.id)
                shown = list(result.local) + [n.contact for n in result.nearby]
                if result.district_has_own:
                    level = "district"
                elif result.local:
                    level = "region"
                elif result.nearby:
                    level = "nearby"
                else:
                    level = "national" if result.national else "none"
                cells.append(Cell(region, district, help_type, level, len(shown)))
                contacts.update((c.id, c) for c in shown + list(result.national))
                checks["district empty, region has some"] += bool(whole.local) and not shown
                checks["region-wide line hidden"] += bool(region_wide - {c.id for c in result.local})
                everything = shown + list(result.national)
                checks["numbers without area code shown"] += sum(1 for c in everything for p in c.phones if p.tel is None)
                checks["public addresses without map link"] += sum(1 for c in everything if c.address and not c.map_url)
    cutoff = (today or date.today()) - timedelta(days=max_age_days)
    ordered = sorted(contacts.values(), key=lambda c: c.id)
    active = directory._current().contacts  # every active contact, shown or not
    return Coverage(
        cells=cells,
        contacts=contacts,
        stale=[c for c in ordered if c.verified_on < cutoff],
        doubtful=[c for c in ordered if c.doubtful],
        hidden=sorted((c for c in active.values() if c.doubtful and c.id not in contacts), key=lambda c: c.id),
        noted=[c for c in ordered if c.status_note and not c.doubtful],
        notes=directory.operator_notes(),
        checks=checks,
    )


def print_terminal(coverage: Coverage, max_age_days: int) -> None:
    districts = len({c.district.id for c in coverage.cells})
    print(
        f"Coverage of {districts} districts (D district, R region-wide, n nearest of other districts, "
        "N nationwide only, - nothing)\n"
    )
    print(f"{'help type':<14} " + " ".join(f"{SYMBOL[level]:>4}" for level in LEVELS))
    for help_type in HELP_TYPES:
        counts = [coverage.count(help_type, level) for level in LEVELS]
        print(f"{help_type:<14} " + " ".join(f"{n:>4}" for n in counts))
    header = " ".join(h[:4] for h in HELP_TYPES)
    for region in REGION_CODES:
        print(f"\n{region:<26} {header}")
        rows = [c for c in coverage.cells if c.region == region]
        for district in dict.fromkeys(c.district for c in rows):
            marks = {c.help_type: SYMBOL[c.level] for c in rows if c.district == district}
            print(f"  {district.name_ru[:24]:<24} " + " ".join(f"{marks[h]:^4}" for h in HELP_TYPES))
    print(
        f"\nActive contacts shown: {len(coverage.contacts)}; checked more than {max_age_days} days ago: "
        f"{len(coverage.stale)}; doubtful, shown with a caveat where nothing better exists: "
        f"{len(coverage.doubtful)}; doubtful, hidden everywhere by a better entry: {len(coverage.hidden)}; "
        f"with a note: {len(coverage.noted)}"
    )
    for contact in coverage.doubtful:
        print(f"  caveat  {contact.id}: {(contact.status_note or '')[:100]}")
    for contact in coverage.hidden:
        print(f"  hidden  {contact.id}: {(contact.status_note or '')[:100]}")
    for contact in coverage.noted:
        print(f"  note    {contact.id}: {(contact.status_note or '')[:100]}")
    for contact in coverage.stale:
        print(f"  stale   {contact.id}: checked {contact.verified_on.isoformat()}")
    print("\nChecks over every district × help type (target 0):")
    for name, count in coverage.checks.items():
        print(f"  {name:<36} {count}")
    kinds: dict[str, int] = {}
    for note in coverage.notes:
        kinds[note.kind] = kinds.get(note.kind, 0) + 1
    print(f"\nFor the operator ({', '.join(f'{k}: {n}' for k, n in sorted(kinds.items())) or 'nothing'}):")
    for note in coverage.notes:
        print(f"  {note}")


def write_csv(coverage: Coverage, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["region", "district_id", "district", "help_type", "level", "local_contacts"])
        for c in coverage.cells:
            writer.writerow([c.region, c.district.id, c.district.name_ru, c.help_type, c.level, c.contacts])


def write_html(coverage: Coverage, path: Path, max_age_days: int) -> None:
    colours = {"district": "#1b7f3b", "region": "#7a9a01", "nearby": "#9a8a01", "national": "#b36b00", "none": "#b00020"}
    rows = []
    for region in REGION_CODES:
        cells = [c for c in coverage.cells if c.region == region]
        for district in dict.fromkeys(c.district for c in cells):
            marks = {c.help_type: c.level for c in cells if c.district == district}
            tds = "".join(
                f'<td style="color:#fff;background:{colours[marks[h]]}" title="{marks[h]}">{SYMBOL[marks[h]]}</td>'
                for h in HELP_TYPES
            )
            rows.append(f"<tr><td>{html.escape(region)}</td><td>{html.escape(district.name_ru)}</td>{tds}</tr>")
    notes = (
        "".join(
            f"<li>{html.escape(c.id)} (doubtful, shown where nothing better exists): {html.escape(c.status_note or '')}</li>"
            for c in coverage.doubtful
        )
        + "".join(
            f"<li>{html.escape(c.id)} (doubtful, hidden everywhere by a better entry): {html.escape(c.status_note or '')}</li>"
            for c in coverage.hidden
        )
        + "".join(f"<li>{html.escape(c.id)} (note): {html.escape(c.status_note or '')}</li>" for c in coverage.noted)
        + "".join(f"<li>{html.escape(c.id)}: checked {c.verified_on.isoformat()}</li>" for c in coverage.stale)
        + "".join(f"<li>{html.escape(str(n))}</li>" for n in coverage.notes)
    )
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HELP_TYPES)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "<!doctype html><meta charset='utf-8'><title>Directory coverage</title>"
        "<style>body{font:14px sans-serif}td,th{padding:2px 6px;text-align:center}td:nth-child(2){text-align:left}</style>"
        "<h1>Directory coverage</h1>"
        "<p>D district · R region-wide · n nearest of other districts · N nationwide only · – nothing</p>"
        f"<table><tr><th>region</th><th>district</th>{head}</tr>{''.join(rows)}</table>"
        f"<h2>Caveats and entries checked more than {max_age_days} days ago</h2><ul>{notes}</ul>",
        encoding="utf-8",
    )


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--max-age-days", type=int, default=365)
    parser.add_argument("--csv", type=Path, default=Path("var/coverage.csv"))
    parser.add_argument("--html", type=Path, default=Path("var/coverage.html"))
    args = parser.parse_args(argv)
    coverage = measure(open_directory(args.database_url), args.max_age_days)
    print_terminal(coverage, args.max_age_days)
    write_csv(coverage, args.csv)
    write_html(coverage, args.html, args.max_age_days)
    print(f"\nWrote {args.csv} and {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
