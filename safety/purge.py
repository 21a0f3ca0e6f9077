"""Delete stored conversations older than an age: ``python -m safety.purge [--older-than 24h]``.

Reads the tracker store from endpoints.yml (it must be ``PrivateSQLTrackerStore``). Run it from
cron, or let the in-process schedule do it.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config

from safety.tracker_store import PrivateSQLTrackerStore

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_age(text: str) -> float:
    """'24h', '90m', '7d', '3600' (seconds) → seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not an age: {text!r} (use e.g. 24h, 90m, 7d)")
    return float(match.group(1)) * UNITS[match.group(2) or "s"]


def open_store(endpoints: str) -> PrivateSQLTrackerStore:
    config = read_endpoint_config(endpoints, "tracker_store")
    store = TrackerStore.create(config, Domain.empty())
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps stores in AwaitableTrackerStore
    inner = getattr(inner, "_tracker_store", inner)  # … and FailSafeTrackerStore
    if not isinstance(inner, PrivateSQLTrackerStore):
        raise SystemExit("endpoints.yml must use safety.tracker_store.PrivateSQLTrackerStore")
    return inner


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--older-than", type=parse_age, default=parse_age("24h"))
    parser.add_argument("--endpoints", default="endpoints.yml")
    args = parser.parse_args(argv)
    count = asyncio.run(open_store(args.endpoints).purge(args.older_than))
    print(f"Deleted {count} conversation(s) silent for more than {args.older_than:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
