"""The REST channel with every request checked before Rasa sees it.

``POST /webhooks/rest/webhook`` with ``{"sender": "<opaque id>", "message": "..."}`` answers
as Rasa's ``rest`` channel does (a JSON list of bot messages), except:

* A malformed request gets a 4xx, never a 5xx: a body that is not UTF-8 JSON, not an object,
  without a string ``sender`` (1–128 of ``A-Z a-z 0-9 _ . : @ = + -``) or a string ``message``
  → 400; a body over ``MAX_REQUEST_BYTES`` → 413, refused before it is read.
* A message longer than ``MAX_MESSAGE_CHARS`` is answered here, at once, with the calm
  "please write briefly" reply, the hotline and 102 / 103 / 112; it never reaches Rasa
  (``safety/message_bounds.py``).
* The client's ``metadata`` and ``input_channel`` are ignored: nothing a client sends besides
  the text is stored with the conversation.
* If Rasa fails, the person still gets the hotline and 102 / 103 / 112; the log names the
  error's class, never the message.

credentials.yml: ``channels.rest.BoundedRestInput:`` (in place of ``rest:``).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from safety import fallback
from safety.message_bounds import over_long, reply_language, too_long_reply

logger = logging.getLogger(__name__)

# A message of MAX_MESSAGE_CHARS characters, JSON-escaped (6 bytes each), fits many times over;
# a body up to this size is read and answered (an over-long message gets the calm reply).
MAX_REQUEST_BYTES = 8 * 1024 * 1024
SENDER = re.compile(r"[A-Za-z0-9_.:@=+-]{1,128}")


class BadRequest(ValueError):
    """What the client did wrong, in a few words (the 400's body)."""


async def read_body(request: Request, limit: int = MAX_REQUEST_BYTES) -> bytes:
    """The body of a streaming route's request, read in chunks; Sanic answers 413 as soon as it
    exceeds ``limit`` (a declared Content-Length over it: before anything is read)."""
    request.stream.request_max_size = limit
    body = bytearray()
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            return bytes(body)
        body.extend(chunk)


def parse_request(body: bytes) -> Tuple[str, str]:
    """``(sender, message)`` of a webhook body, or ``BadRequest``."""
    try:
        data = json.loads(body)
    except ValueError:  # includes invalid UTF-8 (UnicodeDecodeError)
        raise BadRequest("the body must be UTF-8 JSON") from None
    except RecursionError:  # [[[[… nested deeper than the parser goes
        raise BadRequest("the body is nested too deeply") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    sender, message = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not SENDER.fullmatch(sender):
        raise BadRequest('"sender" must be an opaque id: 1-128 of A-Z a-z 0-9 _ . : @ = + -')
    if not isinstance(message, str):
        raise BadRequest('"message" must be a string')
    if not over_long(message):
        try:
            message.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate escaped in the JSON
            raise BadRequest('"message" must be valid text') from None
    return sender, message


class BoundedRestInput(RestInput):
    """See the module docstring."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("custom_webhook_BoundedRestInput", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            body = await read_body(request)
            try:
                sender, message = parse_request(body)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            del body
            if over_long(message):
                logger.info("rest: an over-long message (%d characters) was answered without NLU", len(message))
                lang = await reply_language(request.app.ctx.agent, sender, message)
                return response.json([{"recipient_id": sender, "text": too_long_reply(lang)}])
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, message, sender, self.name(), {}), content_type="text/event-stream"
                )
            return response.json(await self._turn(on_new_message, message, sender, request))

        return webhook

    async def _turn(self, on_new_message: Callable, message: str, sender: str, request: Request) -> List[Dict[str, Any]]:
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(message, collector, sender, input_channel=self.name(), metadata={}))
        except Exception as error:  # the class only: the text could quote the message
            logger.error("rest: the turn failed (%s); sending the safety net", type(error).__name__)
            lang = await reply_language(request.app.ctx.agent, sender, "")
            collector.messages.append({"recipient_id": sender, "text": fallback.unavailable_text(lang)})
        return collector.messages

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return {}
