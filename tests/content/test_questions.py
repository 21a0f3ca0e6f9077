"""content/questions.yml: every answer complete in three languages and sourced, its offers real,
its intent known to the conversation and understood in every language; the loader's rules
really reject a broken file. And the self-check's "don't know": its own answer, never a "yes"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions import hotline, intents, risk
from actions.content import ContentError, content
from actions.questions import MAX_ANSWER_CHARS, QUESTIONS_FILE, answer_buttons, answer_text, fill, load, offer_button, questions
from actions.texts import LANGUAGES
from tests.nlu_eval.test_heldout_data import heldout, training_examples

ROOT = Path(__file__).resolve().parents[2]
SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def test_at_least_25_questions_each_in_every_language_with_a_source_that_exists():
    known = content().sources
    assert len(questions()) >= 25
    for question in questions().values():
        assert set(question.answer) == set(question.asked) == set(LANGUAGES), question.id
        assert question.sources and all(s in known for s in question.sources), question.id
        for lang in LANGUAGES:
            answer = fill(question.answer[lang])
            assert 0 < len(answer) <= MAX_ANSWER_CHARS, (question.id, lang)
            # an answer, not a guide: 1 to 4 sentences
            assert 1 <= len(SENTENCE_END.findall(answer)) <= 4, (question.id, lang, answer)


def test_legal_answers_rest_on_the_law_or_an_official_source():
    known = content().sources
    legal = [q for q in questions().values() if q.legal]
    assert len(legal) >= 8
    for question in legal:
        assert any(known[s].kind in ("law", "official") for s in question.sources), question.id


def test_every_answer_ends_with_the_hotline_from_its_one_source_once():
    for question in questions().values():
        for lang in LANGUAGES:
            reply = answer_text(question, lang)
            assert hotline.mentions(reply) == 1, (question.id, lang)
            assert hotline.POLICE in reply and hotline.EMERGENCY in reply, (question.id, lang)
            if question.hotline == "full":
                assert hotline.full(lang)[:40] in reply


def test_offers_are_buttons_the_channels_accept_and_screen_offers_open_that_screen():
    guides = content().guides
    for question in questions().values():
        for lang in LANGUAGES:
            buttons = answer_buttons(question, lang, in_search=False)
            assert buttons[-1]["payload"] == "/main_menu"
            for button in buttons:
                assert intents.PAYLOAD_PATTERN.match(button["payload"]), button
                assert 0 < len(button["title"]) <= 40, button
        for target in question.offers:
            if target.startswith("guide:") and "/" in target:
                guide_id, screen_id = target[len("guide:") :].split("/")
                step = [s.id for s in guides[guide_id].screens].index(screen_id)
                payload = offer_button("ru", target)["payload"]
                assert payload == (
                    f'/{intents.GUIDE_INTENTS[guide_id]}{{"step":"{step}"}}' if step else f"/{intents.GUIDE_INTENTS[guide_id]}"
                )


def test_every_question_is_an_intent_of_the_domain_and_the_rules_and_understood_in_every_language():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    rules = (ROOT / "data" / "rules.yml").read_text(encoding="utf-8")
    examples = {lang: {e.get("intent") for e in items} for lang, items in training_examples().items()}
    held = {(i["lang"], i["intent"]) for i in heldout()}
    for question in questions().values():
        assert question.intent in domain["intents"], question.id
        assert rules.count(f"- intent: {question.intent}\n") == 2, question.id  # outside and inside the search
        for lang in LANGUAGES:
            assert question.intent in examples[lang], (question.id, lang)
            assert (lang, question.intent) in held, (question.id, lang)
    question_intents = {i for i in domain["intents"] if isinstance(i, str) and i.startswith("question_")}
    assert question_intents == {q.intent for q in questions().values()}


def test_the_issue_questions_are_answered_with_what_they_ask():
    """The four questions of the issue, by what their answers must say."""
    qs = questions()
    assert "аноним" in qs["anonymous"].answer["ru"] and "/erase" in qs["anonymous"].answer["ru"]
    assert "мужчин" in qs["men"].answer["ru"] and "man" in qs["men"].answer["en"]
    assert "четверг" in answer_text(qs["mvd_officer"], "ru")
    assert "предписани" in qs["protective_order"].answer["ru"]


def broken(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    change(raw["questions"][0])
    path = tmp_path / "questions.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda q: q["answer"].pop("be"), "languages"),
        (lambda q: q.update(sources=["no_such_source"]), "unknown source"),
        (lambda q: q.update(sources=[]), "at least one source"),
        (lambda q: q["answer"].update(ru="Звоните {hotline}."), "braces"),
        (lambda q: q["answer"].update(en="x" * (MAX_ANSWER_CHARS + 1)), "characters"),
        (lambda q: q.update(offers=["guide:about/no_such_screen"]), "no screen"),
        (lambda q: q.update(offers=["contacts:pizza"]), "unknown offer"),
        (lambda q: q.update(legal=True, sources=["project_privacy"]), "law"),
        (lambda q: q.update(hotline="twice"), "hotline"),
    ],
)
def test_the_loader_rejects_a_broken_file(tmp_path, change, message):
    with pytest.raises(ContentError, match=message):
        load(broken(tmp_path, change))


# --- the self-check's "don't know" ----------------------------------------------------------


def test_dont_know_is_never_counted_as_yes():
    check = content().risk_check
    n = len(check.questions)
    assert risk.outcome("u" * n, check) == risk.LOWER  # all "don't know": not high
    assert risk.outcome("uuu", check) is None  # red flags unknown: the check goes on
    assert risk.outcome("nnn" + "y" * check.counted_at_least, check) == risk.HIGH
    assert risk.outcome("nnn" + "u" * check.counted_at_least, check) is None
    assert risk.unknowns("nuyu") == 2


def test_dont_know_is_a_valid_answer_from_the_buttons_and_nothing_else_is():
    check = content().risk_check
    assert risk.valid_answers("unu", check) == "unu"
    assert risk.valid_answers("x", check) is None and risk.valid_answers("uy" + "n" * 12, check) is None
    assert intents.PAYLOAD_PATTERN.match('/risk_check{"answers":"nu"}')
    assert not intents.PAYLOAD_PATTERN.match('/risk_check{"answers":"nx"}')


def test_the_result_says_how_unknowns_were_counted_and_the_instrument_allows_it():
    from actions.guides import unknown_note

    check = content().risk_check
    assert unknown_note("ru", "nnnn") == ""
    for lang in LANGUAGES:
        note = unknown_note(lang, "nuun")
        assert "2" in note and check.unknown_counted[lang] in note
    # the reason is the instrument's own form ("Not Ans." apart from yes / no), named in its source
    assert "Not Ans." in (content().sources["lap_lethality_screen"].note or "")
