"""Make the repository root importable when pytest runs as `pytest` instead of `python -m pytest`;
fixtures more than one test directory uses."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server on a free port (bin/setup-topology installs it): (url, process)."""
    from bench.servers import free_port

    if not shutil.which("redis-server"):
        pytest.fail("redis-server missing: run bin/setup-topology (bin/test does)")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", server
    server.kill()
    server.wait()
