"""What one hostile message costs the Rasa server, through the real REST channel.

Prints: the time to answer a message of 1,000,000 Cyrillic letters without a space (and its
reply), the server's VmRSS / VmHWM before and after a few of them, how much a conversation
running beside them is delayed, and the time to answer 2,000-character messages built to make
the NLU pipeline work hard (runs of punctuation, emoji, letters, dense short tokens).

    .venv/bin/python -m bench.hostile_input

tests/e2e/test_message_bounds.py asserts the bounds with these same functions.
"""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Callable, Dict, List, Tuple

ONE_MILLION_LETTERS = "ж" * 1_000_000
# Each 2,000 characters (the channels' limit): the kinds of text that were slowest to parse.
HARD_MESSAGES: Dict[str, str] = {
    "letters": "ж" * 2000,
    "exclamation marks": "!" * 2000,
    "emoji": "😀" * 2000,
    "quotes": '"' * 2000,
    "letter-hyphen": "ж-" * 1000,
    "short tokens": "ж " * 1000,
    "parentheses": "(ж) " * 500,
}
NEIGHBOUR_TURNS = ("/start", "нужен юрист", "в Гомеле", "/main_menu", "мне нужна помощь психолога", "Бобруйск")


def memory_kb(pid: int) -> Dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in kB, from /proc."""
    values: Dict[str, int] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def post(base: str, body: bytes, timeout: float = 30) -> Tuple[int, bytes, float]:
    """POST ``body`` to the REST webhook: (status, response body, seconds)."""
    request = urllib.request.Request(f"{base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.perf_counter() - started


def say(base: str, sender: str, message: str, timeout: float = 30) -> Tuple[List[dict], float]:
    """One turn (UTF-8 JSON, as a browser sends it): (bot messages, seconds)."""
    status, body, seconds = post(base, json.dumps({"sender": sender, "message": message}, ensure_ascii=False).encode(), timeout)
    assert status == 200, (status, body[:200])
    return json.loads(body), seconds


def declared_huge_post(base: str, declared: int, sent: int = 1 << 20) -> int:
    """A body that declares ``declared`` bytes and sends ``sent`` of them: the status line's
    code (the server may answer before the body is in, and close)."""
    url = urllib.parse.urlparse(base)
    with socket.create_connection((url.hostname, url.port or 80), timeout=30) as sock:
        sock.sendall(
            f"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: {url.hostname}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n".encode()
        )
        try:
            sock.sendall(b'{"sender": "x", "message": "' + b"a" * sent)
        except OSError:
            pass  # closed after the answer: that is the point
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def malformed_requests() -> Dict[str, bytes]:
    """Request bodies a careless or hostile client sends; each must get a 4xx. (Bodies over the
    size limit: ``declared_huge_post``.)"""
    ok = {"sender": "probe", "message": "привет"}
    return {
        "null": b"null",
        "[]": b"[]",
        "a string": b'"hello"',
        "a number": b"42",
        "empty body": b"",
        "not JSON": b"sender=x&message=y",
        "truncated JSON": '{"sender": "x", "message": "при'.encode(),
        "no sender": json.dumps({"message": "привет"}).encode(),
        "sender null": json.dumps({**ok, "sender": None}).encode(),
        "sender a number": json.dumps({**ok, "sender": 12345}).encode(),
        "sender an object": json.dumps({**ok, "sender": {"id": 1}}).encode(),
        "sender empty": json.dumps({**ok, "sender": ""}).encode(),
        "sender 10,000 characters": json.dumps({**ok, "sender": "x" * 10_000}).encode(),
        "no message": json.dumps({"sender": "probe"}).encode(),
        "message null": json.dumps({**ok, "message": None}).encode(),
        "message a number": json.dumps({**ok, "message": 5}).encode(),
        "message a list": json.dumps({**ok, "message": ["a", "b"]}).encode(),
        "message an object": json.dumps({**ok, "message": {"text": "hi"}}).encode(),
        "invalid UTF-8": b'{"sender": "probe", "message": "\xff\xfe\xd0"}',
        "a lone surrogate": b'{"sender": "probe", "message": "\\ud800"}',
        "deeply nested": b'{"sender": "probe", "message": "x", "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    }


class Neighbour:
    """A conversation that keeps taking turns in a thread; records each turn's (start, seconds)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.turns: List[Tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        sender = "neighbour-" + uuid.uuid4().hex
        index = 0
        while not self._stop.is_set():
            started = time.perf_counter()
            say(self.base, sender, NEIGHBOUR_TURNS[index % len(NEIGHBOUR_TURNS)])
            self.turns.append((started, time.perf_counter() - started))
            index += 1

    def __enter__(self) -> "Neighbour":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(60)

    def between(self, start: float, end: float) -> List[float]:
        """Seconds of the turns that overlapped [start, end]."""
        return [seconds for begun, seconds in self.turns if begun <= end and begun + seconds >= start]


def hostile_posts(base: str, count: int = 5, message: str = ONE_MILLION_LETTERS) -> None:
    """POST ``message`` ``count`` times, one after another, from another process (curl), so that
    building and sending the body does not compete with a neighbour in this process."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json") as body:
        body.write(json.dumps({"sender": "hostile-" + uuid.uuid4().hex, "message": message}, ensure_ascii=False).encode())
        body.flush()
        for _ in range(count):
            subprocess.run(
                [
                    "curl",
                    "-sS",
                    "-o",
                    "/dev/null",
                    "-H",
                    "Content-Type: application/json",
                    "--data-binary",
                    f"@{body.name}",
                    f"{base}/webhooks/rest/webhook",
                ],
                check=True,
                timeout=60,
            )


def neighbour_delay(base: str, hostile: Callable[[], object], baseline_seconds: float = 4.0) -> Dict[str, float]:
    """Neighbour turn times (ms) alone and while ``hostile`` runs."""
    with Neighbour(base) as neighbour:
        time.sleep(baseline_seconds)
        calm = [s for _, s in neighbour.turns]
        start = time.perf_counter()
        hostile()
        end = time.perf_counter()
        time.sleep(0.5)
    during = neighbour.between(start, end)
    return {
        "alone median": 1000 * statistics.median(calm),
        "alone max": 1000 * max(calm),
        "beside median": 1000 * statistics.median(during),
        "beside max": 1000 * max(during),
        "turns beside": len(during),
        "hostile seconds": end - start,
    }


def main() -> None:
    import shutil
    import tempfile
    from pathlib import Path

    from bench.served import running

    work = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        with running(work) as assistant:
            base = assistant.base
            say(base, "warm-up", "привет")
            before = memory_kb(assistant.pid)
            reply, seconds = say(base, "hostile", ONE_MILLION_LETTERS)
            print(f"1,000,000 letters: answered in {seconds * 1000:.0f} ms: {reply[0]['text'][:60]!r}…")
            times = [say(base, "hostile", ONE_MILLION_LETTERS)[1] for _ in range(5)]
            after = memory_kb(assistant.pid)
            print(f"5 more: {', '.join(f'{t * 1000:.0f}' for t in times)} ms")
            print(
                f"server VmRSS {before['VmRSS'] / 1024:.0f} → {after['VmRSS'] / 1024:.0f} MB, "
                f"VmHWM {before['VmHWM'] / 1024:.0f} → {after['VmHWM'] / 1024:.0f} MB"
            )
            delay = neighbour_delay(base, lambda: hostile_posts(base, 5))
            print(
                "neighbour turns (ms), alone: median {alone median:.0f}, max {alone max:.0f}; beside five "
                "1,000,000-letter messages: median {beside median:.0f}, max {beside max:.0f} "
                "({turns beside} turns)".format(**delay)
            )
            for name, message in HARD_MESSAGES.items():
                reply, seconds = say(base, "hard-" + uuid.uuid4().hex, message)
                print(f"2,000 characters of {name}: {seconds * 1000:.0f} ms")
            for name, body in malformed_requests().items():
                print(f"malformed: {name}: HTTP {post(base, body)[0]}")
            for size in (9_000_000, 100_000_000, 1_000_000_000):
                print(f"a body of {size:,} bytes: HTTP {declared_huge_post(base, size)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
