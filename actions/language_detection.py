"""Guess the language of a person's first typed message (when they have not chosen one).

Belarusian is told from Russian by letters Russian does not have (і, ў), the apostrophe
inside a word (б'е, сям'я), spellings Russian does not write (жы, шы, чы, дзе/дзя/дзь, a
consonant before э: "тэлефон") and a few everyday words Russian does not have (няма, дзе, гэта,
хто, дзякуй); English by common English words, so that Russian typed in Latin letters
("mne nuzhen yurist") stays Russian. Russian is only *sure* with a letter Belarusian does not have
(и, щ, ъ): a place name alone ("Гомель", "Брэст") decides nothing, so a later message still can.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, Optional

from directory.constants import RUSSIAN_ONLY_LETTERS

BELARUSIAN = re.compile(r"[іўІЎ]|[а-яА-Я]['’ʼ][яеёюіЯЕЁЮІ]|(?:жы|шы|чы|дз[еяюёь])|[бвгджзклмнпрстфхцчш]э", re.IGNORECASE)
BELARUSIAN_WORDS = frozenset(
    "няма дзе мяне цябе яго што гэта гэты ён яна яны калі вельмі толькі таксама дапамога дапамажыце "
    "дапамажы ратуйце патрэбна патрэбны патрэбен трэба хачу зараз дзверы начаваць хто ёсць дзякуй "
    "дзякую дзякі як жонка юрыст прытулак падкажыце магу баюся дадому цяпер ад".split()
)
RUSSIAN_ONLY = re.compile(f"[{RUSSIAN_ONLY_LETTERS}]")
CYRILLIC_WORD = re.compile(r"[а-яёА-ЯЁ]+")
CYRILLIC = re.compile(r"[а-яёА-ЯЁіўІЎ]")
LATIN_WORD = re.compile(r"[a-zA-Z']+")
ENGLISH_WORDS = frozenset(
    "i i'm im me my he she his her him they we you is am are was the a an to of in at for and or not "
    "need help please where how what who can hello hi hey thanks thank lawyer police doctor shelter "
    "danger hurt hurts hitting beats kill husband wife partner boyfriend friend sister mother home "
    # short requests name only the help and a place ("crisis room Brest", "psychologist Gomel", "SOS")
    "sos crisis room psychologist psychological counsellor therapist safe place stay night tonight "
    "emergency urgent abuse abused violence support social worker legal rights divorce medical "
    "injuries addiction alcohol drinks drinking hotline ok okay dont don't speak english".split()
)

# Russian typed in Latin letters: when these outnumber the English words, it is not English.
TRANSLIT_WORDS = frozenset(
    "pomogite pomogi pomosch pomoshch nuzhen nuzhna nuzhno muzh menya mne bet b'et yurist psiholog "
    "gde kak chto ya ona pozhaluysta pozhalujsta srochno spasite ubivaet".split()
)


def detect(text: str) -> Optional[str]:
    """``be``, ``ru`` or ``en`` for a typed message, or ``None`` when there is nothing to go on."""
    if not text or text.startswith("/"):
        return None
    if BELARUSIAN.search(text) or any(w.lower() in BELARUSIAN_WORDS for w in CYRILLIC_WORD.findall(text)):
        return "be"
    cyrillic = len(CYRILLIC.findall(text))
    latin_words = [w.lower() for w in LATIN_WORD.findall(text)]
    if cyrillic and cyrillic >= sum(len(w) for w in latin_words):
        return "ru"
    english = sum(w in ENGLISH_WORDS for w in latin_words)
    if latin_words and english >= max(1, len(latin_words) // 4) and english > sum(w in TRANSLIT_WORDS for w in latin_words):
        return "en"
    return None


def sure(text: str) -> Optional[str]:
    """The language a typed message is surely written in, or None: like `detect`, except that
    Russian needs a letter Belarusian lacks (и, щ, ъ)."""
    found = detect(text)
    if found == "ru" and not RUSSIAN_ONLY.search(text):
        return None
    return found


def language_decided(events: Iterable[Dict[str, Any]]) -> bool:
    """A language was chosen (a button, /language) or taken from an earlier typed message."""
    return any(e.get("event") == "slot" and e.get("name") == "language" for e in events)
