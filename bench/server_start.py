"""Cold start and memory of a Rasa server for a given model (one of the benchmark's parts).

    .venv/bin/python -m bench.server_start models/dv-help.tar.gz [other.tar.gz ...]

For each model: starts `rasa run` (rest channel, no action server needed: the first message is
`/greet`-free text "привет"), measures process start → first answered message, and the peak RSS
(VmHWM) of the server process. Prints a table. Not a test: numbers depend on the machine.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RASA = str(REPO / ".venv" / "bin" / "rasa")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_start(model: Path, timeout: float = 300) -> tuple[float, float]:
    port = free_port()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [RASA, "run", "--model", str(model), "--port", str(port), "--interface", "127.0.0.1"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    body = json.dumps({"sender": "bench", "message": "привет"}).encode()
    try:
        while time.perf_counter() - started < timeout:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body,
                                                 headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                return time.perf_counter() - started, peak_rss_mb(process.pid)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{model} did not answer within {timeout} s")
    finally:
        process.terminate()
        process.wait(timeout=30)


def main(argv: list[str]) -> int:
    print(f"{'model':<40} {'cold start s':>12} {'peak RSS MB':>12}")
    for name in argv or [str(REPO / "models" / "dv-help.tar.gz")]:
        seconds, rss = cold_start(Path(name))
        print(f"{Path(name).name:<40} {seconds:12.1f} {rss:12.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
