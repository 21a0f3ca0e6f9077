"""Build the blank Russian spaCy pipeline that Rasa's ``SpacyNLP`` loads.

Russian spaCy models are not installable here (the PyPI ``ru-core-news-sm`` is a placeholder),
so the pipeline is a blank ``ru`` tokenizer plus the ``pymorphy3`` lemmatizer. The lemmas are
what it adds: ``CountVectorsFeaturizer`` counts "бобруйск" for "Бобруйске", "Бобруйска", … .

Usage: ``python -m components.spacy_ru var/spacy_ru``
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.language import Language


def build() -> Language:
    """A blank Russian pipeline with pymorphy3 lemmas (no vectors, no download)."""
    nlp = spacy.blank("ru")
    nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
    nlp.initialize()
    return nlp


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "var/spacy_ru")
    target.parent.mkdir(parents=True, exist_ok=True)
    build().to_disk(target)
    print(f"spaCy pipeline (blank ru + pymorphy3 lemmatizer) saved to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
