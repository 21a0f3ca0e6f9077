"""A real assistant for end-to-end tests: the action server and the Rasa server (rest channel,
HTTP API behind a token) started from the trained model, talking over localhost."""

from __future__ import annotations

import contextlib
import json
import secrets
import subprocess
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from bench import served, servers

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "dv-help.tar.gz"
RASA = str(REPO / "bin" / "rasa")  # Rasa with the patches DV_PATCHES selects (rasa_patches/)


free_port, stop, wait_for = servers.free_port, servers.stop, servers.wait_until_up
endpoints_for = served.endpoints_for


def start_action_server(port: int, log: Path, env: Dict[str, str]) -> subprocess.Popen:
    """The action server as bin/env.sh starts it, once its /health answers."""
    return servers.start_action_server(port, env, log)


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


@contextlib.contextmanager
def running_assistant(work: Path, with_action_server: bool = True, patches: Optional[str] = None) -> Iterator[Assistant]:
    """The Rasa server (and, unless told otherwise, the action server) as bench.served starts
    them for every caller; ``patches`` sets DV_PATCHES (default: the environment's, i.e. all)."""
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup (bin/test does) before the end-to-end tests")
    extra = {} if patches is None else {"DV_PATCHES": patches}
    with served.running(work, with_action_server, token=secrets.token_hex(16), env=extra) as running:
        assistant = Assistant(running.base, running.token or "")
        assistant.action_port, assistant.env, assistant.work = running.action_port, running.env, work
        assistant.pid = running.pid  # the Rasa server itself (its memory: /proc/<pid>/status)
        yield assistant


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
