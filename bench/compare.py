"""This assistant against the stock `rasa init` bot, side by side, in one run on one machine.

    .venv/bin/python -m bench.compare [--users 50] [--seconds 60] [--rounds 10] [--slices 4] [--skip-train] [--workdir DIR]

1. Generates the reference bot with `rasa init --no-prompt --init-dir WORKDIR/stock` (offline;
   `rasa init` also trains it once — skipped when WORKDIR/stock already holds the project).
2. Trains both from scratch, timing `rasa train --force` for each with an empty training cache
   (RASA_CACHE_DIRECTORY in WORKDIR); ours goes to WORKDIR/models, so models/ is not touched.
   `--skip-train` uses models/dv-help.tar.gz and the model `rasa init` trained instead.
3. Serves and measures both:
   - cold start, one bot after the other: `rasa run --enable-api --auth-token …` (and, for
     ours, the action server as bin/serve starts it, spawned at the same moment) until the first
     REST message gets a real answer — for ours "привет" answered by the action server, not by
     the safety net; both then stay up;
   - per-turn latency p50/p95, one conversation at a time (`--rounds` × every flow, alternating
     stock and ours round by round): the stock bot's greet/mood paths from its own data; ours
     the bench.load flows, which reach the directory through the action server;
   - `--users` concurrent conversations for `--seconds` per bot, in `--slices` alternating
     slices: p95, throughput (turns/s) and errors — HTTP errors, empty answers, for ours any
     safety-net answer, and every conversation's tracker checked after each slice (user
     messages as sent; for ours the slots each flow ends with);
   - peak RSS of the Rasa server's process tree and of the action server's (sampled from /proc
     every 0.25 s, and the kernel's VmHWM).
   Alternating means a machine that speeds up or slows down during the run (shared CPUs here
   vary by ±25 % within minutes) weighs on both bots alike; the idle bot uses no CPU.
4. Prints one table — metric | stock | ours | ratio | target | met? — and writes it to
   var/bench/compare-<date>.json and .md.

Ours is served with endpoints.yml as it is (tracker store, lock store, …), only with the action
server's port and a fresh SQLite tracker file in WORKDIR. SANIC_WORKERS and other environment
settings apply to both bots alike. The machine's load average is recorded before and after: on a
shared machine the numbers are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import yaml

from bench import load
from bench.servers import (
    ACTION_SERVER_ENV,
    PLAIN_RASA,
    RASA,
    REPO,
    TreeMemory,
    action_server_args,
    bench_env,
    cpu_seconds,
    free_port,
    rasa_run_args,
    spawn,
    stop,
    wait_for_answer,
)

# The stock bot's own paths (data/stories.yml and rules.yml of `rasa init`), in its own words.
STOCK_FLOWS: List[load.Flow] = [
    (["hello", "I am great", "bye"], {}),
    (["hi", "I am sad", "yes", "goodbye"], {}),
    (["hey there", "very sad", "no"], {}),
    (["good morning", "are you a bot?", "I am feeling very good", "see you later"], {}),
]


@dataclass
class BotRun:
    name: str
    train_s: Optional[float] = None
    cold_start_s: Optional[float] = None
    cold_start_cpu_s: Optional[float] = None  # the Rasa server's CPU time until its first answer
    action_server_ready_s: Optional[float] = None
    turn_p50_ms: Optional[float] = None
    turn_p95_ms: Optional[float] = None
    sequential_turns: int = 0
    cpu_ms_per_turn_rasa: Optional[float] = None  # CPU time, not wall: less sensitive to other work
    cpu_ms_per_turn_actions: Optional[float] = None
    sequential_errors: List[str] = field(default_factory=list)
    load_p50_ms: Optional[float] = None
    load_p95_ms: Optional[float] = None
    load_throughput: Optional[float] = None
    load_turns: int = 0
    load_conversations: int = 0
    load_error_count: int = 0
    load_errors: List[str] = field(default_factory=list)  # the first 50
    tracker_problem_count: int = 0
    tracker_problems: List[str] = field(default_factory=list)  # the first 50
    rasa_rss_mb: Optional[float] = None
    action_rss_mb: Optional[float] = None
    model: str = ""


@dataclass
class Bot:
    name: str
    directory: Path
    flows: Sequence[load.Flow]
    first_message: str
    accept: Callable[[list], bool]
    bad_reply: Optional[Callable[[list], Optional[str]]]
    with_action_server: bool

    @property
    def rasa(self) -> str:
        """Ours through bin/rasa (its patches), the stock bot through plain Rasa."""
        return RASA if self.with_action_server else PLAIN_RASA


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def generate_stock(workdir: Path) -> Path:
    stock = workdir / "stock"
    if (stock / "config.yml").exists() and list((stock / "models").glob("*.tar.gz")):
        log(f"stock bot: reusing {stock}")
        return stock
    stock.mkdir(parents=True, exist_ok=True)
    log(f"stock bot: rasa init --no-prompt --init-dir {stock} (generates and trains it once)")
    env = bench_env(RASA_CACHE_DIRECTORY=str(workdir / "cache-init"))
    with (workdir / "stock-init.log").open("w") as out:
        subprocess.run(
            [PLAIN_RASA, "init", "--no-prompt", "--init-dir", str(stock)],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )
    return stock


def train(bot: Bot, workdir: Path) -> tuple[float, Path]:
    """`rasa train` from scratch (empty cache, --force); returns seconds and the model."""
    seconds, _cpu, model = train_timed(bot.directory, bot.name, workdir, rasa=bot.rasa)
    return seconds, model


def train_timed(
    directory: Path, name: str, workdir: Path, extra_env: Optional[Dict[str, str]] = None, rasa: str = RASA
) -> tuple[float, float, Path]:
    """`rasa train --force` of the project in ``directory`` with an empty training cache; returns
    wall seconds, CPU seconds (user + system of the whole process tree) and the model."""
    import resource

    cache = workdir / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    out = workdir / "models"
    out.mkdir(exist_ok=True)
    args = [rasa, "train", "--force", "--out", str(out), "--fixed-model-name", f"{name}-bench"]
    log(f"{name}: {' '.join(args[1:])} (cwd {directory})")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with (workdir / f"{name}-train.log").open("w") as output:
        subprocess.run(
            args,
            cwd=directory,
            env=bench_env(RASA_CACHE_DIRECTORY=str(cache), **(extra_env or {})),
            stdout=output,
            stderr=subprocess.STDOUT,
            check=True,
        )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    log(f"{name}: trained in {seconds:.1f} s ({cpu:.1f} s CPU)")
    return seconds, cpu, out / f"{name}-bench.tar.gz"


def ours_endpoints(workdir: Path, action_port: int) -> Path:
    """endpoints.yml as it is, with the action server's port and a fresh tracker database."""
    config: Dict[str, Any] = yaml.safe_load((REPO / "endpoints.yml").read_text()) or {}
    config.setdefault("action_endpoint", {})["url"] = f"http://127.0.0.1:{action_port}/webhook"
    store = config.get("tracker_store") or {}
    if store.get("dialect", "sqlite") == "sqlite" and "db" in store:
        database = workdir / "ours-tracker.sqlite"
        database.unlink(missing_ok=True)
        store["db"] = str(database)
    path = workdir / "ours-endpoints.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@dataclass
class Served:
    """A bot's running servers, and what its measured slices have gathered so far."""

    bot: Bot
    result: BotRun
    base: str
    token: str
    processes: List[subprocess.Popen]
    memories: Dict[str, TreeMemory]
    sequential: load.Stats = field(default_factory=load.Stats)
    cpu_seconds: Dict[str, float] = field(default_factory=dict)
    concurrent: load.Stats = field(default_factory=load.Stats)
    problems: List[str] = field(default_factory=list)


def start(
    bot: Bot,
    model: Path,
    workdir: Path,
    result: BotRun,
    extra_env: Optional[Dict[str, str]] = None,
    action_port: Optional[int] = None,
    rasa: Optional[str] = None,
) -> Served:
    """Start the bot's servers, measure its cold start, and warm it up with one pass of its flows.
    With ``action_port`` the bot uses an action server already running there (only the Rasa
    server is started and timed)."""
    token = secrets.token_hex(16)
    rasa_port = free_port()
    base = f"http://127.0.0.1:{rasa_port}"
    env = bench_env(**(extra_env or {}))
    external_actions = action_port is not None
    if bot.with_action_server:
        action_port = action_port or free_port()
        endpoints: Optional[Path] = ours_endpoints(workdir, action_port)
        credentials: Optional[Path] = REPO / "credentials.yml"
        env.setdefault("DIRECTORY_DATABASE_URL", f"sqlite:///{REPO / 'var' / 'directory.sqlite'}")
    else:
        endpoints = bot.directory / "endpoints.yml"
        credentials = bot.directory / "credentials.yml"
    served = Served(bot, result, base, token, [], {})
    try:
        log(f"{bot.name}: cold start")
        started = time.perf_counter()
        if bot.with_action_server and not external_actions:
            actions = spawn(
                action_server_args(action_port), REPO, {**env, **ACTION_SERVER_ENV}, workdir / f"{bot.name}-actions.log"
            )
            served.processes.append(actions)
            served.memories["actions"] = TreeMemory(actions.pid)
        rasa = spawn(
            rasa_run_args(model, rasa_port, endpoints, credentials, token, rasa or bot.rasa),
            bot.directory,
            env,
            workdir / f"{bot.name}-rasa.log",
        )
        served.processes.append(rasa)
        served.memories["rasa"] = TreeMemory(rasa.pid)
        result.cold_start_s = wait_for_answer(base, bot.first_message, started, served.processes, bot.accept)
        result.cold_start_cpu_s = cpu_seconds(rasa.pid)
        log(f"{bot.name}: first answer after {result.cold_start_s:.1f} s")
        asyncio.run(load.sequential(base, bot.flows, 1, bot.bad_reply))  # warm-up, not counted
    except BaseException:
        finish(served)
        raise
    served.cpu_seconds = {name: 0.0 for name in served.memories}
    return served


def sequential_slice(served: Served, rounds: int) -> None:
    """``rounds`` passes through the bot's flows, one conversation at a time."""
    before = {name: cpu_seconds(memory.pid) for name, memory in served.memories.items()}
    stats = asyncio.run(load.sequential(served.base, served.bot.flows, rounds, served.bot.bad_reply))
    for name, memory in served.memories.items():
        served.cpu_seconds[name] += cpu_seconds(memory.pid) - before[name]
    served.sequential.latencies += stats.latencies
    served.sequential.errors += stats.errors
    served.sequential.elapsed += stats.elapsed


def concurrent_slice(served: Served, users: int, seconds: float) -> None:
    """``users`` conversations at once for ``seconds``, then every conversation's tracker checked."""
    stats, problems = asyncio.run(
        load.concurrent(served.base, served.token, users, seconds, served.bot.flows, served.bot.bad_reply)
    )
    served.concurrent.latencies += stats.latencies
    served.concurrent.errors += stats.errors
    served.concurrent.conversations += stats.conversations
    served.concurrent.elapsed += stats.elapsed
    served.problems += problems


def summarise(served: Served) -> None:
    result, sequential, concurrent = served.result, served.sequential, served.concurrent
    turns = max(1, len(sequential.latencies))
    result.cpu_ms_per_turn_rasa = 1000 * served.cpu_seconds["rasa"] / turns
    if "actions" in served.cpu_seconds:
        result.cpu_ms_per_turn_actions = 1000 * served.cpu_seconds["actions"] / turns
    result.turn_p50_ms = load.percentile(sequential.latencies, 0.5) * 1000
    result.turn_p95_ms = load.percentile(sequential.latencies, 0.95) * 1000
    result.sequential_turns = len(sequential.latencies)
    result.sequential_errors = sequential.errors[:20]
    result.load_p50_ms = load.percentile(concurrent.latencies, 0.5) * 1000
    result.load_p95_ms = load.percentile(concurrent.latencies, 0.95) * 1000
    result.load_throughput = concurrent.throughput
    result.load_turns = len(concurrent.latencies)
    result.load_conversations = len(concurrent.conversations)
    result.load_error_count, result.load_errors = len(concurrent.errors), concurrent.errors[:50]
    result.tracker_problem_count, result.tracker_problems = len(served.problems), served.problems[:50]
    log(
        f"{served.bot.name}: sequential p50 {result.turn_p50_ms:.1f} ms, p95 {result.turn_p95_ms:.1f} ms over "
        f"{result.sequential_turns} turns; concurrent: " + load.report(concurrent, served.problems).replace("\n", "; ")
    )


def finish(served: Served) -> None:
    """Stop the bot's servers; their peak memory goes into the result."""
    try:
        if "rasa" in served.memories:
            served.result.rasa_rss_mb = served.memories["rasa"].stop()
        if "actions" in served.memories:
            served.result.action_rss_mb = served.memories["actions"].stop()
    finally:
        for memory in served.memories.values():
            memory.stop()
        for process in reversed(served.processes):
            stop(process)


def measure(
    bots: Dict[str, Bot], models: Dict[str, Path], results: Dict[str, BotRun], workdir: Path, args: argparse.Namespace
) -> None:
    """Cold starts one after the other; then the latency and load phases in alternating slices
    (stock, ours, stock, ours, …) while both bots are up — the idle one uses no CPU — so that a
    machine that speeds up or slows down during the run (shared CPUs do, by ±25 % within
    minutes here) weighs on both bots alike."""
    served: Dict[str, Served] = {}
    try:
        for name, bot in bots.items():
            results[name].model = str(models[name])
            served[name] = start(bot, models[name], workdir, results[name])
        log(f"sequential turns: {args.rounds} rounds × every flow, one round per slice, alternating")
        for _ in range(args.rounds):
            for name in bots:
                sequential_slice(served[name], 1)
        slices = max(1, args.slices)
        log(f"{args.users} concurrent conversations for {args.seconds:g} s each, in {slices} alternating slices")
        for _ in range(slices):
            for name in bots:
                concurrent_slice(served[name], args.users, args.seconds / slices)
        for name in bots:
            summarise(served[name])
    finally:
        for one in served.values():
            finish(one)


def _fmt(value: Optional[float], digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(stock: BotRun, ours: BotRun, users: int) -> List[Dict[str, Any]]:
    def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
        return None if a is None or b in (None, 0) else a / b

    rows = []  # targets: issue 18's, after the cut of the framework patches

    def row(
        metric: str,
        s: Optional[float],
        o: Optional[float],
        target: str,
        check: Optional[Callable[[float], bool]],
        digits: int = 1,
        extra_ok: bool = True,
    ) -> None:
        r = ratio(o, s)
        met = None if check is None or r is None else bool(check(r) and extra_ok)
        rows.append(
            {
                "metric": metric,
                "stock": s,
                "ours": o,
                "ratio": r,
                "target": target,
                "met": met,
                "stock_text": _fmt(s, digits),
                "ours_text": _fmt(o, digits),
            }
        )

    errors = ours.load_error_count + ours.tracker_problem_count
    stock_errors = stock.load_error_count + stock.tracker_problem_count
    row("cold start, s (process start → first answer)", stock.cold_start_s, ours.cold_start_s, "≤ 0.3", lambda r: r <= 0.3)
    row("turn p50, ms (one conversation at a time)", stock.turn_p50_ms, ours.turn_p50_ms, "≤ 0.35", lambda r: r <= 0.35)
    row("turn p95, ms (one conversation at a time)", stock.turn_p95_ms, ours.turn_p95_ms, "≤ 0.35", lambda r: r <= 0.35)
    row(
        f"turn p95, ms ({users} concurrent conversations)",
        stock.load_p95_ms,
        ours.load_p95_ms,
        "≤ 0.35, 0 errors",
        lambda r: r <= 0.35,
        extra_ok=errors == 0,
    )
    row(f"errors ({users} concurrent: requests + tracker check)", float(stock_errors), float(errors), "0 (ours)", None, 0)
    rows[-1]["met"] = errors == 0
    row(f"throughput, turns/s ({users} concurrent)", stock.load_throughput, ours.load_throughput, "≥ 3.5", lambda r: r >= 3.5)
    row(
        "CPU per turn, Rasa server, ms (sequential; not a target)",
        stock.cpu_ms_per_turn_rasa,
        ours.cpu_ms_per_turn_rasa,
        "—",
        None,
    )
    row("CPU per turn, action server, ms", stock.cpu_ms_per_turn_actions, ours.cpu_ms_per_turn_actions, "—", None)
    row("Rasa server peak RSS, MB", stock.rasa_rss_mb, ours.rasa_rss_mb, "≤ 0.6", lambda r: r <= 0.6, 0)
    row("action server peak RSS, MB", stock.action_rss_mb, ours.action_rss_mb, "—", None, 0)
    row("rasa train from scratch, s", stock.train_s, ours.train_s, "≤ 0.6", lambda r: r <= 0.6)
    return rows


def render(rows: List[Dict[str, Any]], meta: Dict[str, Any]) -> str:
    lines = [
        f"# This assistant vs the stock `rasa init` bot — {meta['date']}",
        "",
        f"Machine: {meta['machine']}; load average before {meta['load_before']}, after {meta['load_after']}"
        + (" — other work was running, numbers are noisy" if meta["shared"] else "")
        + ".",
        f"Load: {meta['users']} concurrent conversations for {meta['seconds']:g} s per bot in {meta.get('slices', 1)} "
        f"alternating slices; sequential: {meta['rounds']} rounds of every flow, alternating by round. "
        f"Training: {meta['training']}.",
        "",
        "| metric | stock | ours | ratio | target | met? |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in rows:
        met = {True: "yes", False: "NO", None: "—"}[r["met"]]
        lines.append(f"| {r['metric']} | {r['stock_text']} | {r['ours_text']} | {_fmt(r['ratio'], 2)} | {r['target']} | {met} |")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=10, help="sequential rounds through every flow (default 10)")
    parser.add_argument(
        "--slices", type=int, default=4, help="the concurrent phase in this many alternating slices per bot (default 4)"
    )
    parser.add_argument(
        "--skip-train", action="store_true", help="use models/dv-help.tar.gz and the model `rasa init` trained; no training times"
    )
    parser.add_argument("--workdir", type=Path, help="keep the stock bot, models and logs here (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench")
    args = parser.parse_args(argv)

    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="dv-compare-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    log(f"work directory {workdir}")
    load_before = os.getloadavg()

    stock_dir = generate_stock(workdir)
    bad = load.safety_net_answer
    bots = {
        "stock": Bot("stock", stock_dir, STOCK_FLOWS, "hello", bool, None, with_action_server=False),
        "ours": Bot(
            "ours", REPO, load.FLOWS, "привет", lambda reply: bool(reply) and bad(reply) is None, bad, with_action_server=True
        ),
    }
    results = {name: BotRun(name) for name in bots}
    models: Dict[str, Path] = {}
    if args.skip_train:
        models["stock"] = max((stock_dir / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        models["ours"] = REPO / "models" / "dv-help.tar.gz"
    else:
        for name, bot in bots.items():
            results[name].train_s, models[name] = train(bot, workdir)
    measure(bots, models, results, workdir, args)

    load_after = os.getloadavg()
    date = dt.datetime.now().strftime("%Y-%m-%d-%H%M%S")
    meta = {
        "date": date,
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "load_before": " ".join(f"{x:.2f}" for x in load_before),
        "load_after": " ".join(f"{x:.2f}" for x in load_after),
        "shared": max(load_before[0], load_after[0]) > 0.5,
        "users": args.users,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "slices": args.slices,
        "training": "skipped (existing models)" if args.skip_train else "rasa train --force, empty cache, one after the other",
        "workdir": str(workdir),
    }
    rows = table(results["stock"], results["ours"], args.users)
    text = render(rows, meta)
    print("\n" + text + "\n")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"compare-{date}.md").write_text(text + "\n")
    (args.out / f"compare-{date}.json").write_text(
        json.dumps(
            {"meta": meta, "rows": rows, "runs": {name: asdict(run) for name, run in results.items()}},
            indent=2,
            ensure_ascii=False,
            default=str,
        )
    )
    log(f"written {args.out / f'compare-{date}.md'} and .json")
    return 0 if all(r["met"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
