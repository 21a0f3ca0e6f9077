"""The website chat in a real browser: Debian's headless Chromium (driven by Selenium through
chromedriver) against the page served by a real running assistant — the Rasa server with the
website channel (channels/socketio_web.py) and the action server — plus a local "neutral site"
for quick exit, which also plays the hotline's own site embedding the chat (docs/WEBSITE.md's snippet,
served at /embed, another origin). Screenshots of the main states go to results/web/."""

from __future__ import annotations

import http.server
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from bench.servers import rasa_run_args
from tests.e2e.conftest import MODEL, RASA, REPO, Assistant, endpoints_for, free_port, start_action_server, stop, wait_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = REPO / "results" / "web"
NEUTRAL_TITLE = "Weather"
HOST_TITLE = "Hotline site"


def embed_snippet() -> str:
    """The HTML block of docs/WEBSITE.md's "Embedding the chat on an existing site", as documented."""
    section = (REPO / "docs" / "WEBSITE.md").read_text().split("## Embedding the chat", 1)[1]
    return re.search(r"```html\n(.*?)```", section, re.S).group(1)


class NeutralSite(http.server.BaseHTTPRequestHandler):
    @property
    def site(self) -> NeutralServer:
        assert isinstance(self.server, NeutralServer)
        return self.server

    def do_GET(self) -> None:
        if self.path == "/embed":
            snippet = (
                embed_snippet()
                .replace('"/chat/', f'"{self.site.assistant}/chat/')
                .replace("https://ASSISTANT", self.site.assistant)
                .replace("https://www.google.com/", self.site.neutral_url)
            )
            body = f"<!doctype html><meta charset=utf-8><title>{HOST_TITLE}</title><h1>Hotline</h1>{snippet}".encode()
        else:
            body = f"<!doctype html><title>{NEUTRAL_TITLE}</title><p>Sunny, 21 °C</p>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if self.path == "/weather":
            self.site.referers.append(self.headers.get("Referer"))

    def log_message(self, *args: Any) -> None:
        pass


class NeutralServer(http.server.ThreadingHTTPServer):
    """The neutral site: where its embed page points, and the Referer headers its page received."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), NeutralSite)
        self.assistant = ""
        self.neutral_url = ""
        self.referers: list[str | None] = []


class WebAssistant(Assistant):
    chat_url: str
    neutral_url: str
    embed_url: str
    tracker_db: Path
    neutral_referers: list

    def stored_events(self, sender: str) -> int:
        with sqlite3.connect(self.tracker_db) as db:
            return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


@pytest.fixture(scope="session")
def web_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebAssistant]:
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup (bin/test does) before the website tests")
    work = tmp_path_factory.mktemp("web")
    neutral = NeutralServer()
    threading.Thread(target=neutral.serve_forever, daemon=True).start()
    neutral_url = f"http://127.0.0.1:{neutral.server_address[1]}/weather"
    host_origin = f"http://127.0.0.1:{neutral.server_address[1]}"

    action_port, rasa_port = free_port(), free_port()
    neutral.assistant = f"http://127.0.0.1:{rasa_port}"
    neutral.neutral_url = neutral_url
    tracker_db = work / "tracker.sqlite"
    endpoints = endpoints_for(work, action_port, tracker_db)
    credentials = work / "credentials.yml"
    credentials.write_text(
        "channels.socketio_web.SafeSocketIOInput:\n"
        f'  allowed_origins: ["{host_origin}"]\n'
        f'  exit_url: "{neutral_url}"\n'
        "  static_dir: web\n"
    )
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "WEB_SESSION_SECRET": secrets.token_hex(32),
    }
    # A copy of the directory: the servers write usage counters into it, never into var/.
    shutil.copyfile(REPO / "var" / "directory.sqlite", work / "directory.sqlite")
    env["DIRECTORY_DATABASE_URL"] = f"sqlite:///{work / 'directory.sqlite'}"
    token = secrets.token_hex(16)
    processes = []
    try:
        processes.append(start_action_server(action_port, work / "actions.log", env))
        log = work / "rasa.log"

        def start_rasa() -> subprocess.Popen:
            rasa = subprocess.Popen(
                rasa_run_args(MODEL, rasa_port, endpoints, credentials, token, rasa=RASA),
                cwd=REPO,
                env=env,
                stdout=log.open("a"),
                stderr=subprocess.STDOUT,
            )
            processes.append(rasa)
            wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, log)
            return rasa

        def restart_rasa() -> None:
            """Stop the Rasa server and start it again on the same port (the browser reconnects)."""
            stop(processes.pop())
            start_rasa()

        start_rasa()
        running = WebAssistant(f"http://127.0.0.1:{rasa_port}", token)
        running.restart = restart_rasa
        running.chat_url = f"http://127.0.0.1:{rasa_port}/chat/"
        running.neutral_url = neutral_url
        running.embed_url = f"{host_origin}/embed"
        running.tracker_db = tracker_db
        running.neutral_referers = neutral.referers
        running.log = log
        yield running
    finally:
        for process in reversed(processes):
            stop(process)
        neutral.shutdown()


def new_browser(width: int = 1024, height: int = 900, lang: str = "ru", javascript: bool = True):
    """A fresh headless Chromium with its own empty profile. Fails (never skips) without it."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    if missing:
        pytest.fail(
            f"Chromium for the website tests is missing ({', '.join(missing)}): run bin/setup-browser "
            "(apt-get install chromium chromium-driver); bin/test runs it first."
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: run bin/setup (requirements-dev.txt)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        f"--lang={lang}",
    ):
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="dv-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    prefs = {"intl.accept_languages": lang}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver._dv_profile = profile
    return driver


def as_phone(driver: Any, width: int = 360, height: int = 640) -> None:
    """A phone's screen and a touch screen (no mouse, no keyboard) for the page loaded next."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
    )
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})


@pytest.fixture
def browser() -> Iterator[Any]:
    driver = new_browser()
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(driver._dv_profile, ignore_errors=True)


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Any, str], None]:
    SHOTS.mkdir(parents=True, exist_ok=True)

    def save(driver: Any, name: str) -> None:
        driver.save_screenshot(str(SHOTS / f"{request.node.name.replace('/', '_')}--{name}.png"))

    return save


def until(condition: Callable[[], Any], seconds: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.2)
