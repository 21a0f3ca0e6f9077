"""The tester's shell: the real bin/shell in a pseudo-terminal, with both real servers.

It greets with the menu before anything is typed, and Ctrl-C on a button list — typed (the
terminal is in raw mode then, so it is a keystroke, not a signal) or sent as SIGINT to the
terminal's foreground processes — ends it cleanly: no traceback, exit status 0, and neither
server still listening."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import socket
import subprocess
import termios
import time
from pathlib import Path

import pytest

from actions.texts import text
from tests.e2e.conftest import MODEL, REPO, endpoints_for, free_port

pytestmark = pytest.mark.e2e

DOWN, ENTER, CTRL_C = "\x1b[B", "\r", "\x03"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """bin/shell on the slave side of a pty that is its controlling terminal."""

    def __init__(self, env: dict, log: Path) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x00\x32\x00\x78\x00\x00\x00\x00")  # 50 × 120

        def controlling_tty() -> None:  # after setsid (start_new_session)
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            [str(REPO / "bin" / "shell")],
            cwd=REPO,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=controlling_tty,
        )
        os.close(slave)
        self.output = ""
        self.log = log

    def read(self, seconds: float = 0.2) -> None:
        while select.select([self.master], [], [], seconds)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the other side closed
                return
            if not chunk:
                return
            self.output += ANSI.sub("", chunk.decode("utf-8", "replace"))
            seconds = 0.05

    def wait_for(self, needle: str, seconds: float = 240) -> None:
        deadline = time.monotonic() + seconds
        while needle not in self.output:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(
                    f"{needle!r} never appeared; terminal:\n{self.output[-3000:]}\n"
                    f"log:\n{self.log.read_text()[-2000:] if self.log.exists() else ''}"
                )
            self.read()

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def exit_status(self, seconds: float = 40) -> int:
        deadline = time.monotonic() + seconds
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"bin/shell still running {seconds} s after Ctrl-C:\n{self.output[-2000:]}")
            self.read()
        self.read()
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.master)


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def processes_left(group: int) -> bool:
    """Whether anything of bin/shell's process group (both servers are in it) still runs."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def start_shell(tmp_path: Path) -> tuple:
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup (bin/test does) before the end-to-end tests")
    action_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "DV_SKIP_SETUP": "1",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        "ENDPOINTS": str(endpoints_for(tmp_path, action_port, tmp_path / "tracker.sqlite")),
        "ACTION_LOG": str(tmp_path / "actions.log"),
        "RASA_LOG": str(tmp_path / "rasa.log"),
    }
    return Terminal(env, tmp_path / "rasa.log"), rasa_port, action_port


@pytest.mark.parametrize("how", ["keystroke", "signal"])
def test_shell_greets_with_the_menu_and_ctrl_c_stops_both_servers(tmp_path, how):
    shell, rasa_port, action_port = start_shell(tmp_path)
    try:
        # The menu comes unprompted: nothing has been typed yet.
        shell.wait_for(text("ru", "menu.legal"))
        assert text("ru", "welcome").split(".")[0] in shell.output
        assert listening(rasa_port) and listening(action_port)
        # Down three times to legal help, Enter: the region buttons.
        shell.type(DOWN * 3 + ENTER)
        shell.wait_for("Гомельская область")
        shell.read(1.0)
        if how == "keystroke":
            shell.type(CTRL_C)
        else:
            os.killpg(shell.process.pid, signal.SIGINT)  # as the terminal does in cooked mode
        status = shell.exit_status()
        assert "Traceback" not in shell.output and "Error" not in shell.output, shell.output[-2000:]
        assert status == (0 if how == "keystroke" else 130), shell.output[-2000:]
        assert "Goodbye." in shell.output
        assert not listening(rasa_port), "the Rasa server is still listening"
        assert not listening(action_port), "the action server is still listening"
        assert not processes_left(shell.process.pid)
    finally:
        shell.close()


def test_ctrl_c_while_the_servers_start_stops_both(tmp_path):
    shell, rasa_port, action_port = start_shell(tmp_path)
    try:
        shell.wait_for("Starting the Rasa server")
        assert listening(action_port)
        shell.read(2.0)
        shell.type(CTRL_C)  # the terminal is not in raw mode yet: this is a SIGINT
        assert shell.exit_status() == 130
        assert "Traceback" not in shell.output
        assert not listening(rasa_port) and not listening(action_port)
        assert not processes_left(shell.process.pid)
    finally:
        shell.close()
