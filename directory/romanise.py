"""Belarusian Cyrillic → Latin by Belarus' national system for geographic names (2007).

The system is the "Instruction on transliteration of Belarusian geographical names with letters
of Latin script" (State Committee on Property, 2007; recommended by the UN Conference on the
Standardization of Geographical Names, resolution X/7, 2012). It is what ISO 3166-2:BY prints
(«Homieĺskaja voblasć», «Mahilioŭskaja voblasć») and what Latin street signs in Belarus show, so
English addresses use it for street names (`directory/data/translations.csv`). The regions'
ISO names in regions.csv check this module (tests/directory/test_translations.py).
"""

from __future__ import annotations

import re

__all__ = ["romanise"]

_PLAIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "ж": "ž",
    "з": "z",
    "і": "i",
    "й": "j",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ў": "ŭ",
    "ф": "f",
    "х": "ch",
    "ц": "c",
    "ч": "č",
    "ш": "š",
    "ы": "y",
    "э": "e",
}
# е ё ю я: je/jo/ju/ja at a word's start, after a vowel, an apostrophe, ь or ў; ie/io/iu/ia
# after a consonant.
_IOTATED = {"е": "e", "ё": "o", "ю": "u", "я": "a"}
# A soft sign after these consonants becomes an acute accent on them (зь → ź, ль → ĺ …).
_SOFTENED = {"з": "ź", "л": "ĺ", "н": "ń", "с": "ś", "ц": "ć"}
_VOWELS = set("аеёіоуыэюя")
_APOSTROPHES = "'’ʼ"
_WORD = re.compile(r"[^\W\d_]+|[\W\d_]+")


def _word(word: str) -> str:
    lower = word.lower()
    out: list[str] = []
    for i, char in enumerate(lower):
        before = lower[i - 1] if i else ""
        after = lower[i + 1] if i + 1 < len(lower) else ""
        if char in _APOSTROPHES:
            continue
        if char == "ь":
            continue  # handled with the consonant before it
        if char in _IOTATED:
            start = not before or before in _VOWELS or before in _APOSTROPHES or before in "ьў"
            latin = ("j" if start else "i") + _IOTATED[char]
        elif char in _SOFTENED and after == "ь":
            latin = _SOFTENED[char]
        else:
            latin = _PLAIN.get(char, char)
        if word[i].isupper():
            latin = latin.upper() if (word.isupper() and len(word) > 1) else latin[:1].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


def romanise(text: str) -> str:
    """Each Belarusian word in Latin letters; digits and punctuation unchanged."""
    return "".join(_word(part) if part[:1].isalpha() else part for part in _WORD.findall(text))
