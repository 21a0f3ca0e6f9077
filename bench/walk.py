"""The coverage walk: every district × help type through the real servers, as a person taps.

    .venv/bin/python -m bench.walk                      # starts both servers, walks, prints the table
    .venv/bin/python -m bench.walk --url http://127.0.0.1:5005 --concurrency 4 --json walk.json
    .venv/bin/python -m bench.walk --lang en            # the same walk in the English interface

Each (help type, district) is a fresh conversation through the REST channel: /start, the menu
button of that help type (behind "more" if the menu hides it), the region button, the district
button (paging through the district keyboard), exactly the payloads the keyboards offer. Each
(help type, region) is also walked to "whole region". Which button to press is chosen by the
id in its payload; nothing else is constructed. With ``--lang be|en`` each conversation first taps
the language keyboard ("more" → language → the language), and the table counts the answers with
a word of another language in them (English: any Cyrillic; Belarusian: и, щ, ъ; links left out).
What counts (phones, the hotline, links, length) is ``bench.reply_facts``; the table compares each
district's answer with its region's.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import re
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Sequence, Tuple

import aiohttp

from bench import reply_facts as facts
from bench.servers import REPO

WALKED_HELP_TYPES = ("shelter", "psychological", "legal", "social", "police", "medical", "addiction")
MORE = re.compile(r"ещ[её]|больше|more|яшчэ|болей|інш|другое|other|…|\.\.\.|»|→|⋯", re.IGNORECASE)
ORGANISATIONS = REPO / "directory" / "data" / "organisations.csv"

Reply = List[Dict[str, Any]]


@dataclass
class Answer:
    help_type: str
    region: str
    district: Optional[str]  # None: "whole region"
    title: str
    taps: int
    reply: Reply = field(default_factory=list)
    error: Optional[str] = None
    lang: str = "ru"

    @property
    def text(self) -> str:
        return facts.answer_text(self.reply)


class Talk:
    """One conversation under a fresh id."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url, self.sender, self.taps = session, url, uuid.uuid4().hex, 0

    async def say(self, message: str) -> Reply:
        self.taps += 1
        async with self.session.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": self.sender, "message": message}
        ) as response:
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status} for {message!r}")
            return await response.json(content_type=None) or []


def entities(payload: str) -> Dict[str, str]:
    """The JSON entities of a ``/intent{...}`` payload (empty when there are none)."""
    start = payload.find("{")
    if start < 0:
        return {}
    try:
        value = json.loads(payload[start:])
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def intent(payload: str) -> str:
    return payload.split("{", 1)[0].lstrip("/")


def find(reply: Reply, *, intent_name: Optional[str] = None, **wanted: str) -> Optional[Dict[str, str]]:
    for button in facts.buttons(reply):
        payload = button.get("payload") or ""
        if intent_name is not None and intent(payload) != intent_name:
            continue
        found = entities(payload)
        if all(found.get(k) == v for k, v in wanted.items()):
            return button
    return None


async def tap_help(talk: Talk, help_type: str) -> Reply:
    """/start, then the help type's menu button, opening "more" when the menu hides it."""
    reply = await talk.say("/start")
    for _ in range(3):
        button = find(reply, intent_name=f"need_{help_type}")
        if button:
            return await talk.say(button["payload"])
        others = [b for b in facts.buttons(reply) if not (b.get("payload") or "").startswith("/need_")]
        more = next(
            (b for b in others if re.search(r"more|menu|page", b.get("payload") or "", re.IGNORECASE)),
            next((b for b in others if MORE.search(b.get("title") or "")), None),
        )
        if more is None:
            break
        reply = await talk.say(more["payload"])
    raise LookupError(f"no menu button for {help_type}")


async def tap_language(talk: Talk, lang: str) -> Reply:
    """/start, then the language keyboard's button for `lang` (behind "more" → language)."""
    reply = await talk.say("/start")
    for _ in range(3):
        button = find(reply, intent_name="set_language", language=lang)
        if button:
            return await talk.say(button["payload"])
        step = find(reply, intent_name="choose_language") or next(
            (b for b in facts.buttons(reply) if re.search(r"more|menu", b.get("payload") or "", re.IGNORECASE)), None
        )
        if step is None:
            break
        reply = await talk.say(step["payload"])
    raise LookupError(f"no language button for {lang}")


async def tap_district(talk: Talk, reply: Reply, district: Optional[str]) -> Reply:
    """Press the district's button (or "whole region"), paging forward through the keyboard."""
    seen_pages = set()
    for _ in range(30):
        button = find(reply, intent_name="whole_region") if district is None else find(reply, district=district)
        if button:
            reply = await talk.say(button["payload"])
            whole_city = find(reply, intent_name="whole_region") if district is not None else None
            if whole_city and any("district" in entities(b.get("payload") or "") for b in facts.buttons(reply)):
                # a city asks which of its urban districts: "I don't know / the whole city"
                reply = await talk.say(whole_city["payload"])
            return reply
        pages = [
            b
            for b in facts.buttons(reply)
            if intent(b.get("payload") or "") == "district_page" and b["payload"] not in seen_pages
        ]
        forward = max(pages, key=lambda b: int(entities(b["payload"]).get("page", "0") or 0), default=None)
        if forward is None:
            raise LookupError(f"no button for district {district}")
        seen_pages.add(forward["payload"])
        reply = await talk.say(forward["payload"])
    raise LookupError(f"district {district} not reached")


async def walk_one(
    session: aiohttp.ClientSession, url: str, help_type: str, region: str, district: Optional[str], title: str, lang: str = "ru"
) -> Answer:
    talk = Talk(session, url)
    answer = Answer(help_type, region, district, title, 0, lang=lang)
    try:
        if lang != "ru":
            await tap_language(talk, lang)
        reply = await tap_help(talk, help_type)
        button = find(reply, region=region)
        if button is None:
            raise LookupError(f"{help_type}: no button for region {region}")
        reply = await talk.say(button["payload"])
        answer.reply = await tap_district(talk, reply, district)
    except (LookupError, RuntimeError, aiohttp.ClientError, asyncio.TimeoutError) as error:
        answer.error = f"{type(error).__name__}: {error}"
    answer.taps = talk.taps
    return answer


async def places(session: aiohttp.ClientSession, url: str, help_type: str = "legal") -> Dict[str, List[Tuple[str, str]]]:
    """{region: [(district id, button title), ...]} as the keyboards offer them."""
    talk = Talk(session, url)
    reply = await tap_help(talk, help_type)
    regions = [entities(b["payload"])["region"] for b in facts.buttons(reply) if "region" in entities(b["payload"])]
    found: Dict[str, List[Tuple[str, str]]] = {}
    for region in regions:
        talk = Talk(session, url)
        reply = await talk.say(find(await tap_help(talk, help_type), region=region)["payload"])
        districts: Dict[str, str] = {}
        seen = set()
        while True:
            for button in facts.buttons(reply):
                district = entities(button.get("payload") or "").get("district")
                if district:
                    districts.setdefault(district, button.get("title") or district)
            pages = [
                b for b in facts.buttons(reply) if intent(b.get("payload") or "") == "district_page" and b["payload"] not in seen
            ]
            forward = max(pages, key=lambda b: int(entities(b["payload"]).get("page", "0") or 0), default=None)
            if forward is None or int(entities(forward["payload"]).get("page", "0") or 0) == 0:
                break
            seen.add(forward["payload"])
            reply = await talk.say(forward["payload"])
        found[region] = list(districts.items())
    return found


async def walk(url: str, help_types: Sequence[str] = WALKED_HELP_TYPES, concurrency: int = 4, lang: str = "ru") -> List[Answer]:
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        where = await places(session, url)
        jobs = [(h, region, None, "whole region") for h in help_types for region in where]
        jobs += [(h, region, d, title) for h in help_types for region, ds in where.items() for d, title in ds]
        gate = asyncio.Semaphore(concurrency)

        async def one(job):
            async with gate:
                return await walk_one(session, url, *job, lang=lang)

        return list(await asyncio.gather(*(one(job) for job in jobs)))


# ---- what the walk finds ----


def region_wide_lines(help_type: str, region: str) -> List[Tuple[str, List[str]]]:
    """(id, phone digits) of the active region-wide entries of this kind (no district) in
    organisations.csv: a district answer must not hide them."""
    from directory.constants import services_for

    wanted = set(services_for(help_type))
    lines = []
    with ORGANISATIONS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("active", "").strip().lower() != "true" or row.get("region") != region or row.get("district"):
                continue
            if not wanted & set((row.get("services") or "").split(";")):
                continue
            numbers = [p.digits for p in facts.phones(row.get("phones") or "") if p.is_contact]
            if numbers:
                lines.append((row["id"], numbers))
    return lines


def shows(text: str, numbers: Sequence[str]) -> bool:
    printed = [p.digits for p in facts.phones(text)]
    return any(facts.same_number(n, p) for n in numbers for p in printed)


@dataclass
class Findings:
    pairs: int = 0
    errors: List[str] = field(default_factory=list)
    with_1: int = 0
    with_3: int = 0
    empty_though_region_has: List[str] = field(default_factory=list)
    hidden_region_lines: List[str] = field(default_factory=list)
    undiallable_numbers: List[str] = field(default_factory=list)  # distinct, as printed
    answers_with_undiallable: int = 0
    answers_with_repeats: int = 0
    chars: List[int] = field(default_factory=list)
    messages: List[int] = field(default_factory=list)
    hotline: List[int] = field(default_factory=list)
    map_answers: int = 0
    map_lengths: List[int] = field(default_factory=list)
    taps: List[int] = field(default_factory=list)
    regions_with_1: int = 0
    regions: int = 0
    foreign: List[str] = field(default_factory=list)  # "help/district: word" (answers not in the walk's language)


def findings(answers: Sequence[Answer]) -> Findings:
    found = Findings()
    whole = {(a.help_type, a.region): a for a in answers if a.district is None and not a.error}
    for answer in whole.values():
        found.regions += 1
        found.regions_with_1 += bool(facts.contact_phones(answer.text))
    shown_lines: Dict[Tuple[str, str], List[Tuple[str, List[str]]]] = {
        key: [line for line in region_wide_lines(*key) if shows(answer.text, line[1])] for key, answer in whole.items()
    }
    undiallable: Dict[str, None] = {}
    for answer in answers:
        if answer.district is None:
            continue
        found.pairs += 1
        if answer.error:
            found.errors.append(f"{answer.help_type}/{answer.district}: {answer.error}")
            continue
        text = answer.text
        contacts = facts.contact_phones(text)
        found.with_1 += len(contacts) >= 1
        found.with_3 += len(contacts) >= 3
        region_answer = whole.get((answer.help_type, answer.region))
        if not contacts and region_answer and facts.contact_phones(region_answer.text):
            found.empty_though_region_has.append(f"{answer.help_type}/{answer.district}")
        for line_id, numbers in shown_lines.get((answer.help_type, answer.region), []):
            if not shows(text, numbers):
                found.hidden_region_lines.append(f"{answer.help_type}/{answer.district}: {line_id}")
        bad = facts.undiallable(text)
        found.answers_with_undiallable += bool(bad)
        for number in bad:
            undiallable.setdefault(number, None)
        found.answers_with_repeats += bool(facts.repeated_numbers(text))
        found.chars.append(facts.chars(answer.reply))
        found.messages.append(facts.messages(answer.reply))
        found.hotline.append(facts.hotline_mentions(text))
        maps = facts.map_links(answer.reply)
        found.map_answers += bool(maps)
        found.map_lengths.extend(len(url) for url in maps)
        found.taps.append(answer.taps)
        words = facts.foreign_words(text, answer.lang)
        if words:
            found.foreign.append(f"{answer.help_type}/{answer.district}: {words[0]}")
    found.undiallable_numbers = list(undiallable)
    return found


def table(found: Findings, title: str = "") -> str:
    p = facts.percentile
    n = found.pairs or 1

    def share(k: int) -> str:
        return f"{k} ({100 * k / n:.0f} %)"

    rows = [
        ("(district, help type) pairs walked", f"{found.pairs}" + (f", {len(found.errors)} failed" if found.errors else ""), ""),
        ("pairs with ≥ 1 contact phone (not 101/102/103/112, not the hotline)", share(found.with_1), "↑"),
        ("pairs with ≥ 3 contact phones", share(found.with_3), "↑"),
        ("pairs where the district shows nothing though the region holds some", str(len(found.empty_though_region_has)), "0"),
        ("pairs where a region-wide line of that kind is hidden by a district entry", str(len(found.hidden_region_lines)), "0"),
        ("numbers printed without an area code (distinct)", str(len(found.undiallable_numbers)), "0"),
        ("answers printing a number without an area code", share(found.answers_with_undiallable), "0"),
        ("answers printing the same contact number twice", share(found.answers_with_repeats), "0"),
        ("answer length, characters p50 / p95", f"{p(found.chars, .5):.0f} / {p(found.chars, .95):.0f}", "≤ 1000"),
        ("messages per answer p50 / p95", f"{p(found.messages, .5):.0f} / {p(found.messages, .95):.0f}", "≤ 3"),
        (
            "hotline mentions per answer p50 / max; answers with > 1",
            f"{p(found.hotline, .5):.0f} / {max(found.hotline, default=0)}; {sum(h > 1 for h in found.hotline)}",
            "≤ 1",
        ),
        (
            "answers with a map link; link length p50 / max",
            f"{found.map_answers}; "
            + (f"{p(found.map_lengths, .5):.0f} / {max(found.map_lengths)}" if found.map_lengths else "–"),
            "short",
        ),
        ("taps to the answer (incl. /start) p50 / max", f"{p(found.taps, .5):.0f} / {max(found.taps, default=0)}", ""),
        ("(region, help type) 'whole region' answers with ≥ 1 contact phone", f"{found.regions_with_1} of {found.regions}", ""),
        ("answers with a word of another language (be/en walks)", share(len(found.foreign)), "0"),
    ]
    width = max(len(r[0]) for r in rows)
    lines = ([title] if title else []) + [f"| {'measure':<{width}} | value | target |", f"|{'-' * (width + 2)}|---|---|"]
    lines += [f"| {name:<{width}} | {value} | {target} |" for name, value, target in rows]
    return "\n".join(lines)


def details(found: Findings, limit: int = 12) -> str:
    parts = []
    for name, items in (
        ("district empty though region has", found.empty_though_region_has),
        ("region-wide line hidden", found.hidden_region_lines),
        ("numbers without area code", found.undiallable_numbers),
        ("another language", found.foreign),
        ("errors", found.errors),
    ):
        if items:
            parts.append(f"{name} ({len(items)}): " + "; ".join(items[:limit]) + (" …" if len(items) > limit else ""))
    return "\n".join(parts)


async def measure(
    url: str, help_types: Sequence[str], concurrency: int, lang: str = "ru"
) -> Tuple[List[Answer], Findings, float]:
    started = time.monotonic()
    answers = await walk(url, help_types, concurrency, lang)
    return answers, findings(answers), time.monotonic() - started


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running assistant's Rasa server (default: start both servers here)")
    parser.add_argument("--concurrency", type=int, default=4, help="conversations at once")
    parser.add_argument("--help-types", default=",".join(WALKED_HELP_TYPES))
    parser.add_argument("--json", help="also write every answer and the findings to this file")
    parser.add_argument("--lang", choices=("ru", "be", "en"), default="ru", help="the interface language to walk in")
    args = parser.parse_args(argv)
    help_types = [h for h in args.help_types.split(",") if h]

    def run(url: str) -> Tuple[List[Answer], Findings, float]:
        if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
            parser.error("the walk only targets this machine (127.0.0.0/8, localhost, [::1])")
        return asyncio.run(measure(url.rstrip("/"), help_types, args.concurrency, args.lang))

    if args.url:
        answers, found, seconds = run(args.url)
    else:
        from bench.served import assistant

        with assistant() as url:
            answers, found, seconds = run(url)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(table(found, f"Coverage walk ({args.lang}), {stamp}: {len(help_types)} help types × every district, {seconds:.0f} s"))
    print(details(found))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"findings": asdict(found), "answers": [asdict(a) for a in answers]}, handle, ensure_ascii=False, indent=1)
    return 1 if found.errors else 0


if __name__ == "__main__":
    sys.exit(main())
