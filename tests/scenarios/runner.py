"""The scenario suite: realistic conversations (tests/scenarios/*.yml) through the real servers.

    .venv/bin/python -m tests.scenarios.runner                 # starts both servers, runs all, prints shares
    .venv/bin/python -m tests.scenarios.runner --url http://127.0.0.1:5005 --only ru-gomel-lawyer -v

A scenario is data: a persona, turns (``say: text`` typed, or ``tap: regex`` = press the button
of the last answer whose title matches), expectations per turn and for every answer. What a
reply contains (phones, hotline, language, length) is ``bench.reply_facts``. Scenarios with
``known_failure`` describe behaviour not built yet; the pytest test (test_scenarios.py) requires
each of them to fail and every other one to pass.

Expectation keys (per turn under ``expect``, for all answers under ``every``):
  must / must_not        regexes (case-insensitive) the answer's text must / must not match
  first_must             regexes the answer's first message must match
  first_has / has        numbers the first message / the answer must print (e.g. "102")
  has_not                numbers the answer must not print
  contact_phone          true: at least one contact phone (not 101/102/103/112, not the hotline)
  max_chars / max_messages / hotline_max   budgets for the answer
  lang                   language of the answer's text (ru / be / en)
  buttons / no_buttons   regexes some / no button title may match
  max_buttons            at most this many buttons
  mentions               regexes the answer's text or its button titles must match
  diallable              true: no number printed without an area code
  no_repeats             true: no contact number printed twice
  map_link_max           every map link at most this many characters
  pure                   true: the answer's text (links left out) has no letter of another language for
                         its ``lang``: en no Cyrillic, be none of и щ ъ (issue 17.7)
  result                 true: a results answer's budget (RESULT: ≤ 1000 characters, ≤ 3 messages,
                         every number diallable and printed once)
Every answer of every scenario also gets EVERY (the hotline at most once) unless ``every`` overrides it.
Scenario keys: ``contact_phone_by: N`` — a contact phone by the N-th turn (a leading /start
not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import aiohttp
import yaml

from bench import reply_facts as facts

HERE = Path(__file__).resolve().parent
LANGS = ("ru", "be", "en")
TURN_KEYS = {
    "must",
    "must_not",
    "first_must",
    "first_has",
    "has",
    "has_not",
    "contact_phone",
    "max_chars",
    "max_messages",
    "hotline_max",
    "lang",
    "buttons",
    "no_buttons",
    "max_buttons",
    "mentions",
    "diallable",
    "no_repeats",
    "map_link_max",
    "result",
    "pure",
}
SCENARIO_KEYS = {"id", "issue", "covers", "lang", "persona", "turns", "every", "contact_phone_by", "known_failure"}

Reply = List[Dict[str, Any]]

EVERY = {"hotline_max": 1}  # for every answer of every scenario (issue 16.4), unless the scenario says otherwise
RESULT = {"max_chars": 1000, "max_messages": 3, "diallable": True, "no_repeats": True}  # ``result: true`` (issue 16.5)


def load(directory: Path = HERE) -> List[Dict[str, Any]]:
    scenarios: List[Dict[str, Any]] = []
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            item["file"] = path.name
            scenarios.append(item)
    return scenarios


def schema_problems(scenario: Dict[str, Any]) -> List[str]:
    problems = [f"unknown key {k}" for k in set(scenario) - SCENARIO_KEYS - {"file"}]
    for key in ("id", "issue", "lang", "persona", "turns"):
        if key not in scenario:
            problems.append(f"missing {key}")
    if scenario.get("lang") not in LANGS:
        problems.append(f"lang {scenario.get('lang')!r}")
    if scenario.get("issue") not in (16, 17):
        problems.append(f"issue {scenario.get('issue')!r}")
    for turn in scenario.get("turns") or []:
        if len({"say", "tap"} & set(turn)) != 1:
            problems.append(f"turn needs exactly one of say/tap: {turn}")
        problems += [f"unknown expectation {k}" for k in set(turn.get("expect") or {}) - TURN_KEYS]
    problems += [f"unknown expectation {k}" for k in set(scenario.get("every") or {}) - TURN_KEYS]
    return problems


def check(expect: Dict[str, Any], reply: Reply, where: str) -> List[str]:
    """What in ``reply`` breaks ``expect`` (empty: all holds)."""
    if expect.get("result"):
        expect = {**RESULT, **{k: v for k, v in expect.items() if k != "result"}}
    text = facts.answer_text(reply)
    first = (reply[0].get("text") or "") if reply else ""
    titles = [b.get("title") or "" for b in facts.buttons(reply)]
    bad: List[str] = []
    for pattern in expect.get("must", []):
        if not re.search(pattern, text, re.IGNORECASE):
            bad.append(f"{where}: no /{pattern}/")
    for pattern in expect.get("must_not", []):
        if found := re.search(pattern, text, re.IGNORECASE):
            bad.append(f"{where}: has /{pattern}/ ({found.group(0)!r})")
    if expect.get("pure") and (found := facts.foreign_words(text, expect.get("lang", ""))):
        bad.append(f"{where}: {found[0]!r} is not {expect['lang']}")
    for pattern in expect.get("first_must", []):
        if not re.search(pattern, first, re.IGNORECASE):
            bad.append(f"{where}: first message lacks /{pattern}/")
    for number in expect.get("first_has", []):
        if not facts.has_number(first, str(number)):
            bad.append(f"{where}: first message lacks {number}")
    for number in expect.get("has", []):
        if not facts.has_number(text, str(number)):
            bad.append(f"{where}: no {number}")
    for number in expect.get("has_not", []):
        if facts.has_number(text, str(number)):
            bad.append(f"{where}: prints {number}")
    if expect.get("contact_phone") and not facts.contact_phones(text):
        bad.append(f"{where}: no contact phone")
    if "max_chars" in expect and facts.chars(reply) > expect["max_chars"]:
        bad.append(f"{where}: {facts.chars(reply)} chars > {expect['max_chars']}")
    if "max_messages" in expect and facts.messages(reply) > expect["max_messages"]:
        bad.append(f"{where}: {facts.messages(reply)} messages > {expect['max_messages']}")
    if "hotline_max" in expect and facts.hotline_mentions(text) > expect["hotline_max"]:
        bad.append(f"{where}: hotline printed {facts.hotline_mentions(text)}×")
    if "lang" in expect and (said := facts.language(text)) not in (expect["lang"], None):
        bad.append(f"{where}: answered in {said}, not {expect['lang']}")
    for pattern in expect.get("buttons", []):
        if not any(re.search(pattern, t, re.IGNORECASE) for t in titles):
            bad.append(f"{where}: no button /{pattern}/")
    for pattern in expect.get("no_buttons", []):
        if hit := next((t for t in titles if re.search(pattern, t, re.IGNORECASE)), None):
            bad.append(f"{where}: button {hit!r} matches /{pattern}/")
    if "max_buttons" in expect and len(titles) > expect["max_buttons"]:
        bad.append(f"{where}: {len(titles)} buttons > {expect['max_buttons']}")
    for pattern in expect.get("mentions", []):
        if not re.search(pattern, "\n".join([text] + titles), re.IGNORECASE):
            bad.append(f"{where}: neither text nor buttons mention /{pattern}/")
    if expect.get("diallable") and (local := facts.undiallable(text)):
        bad.append(f"{where}: numbers without an area code {local}")
    if expect.get("no_repeats") and (twice := facts.repeated_numbers(text)):
        bad.append(f"{where}: printed twice {twice}")
    if "map_link_max" in expect and (long := [u for u in facts.map_links(reply) if len(u) > expect["map_link_max"]]):
        bad.append(f"{where}: map link of {len(long[0])} characters")
    return bad


def pick(reply: Reply, pattern: str) -> Optional[Dict[str, str]]:
    return next((b for b in facts.buttons(reply) if re.search(pattern, b.get("title") or "", re.IGNORECASE)), None)


def next_page(reply: Reply) -> Optional[Dict[str, str]]:
    """The keyboard's "more" button (paging forward through districts, or the first menu's "more"
    that shows the other kinds of help and the language), as a person looking for a button taps it."""
    forward = [b for b in facts.buttons(reply) if (b.get("payload") or "").startswith("/district_page")]
    if forward:
        return max(forward, key=lambda b: b["payload"])
    return next(
        (b for b in facts.buttons(reply) if (b.get("payload") or "").replace(" ", "") == '/main_menu{"menu":"more"}'), None
    )


@dataclass
class Outcome:
    scenario: Dict[str, Any]
    problems: List[str] = field(default_factory=list)
    transcript: List[tuple] = field(default_factory=list)  # (sent, reply)

    @property
    def passed(self) -> bool:
        return not self.problems


async def say(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> Reply:
    async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}) as response:
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        return await response.json(content_type=None) or []


async def run_one(session: aiohttp.ClientSession, url: str, scenario: Dict[str, Any]) -> Outcome:
    outcome = Outcome(scenario, schema_problems(scenario))
    if outcome.problems:
        return outcome
    sender = uuid.uuid4().hex
    reply: Reply = []
    counted = 0
    phone_at: Optional[int] = None
    for number, turn in enumerate(scenario["turns"], 1):
        where = f"turn {number}"
        if "tap" in turn:
            button, pages = pick(reply, turn["tap"]), 0
            while button is None and (forward := next_page(reply)) and pages < 5:  # page on to find it
                pages += 1
                counted += 1
                reply = await say(session, url, sender, forward["payload"])
                outcome.transcript.append((forward["payload"], reply))
                button = pick(reply, turn["tap"])
            if button is None:
                outcome.problems.append(
                    f"{where}: no button /{turn['tap']}/ to tap (had: " f"{[b.get('title') for b in facts.buttons(reply)][:10]})"
                )
                break
            message = button["payload"]
        else:
            message = str(turn["say"])
        try:
            reply = await say(session, url, sender, message)
        except (RuntimeError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            outcome.problems.append(f"{where}: {type(error).__name__} {error}")
            break
        outcome.transcript.append((message, reply))
        if not (number == 1 and message == "/start"):
            counted += 1
        if phone_at is None and facts.contact_phones(facts.answer_text(reply)):
            phone_at = counted
        if not reply:
            outcome.problems.append(f"{where}: no answer")
        outcome.problems += check({**EVERY, **(scenario.get("every") or {})}, reply, where)
        outcome.problems += check(turn.get("expect") or {}, reply, where)
    limit = scenario.get("contact_phone_by")
    if limit is not None and (phone_at is None or phone_at > limit):
        outcome.problems.append(f"first contact phone at turn {phone_at or 'never'}, wanted by {limit}")
    return outcome


async def run_all(url: str, scenarios: Sequence[Dict[str, Any]], concurrency: int = 4) -> List[Outcome]:
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def one(scenario):
            async with gate:
                return await run_one(session, url, scenario)

        return list(await asyncio.gather(*(one(s) for s in scenarios)))


def shares(outcomes: Sequence[Outcome]) -> str:
    """Passing share per language and per issue, and how the known failures stand."""
    lines = []
    for name, key in (("language", "lang"), ("issue", "issue")):
        total, good = Counter(), Counter()
        for outcome in outcomes:
            total[outcome.scenario[key]] += 1
            good[outcome.scenario[key]] += outcome.passed
        lines.append(
            f"pass share by {name}: "
            + ", ".join(f"{k} {good[k]}/{total[k]} ({100 * good[k] / total[k]:.0f} %)" for k in sorted(total, key=str))
        )
    everyone = len(outcomes)
    passed = sum(o.passed for o in outcomes)
    marked = [o for o in outcomes if o.scenario.get("known_failure")]
    lines.append(
        f"all: {passed}/{everyone} pass ({100 * passed / max(everyone, 1):.0f} %); "
        f"{len(marked)} marked known_failure, of which {sum(o.passed for o in marked)} now pass; "
        f"{sum(not o.passed for o in outcomes if not o.scenario.get('known_failure'))} unmarked fail"
    )
    return "\n".join(lines)


def describe(outcome: Outcome, verbose: bool = False) -> str:
    s = outcome.scenario
    mark = "PASS" if outcome.passed else "FAIL"
    known = " (known_failure)" if s.get("known_failure") else ""
    head = f"{mark} {s['id']} [{s['lang']}, issue {s['issue']}]{known}"
    body = "".join(f"\n     - {p}" for p in outcome.problems[: None if verbose else 3])
    if verbose:
        for sent, reply in outcome.transcript:
            body += f"\n   > {sent}\n" + "\n".join(
                f"   < {m.get('text')!r} {[b.get('title') for b in m.get('buttons') or []]}" for m in reply
            )
    return head + body


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running assistant's Rasa server (default: start both servers here)")
    parser.add_argument("--only", help="run only scenarios whose id contains this")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every problem and the transcript")
    args = parser.parse_args(argv)
    scenarios = [s for s in load() if not args.only or args.only in s["id"]]

    def run(url: str) -> List[Outcome]:
        return asyncio.run(run_all(url.rstrip("/"), scenarios, args.concurrency))

    if args.url:
        outcomes = run(args.url)
    else:
        from bench.served import assistant

        with assistant() as url:
            outcomes = run(url)
    for outcome in outcomes:
        print(describe(outcome, args.verbose))
    print(shares(outcomes))
    unexpected = [o for o in outcomes if o.passed == bool(o.scenario.get("known_failure"))]
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
