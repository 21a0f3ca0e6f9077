"""Integrity checks for the NLU training data and the held-out evaluation set.

* every file under data/nlu parses with Rasa's loader and uses only the intents of
  docs/ARCHITECTURE.md; no sentence is labelled with two different intents;
* tests/nlu_eval/heldout.yml has the expected schema, valid region / district ids
  (directory/data/districts.csv), the promised coverage, and shares no sentence with
  data/nlu (normalised: lowercase, ё→е, punctuation and extra spaces dropped).

Run: ``pytest tests/nlu_eval`` or ``python tests/nlu_eval/test_heldout_data.py`` (prints a
summary).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
HELDOUT = Path(__file__).with_name("heldout.yml")
DISTRICTS = ROOT / "directory" / "data" / "districts.csv"

INTENTS = {
    "start",
    "greet",
    "danger",
    "need_emergency",
    "need_shelter",
    "need_psychological",
    "need_legal",
    "need_social",
    "need_police",
    "need_medical",
    "need_addiction",
    "need_hotline",
    "role_witness",
    "role_specialist",
    "inform",
    "whole_region",
    "district_page",
    "change_help",
    "change_region",
    "main_menu",
    "set_language",
    "choose_language",
    "thank",
    "goodbye",
    "bot_challenge",
    "out_of_scope",
    "risk_check",
    "safety_plan",
    "witness_guide",
    "rights",
    "about",
    "affirm",
    "deny",
    "witness_danger",
    "child_help",
    "abroad",
    "dont_know",
} | {f"question_{q['id']}" for q in yaml.safe_load((ROOT / "content" / "questions.yml").read_text(encoding="utf-8"))["questions"]}
URGENT = {"danger", "witness_danger", "child_help"}
ROLE_OF = {"role_witness": "witness", "role_specialist": "specialist", "witness_danger": "witness", "child_help": "child"}
NEEDS = {"shelter", "psychological", "legal", "social", "medical", "addiction"}
REGIONS = {"BY-BR", "BY-VI", "BY-HO", "BY-HR", "BY-MI", "BY-MA", "BY-HM"}
LANGS = ("ru", "be", "en")
FIELDS = {"text", "lang", "intent", "help_type", "role", "region", "district", "danger"}


def norm(text: str) -> str:
    text = text.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    text = re.sub(r"[^\w\s']", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=None)
def training_examples() -> dict[str, list]:
    """{lang: [Message, ...]} loaded with Rasa's own loader."""
    from rasa.shared.nlu.training_data.loading import load_data

    return {lang: load_data(str(NLU_DIR / lang)).training_examples for lang in LANGS}


@lru_cache(maxsize=None)
def heldout() -> list[dict]:
    return yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def district_regions() -> dict[str, str]:
    with DISTRICTS.open(encoding="utf-8") as fh:
        return {row["district_id"]: row["region_code"] for row in csv.DictReader(fh)}


def expected_help_type(intent: str):
    if intent in URGENT or intent == "need_emergency":
        return "emergency"
    return intent[len("need_") :] if intent.startswith("need_") else None


def test_training_data_parses_with_known_intents():
    for lang, examples in training_examples().items():
        assert examples, lang
        unknown = {e.get("intent") for e in examples} - INTENTS
        assert not unknown, (lang, unknown)


def test_no_sentence_in_two_intents():
    labels = defaultdict(set)
    for examples in training_examples().values():
        for e in examples:
            labels[norm(e.get("text"))].add(e.get("intent"))
    clashes = {t: i for t, i in labels.items() if len(i) > 1}
    assert not clashes, clashes


def test_heldout_schema_and_ids():
    districts = district_regions()
    for item in heldout():
        assert FIELDS <= set(item) <= FIELDS | {"language", "need"}, item
        assert item["lang"] in LANGS, item
        assert item["intent"] in INTENTS, item
        assert item["help_type"] == (item.get("need") or expected_help_type(item["intent"])), item
        assert item["role"] == ROLE_OF.get(item["intent"]), item
        assert item["danger"] is (item["intent"] in URGENT), item
        assert item.get("need") is None or (item["intent"] == "danger" and item["need"] in NEEDS), item
        assert item["region"] is None or item["region"] in REGIONS, item
        if item["district"] is not None:
            assert districts.get(item["district"]) == item["region"], item
        if item["intent"] == "set_language":
            assert item.get("language") in LANGS, item


def test_heldout_coverage():
    items = heldout()
    assert len(items) >= 330
    per_lang = Counter(i["lang"] for i in items)
    assert all(per_lang[lang] >= 100 for lang in LANGS), per_lang
    assert {i["intent"] for i in items} == INTENTS
    # issue 17: at least 15 children's phrasings per language, witnesses now, people abroad
    children = Counter(i["lang"] for i in items if i["intent"] == "child_help")
    assert all(children[lang] >= 15 for lang in LANGS), children
    assert all(
        sum(i["lang"] == lang and i["intent"] == intent for i in items) >= 3
        for lang in LANGS
        for intent in ("witness_danger", "abroad")
    ), "witnesses / abroad"
    assert sum(i["danger"] for i in items) >= 60
    regions = Counter(i["region"] for i in items if i["region"])
    assert all(regions[r] >= 10 for r in REGIONS), regions


def test_heldout_does_not_overlap_training():
    train = {norm(e.get("text")) for ex in training_examples().values() for e in ex}
    overlap = [i["text"] for i in heldout() if norm(i["text"]) in train]
    assert not overlap, overlap


def summary() -> None:
    table = defaultdict(Counter)
    for lang, examples in training_examples().items():
        for e in examples:
            table[e.get("intent")][lang] += 1
    print(f"{'intent':20} " + " ".join(f"{lang:>4}" for lang in LANGS) + "   all")
    for intent in sorted(table):
        row = table[intent]
        print(f"{intent:20} " + " ".join(f"{row[lang]:4}" for lang in LANGS) + f" {sum(row.values()):5}")
    print("training total:", sum(len(x) for x in training_examples().values()))
    items = heldout()
    print(
        "heldout:",
        len(items),
        dict(Counter(i["lang"] for i in items)),
        "danger:",
        sum(i["danger"] for i in items),
        "regions:",
        dict(sorted(Counter(i["region"] for i in items if i["region"]).items())),
    )


if __name__ == "__main__":
    failed = 0
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            try:
                fn()
                print("ok  ", name)
            except AssertionError as exc:
                failed += 1
                print("FAIL", name, str(exc)[:2000])
    summary()
    sys.exit(1 if failed else 0)
