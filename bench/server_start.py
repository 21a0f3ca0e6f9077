"""Cold start and memory of a Rasa server for a given model (one of the benchmark's parts).

    .venv/bin/python -m bench.server_start models/dv-help.tar.gz [other.tar.gz ...]

For each model: starts `rasa run` (rest channel, no action server needed: the first message is
`/greet`-free text "привет"), measures process start → first answered message, and the peak RSS
(VmHWM) of the server process. Prints a table. Not a test: numbers depend on the machine.
For the whole comparison with the stock Rasa bot (action server included) see ``bench.compare``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.servers import REPO, TreeMemory, bench_env, free_port, rasa_run_args, spawn, stop, wait_for_answer


def cold_start(model: Path, timeout: float = 300) -> tuple[float, float]:
    port = free_port()
    started = time.perf_counter()
    process = spawn(rasa_run_args(model, port), REPO, bench_env(), None)
    memory = TreeMemory(process.pid)
    try:
        seconds = wait_for_answer(f"http://127.0.0.1:{port}", "привет", started, [process], timeout=timeout)
        return seconds, memory.stop()
    finally:
        stop(process)


def main(argv: list[str]) -> int:
    print(f"{'model':<40} {'cold start s':>12} {'peak RSS MB':>12}")
    for name in argv or [str(REPO / "models" / "dv-help.tar.gz")]:
        seconds, rss = cold_start(Path(name))
        print(f"{Path(name).name:<40} {seconds:12.1f} {rss:12.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
