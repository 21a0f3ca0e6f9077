"""The trained model meets the understanding targets on the held-out set (never trained on)."""

from __future__ import annotations

import pytest

from tests.nlu_eval.evaluate import REPO, evaluate

MODEL = REPO / "models" / "dv-help.tar.gz"


@pytest.mark.e2e
def test_heldout_targets():
    if not MODEL.exists():
        pytest.fail("no trained model: run bin/setup (bin/test does) first")
    report = evaluate(MODEL, REPO / "tests" / "nlu_eval" / "heldout.yml")
    assert report.total >= 300
    assert not report.below_targets(), "\n".join(report.below_targets() + report.wrong[:30])
