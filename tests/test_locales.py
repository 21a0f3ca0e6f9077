"""One structure, per-language text: every locale has the same keys and placeholders, and
every key the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from actions.texts import LANGUAGES, catalogue

REPO = Path(__file__).resolve().parents[1]


def flatten(node, prefix=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from flatten(value, f"{prefix}{key}.")
    else:
        yield prefix[:-1], node


def placeholders(value: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(value) if name}


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_same_keys_and_placeholders_as_russian(lang):
    russian = dict(flatten(catalogue("ru")))
    other = dict(flatten(catalogue(lang)))
    assert other.keys() == russian.keys()
    for key, value in russian.items():
        assert placeholders(other[key]) == placeholders(value), key
        assert other[key].strip(), key


def test_every_key_used_in_code_exists():
    keys = dict(flatten(catalogue("ru")))
    used = set()
    for path in (REPO / "actions").glob("*.py"):
        used |= set(re.findall(r'text\(\s*[\w.]+,\s*[f]?"([\w.{}]+)"', path.read_text(encoding="utf-8")))
    assert used, "the pattern found no text() calls"
    for key in used:
        if "{" in key:  # f-string keys such as help_names.{x}: check the prefix exists
            prefix = key.split("{")[0]
            assert any(k.startswith(prefix) for k in keys), key
        else:
            assert key in keys, key


def test_no_message_blames_or_shouts():
    for lang in LANGUAGES:
        for key, value in flatten(catalogue(lang)):
            assert "!" not in value, (lang, key)
