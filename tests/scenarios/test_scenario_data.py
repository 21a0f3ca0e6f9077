"""The scenario suite's data: valid, covering what issues 16 and 17 ask, and held out from
training — no typed scenario text may appear in data/nlu (normalised as the held-out NLU set
is), or the suite would measure memory instead of understanding."""

from __future__ import annotations

from collections import Counter

from tests.nlu_eval.test_heldout_data import norm, training_examples
from tests.scenarios.runner import LANGS, load, schema_problems

SCENARIOS = load()


def typed(scenario):
    return [str(t["say"]) for t in scenario["turns"] if "say" in t and not str(t["say"]).startswith("/")]


def test_every_scenario_is_well_formed_and_unique():
    problems = {s.get("id"): schema_problems(s) for s in SCENARIOS if schema_problems(s)}
    assert not problems, problems
    ids = Counter(s["id"] for s in SCENARIOS)
    assert not [i for i, n in ids.items() if n > 1]


def test_coverage_of_both_issues_in_every_language():
    per_issue = Counter(s["issue"] for s in SCENARIOS)
    assert per_issue[16] >= 60 and per_issue[17] >= 40, per_issue
    per_cell = Counter((s["issue"], s["lang"]) for s in SCENARIOS)
    assert all(per_cell[(issue, lang)] >= 10 for issue in (16, 17) for lang in LANGS), per_cell


def test_scenario_texts_are_not_training_data():
    train = {norm(e.get("text")) for examples in training_examples().values() for e in examples}
    leaked = sorted({text for s in SCENARIOS for text in typed(s) if norm(text) in train})
    assert not leaked, leaked
