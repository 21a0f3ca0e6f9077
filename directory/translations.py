"""Belarusian and English text of what an answer shows; the check that none is missing.

Russian stays the source of truth (organisations.csv, as the sources print it). Names have their
`name_be` / `name_en` columns there; every other shown field — address, hours, who answers
(`public_contact`), the caveat (`status_note`), each phone's label and remark — has a row in
`directory/data/translations.csv` keyed by entry id and field, which repeats the Russian it
translates: when the Russian changes, the old translation is no longer used (the Russian is shown)
and the check lists it as stale. Rules the loader enforces on every translation (a row breaking
one is rejected): the digits are the Russian's (no number, house or time can be invented), no
Cyrillic in English, no Russian-only letter (и щ ъ) in Belarusian, and the institution terms of
`glossary.csv` are translated the same way everywhere.

`python -m directory.translations --missing` lists every shown field without its be/en text.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from .constants import RUSSIAN_ONLY_LETTERS
from .operator import centre_of, centres_by_district, reachable
from .source_csv import Rejection, _Rows, read_rows

__all__ = [
    "TRANSLATED_LANGUAGES",
    "Missing",
    "shown_fields",
    "read_translations",
    "read_glossary",
    "text_problems",
    "glossary_problems",
    "missing",
    "main",
]

TRANSLATED_LANGUAGES = ("be", "en")
TRANSLATION_COLUMNS = ("id", "field", "ru", "be", "en", "note")
GLOSSARY_COLUMNS = ("ru", "be", "en", "note")
_PHONE_FIELD = re.compile(r"phone\.(\d+)\.(label|remark)")
_DIGITS = re.compile(r"\d+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_RUSSIAN_ONLY = re.compile(f"[{RUSSIAN_ONLY_LETTERS}]")
_STEM_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Missing:
    organisation_id: str
    field: str
    language: str
    why: str  # missing | stale (the Russian changed) | orphan (no such entry any more)

    def __str__(self) -> str:
        return f"{self.why:<8} {self.organisation_id} {self.field} [{self.language}]"


def shown_fields(entry: Any) -> list[tuple[str, str]]:
    """(field, Russian text) of every translatable field an answer can show for this entry
    (names excepted: they have their own columns). A confidential entry's address is never shown."""
    fields: list[tuple[str, str]] = []
    if entry.address and not entry.confidential:
        fields.append(("address", entry.address))
    for name in ("hours", "status_note"):
        if getattr(entry, name):
            fields.append((name, getattr(entry, name)))
    if entry.confidential and entry.public_contact:
        fields.append(("public_contact", entry.public_contact))
    for number, phone in enumerate(entry.phones, start=1):
        for part in ("label", "remark"):
            if getattr(phone, part):
                fields.append((f"phone.{number}.{part}", getattr(phone, part)))
    return fields


def shown_entries(entries: Sequence[Any]) -> list[Any]:
    """Active entries an answer can show: reachable ones, and rooms reached through their centre."""
    active = [e for e in entries if e.active]
    centres = centres_by_district(active)
    return [e for e in active if reachable(e) or centre_of(e, centres) is not None]


def text_problems(language: str, ru: str, text: str) -> list[str]:
    """Why `text` cannot stand for `ru` in `language` (empty: it can)."""
    problems = []
    if Counter(_DIGITS.findall(text)) != Counter(_DIGITS.findall(ru)):
        problems.append("its digits differ from the Russian (a number, house or time must not change)")
    if language == "en" and _CYRILLIC.search(text):
        problems.append("Cyrillic letters in English")
    if language == "be" and _RUSSIAN_ONLY.search(text):
        problems.append("a Russian-only letter (и, щ, ъ) in Belarusian")
    return problems


def _stems(text: str) -> list[str]:
    return [w[:4] for w in _STEM_WORD.findall(text.lower().replace("ё", "е")) if len(w) > 2 or w.isupper()]


def _contains(text: str, term: str) -> bool:
    words, wanted = _stems(text), _stems(term)
    return bool(wanted) and any(words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def read_glossary(path: Path, rejections: list[Rejection]) -> list[dict[str, str]]:
    """Institution terms: Russian, Belarusian, English (glossary.csv); none if the file is absent.
    A row without all three becomes a rejection."""
    if not path.exists():
        return []

    def check(row: dict[str, str]) -> list[str]:
        return [f"glossary term without {language}" for language in ("ru", *TRANSLATED_LANGUAGES) if not row[language]]

    return [row for _line, row in read_rows(path, GLOSSARY_COLUMNS, rejections, check)]


def glossary_problems(ru: str, translated: dict[str, str], glossary: Iterable[dict[str, str]]) -> list[str]:
    """A glossary term in the Russian whose translation is not in the be/en text."""
    problems = []
    for term in glossary:
        if not _contains(ru, term["ru"]):
            continue
        for language in TRANSLATED_LANGUAGES:
            text = translated.get(language)
            if not text:
                continue
            wanted = term[language]
            found = wanted.lower() in text.lower() if language == "en" else _contains(text, wanted)
            if not found:
                problems.append(f"{language}: {term['ru']!r} is {wanted!r} (glossary.csv)")
    return problems


def read_translations(
    path: Path, organisations: Sequence[Any], rejections: list[Rejection], glossary: Sequence[dict[str, str]] = ()
) -> tuple[dict[str, tuple[tuple[str, str, str], ...]], list[Missing]]:
    """translations.csv → organisation id → ((language, field, text), …), and the stale rows
    (Russian changed since, or the entry removed). Also checks the be/en names of organisations.csv. Malformed rows
    become rejections (`path:line: reason`)."""
    by_id = {o.id: o for o in organisations}
    texts: dict[str, list[tuple[str, str, str]]] = {}
    stale: list[Missing] = []
    seen: set[tuple[str, str]] = set()
    if path.exists():
        rows = _Rows(path, rejections)
        for line, row in rows.read(TRANSLATION_COLUMNS, exact=True):
            oid, field = row["id"], row["field"]
            entry = by_id.get(oid)
            if entry is None:  # the entry was removed: its translation is left over, not an error
                stale.append(Missing(oid, field, "be", "orphan"))
                continue
            if (oid, field) in seen:
                rows.reject(line, f"duplicate translation of {oid} {field}")
                continue
            seen.add((oid, field))
            current = dict(shown_fields(entry)).get(field)
            if current is None and not _known_field(field):
                rows.reject(line, f"unknown field {field!r}")
                continue
            if current != row["ru"]:
                stale.extend(Missing(oid, field, lang, "stale") for lang in TRANSLATED_LANGUAGES)
                continue
            problems = [
                f"{lang}: {p}" for lang in TRANSLATED_LANGUAGES if row[lang] for p in text_problems(lang, row["ru"], row[lang])
            ]
            if field == "public_contact":
                problems += glossary_problems(row["ru"], row, glossary)
            for problem in problems:
                rows.reject(line, f"{oid} {field}: {problem}")
            if problems:
                continue
            texts.setdefault(oid, []).extend((lang, field, row[lang]) for lang in TRANSLATED_LANGUAGES if row[lang])
    for entry in organisations:
        names = {"be": entry.name_be, "en": entry.name_en}
        problems = [f"name_{lang}: {p}" for lang, name in names.items() if name for p in text_problems(lang, entry.name_ru, name)]
        problems += [f"name_{p}" for p in glossary_problems(entry.name_ru, names, glossary)]
        for problem in problems:
            rejections.append(Rejection("organisations.csv", entry.position + 1, f"{entry.id} {problem}"))
    return {oid: tuple(items) for oid, items in texts.items()}, stale


def _known_field(field: str) -> bool:
    return field in ("address", "hours", "status_note", "public_contact") or bool(_PHONE_FIELD.fullmatch(field))


def missing(organisations: Sequence[Any], stale: Iterable[Missing] = ()) -> list[Missing]:
    """Every shown field of every shown entry without its be/en text (names included), plus
    the stale translations."""
    found: list[Missing] = list(stale)
    for entry in shown_entries(organisations):
        have = {(lang, field) for lang, field, _text in getattr(entry, "translations", ())}
        for lang in TRANSLATED_LANGUAGES:
            if not getattr(entry, f"name_{lang}"):
                found.append(Missing(entry.id, "name", lang, "missing"))
            for field, _ru in shown_fields(entry):
                if (lang, field) not in have and not any(
                    m.organisation_id == entry.id and m.field == field and m.language == lang for m in found
                ):
                    found.append(Missing(entry.id, field, lang, "missing"))
    return found


def check(data_dir: Path | None = None) -> tuple[list[Missing], list[Rejection]]:
    """Read the CSVs as the loader does; (missing/stale fields, rejections)."""
    from .load import read_sources  # the loader's reading, without writing anything

    sources = read_sources(Path(data_dir) if data_dir else None)
    return missing(sources.organisations, sources.stale), list(sources.rejections)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m directory.translations", description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list every shown field lacking its be/en text")
    parser.add_argument("--data-dir", type=Path, default=None, help="folder with the CSV files")
    args = parser.parse_args(argv)
    found, rejections = check(args.data_dir)
    for rejection in rejections:
        print(rejection, file=sys.stderr)
    if args.missing:
        for item in found:
            print(item)
    counts = Counter(m.language for m in found)
    print(
        f"{len(found)} field(s) without their translation (be: {counts['be']}, en: {counts['en']}); "
        f"{len(rejections)} rejected row(s)"
    )
    return 1 if found or rejections else 0


if __name__ == "__main__":
    sys.exit(main())
