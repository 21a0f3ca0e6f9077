"""The real assistant, started one way for every caller (the measuring commands ``bench.walk``,
``bench.hostile_input``, ``tests.scenarios.runner`` and the end-to-end tests' fixture): the
action server and the Rasa server (REST channel; HTTP API behind a token when asked) on free
localhost ports, with a fresh tracker database and a copy of the directory, stopped when the
block ends. Rasa starts through ``bench.servers.rasa_launcher`` (``bin/rasa`` once it exists)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import yaml

from bench.servers import (
    REPO,
    bench_env,
    free_port,
    rasa_launcher,
    rasa_run_args,
    spawn,
    start_action_server,
    stop,
    wait_until_up,
)

MODEL = REPO / "models" / "dv-help.tar.gz"


@dataclass
class Running:
    base: str  # the Rasa server's URL
    token: Optional[str]  # its HTTP API token (None: API off)
    pid: int  # the Rasa server's process id (its memory: /proc/<pid>/status)
    action_port: int
    env: Dict[str, str]
    work: Path
    processes: List = field(default_factory=list)


def endpoints_for(work: Path, action_port: int, tracker_db: Path) -> Path:
    """endpoints.yml as the assistant runs with it, on a free port and a fresh tracker database."""
    config = yaml.safe_load((REPO / "endpoints.yml").read_text())
    config["action_endpoint"]["url"] = f"http://127.0.0.1:{action_port}/webhook"
    if config["tracker_store"].get("dialect") != "sqlite":
        raise RuntimeError("endpoints.yml's tracker store is not SQLite: the served assistant needs its own file")
    config["tracker_store"]["db"] = str(tracker_db)
    path = work / "endpoints.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@contextlib.contextmanager
def running(
    work: Optional[Path] = None,
    with_action_server: bool = True,
    token: Optional[str] = None,
    seconds: float = 300,
    env: Optional[Dict[str, str]] = None,
) -> Iterator[Running]:
    """Both servers (or only Rasa's) until the block ends; logs in ``work`` (default: a temp dir);
    ``env`` adds to bin/env.sh's environment (``DV_PATCHES``, …)."""
    if not MODEL.exists():
        raise RuntimeError("no trained model: run bin/setup first")
    with contextlib.ExitStack() as stack:
        if work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dvhelp-served-")))
        action_port, rasa_port = free_port(), free_port()
        endpoints = endpoints_for(work, action_port, work / "tracker.sqlite")
        shutil.copyfile(REPO / "var" / "directory.sqlite", work / "directory.sqlite")  # usage counters go here
        environment = bench_env(DIRECTORY_DATABASE_URL=f"sqlite:///{work / 'directory.sqlite'}", **(env or {}))
        processes: List = []
        try:
            if with_action_server:
                processes.append(start_action_server(action_port, environment, work / "actions.log", seconds=seconds))
            args = rasa_run_args(MODEL, rasa_port, endpoints, REPO / "credentials.yml", token, rasa=rasa_launcher())
            rasa = spawn(args, REPO, environment, work / "rasa.log")
            processes.append(rasa)
            wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa, work / "rasa.log", seconds)
            yield Running(f"http://127.0.0.1:{rasa_port}", token, rasa.pid, action_port, environment, work, processes)
        finally:
            for process in reversed(processes):
                stop(process)


@contextlib.contextmanager
def assistant(work: Optional[Path] = None) -> Iterator[str]:
    """Yields the Rasa server's base URL; both servers run until the block ends."""
    with running(work) as served:
        yield served.base
