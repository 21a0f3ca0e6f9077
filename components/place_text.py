"""Text helpers for the place gazetteer: tokenizer, match keys, transliteration.

Every surface word is reduced to a *match key*:

* a Cyrillic word (Russian, Belarusian, Ukrainian spelling) -> lower case, ``ё→е``,
  ``і/ї→и``, ``ў→у``, ``є→е``, ``ґ→г``, apostrophes and stress marks removed;
* a Latin word -> a "skeleton" that folds the usual romanisation variants of the same
  Cyrillic name onto one string (``Homyel'``, ``Homel``, ``Gomel`` -> ``homel``/``homel``;
  ``Mahilyow``, ``Mahiliou``, ``Mahilioŭ`` -> ``mahilou``; ``Minskaja``, ``minskaya`` -> ``minska``).

Gazetteer forms go through the same functions (Cyrillic forms are additionally transliterated
and skeletonised), so a key comparison is all the matcher needs.  Nothing here knows any place
name; this module is pure string processing and imports nothing outside the standard library.
"""

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, List, NamedTuple, Optional, Tuple

_CYR_RE = re.compile(r"[\u0400-\u04FF]")
_LAT_LOOKALIKE = str.maketrans(
    {
        "a": "а",
        "e": "е",
        "o": "о",
        "p": "р",
        "c": "с",
        "x": "х",
        "y": "у",
        "i": "і",
        "k": "к",
        "m": "м",
        "t": "т",
        "b": "в",
        "h": "н",
    }
)
_CYR_FOLD = str.maketrans({"ё": "е", "і": "и", "ї": "и", "є": "е", "ў": "у", "ґ": "г"})
_APOSTROPHES = "'’ʼ`´ʹ\u0301\u02bc"
_STRIP = str.maketrans("", "", _APOSTROPHES)

# one word = letters (+ combining stress mark), optionally glued by apostrophes;
# words glued by hyphens (no spaces) form one token ("Буда-Кошелёво", "р-н").
_LETTER = r"(?:[^\W\d_]|\u0301)"
_WORD = rf"{_LETTER}+(?:['’ʼ`]{_LETTER}+)*"
_TOKEN_RE = re.compile(rf"{_WORD}(?:[-‐‑]{_WORD})*")
_HYPHENS_RE = re.compile(r"[-‐‑]")
_SENT_END = ".!?…\n"


def has_cyrillic(word: str) -> bool:
    return bool(_CYR_RE.search(word))


def cyr_key(word: str) -> str:
    """Match key of a Cyrillic word (see module doc)."""
    w = word.lower()
    if re.search(r"[a-z]", w):  # Latin look-alike letters typed inside a Cyrillic word
        w = w.translate(_LAT_LOOKALIKE)
    return w.translate(_STRIP).translate(_CYR_FOLD)


_LAT_CHARS = {
    "č": "ch",
    "š": "sh",
    "ž": "zh",
    "ć": "c",
    "ś": "s",
    "ź": "z",
    "ń": "n",
    "ĺ": "l",
    "ł": "l",
    "ŭ": "u",
    "ż": "zh",
    "ý": "y",
    "ÿ": "y",
}
_VOWELS = "aeiouy"


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Fold a Latin spelling of an East-Slavic name onto a comparison skeleton."""
    w = word.lower()
    w = "".join(_LAT_CHARS.get(ch, ch) for ch in w)
    w = unicodedata.normalize("NFKD", w)
    w = "".join(ch for ch in w if "a" <= ch <= "z")
    for a, b in (
        ("shch", "SC"),
        ("szcz", "SC"),
        ("kh", "h"),
        ("sh", "S"),
        ("sz", "S"),
        ("zh", "Z"),
        ("ch", "C"),
        ("cz", "C"),
        ("ts", "c"),
        ("tz", "c"),
        ("x", "ks"),
        ("g", "h"),
        ("w", "u"),
        ("j", "y"),
    ):
        w = w.replace(a, b)
    out: List[str] = []
    n = len(w)
    for i, ch in enumerate(w):
        nxt = w[i + 1] if i + 1 < n else ""
        if ch == "y" and nxt in _VOWELS and nxt:
            continue  # glide before a vowel: ya/ye/yo/yu (ja/je/...) -> a/e/o/u
        if ch == "i" and nxt and nxt in "aeou" and out and out[-1] not in _VOWELS:
            continue  # Polish/ISO palatal i: "Homiel", "Viciebsk", "Mahiliou"
        out.append("i" if ch == "y" else ch)
    res: List[str] = []
    for ch in out:  # collapse double letters ("Rossony", "Senno")
        if not res or res[-1] != ch:
            res.append(ch)
    return "".join(res)


def word_key(word: str) -> str:
    """Key of one word (no hyphens)."""
    if has_cyrillic(word):
        return cyr_key(word)
    return skeleton(word)


_EN_CONTRACTION = re.compile(r"['’ʼ`](?:s|ve|re|m|d|ll|t)$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def token_key(token: str) -> str:
    """Key of a token; hyphen-joined parts keep a ``-`` between their keys.

    English contractions («I've», «it's») get an empty key: they are never place names.
    """
    if token.isascii() and _EN_CONTRACTION.search(token):
        return ""
    parts = _HYPHENS_RE.split(token)
    return "-".join(word_key(p) for p in parts)


_TRANSLIT = {
    "а": ["a"],
    "б": ["b"],
    "в": ["v"],
    "г": ["g"],
    "д": ["d"],
    "е": ["e"],
    "ё": ["yo", "e"],
    "ж": ["zh"],
    "з": ["z"],
    "и": ["i"],
    "й": ["y"],
    "к": ["k"],
    "л": ["l"],
    "м": ["m"],
    "н": ["n"],
    "о": ["o"],
    "п": ["p"],
    "р": ["r"],
    "с": ["s"],
    "т": ["t"],
    "у": ["u"],
    "ф": ["f"],
    "х": ["kh"],
    "ц": ["ts"],
    "ч": ["ch"],
    "ш": ["sh"],
    "щ": ["shch"],
    "ъ": [""],
    "ы": ["y"],
    "ь": [""],
    "э": ["e"],
    "ю": ["yu"],
    "я": ["ya"],
    "і": ["i"],
    "ў": ["w"],
    "ї": ["yi"],
    "є": ["ye"],
    "ґ": ["g"],
    "'": [""],
    "’": [""],
    "ʼ": [""],
    "-": ["-"],
}


def translit_variants(word: str) -> List[str]:
    """Latin transliterations of a Cyrillic word (one per reading of ``ё``)."""
    outs = [""]
    for ch in word.lower():
        opts = _TRANSLIT.get(ch)
        if opts is None:
            opts = [ch] if "a" <= ch <= "z" else [""]
        if len(opts) == 1:
            outs = [o + opts[0] for o in outs]
        else:
            outs = [o + x for o in outs for x in opts]
    return sorted(set(outs))


def latin_keys_of_cyrillic(word: str) -> List[str]:
    """Skeleton keys a user typing this Cyrillic word in Latin letters would produce."""
    return sorted({token_key(v) for v in translit_variants(word) if v.strip("-")})


class Token(NamedTuple):
    start: int
    end: int
    text: str
    key: str
    is_cap: bool
    sent_initial: bool
    parts: Tuple[Tuple[int, int, str], ...]  # (start, end, key) of hyphen parts, if any


def tokenize(text: str) -> List[Token]:
    """Words of ``text`` with character offsets and match keys (punctuation/digits/emoji dropped)."""
    tokens: List[Token] = []
    for m in _TOKEN_RE.finditer(text):
        s, e = m.start(), m.end()
        raw = m.group()
        j = s - 1
        while j >= 0 and text[j] in ' \t\r"«»“”„()[]*:;,–—-':
            if text[j] == ",":
                break
            j -= 1
        sent_initial = j < 0 or text[j] in _SENT_END
        parts: Tuple[Tuple[int, int, str], ...] = ()
        if _HYPHENS_RE.search(raw):
            ps = []
            off = s
            for p in _HYPHENS_RE.split(raw):
                ps.append((off, off + len(p), word_key(p)))
                off += len(p) + 1
            parts = tuple(ps)
        tokens.append(Token(s, e, raw, token_key(raw), raw[:1].isupper(), sent_initial, parts))
    return tokens


def iter_words(phrase: str) -> Iterable[str]:
    """Split a gazetteer phrase into tokens exactly like :func:`tokenize` does."""
    return (m.group() for m in _TOKEN_RE.finditer(phrase))


def damerau1(a: str, b: str) -> bool:
    """True if ``a`` and ``b`` differ by exactly one edit (insert/delete/substitute/swap)."""
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def deletions(word: str) -> List[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def normalise_label(label: str) -> Optional[str]:
    """Tidy a data label: unify hyphen spacing ("Давид - Городок" -> "Давид-Городок")."""
    label = re.sub(r"\s*[-‐‑–]\s*", "-", label.strip())
    label = re.sub(r"\s+", " ", label)
    return label or None
