"""The bench flows served by the trained model, for tests that compare a speed-up with Rasa's
own function on real trackers."""

from __future__ import annotations

import asyncio
import uuid
from typing import List

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.trackers import DialogueStateTracker

from bench.load import FLOWS
from tests.e2e.conftest import MODEL


def loaded_agent() -> Agent:
    """The trained model without an action server (the safety net answers; forms still run)."""
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup before these tests")
    return Agent.load(str(MODEL))


def served_trackers(agent: Agent) -> List[DialogueStateTracker]:
    """The stored tracker after every message of every bench flow, each flow a new conversation."""
    trackers: List[DialogueStateTracker] = []

    async def walk() -> None:
        for messages, _ in FLOWS:
            sender = uuid.uuid4().hex
            for message in messages:
                await agent.handle_text(message, sender_id=sender)
                trackers.append(await agent.tracker_store.retrieve(sender))

    asyncio.run(walk())
    assert len(trackers) == sum(len(messages) for messages, _ in FLOWS)
    return trackers
