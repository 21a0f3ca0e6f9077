"""Shared by the benchmarks: start a Rasa server and an action server, time the first answer,
follow the memory of a process tree. Nothing here is a test; numbers depend on the machine."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO, Any, Callable, Dict, List, Optional, Sequence, Union

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
# Our assistant runs through bin/rasa (the patches DV_PATCHES selects); the stock bot through
# plain Rasa (PLAIN_RASA), as anyone would run it.
RASA = str(REPO / "bin" / "rasa")
PLAIN_RASA = str(VENV_BIN / "rasa")


def rasa_launcher() -> str:
    """``bin/rasa`` (the launcher that installs the framework patches, DV_PATCHES) once it
    exists, else the virtualenv's ``rasa``."""
    launcher = REPO / "bin" / "rasa"
    return str(launcher) if launcher.is_file() and os.access(launcher, os.X_OK) else RASA


Reply = List[Dict[str, Any]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(**extra: str) -> Dict[str, str]:
    """The environment of bin/env.sh (quiet, offline Rasa and TensorFlow) plus ``extra``."""
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra)
    return env


def peak_rss_mb(pid: int) -> float:
    """VmHWM (the kernel's peak resident set) of one process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _children() -> Dict[int, List[int]]:
    tree: Dict[int, List[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_pids(root: int) -> List[int]:
    tree, pids, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(tree.get(pid, []))
    return pids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(root: int) -> float:
    """User + system CPU time used so far by a process and its descendants (live ones)."""
    ticks = 0
    for pid in tree_pids(root):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants (every ``interval`` s) until
    stopped. ``peak_mb`` is the larger of the highest sample and the root's own VmHWM, so a
    short spike of a single-process server between two samples is not missed.

    The sampler runs in the measuring process, so it must stay light: finding the descendants
    means reading every /proc/*/stat (a few ms of Python holding the GIL, during which the load
    client cannot take an answer — that added milliseconds to the measured turns, most visibly to
    the faster bot's p95). The process tree is therefore looked up again only every
    ``tree_every`` s; a sample reads just the known processes' VmRSS."""

    def __init__(self, pid: int, interval: float = 0.25, tree_every: float = 5.0) -> None:
        self.pid, self.interval, self.tree_every = pid, interval, tree_every
        self.peak_kb = 0
        self._pids: List[int] = [pid]
        self._tree_at = float("-inf")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self, fresh_tree: bool = False) -> None:
        now = time.monotonic()
        if fresh_tree or now - self._tree_at >= self.tree_every:
            self._pids, self._tree_at = tree_pids(self.pid), now
        self.peak_kb = max(self.peak_kb, sum(_rss_kb(pid) for pid in self._pids))

    def stop(self) -> float:
        """Stop sampling (call while the process still runs) and return the peak in MB."""
        self.sample(fresh_tree=True)
        self._stop.set()
        self._thread.join()
        return self.peak_mb

    @property
    def peak_mb(self) -> float:
        hwm = peak_rss_mb(self.pid)
        return max(self.peak_kb / 1024, 0 if hwm != hwm else hwm)


def spawn(args: Sequence[str], cwd: Path, env: Dict[str, str], log: Union[Path, None]) -> subprocess.Popen:
    out: Union[IO[Any], int] = log.open("w") if log else subprocess.DEVNULL
    return subprocess.Popen(list(args), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)


def rasa_run_args(
    model: Path,
    port: int,
    endpoints: Optional[Path] = None,
    credentials: Optional[Path] = None,
    token: Optional[str] = None,
    rasa: str = RASA,
) -> List[str]:
    args = [rasa, "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port)]
    if endpoints:
        args += ["--endpoints", str(endpoints)]
    if credentials:
        args += ["--credentials", str(credentials)]
    if token:
        args += ["--enable-api", "--auth-token", token]
    return args


ACTION_SERVER_ENV = {"SANIC_HOST": "127.0.0.1"}  # bin/env.sh: localhost only


def action_server_args(port: int, actions: str = "actions") -> List[str]:
    """As bin/env.sh's ``start_action_server`` (with ``ACTION_SERVER_ENV``)."""
    return [RASA, "run", "actions", "--actions", actions, "--port", str(port)]


def wait_until_up(url: str, process: subprocess.Popen, log: Optional[Path], seconds: float = 300) -> None:
    """Until ``url`` answers at all; raises (with the log's tail) if the process exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"server exited early; log tail:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s")


def start_action_server(
    port: int, env: Dict[str, str], log: Optional[Path], actions: str = "actions", seconds: float = 300
) -> subprocess.Popen:
    """The action server as bin/env.sh starts it (localhost only), once its /health answers."""
    process = spawn(action_server_args(port, actions), REPO, {**env, **ACTION_SERVER_ENV}, log)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", process, log, seconds)
    except BaseException:
        stop(process)
        raise
    return process


def stop(process: Optional[subprocess.Popen], timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def say(base: str, sender: str, message: str, timeout: float = 30) -> Reply:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def wait_for_answer(
    base: str,
    message: str,
    started: float,
    processes: Sequence[subprocess.Popen],
    accept: Callable[[Reply], bool] = bool,
    timeout: float = 600,
) -> float:
    """Seconds from ``started`` (a ``time.perf_counter()``) until ``message`` gets an answer that
    ``accept`` takes (each try under a fresh conversation id)."""
    attempt = 0
    while time.perf_counter() - started < timeout:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited with {process.returncode} before answering")
        attempt += 1
        try:
            if accept(say(base, f"coldstart{attempt}", message)):
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base} gave no accepted answer to {message!r} within {timeout:.0f} s")
