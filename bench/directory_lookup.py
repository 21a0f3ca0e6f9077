"""Directory micro-benchmark: help-type lookup and nearest public organisation over 10,000
generated organisations (target < 1 ms per query).

    .venv/bin/python -m bench.directory_lookup [--organisations 10000] [--queries 5000]

The organisations are synthetic (random districts, services, coordinates inside Belarus; a
fifth confidential) and live only in a temporary database; real regions and districts are used.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from directory import HELP_TYPES, REGION_CODES, open_directory
from directory.load import load

REPO = Path(__file__).resolve().parents[1]
KINDS = {
    "shelter": "crisis_room",
    "psychological": "psychological",
    "legal": "legal",
    "social": "social_center",
    "police": "police",
    "medical": "medical",
    "addiction": "addiction",
    "hotline": "helpline",
    "emergency": "helpline",
}


def generate(data_dir: Path, count: int, rng: random.Random) -> None:
    shutil.copy(REPO / "directory" / "data" / "regions.csv", data_dir)
    shutil.copy(REPO / "directory" / "data" / "districts.csv", data_dir)
    districts = list(csv.DictReader((data_dir / "districts.csv").open(encoding="utf-8")))
    with (REPO / "directory" / "data" / "organisations.csv").open(encoding="utf-8") as handle:
        fields = csv.DictReader(handle).fieldnames
    with (data_dir / "organisations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for n in range(count):
            district = rng.choice(districts)
            service = rng.choice(HELP_TYPES)
            confidential = rng.random() < 0.2
            scope = rng.random()
            writer.writerow(
                {
                    "id": f"gen-{n}",
                    "name_ru": f"Организация {n}",
                    "name_be": "",
                    "name_en": f"Organisation {n}",
                    "kind": KINDS[service],
                    "services": service,
                    "region": "BY" if scope < 0.02 else district["region_code"],
                    "district": district["district_id"] if scope > 0.3 else "",
                    "address": "" if confidential else f"ул. Тестовая, {n}",
                    "phones": f"+375 (17) {200 + n % 700}-{n % 100:02d}-{n % 97:02d}",
                    "hours": "",
                    "schedule": "",
                    "lat": "" if confidential else f"{rng.uniform(51.3, 56.1):.5f}",
                    "lon": "" if confidential else f"{rng.uniform(23.2, 32.7):.5f}",
                    "confidential": str(confidential).lower(),
                    "public_contact": "",
                    "active": "true",
                    "status_note": "",
                    "source_url": "https://example.org/generated",
                    "verified_on": "2026-11-28",
                    "verification": "desk",
                    "note": "generated for the benchmark",
                }
            )


def per_query_ms(function, arguments) -> float:
    started = time.perf_counter()
    for args in arguments:
        function(*args)
    return (time.perf_counter() - started) / len(arguments) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=5_000)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch)
        generate(data, args.organisations, rng)
        url = f"sqlite:///{data / 'bench.sqlite'}"
        started = time.perf_counter()
        report = load(data, url)
        assert report.ok, [str(r) for r in report.rejections[:5]]
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        directory = open_directory(url)  # builds the in-memory snapshot
        snapshot_s = time.perf_counter() - started
        searches = []
        for _ in range(args.queries):
            region = rng.choice(REGION_CODES)
            district = rng.choice([None] + [d.id for d in directory.districts(region)])
            searches.append((rng.choice(HELP_TYPES), region, district))
        points = [(rng.choice(HELP_TYPES), rng.uniform(51.3, 56.1), rng.uniform(23.2, 32.7)) for _ in range(args.queries)]
        search_ms = statistics.median(per_query_ms(directory.search, searches) for _ in range(3))
        nearest_ms = statistics.median(per_query_ms(directory.nearest_public, points) for _ in range(3))
    print(
        f"\n{args.organisations} organisations; load (validate + write) {load_s:.1f} s; snapshot build {snapshot_s * 1000:.0f} ms"
    )
    print(f"{'query':<36} {'ms/query':>9}  target")
    print(f"{'help-type lookup (search)':<36} {search_ms:9.3f}  < 1 ms")
    print(f"{'nearest public organisation':<36} {nearest_ms:9.3f}  < 1 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
