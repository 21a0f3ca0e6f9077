"""Fixtures for action tests: a real directory database and real SDK trackers/dispatchers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from directory import open_directory
from directory.load import load

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def directory_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real directory data loaded into a fresh SQLite file, used by the actions."""
    path = tmp_path_factory.mktemp("directory") / "directory.sqlite"
    url = f"sqlite:///{path}"
    load(REPO / "directory" / "data", url)
    os.environ["DIRECTORY_DATABASE_URL"] = url
    return url


@pytest.fixture(scope="session")
def known(directory_url: str):
    return open_directory(directory_url)


def user_event(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
    }


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    *,
    text: str = "",
    intent: str = "inform",
    entities: Optional[List[Dict[str, Any]]] = None,
    before: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker whose slots were ``before`` until the latest user message set ``slots``.

    The events are what Rasa sends: earlier SlotSet events, the user message, then the
    SlotSet events its slot mappings produced (what validation actions look at).
    """
    # Initial values are slots without events, as in Rasa; `before` values were set by events.
    defaults = {"language": "ru", "role": "survivor", "whole_region": False, "district_page": 0}
    before = before or {}
    slots = slots or {}
    events: List[Dict[str, Any]] = [{"event": "slot", "name": k, "value": v} for k, v in before.items()]
    latest = user_event(text, intent, entities)
    events.append(latest)
    events.extend({"event": "slot", "name": k, "value": v} for k, v in slots.items())
    return Tracker(
        sender_id="test",
        slots={**defaults, **before, **slots},
        latest_message={"text": text, **latest["parse_data"]},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def all_text(dispatcher: CollectingDispatcher) -> str:
    """Everything the bot would show: message text and button titles and payloads."""
    parts = []
    for message in dispatcher.messages:
        parts.append(message.get("text") or "")
        for button in message.get("buttons") or []:
            parts.extend([button["title"], button["payload"]])
    return "\n".join(parts)
