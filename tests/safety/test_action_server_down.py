"""With every speed patch off and the action server down, a person is still answered and typed
input is still whitelisted — inside a real Rasa server.

The model is trained here from a config without any speed entry (no ``safeguards``/
``rasa_patches`` pipeline or importer entry), keeping what safety needs: the message bounds and
``safety.in_server.SafetyInServer``. Messages are button payloads (``/intent{...}``), which Rasa
parses without any classifier, so the NLU pipeline is only those two (and the NLU data one small
file): the rules train in well under a minute.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from bench.servers import rasa_run_args
from safety import fallback
from tests.e2e.conftest import RASA, REPO, Assistant, endpoints_for, free_port, stop, texts, wait_for

pytestmark = pytest.mark.e2e
PATCH_PACKAGES = ("safeguards", "rasa_patches")
NUMBERS = (fallback.HOTLINE, fallback.POLICE, fallback.AMBULANCE, fallback.EMERGENCY)


def unpatched_config(path: Path) -> Path:
    """config.yml without importers and without any patch entry; no classifier."""
    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    config.pop("importers", None)
    names = [entry["name"] for entry in config["pipeline"]]
    assert "safety.in_server.SafetyInServer" in names, "config.yml must switch safety on"
    config["pipeline"] = [{"name": "components.message_bounds.MessageBounds"}, {"name": "safety.in_server.SafetyInServer"}]
    assert not any(str(e["name"]).split(".")[0] in PATCH_PACKAGES for e in config["pipeline"] + config["policies"])
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def unpatched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    work = tmp_path_factory.mktemp("unpatched")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    train = subprocess.run(
        [
            RASA,
            "train",
            "--config",
            str(unpatched_config(work / "config.yml")),
            "--domain",
            "domain.yml",
            "--data",
            "data/rules.yml",
            "data/stories.yml",
            "data/nlu/en/navigation.yml",
            "--out",
            str(work),
            "--fixed-model-name",
            "unpatched",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert train.returncode == 0, train.stdout[-3000:] + train.stderr[-3000:]
    action_port, rasa_port = free_port(), free_port()  # nothing listens on the action port
    endpoints = endpoints_for(work, action_port, work / "tracker.sqlite")
    token, log = secrets.token_hex(16), work / "rasa.log"
    rasa = subprocess.Popen(
        rasa_run_args(work / "unpatched.tar.gz", rasa_port, endpoints, REPO / "credentials.yml", token, rasa=RASA),
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{rasa_port}/", rasa, log)
        assistant = Assistant(f"http://127.0.0.1:{rasa_port}", token)
        assistant.work = work
        yield assistant
    finally:
        stop(rasa)


def test_the_safety_net_answers_with_the_hotline_and_emergency_numbers(unpatched):
    for lang in ("ru", "en"):
        sender = f"down-{lang}-{secrets.token_hex(4)}"
        if lang != "ru":
            unpatched.say(sender, f'/set_language{{"language": "{lang}"}}')
        reply = texts(unpatched.say(sender, "/start"))
        assert reply, "no answer at all"
        # The REST channel sends each paragraph as its own message.
        assert all(part in reply for part in fallback.unavailable_text(lang).split("\n\n"))
        for number in NUMBERS:
            assert number in reply


@pytest.mark.parametrize("junk", ["<junk>", "' OR 1=1 --", "BY-XX", "a" * 300])
def test_a_typed_region_is_whitelisted_in_the_rasa_server(unpatched, junk):
    sender = f"junk-{secrets.token_hex(4)}"
    payload = '/inform{"region": "%s"}' % junk.replace('"', "")
    reply = texts(unpatched.say(sender, payload))
    assert all(number in reply for number in NUMBERS)  # answered, though the action server is down
    assert unpatched.tracker(urllib.parse.quote(sender))["slots"]["region"] is None


def test_a_valid_region_is_kept(unpatched):
    """The control: the whitelist ran (in this process) rather than every slot being dropped."""
    sender = f"valid-{secrets.token_hex(4)}"
    unpatched.say(sender, '/inform{"region": "BY-HO"}')
    assert unpatched.tracker(sender)["slots"]["region"] == "BY-HO"
