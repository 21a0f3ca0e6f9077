"""Safety rule 2 at run time: logs at INFO hold no message text, slot values or conversation
ids; the HTTP API needs its token; erasing a conversation really removes it."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest

from tests.e2e.conftest import REPO, free_port

pytestmark = pytest.mark.e2e

SECRET_WORDS = "Тайнопись Квакозябра"


def test_logs_hold_no_text_ids_or_slot_values(assistant):
    me = "privacy-" + uuid.uuid4().hex
    assistant.say(me, f"нужен юрист в Бобруйске {SECRET_WORDS}")
    assistant.say(me, '/inform{"region":"\' OR 1=1 --"}')
    assistant.say(me, "/whole_region")
    for log in ("rasa.log", "actions.log"):
        content = (assistant.work / log).read_text(encoding="utf-8", errors="replace")
        assert content.strip(), f"{log} is empty: the check below would prove nothing"
        assert me not in content, log
        assert "Тайнопись" not in content and "Квакозябра" not in content, log
        assert "Бобруйск" not in content and "OR 1=1" not in content, log
        assert "BY-MA" not in content, log


def test_http_api_requires_the_token(assistant):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{assistant.base}/conversations/anyone/tracker", timeout=10)
    assert refused.value.code in (401, 403)


def test_usage_counters_hold_only_whitelisted_daily_counts(assistant):
    """The action server's statistics after real conversations (incl. hostile input): only
    (day, metric, value, count) rows, every value from the whitelist, nothing from the text."""
    import sqlite3
    from datetime import date

    from directory.stats import METRICS

    me = "stats-" + uuid.uuid4().hex
    assistant.say(me, "/start")
    assistant.say(me, f"нужен юрист в Бобруйске {SECRET_WORDS}")
    assistant.say(me, "/whole_region")
    assistant.say(me, '/need_legal{"region":"+375291234567"}')
    assistant.say(me, "/risk_check")
    assistant.say(me, '/risk_check{"answers":"y"}')
    import time

    database = assistant.work / "directory.sqlite"
    deadline = time.monotonic() + 30  # counts are written just after the reply, on their own thread (loaded machines: seconds)
    while True:
        with sqlite3.connect(database) as connection:
            columns = [row[1] for row in connection.execute("PRAGMA table_info(usage_counts)")]
            rows = connection.execute("SELECT day, metric, value, count FROM usage_counts").fetchall()
        if ("risk_check", "high") in {(m, v) for _, m, v, _ in rows} or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert columns == ["day", "metric", "value", "count"]
    counted = {(metric, value): count for day, metric, value, count in rows}
    for day, metric, value, count in rows:
        assert value in METRICS[metric], (metric, value)
        assert len(day) == 10 and date.fromisoformat(day), day  # a calendar day, nothing finer
        assert isinstance(count, int) and count > 0
    for expected in (
        ("conversation", "started"),
        ("contacts_shown", "legal"),
        ("region", "BY-MA"),
        ("risk_check", "started"),
        ("risk_check", "high"),
    ):
        assert counted.get(expected, 0) >= 1, expected
    dump = repr(rows)
    assert "Квакозябра" not in dump and "375291234567" not in dump and me not in dump


def _listening_addresses(port: int) -> set:
    """Local addresses (hex, as the kernel lists them) of the sockets listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as lines:
            next(lines)  # the header
            for line in lines:
                fields = line.split()
                address, hex_port = fields[1].rsplit(":", 1)
                if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_action_server_listens_on_localhost_only(tmp_path):
    """bin/env.sh starts it on 127.0.0.1 (rasa_sdk's own default is every interface)."""
    port = free_port()
    log, up = tmp_path / "actions.log", tmp_path / "up"
    script = (
        f"source bin/env.sh && ACTION_PORT={port} ACTION_LOG={log} start_action_server"
        f" && trap stop_action_server EXIT && touch {up} && sleep 5"
    )
    runner = subprocess.Popen(["bash", "-c", script], cwd=REPO)
    try:
        deadline = time.monotonic() + 120
        while not up.exists():
            assert runner.poll() is None, log.read_text()
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else
    finally:
        runner.wait(timeout=60)
