"""The tester's shell (bin/shell): a terminal client of a running Rasa server's REST channel.

Why not `rasa shell`: it waits silently for a first message, and Ctrl-C on a button list crashes
its console task (questionary returns None, `rasa.cli.utils.payload_from_button_question` calls
`None.rfind`) while the Sanic server keeps listening, so the terminal hangs with both servers
up. This client sends /start as soon as it runs (bin/shell starts it once the server answers),
shows the last message's buttons as a list to pick from, and every way out — Ctrl-C anywhere,
Ctrl-D, /stop — returns from main(), so bin/shell's EXIT trap stops both servers.
tests/e2e/test_shell.py drives bin/shell in a pseudo-terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
import uuid
from typing import Any, Dict, List, Optional

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.styles import Style

STOP = "/stop"
TYPE_INSTEAD = object()  # the "type a message instead" choice
BOT = "\033[34m"
DIM = "\033[2m"
RESET = "\033[0m"
STYLE = Style([("qmark", "#6d91d3"), ("question", "#1d4f91 bold"), ("answer", "#b373d6")])


def say(url: str, sender: str, message: str, timeout: float) -> List[Dict[str, Any]]:
    """One user message through the REST channel; the bot's messages in order."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read()) or []


def show(message: Dict[str, Any], last: bool) -> None:
    """Prints one bot message; the buttons of all but the last one as a plain list."""
    if message.get("text"):
        print(f"{BOT}{message['text']}{RESET}")
    for key in ("image", "attachment"):
        if message.get(key):
            print(f"{BOT}{key}: {message[key]}{RESET}")
    if message.get("custom"):
        print(f"{DIM}{json.dumps(message['custom'], ensure_ascii=False)}{RESET}")
    if not last:
        for index, button in enumerate(message.get("buttons") or [], 1):
            print(f"{DIM}  {index}: {button.get('title')} ({button.get('payload')}){RESET}")


SIGINT_LEAVES = KeyBindings()


@SIGINT_LEAVES.add(Keys.SIGINT)
def _leave_on_sigint(event: Any) -> None:
    """prompt_toolkit turns a SIGINT *signal* (kill -INT, or the terminal's Ctrl-C outside raw
    mode) into a <sigint> key that a select prompt ignores; leave as Ctrl-C does."""
    event.app.exit(exception=KeyboardInterrupt, style="class:aborting")


def prompt(question: questionary.Question) -> Any:
    """`unsafe_ask` raises KeyboardInterrupt (Ctrl-C) and EOFError (Ctrl-D) where `ask` returns
    None, which is what crashes `rasa shell`; here both mean "leave"."""
    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, SIGINT_LEAVES]) if app.key_bindings else SIGINT_LEAVES
    return question.unsafe_ask()


def ask(buttons: List[Dict[str, Any]]) -> Optional[str]:
    """The next user message: a picked button's payload or typed text; None to leave."""
    try:
        if buttons:
            choices = [questionary.Choice(str(b.get("title")), value=str(b.get("payload"))) for b in buttons]
            choices.append(questionary.Choice("✎ Type a message instead", value=TYPE_INSTEAD))
            picked = prompt(questionary.select("Choose (↑/↓, Enter; Ctrl-C leaves):", choices, style=STYLE, qmark="?"))
            if picked is not TYPE_INSTEAD:
                return picked
        return prompt(questionary.text("", qmark="Your input ->", style=STYLE)).strip()
    except (KeyboardInterrupt, EOFError):
        return None


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server")
    parser.add_argument("--first", default="/start", help="sent at once, so the bot greets first")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for an answer")
    args = parser.parse_args(argv)
    sender = uuid.uuid4().hex  # a fresh, anonymous conversation each run
    print(f"{DIM}Conversation {sender}. Type {STOP} or press Ctrl-C to leave.{RESET}")
    message: Optional[str] = args.first
    try:
        while message is not None and message != STOP:
            if message:
                replies = say(args.url, sender, message, args.timeout)
                for index, reply in enumerate(replies):
                    show(reply, last=index == len(replies) - 1)
                buttons = (replies[-1].get("buttons") or []) if replies else []
            else:
                buttons = []
            message = ask(buttons)
    except KeyboardInterrupt:  # Ctrl-C while waiting for an answer
        pass
    except OSError as error:
        print(f"The assistant did not answer ({error}); see var/rasa-shell.log.", file=sys.stderr)
        return 1
    print("Goodbye.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
