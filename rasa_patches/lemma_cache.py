"""spaCy's Russian pymorphy3 lemmatizer asks pymorphy3 once per distinct word, not once per token.

Installed (bin/rasa) right after spaCy's lemmatizer module is imported; used by training and serving.

Why (measured, not guessed): var/spacy_ru is a blank Russian pipeline plus spaCy's
``RussianLemmatizer`` in ``pymorphy3`` mode (components/spacy_ru.py). With no tagger every
token's ``pos_`` is empty, so every token goes to ``_pymorphy_lookup_lemmatize``, which runs
``MorphAnalyzer.parse(token.text)`` — a dictionary walk plus guessers — and keeps the normal
form if all analyses agree on one. The training data has 15,386 tokens but far fewer distinct
words. py-spy of ``rasa train --force`` with an empty cache (100 Hz, 45.6 s): 2.9 s in
``SpacyNLP.process_training_data``, 2.3 s of it in ``_pymorphy_lookup_lemmatize``.

What it does: ``_pymorphy_lookup_lemmatize`` remembers its answer per lemmatizer, per word
(``token.text``) and per ``MorphAnalyzer`` object. Why it is the same: the method reads nothing
of the token but ``token.text`` and asks nothing but ``self._morph.parse(text)``; pymorphy3's
analyzer is a fixed dictionary and fixed rules, so the same word gives the same analyses. Each
call returns a new list, as before.

Measured (py-spy, same command): ``SpacyNLP.process_training_data`` 2.9 s → 1.3 s.

Tested against spaCy's method on every token of the project's training data and on words with
one, several and no analyses: tests/rasa_patches/test_lemma_cache.py.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Dict, List

if TYPE_CHECKING:  # imported in install(): importing spaCy's lemmatizer runs the training hook
    from spacy.lang.ru.lemmatizer import RussianLemmatizer

_MAX_WORDS = 200_000
_ORIGINALS: Dict[str, Any] = {}
_lock = threading.Lock()


def _lookup_lemmatize(self: "RussianLemmatizer", token: Any) -> List[str]:
    """Same answer as ``RussianLemmatizer._pymorphy_lookup_lemmatize`` (see module docstring)."""
    morph = getattr(self, "_morph", None)
    cache = self.__dict__.get("_dv_lemmas")
    if cache is None or cache[0] is not morph:
        with _lock:
            cache = self.__dict__["_dv_lemmas"] = (morph, {})
    text = token.text
    known = cache[1].get(text)
    if known is None:
        known = tuple(_ORIGINALS["_pymorphy_lookup_lemmatize"](self, token))
        if len(cache[1]) < _MAX_WORDS:
            cache[1][text] = known
    return list(known)


def install() -> None:
    """Idempotent. spaCy is imported here, not at module import: training_speedups installs this
    when spaCy's lemmatizer module is imported, which must not find this module half-imported."""
    from spacy.lang.ru.lemmatizer import RussianLemmatizer

    if not _ORIGINALS:
        _ORIGINALS["_pymorphy_lookup_lemmatize"] = RussianLemmatizer._pymorphy_lookup_lemmatize
        RussianLemmatizer._pymorphy_lookup_lemmatize = _lookup_lemmatize


def uninstall() -> None:
    from spacy.lang.ru.lemmatizer import RussianLemmatizer

    if _ORIGINALS:
        RussianLemmatizer._pymorphy_lookup_lemmatize = _ORIGINALS.pop("_pymorphy_lookup_lemmatize")
