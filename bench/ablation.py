"""Each framework patch's marginal effect: everything on, and everything but that one patch.

    .venv/bin/python -m bench.ablation [--serving] [--training] [--growth] [--reps 2] [--rounds 10]
                                       [--only a,b] [--workdir DIR] [--report FILE.json]

Patches are switched by ``DV_PATCHES`` (``all`` | ``none`` | comma-separated names); "without
X" means ``DV_PATCHES`` = every name but X. Names come from ``rasa_patches.registry`` when it
can be imported, else from the list below (today's modules of safeguards/). Rasa starts through
``bin/rasa`` when it exists, else ``.venv/bin/rasa`` (bench.servers.rasa_launcher).

- ``--serving``: per configuration one Rasa server (the action server stays up for the whole
  run) is started and measured: cold start (process start → first real answer to "привет",
  wall seconds, and the server's CPU seconds until then), one warm-up pass of the bench.load
  flows, then ``--rounds`` passes, one conversation at a time: the Rasa process's CPU time per
  turn (utime + stime from /proc — CPU, not wall, because the machine is shared) and the REST
  turn's wall p50; the Rasa server's peak RSS; errors (HTTP, empty answer, safety-net answer).
- ``--training``: ``rasa train --force`` with an empty training cache (bench.compare's way),
  wall and CPU seconds, for the patches that act during training.
- ``--growth``: one conversation cycling the bench flows' messages for 300 turns, all patches
  on and all off: median REST turn (and the server's CPU per turn) at turns 1–30, 120–150,
  270–300.

Drift: configurations run in the order all, without A, all, without B, …, all, none, all (the
order reversed in every other repetition); each "without" is compared with the mean of the
two all-on runs beside it, and the deltas are averaged over repetitions. Results are written
after every run to WORKDIR/ablation.json; ``--report`` prints the table from such a file.
A patch is a candidate to keep if, switched off, it costs ≥ 3 % of a turn's server CPU, ≥ 1 s
of cold start, ≥ 50 MB of the server's memory or ≥ 10 % of training time, or if anything fails
without it (the errors column); correctness fixes are judged by reading, not measured here.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from bench import compare, load
from bench.servers import REPO, bench_env, free_port, rasa_launcher, start_action_server, stop

MODEL = REPO / "models" / "dv-help.tar.gz"

# Today's patches (module basenames in safeguards/), by where they act. lemma_cache,
# count_vectors_batch, fast_skops_import and tensorflow_on_demand act in both.
SERVING = [
    "payload_parse",
    "event_types",
    "action_client",
    "action_http",
    "graph_runner",
    "rule_lookup",
    "lemma_cache",
    "active_loop_copy",
    "debug_log_copies",
    "applied_events",
    "slot_copy",
    "past_states_memo",
    "empty_domain_check",
    "remote_action_validation",
    "fast_skops_import",
    "intent_classifier",
    "count_vectors_batch",
    "tensorflow_on_demand",
]
TRAINING = [
    "nlu_file_cache",
    "fast_fingerprint",
    "training_matrix",
    "fit_gc_pause",
    "count_vectors_batch",
    "lemma_cache",
    "fast_skops_import",
    "tensorflow_on_demand",
]

THRESHOLDS = {"cpu_pct": 3.0, "cold_s": 1.0, "rss_mb": 50.0, "train_pct": 10.0}
GROWTH_WINDOWS = [(1, 30), (120, 150), (270, 300)]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def patch_names() -> Tuple[List[str], List[str]]:
    """(serving, training) patch names: from rasa_patches.registry if importable, else today's."""
    try:
        from rasa_patches import registry
    except ImportError:
        return SERVING, TRAINING
    entries: Any = next((getattr(registry, attr) for attr in ("PATCHES", "REGISTRY", "patches") if hasattr(registry, attr)), None)
    if callable(entries):
        entries = entries()
    if entries is None and hasattr(registry, "names"):
        entries = registry.names()
    if isinstance(entries, dict):
        entries = [{"name": key, **(value if isinstance(value, dict) else {"entry": value})} for key, value in entries.items()]
    serving: List[str] = []
    training: List[str] = []
    for entry in entries or []:
        name = entry if isinstance(entry, str) else entry.get("name") if isinstance(entry, dict) else getattr(entry, "name", None)
        if not name:
            continue
        where = " ".join(
            str(entry.get(k, "") if isinstance(entry, dict) else getattr(entry, k, ""))
            for k in ("phase", "phases", "when", "kind", "stage", "scope", "acts")
        ).lower()
        in_training = "train" in where or (not where.strip() and name in TRAINING)
        in_serving = "serv" in where or "run" in where or (not where.strip() and name not in TRAINING) or name in SERVING
        (serving.append(name) if in_serving else None)
        (training.append(name) if in_training else None)
    return (serving or SERVING), (training or TRAINING)


def patches_env(off: Set[str], everything: Sequence[str]) -> Dict[str, str]:
    """The environment that switches off exactly ``off``."""
    on = [name for name in everything if name not in off]
    env = {"DV_PATCHES": "all" if not off else (",".join(on) if on else "none")}
    if "tensorflow_on_demand" in off:
        env["DV_TENSORFLOW_ON_DEMAND"] = "0"  # today's .pth hook may point at another worktree's copy
    elif not (REPO / "bin" / "rasa").exists():
        # TEMPORARY: the shared .pth hook follows whichever worktree ran bin/setup last; install ours.
        site = str(REPO / "bench" / "ablation_site")
        env["PYTHONPATH"] = site + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    return env


def tensorflow_loaded(pid: int) -> Optional[bool]:
    try:
        return "tensorflow" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return None


class TensorFlowWatch:
    """Whether any process under this one maps TensorFlow's library (checked every 2 s)."""

    def __init__(self) -> None:
        import threading

        self.seen = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from bench.servers import tree_pids

        while not self._stop.wait(2.0) and not self.seen:
            self.seen = any(tensorflow_loaded(pid) for pid in tree_pids(os.getpid()) if pid != os.getpid())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def ours() -> compare.Bot:
    bad = load.safety_net_answer
    return compare.Bot(
        "ours", REPO, load.FLOWS, "привет", lambda reply: bool(reply) and bad(reply) is None, bad, with_action_server=True
    )


class Recorder:
    """Every run's numbers, appended to WORKDIR/ablation.json as they come."""

    def __init__(self, path: Path, meta: Dict[str, Any]) -> None:
        self.path = path
        self.data: Dict[str, Any] = json.loads(path.read_text()) if path.exists() else {"meta": meta, "runs": []}
        self.data["meta"].update({k: v for k, v in meta.items() if k not in self.data["meta"]})

    def add(self, run: Dict[str, Any]) -> None:
        self.data["runs"].append(run)
        self.data["meta"]["load_now"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        self.path.write_text(json.dumps(self.data, indent=1, ensure_ascii=False))


def start_server(
    label: str, off: Set[str], everything: Sequence[str], action_port: int, workdir: Path, launcher: str
) -> Tuple[compare.Served, Dict[str, Any]]:
    """A Rasa server with exactly ``off`` switched off (cold start measured, warmed up once)."""
    work = workdir / f"serve-{label}-{time.monotonic_ns()}"
    work.mkdir(parents=True)
    result = compare.BotRun(label)
    env = {**patches_env(off, everything), "DIRECTORY_DATABASE_URL": f"sqlite:///{workdir / 'directory.sqlite'}"}
    served = compare.start(ours(), MODEL, work, result, env, action_port=action_port, rasa=launcher)
    run: Dict[str, Any] = {
        "label": label,
        "off": sorted(off),
        "DV_PATCHES": env["DV_PATCHES"],
        "cold_start_s": result.cold_start_s,
        "cold_start_cpu_s": result.cold_start_cpu_s,
        "load": os.getloadavg()[0],
        "tensorflow_loaded": tensorflow_loaded(served.memories["rasa"].pid),
    }
    return served, run


def stop_server(served: compare.Served, run: Dict[str, Any]) -> Dict[str, Any]:
    compare.finish(served)
    run["rss_mb"] = served.result.rasa_rss_mb
    return run


def _show(run: Dict[str, Any]) -> str:
    return f"{run['label']}: " + ", ".join(
        f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
        for k, v in run.items()
        if k not in ("kind", "label", "off", "DV_PATCHES", "first_errors", "latencies_ms", "cpu_ms")
    )


def paired_rounds(ref: compare.Served, other: compare.Served, rounds: int) -> Dict[str, Any]:
    """``rounds`` passes through the flows on each server, alternating pass by pass (the idle one
    uses no CPU), so both see the same machine; CPU per turn and p50 of each, over these passes."""
    marks = {}
    for name, served in (("ref", ref), ("off", other)):
        marks[name] = (served.cpu_seconds["rasa"], len(served.sequential.latencies), len(served.sequential.errors))
    for _ in range(rounds):
        compare.sequential_slice(ref, 1)
        compare.sequential_slice(other, 1)
    out: Dict[str, Any] = {}
    for name, served in (("ref", ref), ("off", other)):
        cpu0, n0, e0 = marks[name]
        latencies = served.sequential.latencies[n0:]
        prefix = "" if name == "off" else "ref_"
        out[prefix + "turns"] = len(latencies)
        out[prefix + "cpu_ms_per_turn"] = 1000 * (served.cpu_seconds["rasa"] - cpu0) / max(1, len(latencies))
        out[prefix + "p50_ms"] = 1000 * load.percentile(latencies, 0.5)
        out[prefix + "errors"] = len(served.sequential.errors) - e0
        out[prefix + "first_errors"] = served.sequential.errors[e0 : e0 + 3]
    return out


def serving(
    names: Sequence[str],
    everything: Sequence[str],
    reps: int,
    rounds: int,
    action_port: int,
    workdir: Path,
    launcher: str,
    recorder: "Recorder",
    ref_every: int = 5,
    with_none: bool = True,
    extra: Sequence[Tuple[str, Set[str]]] = (),
    first_rep: int = 0,
) -> None:
    """An all-on reference server stays up (restarted every ``ref_every`` configurations: another
    cold-start sample, and a tracker database that does not grow); each configuration's server
    runs its passes alternating with the reference's."""
    configs = [(f"-{name}", {name}) for name in names] + ([("none", set(everything))] if with_none else [])
    configs += list(extra)
    ref: Optional[compare.Served] = None
    ref_run: Dict[str, Any] = {}
    try:
        for rep in range(first_rep, first_rep + reps):
            for index, (label, off) in enumerate(configs if rep % 2 == 0 else list(reversed(configs))):
                if ref is None or index % ref_every == 0:
                    if ref is not None:
                        recorder.add({"kind": "ref", "rep": rep, **stop_server(ref, ref_run)})
                        log(_show(ref_run))
                    ref, ref_run = start_server("all", set(), everything, action_port, workdir, launcher)
                served, run = start_server(label, off, everything, action_port, workdir, launcher)
                try:
                    run.update(paired_rounds(ref, served, rounds))
                finally:
                    stop_server(served, run)
                run.update(kind="serve", rep=rep)
                recorder.add(run)
                log(_show(run))
    finally:
        if ref is not None:
            recorder.add({"kind": "ref", **stop_server(ref, ref_run)})


def growth_run(
    label: str, off: Set[str], everything: Sequence[str], action_port: int, workdir: Path, launcher: str, turns: int
) -> Dict[str, Any]:
    served, run = start_server(label, off, everything, action_port, workdir, launcher)
    try:
        run.update(asyncio.run(growth(served.base, served.memories["rasa"].pid, turns)))
    finally:
        stop_server(served, run)
    run["kind"] = "growth"
    log(_show(run))
    return run


def growth_messages(turns: int) -> List[str]:
    cycle = [message for messages, _ in load.FLOWS for message in messages]
    return [cycle[i % len(cycle)] for i in range(turns)]


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text()
    fields_after = fields[fields.rindex(")") + 2 :].split()
    return (int(fields_after[11]) + int(fields_after[12])) / os.sysconf("SC_CLK_TCK")


async def growth(base: str, pid: int, turns: int) -> Dict[str, Any]:
    """One conversation, ``turns`` messages cycling the bench flows; per-turn wall and CPU."""
    stats = load.Stats()
    cpu: List[float] = []
    sender = "growth-" + os.urandom(6).hex()
    async with load._session() as session:
        for message in growth_messages(turns):
            before = _cpu_of(pid)
            await load.turn(session, base, sender, message, stats, load.safety_net_answer)
            cpu.append(_cpu_of(pid) - before)
    out: Dict[str, Any] = {
        "turns": len(stats.latencies),
        "errors": len(stats.errors),
        "first_errors": stats.errors[:3],
        "latencies_ms": [round(1000 * s, 2) for s in stats.latencies],
        "cpu_ms": [round(1000 * c, 1) for c in cpu],
    }
    for first, last in GROWTH_WINDOWS:
        window = slice(first - 1, last)
        out[f"median_ms_{first}_{last}"] = statistics.median(out["latencies_ms"][window])
        out[f"cpu_ms_{first}_{last}"] = statistics.fmean(out["cpu_ms"][window])
    return out


def train_once(label: str, off: Set[str], everything: Sequence[str], workdir: Path, launcher: str) -> Dict[str, Any]:
    work = workdir / f"train-{label}-{time.monotonic_ns()}"
    work.mkdir(parents=True)
    env = patches_env(off, everything)
    load_before = os.getloadavg()[0]
    watch = TensorFlowWatch()
    try:
        wall, cpu, model = compare.train_timed(
            REPO, label.replace("-", "without-", 1) if label.startswith("-") else label, work, env, launcher
        )
    finally:
        watch.stop()
    model.unlink(missing_ok=True)
    return {
        "kind": "train",
        "label": label,
        "off": sorted(off),
        "DV_PATCHES": env["DV_PATCHES"],
        "train_s": wall,
        "train_cpu_s": cpu,
        "load": load_before,
        "tensorflow_loaded": watch.seen,
    }


def schedule(
    names: Sequence[str], reps: int, every: int = 1, with_none: bool = True, tail: bool = True
) -> List[Tuple[int, str, Set[str]]]:
    """(rep, label, patches off): all, −A, all, −B, …, all, none, all (an all-on run before every
    ``every`` configurations); reversed every other rep."""
    steps: List[Tuple[int, str, Set[str]]] = []
    configs = [(f"-{name}", {name}) for name in names] + ([("none", set(names) | {"*"})] if with_none else [])
    for rep in range(reps):
        ordered = configs if rep % 2 == 0 else list(reversed(configs))
        for index, (label, off) in enumerate(ordered):
            if index % every == 0:
                steps.append((rep, "all", set()))
            steps.append((rep, label, off))
        if tail:
            steps.append((rep, "all", set()))
    return steps


# ---- the table -------------------------------------------------------------------------------

SERVE_METRICS = ["cpu_ms_per_turn", "cold_start_s", "cold_start_cpu_s", "rss_mb", "p50_ms"]
TRAIN_METRICS = ["train_s", "train_cpu_s"]


def deltas(runs: List[Dict[str, Any]], kind: str, metrics: List[str]) -> Dict[str, Dict[str, Any]]:
    """Per label: baseline (median of all-on runs), mean delta vs. the neighbouring all-on runs,
    each repetition's delta, errors."""
    seq = [r for r in runs if r["kind"] == kind]
    base_runs = [r for r in seq if r["label"] == "all"]
    out: Dict[str, Dict[str, Any]] = {}
    for i, run in enumerate(seq):
        if run["label"] == "all":
            continue
        same = [j for j in range(len(seq)) if seq[j].get("file") == run.get("file")]  # a lane's own all-on runs
        before = next((seq[j] for j in reversed(same) if j < i and seq[j]["label"] == "all"), None)
        after = next((seq[j] for j in same if j > i and seq[j]["label"] == "all"), None)
        neighbours = [r for r in (before, after) if r]
        row = out.setdefault(run["label"], {"n": 0, "errors": 0, **{m: [] for m in metrics}})
        row["n"] += 1
        row["errors"] += run.get("errors", 0) or 0
        row.setdefault("tensorflow_loaded", run.get("tensorflow_loaded"))
        for m in metrics:
            values = [r[m] for r in neighbours if r.get(m) is not None]
            if run.get(m) is not None and values:
                row[m].append(run[m] - statistics.fmean(values))
    for row in out.values():
        row["baseline"] = {
            m: statistics.median([r[m] for r in base_runs if r.get(m) is not None] or [float("nan")]) for m in metrics
        }
        row["base_errors"] = sum(r.get("errors", 0) or 0 for r in base_runs)
    return out


def with_start_references(runs: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Gives each configuration of one run file the cold start and RSS of the reference servers
    started nearest in time: the one its passes alternated with (recorded when it stops, after
    the configurations it served) and the next one (started right then)."""
    refs = [i for i, r in enumerate(runs) if r["kind"] == "ref"]
    for i, run in enumerate(runs):
        if run["kind"] != "serve":
            continue
        near = [runs[j] for j in refs if j > i][:2]
        for m in ("cold_start_s", "cold_start_cpu_s", "rss_mb"):
            values = [r[m] for r in near if r.get(m) is not None and not r.get("tensorflow_loaded")]
            if values:
                run[f"ref_{m}"] = statistics.fmean(values)
    return runs


def serve_deltas(runs: List[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """Per label: CPU per turn and p50 against the reference server's passes alternating with
    them; cold start and RSS against the median of every all-on reference start."""
    refs = [r for r in runs if r["kind"] == "ref" and not r.get("tensorflow_loaded")]
    ref_median = {
        m: statistics.median([r[m] for r in refs if r.get(m) is not None] or [float("nan")])
        for m in ("cold_start_s", "cold_start_cpu_s", "rss_mb")
    }
    out: Dict[str, Dict[str, Any]] = {}
    for run in (r for r in runs if r["kind"] == "serve"):
        if any(e.startswith("ClientConnector") for e in run.get("first_errors", [])):
            # Its Rasa server never answered these turns (a free port taken by another server
            # between free_port() and bind): not a measurement of the patch.
            log(f"skipped {run['label']} (rep {run.get('rep')}): connection errors")
            continue
        row = out.setdefault(
            run["label"], {"n": 0, "errors": 0, "ref_errors": 0, "ref_cpu": [], "ref_p50": [], **{m: [] for m in SERVE_METRICS}}
        )
        row["n"] += 1
        row["errors"] += run.get("errors", 0)
        row["ref_errors"] += run.get("ref_errors", 0)
        row["tensorflow_loaded"] = run.get("tensorflow_loaded")
        row["cpu_ms_per_turn"].append(run["cpu_ms_per_turn"] - run["ref_cpu_ms_per_turn"])
        row["p50_ms"].append(run["p50_ms"] - run["ref_p50_ms"])
        row["ref_cpu"].append(run["ref_cpu_ms_per_turn"])
        row["ref_p50"].append(run["ref_p50_ms"])
        for m in ("cold_start_s", "cold_start_cpu_s", "rss_mb"):
            if run.get(m) is not None:
                row[m].append(run[m] - run.get(f"ref_{m}", ref_median[m]))
    all_ref_cpu = [r["ref_cpu_ms_per_turn"] for r in runs if r["kind"] == "serve"]
    all_ref_p50 = [r["ref_p50_ms"] for r in runs if r["kind"] == "serve"]
    for row in out.values():
        row["baseline"] = {
            **ref_median,
            "cpu_ms_per_turn": statistics.median(all_ref_cpu),
            "p50_ms": statistics.median(all_ref_p50),
            "own_cpu": statistics.fmean(row["ref_cpu"]),
        }
    return out


def _mean(values: List[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def _spread(values: List[float], digits: int) -> str:
    if len(values) < 2:
        return ""
    return f" [{min(values):+.{digits}f}…{max(values):+.{digits}f}]"


def verdict(cpu_pct: float, cold_s: float, rss_mb: float, train_pct: float, errors: int) -> str:
    reasons = []
    if errors:
        reasons.append(f"errors without it ({errors})")
    if cpu_pct >= THRESHOLDS["cpu_pct"]:
        reasons.append(f"CPU {cpu_pct:+.1f} %")
    if cold_s >= THRESHOLDS["cold_s"]:
        reasons.append(f"cold start {cold_s:+.1f} s CPU")
    if rss_mb >= THRESHOLDS["rss_mb"]:
        reasons.append(f"RSS {rss_mb:+.0f} MB")
    if train_pct >= THRESHOLDS["train_pct"]:
        reasons.append(f"training {train_pct:+.0f} %")
    return "KEEP: " + ", ".join(reasons) if reasons else "below thresholds"


def table(data: Dict[str, Any]) -> str:
    runs = data["runs"]
    serve = serve_deltas(runs)
    train = deltas(runs, "train", TRAIN_METRICS)
    labels = list(dict.fromkeys([label for label in serve] + [label for label in train]))
    labels.sort(key=lambda label: (label == "none", label))
    lines = [
        "Deltas are *this patch off* minus *all on*, averaged over repetitions ([min…max] over repetitions); "
        "positive = the patch saves that much. Serving CPU per turn and p50: against the all-on reference server "
        "whose passes alternated with this configuration's; cold start and RSS: against the all-on reference "
        "servers started nearest in time; training: against the neighbouring all-on training(s). Verdicts: CPU per turn, "
        "cold-start CPU, RSS, training CPU.",
        "",
        "| patch | server CPU/turn, ms (Δ) | Δ % | cold start, s (Δ) | cold-start CPU, s (Δ) | Rasa RSS, MB (Δ) "
        "| turn p50, ms (Δ) | training wall, s (Δ) | training CPU Δ % | training CPU, s (Δ) | errors off | n | keep? |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    base_s = next(iter(serve.values()), {}).get("baseline", {})
    base_t = next(iter(train.values()), {}).get("baseline", {})
    lines.append(
        f"| **all on (baseline)** | {base_s.get('cpu_ms_per_turn', float('nan')):.2f} | | "
        f"{base_s.get('cold_start_s', float('nan')):.2f} | {base_s.get('cold_start_cpu_s', float('nan')):.2f} | "
        f"{base_s.get('rss_mb', float('nan')):.0f} | {base_s.get('p50_ms', float('nan')):.1f} | "
        f"{base_t.get('train_s', float('nan')):.1f} | | {base_t.get('train_cpu_s', float('nan')):.1f} | | | |"
    )
    for label in labels:
        s, t = serve.get(label), train.get(label)
        cells = [label[1:] if label.startswith("-") else "**all off** (none)" if label == "none" else f"**only {label}** on"]
        cpu_pct = cold = rss = train_pct = float("nan")
        errors = 0
        if s:
            cpu = _mean(s["cpu_ms_per_turn"])
            cpu_pct = 100 * cpu / s["baseline"]["own_cpu"]
            # Judged on the server's CPU seconds until its first answer: wall seconds here mostly
            # measure the neighbours (load 15–25 on 2 cores).
            cold, rss = _mean(s["cold_start_cpu_s"]), _mean(s["rss_mb"])
            errors += s["errors"]
            cells += [
                f"{cpu:+.2f}{_spread(s['cpu_ms_per_turn'], 2)}",
                f"{cpu_pct:+.1f}",
                f"{_mean(s['cold_start_s']):+.1f}{_spread(s['cold_start_s'], 1)}",
                f"{cold:+.2f}{_spread(s['cold_start_cpu_s'], 2)}",
                f"{rss:+.0f}{_spread(s['rss_mb'], 0)}",
                f"{_mean(s['p50_ms']):+.2f}",
            ]
        else:
            cells += ["—"] * 6
        if t:
            # Judged on CPU seconds: on a shared machine wall time mostly measures the neighbours.
            tr, tc = _mean(t["train_s"]), _mean(t["train_cpu_s"])
            train_pct = 100 * tc / t["baseline"]["train_cpu_s"]
            cells += [
                f"{tr:+.1f}{_spread(t['train_s'], 1)} ({100 * tr / t['baseline']['train_s']:+.0f} %)",
                f"{train_pct:+.0f}",
                f"{tc:+.1f}{_spread(t['train_cpu_s'], 1)}",
            ]
        else:
            cells += ["—"] * 3
        n = max(s["n"] if s else 0, t["n"] if t else 0)
        nan0 = lambda x: 0.0 if x != x else x  # noqa: E731 - nan (not measured) never passes a threshold
        cells += [
            str(errors),
            str(n),
            verdict(nan0(cpu_pct), nan0(cold), nan0(rss), nan0(train_pct), errors) if label.startswith("-") else "—",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    growth_rows = [r for r in runs if r["kind"] == "growth"]
    if growth_rows:
        lines += [
            "",
            "Conversation length (one conversation cycling the bench flows; median REST turn, ms; "
            "mean server CPU per turn, ms):",
            "",
            "| patches | "
            + " | ".join(f"turns {a}–{b}" for a, b in GROWTH_WINDOWS)
            + " | CPU "
            + " | CPU ".join(f"{a}–{b}" for a, b in GROWTH_WINDOWS)
            + " | errors |",
            "|---|" + "---:|" * (2 * len(GROWTH_WINDOWS) + 1),
        ]
        for label in dict.fromkeys(r["label"] for r in growth_rows):
            rows = [r for r in growth_rows if r["label"] == label]
            med = [statistics.median([r[f"median_ms_{a}_{b}"] for r in rows]) for a, b in GROWTH_WINDOWS]
            cpu = [statistics.median([r[f"cpu_ms_{a}_{b}"] for r in rows]) for a, b in GROWTH_WINDOWS]
            lines.append(
                f"| {label} (n={len(rows)}) | "
                + " | ".join(f"{m:.1f}" for m in med)
                + " | "
                + " | ".join(f"{c:.1f}" for c in cpu)
                + f" | {sum(r['errors'] for r in rows)} |"
            )
    return "\n".join(lines)


# ---- main ------------------------------------------------------------------------------------


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serving", action="store_true")
    parser.add_argument("--training", action="store_true")
    parser.add_argument("--growth", action="store_true")
    parser.add_argument("--reps", type=int, default=2, help="repetitions of the serving/training schedule")
    parser.add_argument("--growth-reps", type=int, default=2)
    parser.add_argument("--train-reps", type=int, default=1)
    parser.add_argument("--train-every", type=int, default=2, help="an all-on training before every N configurations")
    parser.add_argument("--rounds", type=int, default=10, help="measured passes through every flow per server")
    parser.add_argument("--turns", type=int, default=300, help="length of the --growth conversation")
    parser.add_argument("--only", help="comma-separated patch names (default: every patch)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--ref-every", type=int, default=5, help="restart the all-on reference server every N configurations")
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="LABEL=a,b",
        help="also measure a configuration with only patches a,b on (e.g. the set to keep)",
    )
    parser.add_argument("--no-tail", action="store_true", help="training: no all-on run after the last configuration")
    parser.add_argument("--growth-without-all", action="store_true", help="growth: only the --config (and none) runs")
    parser.add_argument("--first-rep", type=int, default=0, help="serving: number of the first repetition (odd: reversed order)")
    parser.add_argument("--skip-none", action="store_true", help="leave out the all-off configuration (run it in one lane only)")
    parser.add_argument(
        "--report", type=Path, nargs="+", help="print the table of saved ablation.json files (lanes run in parallel) and exit"
    )
    args = parser.parse_args(argv)
    if args.report:
        merged: Dict[str, Any] = {"meta": {}, "runs": []}
        for index, path in enumerate(args.report):
            data = json.loads(path.read_text())
            merged["runs"] += [{**run, "file": index} for run in with_start_references(data["runs"])]
        print(table(merged))
        return 0
    if not (args.serving or args.training or args.growth):
        args.serving = args.training = args.growth = True

    serving_names, training = patch_names()
    everything = list(dict.fromkeys(serving_names + training))
    if args.only:
        wanted = args.only.split(",")
        serving_names, training = [n for n in serving_names if n in wanted], [n for n in training if n in wanted]
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="dv-ablation-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    launcher = rasa_launcher()
    extra = [(label, set(everything) - set(on.split(","))) for label, on in (c.split("=", 1) for c in args.config)]
    recorder = Recorder(
        workdir / "ablation.json",
        {
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
            "launcher": launcher,
            "cores": os.cpu_count(),
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "patches": everything,
            "rounds": args.rounds,
        },
    )
    log(f"work directory {workdir}; Rasa through {launcher}; patches {everything}")

    if args.serving or args.growth:
        import shutil

        shutil.copyfile(REPO / "var" / "directory.sqlite", workdir / "directory.sqlite")  # usage counters go here
        env = bench_env(DIRECTORY_DATABASE_URL=f"sqlite:///{workdir / 'directory.sqlite'}")
        action_port = free_port()
        actions = start_action_server(action_port, env, workdir / "actions.log")
        try:
            if args.growth:
                configs = (
                    ([] if args.growth_without_all else [("all", set())])
                    + ([] if args.skip_none else [("none", set(everything))])
                    + extra
                )
                for rep in range(args.growth_reps):
                    for label, off in configs if rep % 2 == 0 else list(reversed(configs)):
                        recorder.add(growth_run(label, off, everything, action_port, workdir, launcher, args.turns))
            if args.serving:
                serving(
                    serving_names,
                    everything,
                    args.reps,
                    args.rounds,
                    action_port,
                    workdir,
                    launcher,
                    recorder,
                    args.ref_every,
                    not args.skip_none,
                    extra,
                    args.first_rep,
                )
        finally:
            stop(actions)
    if args.training:
        for rep, label, off in schedule(training, args.train_reps, args.train_every, not args.skip_none, not args.no_tail):
            off = set(everything) if "*" in off else off
            recorder.add({**train_once(label, off, everything, workdir, launcher), "rep": rep})
    recorder.data["meta"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    recorder.add({"kind": "end", "label": "end"})
    print("\n" + table(recorder.data))
    log(f"written {workdir / 'ablation.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
