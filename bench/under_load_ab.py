"""One patch's effect under load: all patches on against all but one, paired, order alternating.

    .venv/bin/python -m bench.under_load_ab --without loaded_model_gc_freeze [--pairs 6] [--users 50]

``bench.ablation`` measures a turn one conversation at a time; a patch that acts only when many
conversations run at once (the collector's pauses) shows there as nothing. Each pair starts both
servers fresh for each configuration, warms up for 5 s, then runs ``--users`` conversations for
``--seconds``; it prints p50/p95/p99, turns/s, the Rasa server's CPU per turn and errors per
run, and the medians per configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from typing import Dict, List, Optional, Sequence

from bench import load
from bench.served import running
from bench.servers import cpu_seconds

TOKEN = "under-load-ab"
COLUMNS = ("p50 ms", "p95 ms", "p99 ms", "turns/s", "Rasa CPU ms/turn", "errors")


def one_run(patches: str, users: int, seconds: float) -> List[float]:
    with running(env={"DV_PATCHES": patches}, token=TOKEN) as served:
        asyncio.run(load.concurrent(served.base, TOKEN, users, 5))
        before = cpu_seconds(served.pid)
        stats, _ = asyncio.run(load.concurrent(served.base, TOKEN, users, seconds))
        spent = cpu_seconds(served.pid) - before
    latencies = sorted(stats.latencies)
    turns = len(latencies)
    return [
        *(1000 * load.percentile(latencies, q) for q in (0.5, 0.95, 0.99)),
        turns / seconds,
        1000 * spent / max(turns, 1),
        float(len(stats.errors)),
    ]


def main(argv: Optional[Sequence[str]] = None) -> int:
    from rasa_patches.registry import BY_NAME, PATCHES

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--without", required=True, choices=sorted(BY_NAME))
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=40)
    args = parser.parse_args(argv)
    configs = {"all": "all", f"without {args.without}": ",".join(p.name for p in PATCHES if p.name != args.without)}
    runs: Dict[str, List[List[float]]] = {name: [] for name in configs}
    for pair in range(args.pairs):
        for name in list(configs)[:: 1 if pair % 2 == 0 else -1]:
            row = one_run(configs[name], args.users, args.seconds)
            runs[name].append(row)
            print(f"pair {pair} {name:>30}: " + "  ".join(f"{c} {v:.1f}" for c, v in zip(COLUMNS, row, strict=True)), flush=True)
    for name, rows in runs.items():
        medians = [statistics.median(r[i] for r in rows) for i in range(len(COLUMNS))]
        print(f"median {name:>30}: " + "  ".join(f"{c} {v:.1f}" for c, v in zip(COLUMNS, medians, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
