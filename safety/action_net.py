"""Safety rule 4 inside the Rasa server: if a custom action fails, the person still gets the
hotline and 102 / 103 / 112.

Rasa's ``RemoteAction`` raises when the action server is down, answers with an error, or is
slow; the processor then logs the error and the turn ends in silence. ``install()`` wraps
``RemoteAction.run`` so that such a failure (or a call slower than ``ACTION_TIMEOUT_SECONDS``)
becomes one calm message with the emergency numbers, once per turn. ``ActionExecutionRejection``
(a form declining a message) passes through untouched: it is control flow, not failure.

The wrapper is installed by the ``safety.in_server.SafetyInServer`` pipeline entry in config.yml,
so it is active wherever the model is loaded (``rasa run``, ``rasa shell``, tests), with or
without any speed patch. When the action server comes back, the next call simply succeeds.
The text is ``safety.fallback.unavailable_text``, the same the actions and channels fall back on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from typing import Any, List

import aiohttp
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.exceptions import RasaException

from actions import slot_rules
from safety import fallback
from safety.wrapping import wrapped_with

logger = logging.getLogger(__name__)
ACTION_TIMEOUT_SECONDS = float(os.environ.get("ACTION_TIMEOUT_SECONDS", "10"))
MARK = "safety_net"


def _already_sent_this_turn(tracker: Any) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get(MARK):
            return True
    return False


def install() -> None:
    """Wrap ``RemoteAction.run`` once per process."""
    if wrapped_with(RemoteAction.run, "_safety_net"):
        return
    original = RemoteAction.run

    @functools.wraps(original)
    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        try:
            return await asyncio.wait_for(original(self, output_channel, nlg, tracker, domain), ACTION_TIMEOUT_SECONDS)
        except ActionExecutionRejection:
            raise
        except (RasaException, asyncio.TimeoutError, aiohttp.ClientError, ValueError) as error:
            # ValueError: an answer that says JSON and is not; ClientError: any other HTTP failure.
            # Action name and error class only: never message text or slot values.
            logger.error("custom action %s failed (%s); sending the safety net", self.name(), type(error).__name__)
            if _already_sent_this_turn(tracker):
                return []
            lang = slot_rules.language_or_default(tracker.get_slot("language"))
            return [BotUttered(text=fallback.unavailable_text(lang), metadata={MARK: True})]

    run._safety_net = True  # type: ignore[attr-defined]  # a marker on the function
    RemoteAction.run = run
