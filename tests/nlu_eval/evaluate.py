"""Score a trained model on the held-out set: per-slot accuracy, danger recall, confusions.

    .venv/bin/python -m tests.nlu_eval.evaluate [--model models/dv-help.tar.gz] [--set tests/nlu_eval/heldout.yml]

The held-out messages are never used for training (tests/nlu_eval/test_heldout_data.py checks
that). Expected values follow the slot contract in docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

REPO = Path(__file__).resolve().parents[2]
HELP_FROM_INTENT = {
    f"need_{h}": h
    for h in ("emergency", "shelter", "psychological", "legal", "social", "police", "medical", "addiction", "hotline")
}
URGENT = ("danger", "witness_danger", "child_help")  # 102 first (components/danger_priority.py)
HELP_FROM_INTENT.update({intent: "emergency" for intent in URGENT})
ROLE_FROM_INTENT = {
    "role_witness": "witness",
    "role_specialist": "specialist",
    "witness_danger": "witness",
    "child_help": "child",
}


def predicted_slots(parse: Dict[str, Any]) -> Dict[str, Optional[str]]:
    intent = (parse.get("intent") or {}).get("name")
    entities = parse.get("entities") or []

    def first(name: str) -> Optional[str]:
        return next((e["value"] for e in entities if e.get("entity") == name), None)

    return {
        "intent": intent,
        # the need kept under danger fills the slot first (domain.yml help_type mappings)
        "help_type": first("need") or HELP_FROM_INTENT.get(intent),
        "role": ROLE_FROM_INTENT.get(intent),
        "region": first("region"),
        "district": first("district"),
        "danger": intent in URGENT,
        # the need kept under danger (entity `need`), else the need the intent names
        "need": first("need") or (HELP_FROM_INTENT.get(intent) if intent and intent.startswith("need_") else None),
    }


async def parse_all(model: Path, texts: List[str]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


TARGETS = {"help_type": 0.95, "region": 0.97, "danger_recall": 0.99}
SLOTS = ("intent", "help_type", "role", "region", "district")


@dataclass
class Report:
    total: int
    langs: Dict[str, int]
    correct: Dict[str, int]
    by_lang: Dict[str, Dict[str, int]]
    confusions: Dict[str, collections.Counter]
    wrong: List[str]
    danger_total: int
    danger_found: int
    false_alarms: int
    seconds: float
    # issue 17: who is writing (child / witness now / abroad) and the need kept under danger
    moments: Dict[str, collections.Counter] = None

    def accuracy(self, slot: str) -> float:
        return self.correct[slot] / self.total

    @property
    def danger_recall(self) -> float:
        return self.danger_found / max(self.danger_total, 1)

    def below_targets(self) -> List[str]:
        measured = {
            "help_type": self.accuracy("help_type"),
            "region": self.accuracy("region"),
            "danger_recall": self.danger_recall,
        }
        return [f"{name} {measured[name]:.1%} < {target:.0%}" for name, target in TARGETS.items() if measured[name] < target]


def evaluate(model: Path, heldout: Path) -> Report:
    """Parse every held-out message with the model and compare with the expected slots."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug otherwise
    items = yaml.safe_load(Path(heldout).read_text(encoding="utf-8"))
    started = time.perf_counter()
    parses = asyncio.run(parse_all(Path(model), [item["text"] for item in items]))
    report = Report(
        total=len(items),
        langs=dict(collections.Counter(item["lang"] for item in items)),
        correct=collections.Counter(),
        by_lang=collections.defaultdict(collections.Counter),
        confusions={slot: collections.Counter() for slot in SLOTS},
        wrong=[],
        danger_total=0,
        danger_found=0,
        false_alarms=0,
        seconds=time.perf_counter() - started,
        moments=collections.defaultdict(collections.Counter),
    )
    for item, parse in zip(items, parses, strict=False):
        got = predicted_slots(parse)
        for slot in SLOTS:
            expected = item.get(slot)
            if got[slot] == expected:
                report.correct[slot] += 1
                report.by_lang[item["lang"]][slot] += 1
            else:
                report.confusions[slot][(expected, got[slot])] += 1
                if slot in ("help_type", "region", "district"):
                    report.wrong.append(f"  [{item['lang']}] {slot}: expected {expected}, got {got[slot]}  «{item['text']}»")
        for moment in ("child_help", "witness_danger", "abroad"):
            if item["intent"] == moment:
                report.moments[moment][item["lang"] + "_total"] += 1
                report.moments[moment][item["lang"]] += got["intent"] == moment
        if item["intent"].startswith("question_") or item["intent"] == "dont_know":
            # issue 17.6: which direct question (content/questions.yml), and the self-check's "don't know"
            key = "dont_know" if item["intent"] == "dont_know" else "questions (17.6)"
            report.moments[key][item["lang"] + "_total"] += 1
            report.moments[key][item["lang"]] += got["intent"] == item["intent"]
        if item.get("need"):
            report.moments["need kept under danger"][item["lang"] + "_total"] += 1
            report.moments["need kept under danger"][item["lang"]] += got["danger"] and got["need"] == item["need"]
        if item.get("danger"):
            report.danger_total += 1
            report.danger_found += got["danger"]
        else:
            report.false_alarms += got["danger"]
        # per language: urgent messages found, and calm ones taken for danger
        key = "danger recall" if item.get("danger") else "false alarms"
        report.moments[key][item["lang"] + "_total"] += 1
        report.moments[key][item["lang"]] += got["danger"]
    return report


def print_report(report: Report, show: int) -> None:
    langs = sorted(report.langs)
    print(
        f"\nHeld-out set: {report.total} messages ({', '.join(f'{lang} {report.langs[lang]}' for lang in langs)}); "
        f"parsed in {report.seconds:.1f} s including model load\n"
    )
    print(f"{'slot':<10} {'all':>7}  " + "  ".join(f"{lang:>6}" for lang in langs))
    for slot in SLOTS:
        row = "  ".join(f"{report.by_lang[lang][slot] / report.langs[lang]:6.1%}" for lang in langs)
        print(f"{slot:<10} {report.accuracy(slot):7.1%}  {row}")
    print(
        f"\ndanger recall: {report.danger_found}/{report.danger_total} = {report.danger_recall:.1%}; "
        f"false alarms: {report.false_alarms}/{report.total - report.danger_total}"
    )
    print()
    for moment, counts in sorted(report.moments.items()):
        cells = "  ".join(f"{lang} {counts[lang]}/{counts[lang + '_total']}" for lang in langs if counts[lang + "_total"])
        print(f"{moment:<24} {cells}")
    for slot in SLOTS:
        if report.confusions[slot]:
            top = ", ".join(f"{e}→{g} ×{n}" for (e, g), n in report.confusions[slot].most_common(8))
            print(f"confusions {slot}: {top}")
    if report.wrong and show:
        print("\nwrong (first %d):" % show)
        print("\n".join(report.wrong[:show]))
    failing = report.below_targets()
    print("\ntargets: " + ("all met" if not failing else "NOT MET: " + "; ".join(failing)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(REPO / "models" / "dv-help.tar.gz"))
    parser.add_argument("--set", default=str(REPO / "tests" / "nlu_eval" / "heldout.yml"))
    parser.add_argument("--show", type=int, default=40, help="how many wrong messages to list")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    report = evaluate(Path(args.model), Path(args.set))
    print_report(report, args.show)
    return 1 if report.below_targets() else 0


if __name__ == "__main__":
    raise SystemExit(main())
