"""A real assistant for end-to-end tests: the action server and the Rasa server (rest channel,
HTTP API behind a token) started from the trained model, talking over localhost."""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import yaml

from bench.servers import ACTION_SERVER_ENV, action_server_args

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "dv-help.tar.gz"
RASA = str(REPO / "bin" / "rasa")  # Rasa with the patches DV_PATCHES selects (rasa_patches/)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds} s; log:\n{log.read_text()[-3000:]}")


class Assistant:
    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token
        self.pid = 0  # the Rasa server's process id, set by running_assistant

    def say(self, sender: str, message: str) -> List[Dict[str, Any]]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def tracker(self, sender: str) -> Dict[str, Any]:
        with urllib.request.urlopen(f"{self.base}/conversations/{sender}/tracker?token={self.token}", timeout=30) as response:
            return json.loads(response.read())


def endpoints_for(work: Path, action_port: int, tracker_db: Path) -> Path:
    """endpoints.yml as the assistant runs with it, on a free port and a fresh tracker database."""
    config = yaml.safe_load((REPO / "endpoints.yml").read_text())
    config["action_endpoint"]["url"] = f"http://127.0.0.1:{action_port}/webhook"
    assert config["tracker_store"]["dialect"] == "sqlite"
    config["tracker_store"]["db"] = str(tracker_db)
    path = work / "endpoints.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def start_action_server(port: int, log: Path, env: Dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(  # as bin/env.sh starts it: localhost only
        action_server_args(port), cwd=REPO, env={**env, **ACTION_SERVER_ENV}, stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_for(f"http://127.0.0.1:{port}/health", process, log)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@contextlib.contextmanager
def running_assistant(work: Path, with_action_server: bool = True, patches: Optional[str] = None) -> Iterator[Assistant]:
    """The Rasa server (and, unless told otherwise, the action server) on free local ports, both
    through bin/rasa; ``patches`` sets DV_PATCHES (default: the environment's, i.e. all)."""
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup (bin/test does) before the end-to-end tests")
    action_port, rasa_port = free_port(), free_port()
    endpoints = endpoints_for(work, action_port, work / "tracker.sqlite")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    if patches is not None:
        env["DV_PATCHES"] = patches
    # A copy of the directory: the servers write usage counters into it, never into var/.
    shutil.copyfile(REPO / "var" / "directory.sqlite", work / "directory.sqlite")
    env["DIRECTORY_DATABASE_URL"] = f"sqlite:///{work / 'directory.sqlite'}"
    token = secrets.token_hex(16)
    rasa_log = work / "rasa.log"
    processes = []
    try:
        if with_action_server:
            processes.append(start_action_server(action_port, work / "actions.log", env))
        rasa = subprocess.Popen(
            [RASA, "run", "--model", str(MODEL), "--endpoints", str(endpoints), "--credentials", "credentials.yml",
             "--interface", "127.0.0.1", "--port", str(rasa_port), "--enable-api", "--auth-token", token],
            cwd=REPO, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
        )
        processes.append(rasa)
        wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log)
        assistant = Assistant(f"http://127.0.0.1:{rasa_port}", token)
        assistant.action_port, assistant.env, assistant.work = action_port, env, work
        assistant.pid = rasa.pid  # the Rasa server itself (its memory: /proc/<pid>/status)
        yield assistant
    finally:
        for process in processes:
            stop(process)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with running_assistant(tmp_path_factory.mktemp("assistant")) as running:
        yield running


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages: List[Dict[str, Any]]) -> List[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def slots(tracker: Dict[str, Any]) -> Dict[str, Any]:
    return tracker["slots"]
