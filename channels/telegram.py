"""The Telegram channel: a hardened, anonymous webhook connector.

Configured in credentials.yml as ``channels.telegram.TelegramInput``; secrets come only from the
environment:

  TELEGRAM_TOKEN            the bot token from BotFather
  TELEGRAM_WEBHOOK_SECRET   sent by Telegram in X-Telegram-Bot-Api-Secret-Token (register it with
                            ``bin/telegram-webhook set``); 16–256 of A-Z a-z 0-9 _ -
  TELEGRAM_ID_SECRET        key of the HMAC-SHA256 that turns a chat id into the conversation id
                            (16+ characters; changing it starts everyone afresh)
  TELEGRAM_API_BASE         optional, default https://api.telegram.org (tests use a fake server)
  TELEGRAM_AUTO_ERASE_HOURS optional: erase a conversation after this many hours without a user
                            message (0 or unset = off; below 48, Telegram's deletion limit)

Without the three secrets the channel is OFF: ``rasa run`` still starts with every other channel,
logs "Telegram channel is off", and the webhook answers 503.

What reaches Rasa: the conversation id (keyed hash of the chat id) and the message text or a
whitelisted button payload; no names, usernames, phone numbers, chat ids or coordinates (a shared
location is turned into a region or district id by directory/location.py). Logs never carry
message text or ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import time
from collections import OrderedDict
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional, Sequence, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from directory import HELP_TYPES
from directory.location import nearest_public_help, place_of_point

from actions import hotline, intents
from actions.texts import LANGUAGES, text
from channels.telegram_api import DEFAULT_API_BASE, BotAPI, TelegramAPIError
from channels.telegram_memory import MessageLog, message_log
from safety import fallback
from safety.erase import erase_conversation
from safety.message_bounds import over_long, too_long_reply

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4096
MAX_CALLBACK_BYTES = 64
ERASE_CALLBACK = "erase"
COMMANDS = ("start", "help", "language", "erase", "restart")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
# Every payload a keyboard can carry: derived from the one table in actions/intents.py.
CALLBACK_WHITELIST = intents.PAYLOAD_PATTERN
NON_TEXT_KINDS = (
    "voice",
    "audio",
    "photo",
    "video",
    "video_note",
    "sticker",
    "document",
    "animation",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)


def conversation_id(secret: str, chat_id: int) -> str:
    """The only identifier Rasa sees: HMAC-SHA256(secret, chat id), 40 hex characters."""
    return hmac.new(secret.encode(), f"telegram:{chat_id}".encode(), hashlib.sha256).hexdigest()[:40]


def language_from_code(code: Any) -> str:
    """Telegram's ``language_code`` ('be', 'en-GB', …) → ru / be / en; anything else → ru."""
    base = str(code or "").split("-")[0].lower()
    return base if base in LANGUAGES else "ru"


def allowed_callback(data: Any) -> bool:
    return (
        isinstance(data, str)
        and len(data.encode()) <= MAX_CALLBACK_BYTES
        and (data == ERASE_CALLBACK or bool(CALLBACK_WHITELIST.match(data)))
    )


def split_text(message: str, limit: int = MAX_MESSAGE_CHARS) -> List[str]:
    """Split at line boundaries into parts of at most ``limit`` characters (a single longer line
    is cut hard)."""
    parts: List[str] = []
    current = ""
    for line in message.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return [p for p in parts if p.strip()] or ([message[:limit]] if message.strip() else [])


def keyboard(buttons: Sequence[Dict[str, Any]], erase_title: Optional[str] = None) -> Dict[str, Any]:
    """An inline keyboard for a phone screen: paging buttons side by side; short titles two (or
    three, when all are very short) to a row; long titles on their own row."""
    rows: List[List[Dict[str, str]]] = []
    paging: List[Dict[str, str]] = []
    per_row = 3 if all(len(str(b.get("title", ""))) <= 10 for b in buttons) else 2
    for b in buttons:
        data = str(b.get("payload", ""))
        item = {"text": str(b.get("title", ""))[:64], "callback_data": data}
        if not allowed_callback(data):
            logger.warning("a button payload outside the callback whitelist was dropped")
            continue
        if data.startswith("/district_page"):
            paging.append(item)
        elif len(item["text"]) <= 20 and rows and len(rows[-1]) < per_row and all(len(i["text"]) <= 20 for i in rows[-1]):
            rows[-1].append(item)
        else:
            rows.append([item])
    if paging:
        rows.append(paging)
    if erase_title:
        rows.append([{"text": erase_title, "callback_data": ERASE_CALLBACK}])
    return {"inline_keyboard": rows}


def _titles(lang: str) -> set:
    from actions.knowledge import directory

    keys = [f"menu.{k}" for k in HELP_TYPES] + ["followup.change_help", "followup.change_region", "whole_region", "whole_city"]
    titles = {text(lang, key) for key in keys}
    known = directory()
    if known is not None:
        titles |= {region.name(lang) for region in known.regions()}
    return titles


_TITLES: Dict[str, set] = {}


def button_language(buttons: Sequence[Dict[str, Any]], default: str) -> str:
    """The language a keyboard was written in (menu, follow-ups, regions), else ``default``."""
    if not _TITLES:
        for lang in LANGUAGES:
            _TITLES[lang] = _titles(lang)
    for b in buttons:
        title = b.get("title")
        matches = [lang for lang in LANGUAGES if title in _TITLES[lang]]
        if len(matches) == 1:
            return matches[0]
    return default


class TurnLocks:
    """One lock per conversation in this process, held by a turn until its replies are sent;
    dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: Dict[str, asyncio.Lock] = {}
        self._users: Dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, sender: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._users[sender] = self._users.get(sender, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[sender] -= 1
            if not self._users[sender]:
                del self._users[sender], self._locks[sender]


class TelegramOutput(OutputChannel):
    """Replies to one chat. Holds the raw chat id only for the life of one update."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(
        self,
        api: BotAPI,
        chat_id: int,
        sender: str,
        log: MessageLog,
        protect_content: bool,
        lang: str,
        reply_keyboards: Optional[set] = None,
    ) -> None:
        self.api, self.chat_id, self.sender, self.log = api, chat_id, sender, log
        self.protect_content, self.lang = protect_content, lang
        # Conversations showing the "share my location" reply keyboard (hashed ids only): the
        # next plain reply hides it again.
        self.reply_keyboards = reply_keyboards if reply_keyboards is not None else set()
        self.sent = 0
        # The bot messages of the turn in progress (text, buttons); ``flush`` sends them joined.
        self.pending: List[Tuple[str, List[Dict[str, Any]]]] = []

    async def send(self, message: str, reply_markup: Optional[Dict[str, Any]] = None) -> Optional[int]:
        """Sends ``message`` (split at Telegram's limit); the last part's message id, if sent."""
        parts = split_text(message) or [" "]
        last: Optional[int] = None
        if reply_markup is None and self.sender in self.reply_keyboards:
            reply_markup = {"remove_keyboard": True}
        if reply_markup is not None and ("keyboard" in reply_markup or "remove_keyboard" in reply_markup):
            self.reply_keyboards.discard(self.sender)
        for index, part in enumerate(parts):
            payload: Dict[str, Any] = {
                "chat_id": self.chat_id,
                "text": part,
                "protect_content": self.protect_content,
                "disable_web_page_preview": True,
            }
            if reply_markup is not None and index == len(parts) - 1:
                payload["reply_markup"] = reply_markup
            try:
                result = await self.api.call("sendMessage", payload)
            except TelegramAPIError as error:
                logger.error("Telegram sendMessage failed (HTTP %s: %s)", error.status, error.description)
                continue
            self.sent += 1
            if isinstance(result, dict):
                self.log.add(self.sender, self.chat_id, result.get("message_id"), active=False)
                last = result.get("message_id") if isinstance(result.get("message_id"), int) else None
        return last

    async def send_hiding_location(self, message: str, buttons: List[Dict[str, Any]]) -> None:
        """One message that hides the "share location" keyboard and carries ``buttons``: a
        message holds one kind of keyboard, so it is sent with the removal and its inline
        keyboard is added by an edit (a message without inline keyboard may get one). If the
        edit fails, the last paragraph comes again in a second message with the buttons."""
        head, _, tail = message.rpartition("\n\n")
        if not head:
            await self.send_text_with_buttons(self.sender, message, buttons)
            return
        message_id = await self.send(message, {"remove_keyboard": True})
        if message_id is not None:
            try:
                await self.api.call(
                    "editMessageReplyMarkup",
                    {"chat_id": self.chat_id, "message_id": message_id, "reply_markup": self.markup(buttons)},
                )
                return
            except TelegramAPIError as error:
                logger.warning("Telegram editMessageReplyMarkup failed (HTTP %s: %s)", error.status, error.description)
        await self.send_text_with_buttons(self.sender, tail, buttons)

    async def send_text_message(self, recipient_id: Text, text_: Text, **kwargs: Any) -> None:
        await self.send(text_)

    def markup(self, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
        """The inline keyboard of ``buttons``; the two menus also get the erase button."""
        payloads = {str(b.get("payload", "")) for b in buttons}
        self.lang = button_language(buttons, self.lang)  # the language may have changed this turn
        in_menu = intents.is_main_menu(payloads) or "/choose_language" in payloads  # the two menus
        return keyboard(buttons, text(self.lang, "telegram.erase_button") if in_menu else None)

    async def send_text_with_buttons(self, recipient_id: Text, text_: Text, buttons: List[Dict[str, Any]], **kwargs: Any) -> None:
        await self.send(text_ or " ", self.markup(buttons))
        if intents.offers_regions({str(b.get("payload", "")) for b in buttons}):
            await self.offer_location()

    async def offer_location(self) -> None:
        markup = {
            "keyboard": [[{"text": text(self.lang, "telegram.location_button"), "request_location": True}]],
            "resize_keyboard": True,
            "one_time_keyboard": True,
        }
        await self.send(text(self.lang, "telegram.location_offer"), markup)
        if len(self.reply_keyboards) > 50_000:
            self.reply_keyboards.clear()
        self.reply_keyboards.add(self.sender)

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """Rasa hands over each bot message of a turn as it is made; they are kept until the
        turn ends (``flush``). Images, attachments and custom JSON are not used here."""
        if message.get("text") or message.get("buttons"):
            self.pending.append((str(message.get("text") or ""), list(message.get("buttons") or [])))

    async def flush(self) -> None:
        """Send the turn's messages as few Telegram messages as possible: texts joined by a
        blank line up to each keyboard, which goes on the last of them (a Telegram message holds
        one keyboard). Longer than Telegram's limit: ``send`` splits at line ends."""
        pending, self.pending = self.pending, []
        texts: List[str] = []
        for body, buttons in pending:
            if body.strip():
                texts.append(body)
            if buttons:
                joined = "\n\n".join(texts)
                offers_place = any(str(b.get("payload", "")).startswith('/inform{"region"') for b in buttons)
                if self.sender in self.reply_keyboards and not offers_place:
                    await self.send_hiding_location(joined, buttons)  # the answer: one message
                else:
                    await self.send_text_with_buttons(self.sender, joined, buttons)
                texts = []
        if texts:
            await self.send_text_message(self.sender, "\n\n".join(texts))


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TelegramInput":
        settings = credentials or {}
        env = os.environ
        token = env.get("TELEGRAM_TOKEN", "")
        webhook_secret = env.get("TELEGRAM_WEBHOOK_SECRET", "")
        id_secret = env.get("TELEGRAM_ID_SECRET", "")
        missing = [
            name
            for name, ok in (
                ("TELEGRAM_TOKEN", bool(token)),
                ("TELEGRAM_WEBHOOK_SECRET", bool(SECRET_PATTERN.match(webhook_secret))),
                ("TELEGRAM_ID_SECRET", len(id_secret) >= 16),
            )
            if not ok
        ]
        if missing:
            logger.warning("Telegram channel is off (%s not set or too short); the other channels run", ", ".join(missing))
            return cls(None, "", "", reason=", ".join(missing))
        try:
            hours = float(env.get("TELEGRAM_AUTO_ERASE_HOURS") or settings.get("auto_erase_hours") or 0)
        except ValueError:
            hours = 0.0
        api = BotAPI(token, env.get("TELEGRAM_API_BASE") or DEFAULT_API_BASE)
        logger.info("Telegram channel is on (auto-erase: %s)", f"{hours:g} h" if hours > 0 else "off")
        return cls(
            api, webhook_secret, id_secret, protect_content=bool(settings.get("protect_content", True)), auto_erase_hours=hours
        )

    def __init__(
        self,
        api: Optional[BotAPI],
        webhook_secret: str,
        id_secret: str,
        protect_content: bool = True,
        auto_erase_hours: float = 0.0,
        reason: str = "",
    ) -> None:
        self.api = api
        self.webhook_secret = webhook_secret.encode()
        self.id_secret = id_secret
        self.protect_content = protect_content
        self.auto_erase_seconds = max(0.0, auto_erase_hours) * 3600
        self.reason = reason
        self.log = message_log()
        self._turns = TurnLocks()
        self._seen_updates: "OrderedDict[int, None]" = OrderedDict()
        self._auto_erase_task: Optional[asyncio.Task] = None
        self._reply_keyboards: set = set()

    @property
    def enabled(self) -> bool:
        return self.api is not None

    # ---- the webhook ----

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("telegram_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"}, status=200 if self.enabled else 503)

        @hook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("Telegram channel is off", status=503)
            given = (request.headers.get("X-Telegram-Bot-Api-Secret-Token") or "").encode()
            if not hmac.compare_digest(given, self.webhook_secret):
                return response.text("forbidden", status=403)
            try:
                update = json.loads(request.body or b"null")
            except ValueError:
                return response.text("bad request", status=400)
            if not isinstance(update, dict):
                return response.text("bad request", status=400)
            self._start_auto_erase(request.app.ctx.agent)
            if self._duplicate(update.get("update_id")):
                return response.text("")
            try:
                await self.handle(update, on_new_message, request.app.ctx.agent)
            except Exception as error:  # never let Telegram retry a poisoned update forever
                logger.error("Telegram update failed (%s)", type(error).__name__)
            return response.text("")

        return hook

    def _duplicate(self, update_id: Any) -> bool:
        if not isinstance(update_id, int):
            return False
        if update_id in self._seen_updates:
            return True
        self._seen_updates[update_id] = None
        while len(self._seen_updates) > 10_000:
            self._seen_updates.popitem(last=False)
        return False

    async def handle(self, update: Dict[str, Any], on_new_message: Callable, agent: Any) -> None:
        if "callback_query" in update:
            await self._callback(update["callback_query"], on_new_message, agent)
            return
        message = update.get("message")
        # edited_message, channel_post, my_chat_member, …: not a new user turn — ignored.
        if not isinstance(message, dict):
            return
        chat = message.get("chat") or {}
        if chat.get("type") != "private" or not isinstance(chat.get("id"), int):
            return  # groups, supergroups and channels are ignored
        chat_id = chat["id"]
        sender = conversation_id(self.id_secret, chat_id)
        self.log.add(sender, chat_id, message.get("message_id"))
        user = message.get("from") or {}
        lang = await self._language(agent, sender)
        out = TelegramOutput(self.api, chat_id, sender, self.log, self.protect_content, lang, self._reply_keyboards)

        try:
            if isinstance(message.get("text"), str):
                await self._text(message["text"], out, on_new_message, agent, user)
            elif isinstance(message.get("location"), dict):
                await self._location(message["location"], out, on_new_message, agent)
            elif any(kind in message for kind in NON_TEXT_KINDS):
                logger.info("Telegram: a non-text message was answered with the menu")
                await out.send(text(lang, "telegram.non_text"))
                await self._to_rasa("/main_menu", out, on_new_message)
        except Exception as error:
            await self._fail(out, error)

    async def _fail(self, out: "TelegramOutput", error: Exception) -> None:
        """Anything unexpected: the class of the error in the log (never its text, which could
        quote the message), and the hotline and 102 / 103 / 112 to the person."""
        logger.error("Telegram update failed (%s); sending the safety net", type(error).__name__)
        await out.send(fallback.unavailable_text(out.lang))

    # ---- typed text and commands ----

    async def _text(self, typed: str, out: TelegramOutput, on_new_message: Callable, agent: Any, user: Dict[str, Any]) -> None:
        if over_long(typed):  # answered here: the text never reaches Rasa (safety/message_bounds.py)
            logger.info("Telegram: an over-long message was answered without NLU")
            await out.send(too_long_reply(out.lang))
            return
        stripped = typed.strip()
        command, argument = None, ""
        match = re.match(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?$", stripped, re.S)
        if match and match.group(1).lower() in COMMANDS:
            command, argument = match.group(1).lower(), (match.group(2) or "").strip()
        if command == "erase":
            await self.erase(out.sender, agent, out)
            return
        first_language = await self._initial_language(agent, out, user, typed if command is None else None, on_new_message)
        if first_language:
            out.lang = first_language
        if command == "start":
            # Only known deep-link parameters do anything; the parameter never reaches Rasa.
            deep = DEEP_LINK.get(argument) if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", argument or "") else None
            if deep and argument in LANGUAGES:
                if await self._silently(deep, out.sender, on_new_message):
                    out.lang = argument
                deep = None
            await self._to_rasa("/start", out, on_new_message)
            if deep:
                await self._to_rasa(deep, out, on_new_message)
        elif command == "help":
            await out.send(text(out.lang, "telegram.help", hotline=hotline.static(out.lang)))
            # Then "About and privacy" (content/guides/about.yml), which ends with the menu.
            await self._to_rasa("/about", out, on_new_message)
        elif command == "language":
            await self._to_rasa("/choose_language", out, on_new_message)
        elif command == "restart":
            await self._to_rasa("/restart", out, on_new_message)
        else:
            # Anything else starting with "/" is plain text for NLU: it cannot name an intent,
            # an entity or a slot value.
            plain = stripped.lstrip("/").strip()[:MAX_MESSAGE_CHARS]
            await self._to_rasa(plain or "/main_menu", out, on_new_message)

    async def _initial_language(
        self, agent: Any, out: TelegramOutput, user: Dict[str, Any], typed: Optional[str], on_new_message: Callable
    ) -> Optional[str]:
        """At the start of a conversation, the app's language (be/en) is set silently, unless
        the person typed words whose language can be told (actions/language_detection.py)."""
        wanted = language_from_code(user.get("language_code"))
        if wanted == "ru" or not await self._new_session(agent, out.sender):
            return None
        if typed is not None:
            from actions.language_detection import detect

            if detect(typed):
                return None
        return (
            wanted if await self._silently(intents.payload("set_language", language=wanted), out.sender, on_new_message) else None
        )

    async def _silently(self, payload: str, sender: str, on_new_message: Callable) -> bool:
        """An internal turn (the first language) whose replies are discarded."""
        try:
            await on_new_message(UserMessage(payload, CollectingOutputChannel(), sender, input_channel=self.name()))
            return True
        except Exception as error:
            logger.error("Rasa failed on an internal Telegram message (%s)", type(error).__name__)
            return False

    # ---- buttons ----

    async def _callback(self, query: Dict[str, Any], on_new_message: Callable, agent: Any) -> None:
        message = query.get("message") or {}
        chat = message.get("chat") or {}
        answer: Dict[str, Any] = {"callback_query_id": str(query.get("id", ""))}
        data = query.get("data")
        if chat.get("type") != "private" or not isinstance(chat.get("id"), int):
            await self._answer(answer)
            return
        chat_id = chat["id"]
        sender = conversation_id(self.id_secret, chat_id)
        lang = await self._language(agent, sender)
        if not allowed_callback(data):
            answer["text"] = text(lang, "telegram.stale_button")
            await self._answer(answer)
            return
        await self._answer(answer)  # first: the button stops spinning at once
        self.log.add(sender, chat_id, None)
        out = TelegramOutput(self.api, chat_id, sender, self.log, self.protect_content, lang, self._reply_keyboards)
        try:
            if data == ERASE_CALLBACK:
                await self.erase(sender, agent, out)
            else:
                await self._to_rasa(data, out, on_new_message)
        except Exception as error:
            await self._fail(out, error)

    async def _answer(self, payload: Dict[str, Any]) -> None:
        try:
            await self.api.call("answerCallbackQuery", payload)
        except TelegramAPIError as error:
            logger.warning("Telegram answerCallbackQuery failed (HTTP %s)", error.status)

    # ---- location ----

    async def _location(self, location: Dict[str, Any], out: TelegramOutput, on_new_message: Callable, agent: Any) -> None:
        """A shared point → its place (directory.location; only the region or district id
        reaches Rasa) and, for the chosen kind of help, the nearest PUBLIC organisations with km."""
        from actions import render
        from actions.knowledge import directory

        lat, lon = location.get("latitude"), location.get("longitude")
        remove = {"remove_keyboard": True}
        known = directory()
        if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)) or known is None:
            await out.send(text(out.lang, "telegram.location_failed"), remove)
            await self._to_rasa(intents.payload(intents.MENU_INTENT), out, on_new_message)
            return
        found = place_of_point(known, float(lat), float(lon))
        if found is None:
            await out.send(text(out.lang, "telegram.location_outside"), remove)
            await self._to_rasa(intents.payload(intents.MENU_INTENT), out, on_new_message)
            return
        region_name = found.region.name(out.lang)
        if found.district is None:  # the region is certain, the district is asked with buttons
            place, payload = region_name, intents.payload("inform", region=found.region.code)
        else:
            place = text(out.lang, "place_district", district=found.district.name(out.lang), region=region_name)
            payload = intents.payload("inform", district=found.district.id)
        await out.send(text(out.lang, "telegram.location_place", place=place), remove)
        help_type = await self._slot(agent, out.sender, "help_type")
        nearest = nearest_public_help(known, help_type, float(lat), float(lon))
        if nearest:
            blocks = [text(out.lang, "telegram.nearest_header")]
            for contact, km in nearest:
                distance = text(out.lang, "telegram.km", km=_km_text(km, out.lang))
                blocks.append(distance + "\n" + render.contact_block(contact, out.lang, "survivor"))
            await out.send("\n\n".join(blocks))
        await self._to_rasa(payload, out, on_new_message)

    # ---- erase ----

    async def erase(self, sender: str, agent: Any, out: Optional[TelegramOutput] = None) -> None:
        """Delete the stored conversation and this conversation's messages in Telegram (those
        within 48 h that this process saw, or every server with a shared Redis:
        channels/telegram_memory.py), after a message of it still being handled and its replies."""
        deleted = 0

        async def delete_messages() -> None:
            nonlocal deleted
            chat_id, message_ids = self.log.pop(sender)
            self._reply_keyboards.discard(sender)
            if chat_id is None and out is not None:
                chat_id = out.chat_id
            for start in range(0, len(message_ids), 100):
                chunk = message_ids[start : start + 100]
                try:
                    await self.api.call("deleteMessages", {"chat_id": chat_id, "message_ids": chunk})
                    deleted += len(chunk)
                except TelegramAPIError as error:
                    logger.warning("Telegram deleteMessages failed (HTTP %s: %s)", error.status, error.description)

        # First this process's turn in flight, replies included, then Rasa's lock (the same
        # order as a turn takes them, so the two never wait for each other).
        async with self._turns.hold(sender):
            await erase_conversation(agent, sender, also=delete_messages)
        logger.info("Telegram: erased a conversation (%d messages)", deleted)
        if out is not None:
            await out.send(text(out.lang, "telegram.erased"), {"remove_keyboard": True})

    def _start_auto_erase(self, agent: Any) -> None:
        if self.auto_erase_seconds <= 0 or self._auto_erase_task is not None:
            return
        self._auto_erase_task = asyncio.get_event_loop().create_task(self._auto_erase(agent))

    async def _auto_erase(self, agent: Any) -> None:
        interval = float(os.environ.get("TELEGRAM_AUTO_ERASE_CHECK_SECONDS") or min(300.0, max(1.0, self.auto_erase_seconds / 4)))
        while True:
            await asyncio.sleep(interval)
            for sender in self.log.inactive(self.auto_erase_seconds):
                try:
                    await self.erase(sender, agent)
                except Exception as error:  # keep the loop alive
                    logger.error("Telegram auto-erase failed (%s)", type(error).__name__)

    # ---- Rasa ----

    async def _to_rasa(self, message: str, out: TelegramOutput, on_new_message: Callable) -> None:
        """One turn through Rasa. If Rasa raises, or answers nothing at all, the person still gets
        the hotline and 102 / 103 / 112. The replies are sent after Rasa releases the
        conversation's lock, so the turn, replies included, also holds this process's turn lock,
        which an erase waits for (``erase``)."""
        async with self._turns.hold(out.sender):
            before = out.sent
            try:
                await on_new_message(UserMessage(message, out, out.sender, input_channel=self.name()))
            except Exception as error:
                await out.flush()
                await self._fail(out, error)
                return
            await out.flush()
            if out.sent == before:
                await out.send(fallback.unavailable_text(out.lang))

    async def _tracker(self, agent: Any, sender: str) -> Any:
        try:
            return await agent.tracker_store.retrieve(sender)
        except Exception as error:
            logger.error("could not read the tracker store (%s)", type(error).__name__)
            return None

    async def _slot(self, agent: Any, sender: str, name: str) -> Any:
        tracker = await self._tracker(agent, sender)
        return tracker.get_slot(name) if tracker is not None else None

    async def _language(self, agent: Any, sender: str) -> str:
        value = await self._slot(agent, sender, "language")
        return value if value in LANGUAGES else "ru"

    async def _new_session(self, agent: Any, sender: str) -> bool:
        tracker = await self._tracker(agent, sender)
        if tracker is None or not tracker.events:
            return True
        minutes = getattr(getattr(agent.domain, "session_config", None), "session_expiration_time", 60) or 60
        return time.time() - tracker.events[-1].timestamp > minutes * 60


# /start deep-link parameters (t.me/<bot>?start=<param>) and what they start (actions/intents.py).
DEEP_LINK: Dict[str, str] = intents.DEEP_LINKS


def _km_text(km: float, lang: str) -> str:
    value = f"{km:.1f}"
    return value if lang == "en" else value.replace(".", ",")
