"""Register the Telegram webhook and the commands menu — a separate step, never done at start-up.

    bin/telegram-webhook set https://your.host/webhooks/telegram/webhook
    bin/telegram-webhook info
    bin/telegram-webhook delete

Reads TELEGRAM_TOKEN and TELEGRAM_WEBHOOK_SECRET (and TELEGRAM_API_BASE) from the environment.
``set`` registers the URL with the secret token, only the update types the bot handles
(messages and button presses; edits, channel posts and the rest are never sent), drops updates
queued while the bot was away, and sets the commands menu in Russian, Belarusian and English.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any, List

from actions.texts import LANGUAGES, text
from channels.telegram import COMMANDS, SECRET_PATTERN
from channels.telegram_api import DEFAULT_API_BASE, BotAPI, TelegramAPIError

ALLOWED_UPDATES = ["message", "callback_query"]
MENU_ORDER = ("start", "help", "language", "restart", "erase")


def commands(lang: str) -> List[dict]:
    assert set(MENU_ORDER) == set(COMMANDS)
    return [{"command": c, "description": text(lang, f"telegram.commands.{c}")} for c in MENU_ORDER]


async def run(action: str, url: str | None) -> Any:
    token = os.environ.get("TELEGRAM_TOKEN", "")
    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
    if not token:
        raise SystemExit("TELEGRAM_TOKEN is not set")
    api = BotAPI(token, os.environ.get("TELEGRAM_API_BASE") or DEFAULT_API_BASE)
    try:
        if action == "info":
            info = await api.call("getWebhookInfo")
            return {k: v for k, v in (info or {}).items() if k != "ip_address"}
        if action == "delete":
            return await api.call("deleteWebhook", {"drop_pending_updates": True})
        if not SECRET_PATTERN.match(secret):
            raise SystemExit("TELEGRAM_WEBHOOK_SECRET must be 16-256 characters of A-Z a-z 0-9 _ -")
        if not url or not url.startswith("https://"):
            raise SystemExit("give the public https:// URL ending in /webhooks/telegram/webhook")
        result = await api.call(
            "setWebhook",
            {
                "url": url,
                "secret_token": secret,
                "allowed_updates": ALLOWED_UPDATES,
                "drop_pending_updates": True,
                "max_connections": 40,
            },
        )
        await api.call("setMyCommands", {"commands": commands("ru")})
        for lang in LANGUAGES:
            await api.call("setMyCommands", {"commands": commands(lang), "language_code": lang})
        return result
    finally:
        await api.close()


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("set", "info", "delete"))
    parser.add_argument("url", nargs="?")
    args = parser.parse_args(argv)
    try:
        result = asyncio.run(run(args.action, args.url))
    except TelegramAPIError as error:
        print(f"Telegram refused: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
