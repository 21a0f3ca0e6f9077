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
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

REPO = Path(__file__).resolve().parents[2]
HELP_FROM_INTENT = {f"need_{h}": h for h in
                    ("emergency", "shelter", "psychological", "legal", "social", "police", "medical", "addiction", "hotline")}
HELP_FROM_INTENT["danger"] = "emergency"
ROLE_FROM_INTENT = {"role_witness": "witness", "role_specialist": "specialist"}


def predicted_slots(parse: Dict[str, Any]) -> Dict[str, Optional[str]]:
    intent = (parse.get("intent") or {}).get("name")
    entities = parse.get("entities") or []

    def first(name: str) -> Optional[str]:
        return next((e["value"] for e in entities if e.get("entity") == name), None)

    return {
        "intent": intent,
        "help_type": HELP_FROM_INTENT.get(intent),
        "role": ROLE_FROM_INTENT.get(intent),
        "region": first("region"),
        "district": first("district"),
        "danger": intent == "danger",
    }


async def parse_all(model: Path, texts: List[str]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(REPO / "models" / "dv-help.tar.gz"))
    parser.add_argument("--set", default=str(REPO / "tests" / "nlu_eval" / "heldout.yml"))
    parser.add_argument("--show", type=int, default=40, help="how many wrong messages to list")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug otherwise

    items = yaml.safe_load(Path(args.set).read_text(encoding="utf-8"))
    started = time.perf_counter()
    parses = asyncio.run(parse_all(Path(args.model), [item["text"] for item in items]))
    elapsed = time.perf_counter() - started

    slots = ("intent", "help_type", "role", "region", "district")
    correct = collections.Counter()
    by_lang = collections.defaultdict(collections.Counter)
    confusions: Dict[str, collections.Counter] = {slot: collections.Counter() for slot in slots}
    wrong: List[str] = []
    danger_total = danger_found = false_alarms = 0
    for item, parse in zip(items, parses):
        got = predicted_slots(parse)
        for slot in slots:
            expected = item.get(slot)
            if got[slot] == expected:
                correct[slot] += 1
                by_lang[item["lang"]][slot] += 1
            else:
                confusions[slot][(expected, got[slot])] += 1
                if slot in ("help_type", "region", "district"):
                    wrong.append(f"  [{item['lang']}] {slot}: expected {expected}, got {got[slot]}  «{item['text']}»")
        if item.get("danger"):
            danger_total += 1
            danger_found += got["danger"]
        else:
            false_alarms += got["danger"]

    total = len(items)
    langs = collections.Counter(item["lang"] for item in items)
    print(f"\nHeld-out set: {total} messages ({', '.join(f'{l} {n}' for l, n in sorted(langs.items()))}); "
          f"parsed in {elapsed:.1f} s ({elapsed / total * 1000:.1f} ms/message incl. model load)\n")
    print(f"{'slot':<10} {'all':>7}  " + "  ".join(f"{l:>6}" for l in sorted(langs)))
    for slot in slots:
        row = "  ".join(f"{by_lang[l][slot] / langs[l]:6.1%}" for l in sorted(langs))
        print(f"{slot:<10} {correct[slot] / total:7.1%}  {row}")
    print(f"\ndanger recall: {danger_found}/{danger_total} = {danger_found / max(danger_total, 1):.1%}; "
          f"false alarms: {false_alarms}/{total - danger_total}")
    for slot in slots:
        if confusions[slot]:
            top = ", ".join(f"{e}→{g} ×{n}" for (e, g), n in confusions[slot].most_common(8))
            print(f"confusions {slot}: {top}")
    if wrong and args.show:
        print("\nwrong (first %d):" % args.show)
        print("\n".join(wrong[: args.show]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
