"""Load and soak: N concurrent conversations through whole flows for T minutes.

    .venv/bin/python -m bench.load --url http://127.0.0.1:5005 --token TOKEN --users 50 --minutes 10

Run it against a served assistant (bin/serve with `--enable-api --auth-token TOKEN`). Each
simulated person walks realistic flows that reach the directory through the action server,
one message at a time, each conversation under a fresh id. An HTTP error, an empty answer and
the safety net's answer ("details are temporarily unavailable") each count as an error.
Afterwards every conversation's tracker is fetched and checked: exactly the user messages that
were sent, in order, none lost and none from another conversation, and the slots the flow must
end with. Prints errors, latency percentiles, throughput and the tracker check. Traffic goes to
the given URL only (use localhost); the loop stops by itself after --minutes.

``sequential`` and ``concurrent`` are also used by ``bench.compare``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import aiohttp

# (messages, slots the conversation must end with)
Flow = Tuple[List[str], Dict[str, Optional[str]]]
FLOWS: List[Flow] = [
    (
        ["/start", "/need_legal", '/inform{"region":"BY-HO"}', '/inform{"district":"BY-HO-04"}'],
        {"help_type": "legal", "region": "BY-HO", "district": "BY-HO-04"},
    ),
    (
        ["привет", "мне негде ночевать, муж выгнал", '/inform{"region":"BY-MI"}', '/district_page{"page":"1"}', "/whole_region"],
        {"help_type": "shelter", "region": "BY-MI", "district": None},
    ),
    (
        ["нужен психолог в Бобруйске", "/change_region", '/inform{"region":"BY-HM"}', "/whole_region"],
        {"help_type": "psychological", "region": "BY-HM", "district": None},
    ),
    (
        ["он ломает дверь", '/inform{"region":"BY-BR"}', '/inform{"district":"BY-BR-14"}'],
        {"help_type": "emergency", "region": "BY-BR", "district": "BY-BR-14"},
    ),
    (
        ['/set_language{"language":"en"}', "/role_witness", "/need_social", '/inform{"region":"BY-VI"}', "/whole_region"],
        {"help_type": "social", "region": "BY-VI", "district": None, "language": "en", "role": "witness"},
    ),
]


def safety_net_answer(reply: list) -> Optional[str]:
    """Why ``reply`` is this assistant's safety net (a part failed or was too slow), or None.

    The safety net answers calmly and looks like any other reply, so counting HTTP errors alone
    would score a broken action server as healthy. Its first sentence ("details are temporarily
    unavailable") appears in no other answer. Channels split a text at blank lines into separate
    messages (Rasa's ``CollectingOutputChannel``), so each message is checked on its own.
    """
    from actions.texts import LANGUAGES, text

    marks = [text(lang, "unavailable") for lang in LANGUAGES]
    for message in reply:
        said = (message.get("text") or "") if isinstance(message, dict) else ""
        if any(mark in said for mark in marks):
            return "safety-net answer (an action failed or was too slow)"
    return None


@dataclass
class Stats:
    latencies: List[float] = field(default_factory=list)
    finished: List[float] = field(default_factory=list)  # time.monotonic() at each latency's end
    started: float = 0.0
    errors: List[str] = field(default_factory=list)
    conversations: List[Tuple[str, List[str], Dict[str, Optional[str]]]] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else float("nan")


async def turn(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    message: str,
    stats: Stats,
    bad_reply: Optional[Callable[[list], Optional[str]]] = None,
) -> None:
    """One message; its latency and, if it failed, why (HTTP error, no answer, or ``bad_reply``)."""
    started = time.perf_counter()
    try:
        async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}) as response:
            body = await response.json(content_type=None)
            if response.status != 200 or not body:
                stats.errors.append(f"HTTP {response.status}, {len(body or [])} messages")
            elif bad_reply and (why := bad_reply(body)):
                stats.errors.append(why)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:  # ValueError: not JSON (a balancer's 503 page)
        stats.errors.append(type(error).__name__)
    stats.latencies.append(time.perf_counter() - started)
    stats.finished.append(time.monotonic())


async def person(
    session: aiohttp.ClientSession,
    url: str,
    deadline: float,
    stats: Stats,
    seed: int,
    flows: Sequence[Flow] = FLOWS,
    bad_reply: Optional[Callable[[list], Optional[str]]] = None,
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        messages, expected = rng.choice(flows)
        sender = uuid.uuid4().hex
        sent: List[str] = []
        for message in messages:
            await turn(session, url, sender, message, stats, bad_reply)
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


def _session() -> aiohttp.ClientSession:
    # One connection per simulated person (the default pool of 100 would queue above 100 users).
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60), connector=aiohttp.TCPConnector(limit=0))


async def concurrent(
    url: str,
    token: str,
    users: int,
    seconds: float,
    flows: Sequence[Flow] = FLOWS,
    bad_reply: Optional[Callable[[list], Optional[str]]] = None,
) -> Tuple[Stats, List[str]]:
    """``users`` people walking ``flows`` for ``seconds``; then every conversation's tracker is checked."""
    stats = Stats()
    async with _session() as session:
        started = stats.started = time.monotonic()
        await asyncio.gather(*(person(session, url, started + seconds, stats, seed, flows, bad_reply) for seed in range(users)))
        stats.elapsed = time.monotonic() - started
        problems = await check_trackers(session, url, token, stats)
    return stats, problems


async def sequential(
    url: str, flows: Sequence[Flow], rounds: int, bad_reply: Optional[Callable[[list], Optional[str]]] = None
) -> Stats:
    """One person at a time: every flow ``rounds`` times, each under a fresh conversation id."""
    stats = Stats()
    async with _session() as session:
        started = stats.started = time.monotonic()
        for _ in range(rounds):
            for messages, expected in flows:
                sender = uuid.uuid4().hex
                for message in messages:
                    await turn(session, url, sender, message, stats, bad_reply)
                stats.conversations.append((sender, list(messages), expected))
        stats.elapsed = time.monotonic() - started
    return stats


def timeline(stats: Stats, minutes: float = 1.0) -> List[Tuple[int, int, float]]:
    """(minute, turns/s, p95 ms) per whole minute of the run: does the server slow down as
    conversations pile up in the tracker store?"""
    width = minutes * 60
    buckets: Dict[int, List[float]] = {}
    for end, latency in zip(stats.finished, stats.latencies, strict=False):
        buckets.setdefault(int((end - stats.started) // width), []).append(latency)
    whole = int(stats.elapsed // width)
    return [
        (index + 1, round(len(buckets.get(index, [])) / width), percentile(buckets.get(index, []), 0.95) * 1000)
        for index in range(whole)
    ]


def report(stats: Stats, problems: List[str]) -> str:
    lat = stats.latencies
    per_minute = timeline(stats) if stats.elapsed >= 120 and len(stats.finished) == len(lat) else []
    return "\n".join(
        [
            f"conversations {len(stats.conversations)}, turns {len(lat)}, throughput {stats.throughput:.1f} turns/s",
            f"latency p50 {percentile(lat, .5) * 1000:.0f} ms, p95 {percentile(lat, .95) * 1000:.0f} ms, "
            f"p99 {percentile(lat, .99) * 1000:.0f} ms, mean {statistics.fmean(lat) * 1000 if lat else float('nan'):.0f} ms",
            f"errors {len(stats.errors)}" + (f" (first: {stats.errors[:3]})" if stats.errors else ""),
            f"tracker check: {len(stats.conversations) - len({p.split(':')[0] for p in problems})}/{len(stats.conversations)} "
            f"conversations exactly as sent" + (f"; problems: {problems[:5]}" if problems else ""),
        ]
        + (
            [
                "per minute, turns/s: " + " ".join(str(rate) for _, rate, _ in per_minute),
                "per minute, p95 ms:  " + " ".join(f"{p95:.0f}" for _, _, p95 in per_minute),
            ]
            if per_minute
            else []
        )
    )


async def run(url: str, token: str, users: int, minutes: float) -> int:
    stats, problems = await concurrent(url, token, users, minutes * 60, bad_reply=safety_net_answer)
    print(f"\n{users} users × {minutes:g} min against {url}")
    print(report(stats, problems))
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
