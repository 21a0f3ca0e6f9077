"""The scenario suite through the real servers (REST channel): every scenario without a
``known_failure`` mark passes, every marked one still fails (strict xfail). When a fix lands,
its scenarios XPASS and fail this test: remove their marks in the YAML."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import running_assistant
from tests.scenarios.runner import describe, load, run_all, shares

pytestmark = pytest.mark.e2e

SCENARIOS = load()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    with running_assistant(tmp_path_factory.mktemp("scenarios")) as assistant:
        done = asyncio.run(run_all(assistant.base, SCENARIOS, concurrency=4))
    print("\n" + shares(done))
    return {o.scenario["id"]: o for o in done}


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(
            s, id=s["id"], marks=[pytest.mark.xfail(strict=True, reason=s["known_failure"])] if s.get("known_failure") else []
        )
        for s in SCENARIOS
    ],
)
def test_scenario(outcomes, scenario):
    outcome = outcomes[scenario["id"]]
    assert outcome.passed, describe(outcome, verbose=True)
