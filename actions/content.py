"""Reviewed guide content from ``content/``: risk self-check, safety plan, witnesses, rights, about.

Trainers and lawyers edit the YAML files there, never code. Each screen carries its text in
ru/be/en next to the sources it rests on. Loading checks the whole tree at once and refuses
content that breaks a rule (missing language, unknown source, screen too long for a phone,
a placeholder other than the emergency numbers), so a mistake is caught by the tests and at
start-up, not in front of a person in crisis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Tuple

import yaml

from directory import HELP_TYPES

from actions.texts import LANGUAGES
from safety import fallback

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
GUIDE_IDS = ("safety_plan", "witness", "rights", "about")
# Longest text on one screen, in characters: a phone screen without scrolling far.
MAX_SCREEN_CHARS = 600
PLACEHOLDERS = frozenset({"police", "ambulance", "emergency", "hotline"})
SOURCE_KINDS = frozenset({"law", "official", "instrument", "research", "guidance", "project"})
OFFER = re.compile(rf"^(?:contacts:(?:{'|'.join(HELP_TYPES)})|risk_check|witness_contacts|guide:(?:{'|'.join(GUIDE_IDS)}))$")
_FIELD = re.compile(r"{([^{}]*)}")

Text = Dict[str, str]


class ContentError(ValueError):
    """The content tree breaks a rule; the message names the file and the item."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    kind: str
    publisher: Optional[str]
    url: Optional[str]
    note: Optional[str]


@dataclass(frozen=True)
class Screen:
    id: str
    text: Text
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class Guide:
    id: str
    title: Text
    screens: Tuple[Screen, ...]
    offers: Tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    text: Text
    sources: Tuple[str, ...]
    red_flag: bool


@dataclass(frozen=True)
class RiskCheck:
    instrument: str
    instrument_sources: Tuple[str, ...]
    adaptation: str
    counted_at_least: int
    intro: Text
    questions: Tuple[Question, ...]
    result_high: Text
    result_lower: Text
    # How "don't know" answers were counted (shown under the result when there were any).
    unknown_counted: Text
    sources: Tuple[str, ...]


@dataclass(frozen=True)
class Content:
    sources: Mapping[str, Source]
    guides: Mapping[str, Guide]
    risk_check: RiskCheck

    def texts_with_sources(self) -> List[Tuple[str, Text, Tuple[str, ...]]]:
        """(where, text, sources) for every piece a person can read: what the tests walk."""
        items: List[Tuple[str, Text, Tuple[str, ...]]] = []
        for guide in self.guides.values():
            items.extend((f"{guide.id}/{s.id}", s.text, s.sources) for s in guide.screens)
        check = self.risk_check
        items.extend((f"risk_check/{q.id}", q.text, q.sources) for q in check.questions)
        for name in ("intro", "result_high", "result_lower", "unknown_counted"):
            items.append((f"risk_check/{name}", getattr(check, name), check.sources))
        return items


def fill(template: str) -> str:
    """Put the emergency numbers into a content text (they live in one place: safety/fallback.py)."""
    return template.format(
        police=fallback.POLICE, ambulance=fallback.AMBULANCE, emergency=fallback.EMERGENCY, hotline=fallback.HOTLINE
    )


# --- loading and checking ---------------------------------------------------------------------


def _read(path: Path) -> Any:
    if not path.is_file():
        raise ContentError(f"{path}: missing")
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _text(raw: Any, where: str, limit: Optional[int] = MAX_SCREEN_CHARS) -> Text:
    if not isinstance(raw, dict) or set(raw) != set(LANGUAGES):
        raise ContentError(f"{where}: needs exactly the languages {', '.join(LANGUAGES)}")
    result: Text = {}
    for lang in LANGUAGES:
        value = raw[lang]
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where} [{lang}]: empty")
        fields = set(_FIELD.findall(value))
        if fields - PLACEHOLDERS or value.count("{") != value.count("}"):
            raise ContentError(f"{where} [{lang}]: only {sorted(PLACEHOLDERS)} may appear in braces")
        if limit is not None and len(fill(value)) > limit:
            raise ContentError(f"{where} [{lang}]: {len(fill(value))} characters, more than {limit}")
        result[lang] = value.strip()
    return result


def _source_ids(raw: Any, where: str, known: Mapping[str, Source]) -> Tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise ContentError(f"{where}: needs at least one source")
    unknown = [s for s in raw if s not in known]
    if unknown:
        raise ContentError(f"{where}: unknown source(s) {unknown} (add them to sources.yml)")
    return tuple(raw)


def _sources(raw: Any, where: str) -> Dict[str, Source]:
    entries = (raw or {}).get("sources") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise ContentError(f"{where}: needs a `sources:` mapping")
    result = {}
    for key, entry in entries.items():
        if not isinstance(entry, dict) or not entry.get("title") or entry.get("kind") not in SOURCE_KINDS:
            raise ContentError(f"{where} {key}: needs a title and a kind in {sorted(SOURCE_KINDS)}")
        url = entry.get("url")
        if url is not None and not str(url).startswith("https://"):
            raise ContentError(f"{where} {key}: url must start with https://")
        result[key] = Source(key, str(entry["title"]), entry["kind"], entry.get("publisher"), url, entry.get("note"))
    return result


def _guide(raw: Any, where: str, known: Mapping[str, Source]) -> Guide:
    if not isinstance(raw, dict) or not isinstance(raw.get("screens"), list) or not raw["screens"]:
        raise ContentError(f"{where}: needs id, title, screens")
    screens = []
    for number, screen in enumerate(raw["screens"], start=1):
        label = f"{where} screen {number} ({(screen or {}).get('id')})"
        if not isinstance(screen, dict) or not screen.get("id"):
            raise ContentError(f"{label}: needs an id")
        sources = _source_ids(screen.get("sources"), label, known)
        screens.append(Screen(str(screen["id"]), _text(screen.get("text"), label), sources))
    offers = raw.get("offers") or []
    bad = [o for o in offers if not isinstance(o, str) or not OFFER.match(o)]
    if bad:
        raise ContentError(f"{where}: unknown offers {bad}")
    return Guide(str(raw.get("id")), _text(raw.get("title"), f"{where} title", limit=40), tuple(screens), tuple(offers))


def _risk_check(raw: Any, where: str, known: Mapping[str, Source]) -> RiskCheck:
    if not isinstance(raw, dict):
        raise ContentError(f"{where}: not a mapping")
    instrument = raw.get("instrument") or {}
    rule = raw.get("rule") or {}
    red_flags: FrozenSet[str] = frozenset(rule.get("red_flags") or [])
    at_least = rule.get("counted_at_least")
    if not instrument.get("name") or not isinstance(at_least, int) or at_least < 1:
        raise ContentError(f"{where}: needs instrument.name and rule.counted_at_least")
    questions = []
    for number, item in enumerate(raw.get("questions") or [], start=1):
        label = f"{where} question {number} ({(item or {}).get('id')})"
        if not isinstance(item, dict) or not item.get("id"):
            raise ContentError(f"{label}: needs an id")
        sources = _source_ids(item.get("sources"), label, known)
        questions.append(Question(str(item["id"]), _text(item.get("text"), label), sources, item["id"] in red_flags))
    ids = [q.id for q in questions]
    if not 8 <= len(questions) <= 12 or len(set(ids)) != len(ids):
        raise ContentError(f"{where}: needs 8–12 questions with distinct ids")
    if not red_flags <= set(ids):
        raise ContentError(f"{where}: red flags {sorted(red_flags - set(ids))} are not questions")
    if at_least > len(questions) - len(red_flags):
        raise ContentError(f"{where}: counted_at_least is more than the counted questions")
    return RiskCheck(
        instrument=str(instrument["name"]),
        instrument_sources=_source_ids(instrument.get("sources"), f"{where} instrument", known),
        adaptation=str(instrument.get("adaptation") or ""),
        counted_at_least=at_least,
        intro=_text(raw.get("intro"), f"{where} intro"),
        questions=tuple(questions),
        result_high=_text(raw.get("result_high"), f"{where} result_high"),
        result_lower=_text(raw.get("result_lower"), f"{where} result_lower"),
        unknown_counted=_text(raw.get("unknown_counted"), f"{where} unknown_counted"),
        sources=_source_ids(raw.get("sources"), f"{where} sources", known),
    )


def load(root: Path = CONTENT_DIR) -> Content:
    """Read and check the whole content tree; raises ContentError naming the first problem."""
    known = _sources(_read(root / "sources.yml"), "sources.yml")
    guides = {}
    for guide_id in GUIDE_IDS:
        where = f"guides/{guide_id}.yml"
        guide = _guide(_read(root / "guides" / f"{guide_id}.yml"), where, known)
        if guide.id != guide_id:
            raise ContentError(f"{where}: id is {guide.id!r}, expected {guide_id!r}")
        guides[guide_id] = guide
    return Content(known, guides, _risk_check(_read(root / "risk_check.yml"), "risk_check.yml", known))


@lru_cache(maxsize=1)
def content() -> Content:
    """The content of this installation, loaded and checked once per process."""
    return load()
