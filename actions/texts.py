"""The locale catalogue: every user-facing sentence, one key structure, per-language text.

Text lives in ``locales/{ru,be,en}.yml``; code only names keys. ``tests/test_locales.py``
checks that all languages have the same keys and placeholders.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

LANGUAGES = ("ru", "be", "en")
DEFAULT_LANGUAGE = "ru"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> Dict[str, Any]:
    """The parsed locale file for ``lang`` (loaded once per process)."""
    with open(LOCALES_DIR / f"{lang}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def text(lang: str, key: str, **values: Any) -> str:
    """The sentence ``key`` (dotted for nested keys) in ``lang``, with placeholders filled."""
    node: Any = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    for part in key.split("."):
        node = node[part]
    return str(node).format(**values) if values else str(node)
