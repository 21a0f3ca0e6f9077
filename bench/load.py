"""Load and soak: N concurrent conversations through whole flows for T minutes.

    .venv/bin/python -m bench.load --url http://127.0.0.1:5005 --token TOKEN --users 50 --minutes 10

Run it against a served assistant (bin/serve with `--enable-api --auth-token TOKEN`). Each
simulated person walks realistic flows that reach the directory through the action server,
one message at a time, each conversation under a fresh id. Afterwards every conversation's
tracker is fetched and checked: exactly the user messages that were sent, in order, none lost
and none from another conversation, and the slots the flow must end with. Prints errors,
latency percentiles, throughput and the tracker check. Traffic goes to the given URL only
(use localhost); the loop stops by itself after --minutes.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import aiohttp

# (messages, slots the conversation must end with)
FLOWS: List[Tuple[List[str], Dict[str, Optional[str]]]] = [
    (["/start", "/need_legal", '/inform{"region":"BY-HO"}', '/inform{"district":"BY-HO-04"}'],
     {"help_type": "legal", "region": "BY-HO", "district": "BY-HO-04"}),
    (["привет", "мне негде ночевать, муж выгнал", '/inform{"region":"BY-MI"}', '/district_page{"page":"1"}', "/whole_region"],
     {"help_type": "shelter", "region": "BY-MI", "district": None}),
    (["нужен психолог в Бобруйске", "/change_region", '/inform{"region":"BY-HM"}', "/whole_region"],
     {"help_type": "psychological", "region": "BY-HM", "district": None}),
    (["он ломает дверь", '/inform{"region":"BY-BR"}', '/inform{"district":"BY-BR-14"}'],
     {"help_type": "emergency", "region": "BY-BR", "district": "BY-BR-14"}),
    (['/set_language{"language":"en"}', "/role_witness", "/need_social", '/inform{"region":"BY-VI"}', "/whole_region"],
     {"help_type": "social", "region": "BY-VI", "district": None, "language": "en", "role": "witness"}),
]


@dataclass
class Stats:
    latencies: List[float] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    conversations: List[Tuple[str, List[str], Dict[str, Optional[str]]]] = field(default_factory=list)


async def person(session: aiohttp.ClientSession, url: str, deadline: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        messages, expected = rng.choice(FLOWS)
        sender = uuid.uuid4().hex
        sent: List[str] = []
        for message in messages:
            started = time.perf_counter()
            try:
                async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200 or not body:
                        stats.errors.append(f"HTTP {response.status}, {len(body or [])} messages")
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                stats.errors.append(type(error).__name__)
            stats.latencies.append(time.perf_counter() - started)
            sent.append(message)
        stats.conversations.append((sender, sent, expected))


async def check_trackers(session: aiohttp.ClientSession, url: str, token: str, stats: Stats) -> List[str]:
    problems: List[str] = []
    for sender, sent, expected in stats.conversations:
        async with session.get(f"{url}/conversations/{sender}/tracker", params={"token": token}) as response:
            tracker = await response.json(content_type=None)
        said = [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]
        if said != sent:
            problems.append(f"{sender[:8]}: user events {len(said)} != sent {len(sent)} or out of order")
        for slot, value in expected.items():
            if tracker.get("slots", {}).get(slot) != value:
                problems.append(f"{sender[:8]}: slot {slot}={tracker.get('slots', {}).get(slot)!r}, expected {value!r}")
    return problems


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


async def run(url: str, token: str, users: int, minutes: float) -> int:
    stats = Stats()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.monotonic()
        deadline = started + minutes * 60
        await asyncio.gather(*(person(session, url, deadline, stats, seed) for seed in range(users)))
        elapsed = time.monotonic() - started
        problems = await check_trackers(session, url, token, stats)
    turns = len(stats.latencies)
    print(f"\n{users} users × {minutes:g} min against {url}")
    print(f"conversations {len(stats.conversations)}, turns {turns}, throughput {turns / elapsed:.1f} turns/s")
    print(f"latency p50 {percentile(stats.latencies, .5) * 1000:.0f} ms, p95 {percentile(stats.latencies, .95) * 1000:.0f} ms, "
          f"p99 {percentile(stats.latencies, .99) * 1000:.0f} ms, mean {statistics.fmean(stats.latencies) * 1000:.0f} ms")
    print(f"errors {len(stats.errors)}" + (f" (first: {stats.errors[:3]})" if stats.errors else ""))
    print(f"tracker check: {len(stats.conversations) - len({p.split(':')[0] for p in problems})}/{len(stats.conversations)} "
          f"conversations exactly as sent" + (f"; problems: {problems[:5]}" if problems else ""))
    return 1 if stats.errors or problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--token", required=True, help="the Rasa HTTP API token (--auth-token of the server)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        parser.error("load tests only target this machine (127.0.0.0/8, localhost, [::1])")
    return asyncio.run(run(args.url.rstrip("/"), args.token, args.users, args.minutes))


if __name__ == "__main__":
    raise SystemExit(main())
