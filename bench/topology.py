"""Throughput and latency through HAProxy with 1 and with 2 Rasa servers (PostgreSQL, Redis,
2 action servers: deploy/topology.py on free ports), and what an erase's VACUUM FULL costs.

    .venv/bin/python -m bench.topology --users 40 --seconds 60 [--instances 1 2] [--soak-minutes 10]

Each run: ``--users`` people walking bench.load's flows through the balancer for ``--seconds``;
every conversation's tracker is then checked on one instance (both read the same store).
Numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path
from typing import List, Sequence

import aiohttp

from bench.load import Stats, check_trackers, person, report, safety_net_answer
from bench.servers import cpu_seconds, free_port
from deploy.topology import Ports, Topology


async def load(url: str, check_url: str, token: str, users: int, seconds: float) -> tuple:
    stats = Stats()
    timeout = aiohttp.ClientTimeout(total=90)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        stats.started = time.monotonic()
        await asyncio.gather(
            *(person(session, url, stats.started + seconds, stats, seed, bad_reply=safety_net_answer) for seed in range(users))
        )
        stats.elapsed = time.monotonic() - stats.started
        problems = await check_trackers(session, check_url, token, stats)
    return stats, problems


def vacuum_full_ms(topology: Topology, rounds: int = 5) -> List[float]:
    rows = topology.psql("SELECT count(*) FROM events")
    size = topology.psql("SELECT pg_size_pretty(pg_total_relation_size('events'))")
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        topology.psql("VACUUM FULL events")
        times.append((time.perf_counter() - started) * 1000)
    print(f"VACUUM FULL events ({rows} events, {size}): " f"{' '.join(f'{t:.0f}' for t in times)} ms (psql round trip included)")
    return times


def run(instances: int, users: int, seconds: float, soak_minutes: float) -> None:
    root = Path(tempfile.mkdtemp(prefix="dvhelp-bench-topology-"))
    root.chmod(0o755)
    ports = Ports(
        balancer=free_port(),
        actions=free_port(),
        rasa=tuple(free_port() for _ in range(instances)),
        action_servers=(free_port(), free_port()),
        postgres=free_port(),
        redis=free_port(),
    )
    topology = Topology(root, ports)
    try:
        topology.up()
        url, check = f"http://127.0.0.1:{ports.balancer}", f"http://127.0.0.1:{ports.rasa[0]}"
        token = topology.secrets()["RASA_API_TOKEN"]
        asyncio.run(load(url, check, token, 5, 5))  # warm-up: first turns load lazily
        cpu_before = {name: cpu_seconds(topology.pid(name)) for name in topology.by_name if topology.pid(name)}
        stats, problems = asyncio.run(load(url, check, token, users, soak_minutes * 60 or seconds))
        cpu = {name: cpu_seconds(topology.pid(name)) - cpu_before[name] for name in cpu_before if topology.pid(name)}
        print(f"\n== {instances} Rasa server(s) behind HAProxy, {users} users × {soak_minutes * 60 or seconds:g} s")
        print(report(stats, problems))
        print(
            "CPU seconds during the run: "
            + ", ".join(f"{name} {value:.1f}" for name, value in cpu.items())
            + f" (wall {stats.elapsed:.0f} s, 2 cores = {2 * stats.elapsed:.0f} CPU s)"
        )
        vacuum_full_ms(topology)
    finally:
        topology.down()
        shutil.rmtree(root, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--soak-minutes", type=float, default=0, help="instead of --seconds: a soak this long")
    args = parser.parse_args(argv)
    for instances in args.instances:
        run(instances, args.users, args.seconds, args.soak_minutes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
