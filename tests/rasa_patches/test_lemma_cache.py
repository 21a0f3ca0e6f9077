"""spaCy's pymorphy3 lemmas with the per-word memory are spaCy's lemmas."""

from __future__ import annotations

import pytest
import spacy

from tests.actions.conftest import REPO
from tests.rasa_patches import nlu_pipeline

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SPACY_RU = REPO / "var" / "spacy_ru"


@pytest.fixture(scope="module")
def nlp():
    if not (SPACY_RU / "meta.json").exists():
        pytest.fail("no spaCy pipeline: run bin/setup (bin/test does) first")
    return spacy.load(SPACY_RU)


def _lemmas(nlp, texts, active):
    with nlu_pipeline.speedups(active):
        return [[(t.text, t.lemma_) for t in doc] for doc in nlp.pipe(texts)]


def test_every_lemma_of_the_training_data_is_spacys(nlp):
    texts = [m.get("text") for m in nlu_pipeline.project_nlu_data().training_examples if m.get("text")]
    assert len(texts) > 3000
    expected = _lemmas(nlp, texts, False)
    assert _lemmas(nlp, texts, True) == expected  # first: computed
    assert _lemmas(nlp, texts, True) == expected  # then: remembered
    assert _lemmas(nlp, texts[::-1], True) == expected[::-1]


WORDS = [
    "юристу",
    "Бобруйске",
    "стали",
    "мыла",
    "кот",
    "qwertyuiop",
    "ыыыы",
    "Гомель",
    "123",
    "—",
    "и",
    "у Гомелі",
    "дапамажыце",
    "help",
    "",
    "  ",
]


def test_words_with_one_several_or_no_analyses(nlp):
    expected = _lemmas(nlp, WORDS, False)
    for _ in range(2):
        assert _lemmas(nlp, WORDS, True) == expected


def test_each_call_returns_a_new_list(nlp):
    lemmatizer = nlp.get_pipe("lemmatizer")
    token = nlp.make_doc("юристу")[0]
    with nlu_pipeline.speedups(True):
        first = lemmatizer._pymorphy_lookup_lemmatize(token)
        first.append("changed")
        assert lemmatizer._pymorphy_lookup_lemmatize(token) == ["юрист"]


def test_a_new_analyzer_is_asked_again(nlp):
    lemmatizer = nlp.get_pipe("lemmatizer")
    token = nlp.make_doc("юристу")[0]

    class Analyzer:
        def __init__(self):
            self.calls = 0

        def parse(self, word):
            self.calls += 1
            return lemmatizer.__dict__["_dv_real_morph"].parse(word)

    with nlu_pipeline.speedups(True):
        lemmatizer._pymorphy_lookup_lemmatize(token)
        lemmatizer.__dict__["_dv_real_morph"] = lemmatizer._morph
        counting = Analyzer()
        lemmatizer._morph = counting
        try:
            assert lemmatizer._pymorphy_lookup_lemmatize(token) == ["юрист"]
            assert lemmatizer._pymorphy_lookup_lemmatize(token) == ["юрист"]
            assert counting.calls == 1
        finally:
            lemmatizer._morph = lemmatizer.__dict__.pop("_dv_real_morph")
