"""The real assistant for the measuring commands (``bench.walk``, ``tests.scenarios.runner``):
the action server and the Rasa server (REST channel) on free localhost ports, with a fresh
tracker database and a copy of the directory, stopped when the block ends."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator, Optional

import yaml

from bench.servers import (ACTION_SERVER_ENV, REPO, action_server_args, bench_env, free_port, rasa_run_args, spawn,
                           stop)

MODEL = REPO / "models" / "dv-help.tar.gz"


def _wait(url: str, process, log: Path, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; log tail:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s")


@contextlib.contextmanager
def assistant(work: Optional[Path] = None) -> Iterator[str]:
    """Yields the Rasa server's base URL; both servers run until the block ends."""
    if not MODEL.exists():
        raise RuntimeError("no trained model: run bin/setup first")
    with contextlib.ExitStack() as stack:
        if work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dvhelp-served-")))
        action_port, rasa_port = free_port(), free_port()
        config = yaml.safe_load((REPO / "endpoints.yml").read_text())
        config["action_endpoint"]["url"] = f"http://127.0.0.1:{action_port}/webhook"
        config["tracker_store"]["db"] = str(work / "tracker.sqlite")
        endpoints = work / "endpoints.yml"
        endpoints.write_text(yaml.safe_dump(config, sort_keys=False))
        shutil.copyfile(REPO / "var" / "directory.sqlite", work / "directory.sqlite")  # usage counters go here
        env = bench_env(DIRECTORY_DATABASE_URL=f"sqlite:///{work / 'directory.sqlite'}")
        processes = []
        try:
            actions = spawn(action_server_args(action_port), REPO, {**env, **ACTION_SERVER_ENV}, work / "actions.log")
            processes.append(actions)
            _wait(f"http://127.0.0.1:{action_port}/health", actions, work / "actions.log")
            rasa = spawn(rasa_run_args(MODEL, rasa_port, endpoints, REPO / "credentials.yml"), REPO, env, work / "rasa.log")
            processes.append(rasa)
            _wait(f"http://127.0.0.1:{rasa_port}/", rasa, work / "rasa.log")
            yield f"http://127.0.0.1:{rasa_port}"
        finally:
            for process in reversed(processes):
                stop(process)
