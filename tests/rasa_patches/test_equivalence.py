"""The patches change nothing a person or the tracker store sees: the same model served twice
through bin/rasa, with DV_PATCHES=none (Rasa's own code) and DV_PATCHES=all, real Rasa and
action servers each, gives identical parses (intent, ranking, entities) of every held-out text,
identical replies and predicted actions on the benchmark flows and on held-out texts typed as
first messages, and identical stored events (timestamps and random message ids aside)."""

from __future__ import annotations

import json
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest
import yaml

from bench.load import FLOWS
from tests.actions.conftest import REPO
from tests.e2e.conftest import Assistant, running_assistant

pytestmark = pytest.mark.filterwarnings("ignore")
HELDOUT = [item["text"] for item in yaml.safe_load((REPO / "tests" / "nlu_eval" / "heldout.yml").read_text("utf-8"))]
VARYING = {"timestamp", "message_id"}  # when it happened; the REST channel's random id per message


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Assistant, Assistant]]:
    with (
        running_assistant(tmp_path_factory.mktemp("unpatched"), patches="none") as unpatched,
        running_assistant(tmp_path_factory.mktemp("patched"), patches="all") as patched,
    ):
        yield unpatched, patched
    log = (patched.work / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert "rasa_patches:" not in log, "a patch was skipped, so this test did not compare it"


def _parse(assistant: Assistant, text: str) -> Dict[str, Any]:
    request = urllib.request.Request(
        f"{assistant.base}/model/parse?token={assistant.token}",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _without(value: Any, keys: set) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


def _side_by_side(both: Tuple[Assistant, Assistant], job: Callable[[Assistant], Any]) -> Tuple[Any, Any]:
    with ThreadPoolExecutor(2) as pool:
        unpatched, patched = pool.map(job, both)
    return unpatched, patched


def _conversation(messages: List[str]) -> Callable[[Assistant], Dict[str, Any]]:
    sender = f"equivalence-{uuid.uuid4().hex}"  # the same conversation id on both servers

    def run(assistant: Assistant) -> Dict[str, Any]:
        replies = [assistant.say(sender, message) for message in messages]
        events = _without(assistant.tracker(sender)["events"], VARYING)
        return {
            "replies": replies,
            "events": events,
            "actions": [(e["name"], e.get("policy"), e.get("confidence")) for e in events if e["event"] == "action"],
        }

    return run


def test_every_held_out_text_is_parsed_alike(both):
    def parse_all(assistant: Assistant) -> List[Dict[str, Any]]:
        return [_parse(assistant, text) for text in HELDOUT]

    unpatched, patched = _side_by_side(both, parse_all)
    assert len(unpatched) == len(HELDOUT) > 400
    for text, rasas, ours in zip(HELDOUT, unpatched, patched, strict=False):
        assert ours == rasas, text  # intent, ranking (exact floats), entities, text


@pytest.mark.parametrize("flow", [messages for messages, _ in FLOWS], ids=lambda messages: messages[0])
def test_benchmark_flows_are_answered_and_stored_alike(both, flow):
    unpatched, patched = _side_by_side(both, _conversation(flow))
    assert all(unpatched["replies"]), "every message of a bench flow gets an answer"
    assert patched["actions"] == unpatched["actions"]
    assert patched["replies"] == unpatched["replies"]
    assert patched["events"] == unpatched["events"]


def test_held_out_texts_as_first_messages_are_answered_and_stored_alike(both):
    for text in HELDOUT[::15]:
        unpatched, patched = _side_by_side(both, _conversation(["/start", text]))
        assert patched["actions"] == unpatched["actions"], text
        assert patched["replies"] == unpatched["replies"], text
        assert patched["events"] == unpatched["events"], text
