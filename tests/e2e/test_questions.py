"""Direct questions through the real servers (REST channel, trained model, action server).

Each typed question (written for this test, not in data/nlu nor in tests/nlu_eval) must get
its own answer from content/questions.yml first — not the first screen of a guide — with the
hotline's line, in the person's language, and the button to the guide screen that covers it.
Asked while the search asks a region, the answer comes and the search asks again.
The self-check's "don't know" is its own answer, tapped or typed, and the result says so.
"""

from __future__ import annotations

import uuid
from typing import Dict, Tuple

import pytest

from actions import hotline
from actions.content import content
from actions.questions import answer_buttons, fill, questions
from safety import fallback
from tests.e2e.conftest import payloads, slots, texts
from tests.nlu_eval.test_heldout_data import heldout, norm, training_examples

pytestmark = pytest.mark.e2e

# (language, typed question, question id): 12 questions, each language at least 10 times.
ASKED = [
    ("ru", "скажите честно, это анонимно? муж не узнает?", "anonymous"),
    ("ru", "а мужчинам у вас помогают", "men"),
    ("ru", "в какой день на горячей линии бывает милиционер", "mvd_officer"),
    ("ru", "объясните мне что значит защитное предписание", "protective_order"),
    ("ru", "можно ли мне в кризисную комнату вместе с детьми", "with_children"),
    ("ru", "за кризисную комнату нужно платить?", "free"),
    ("ru", "подскажите как мне удалить всю эту переписку", "delete_chat"),
    ("ru", "а без прописки в этом районе меня возьмут?", "no_registration"),
    ("ru", "у меня вообще нет денег, мне помогут?", "no_money"),
    ("ru", "можно ли по закону заставить мужа уйти из квартиры", "make_leave"),
    ("ru", "как зафиксировать побои у врача", "record_injuries"),
    ("ru", "паспорт остался у него, меня примут без паспорта?", "no_documents"),
    ("be", "скажыце, гэта ананімна? муж не даведаецца?", "anonymous"),
    ("be", "а мужчынам у вас дапамагаюць", "men"),
    ("be", "у які дзень на гарачай лініі бывае міліцыянер", "mvd_officer"),
    ("be", "растлумачце мне што значыць ахоўнае прадпісанне", "protective_order"),
    ("be", "ці можна мне ў крызісны пакой разам з дзецьмі", "with_children"),
    ("be", "за крызісны пакой трэба плаціць?", "free"),
    ("be", "падкажыце як мне выдаліць усю гэтую перапіску", "delete_chat"),
    ("be", "а без прапіскі ў гэтым раёне мяне возьмуць?", "no_registration"),
    ("be", "у мяне ўвогуле няма грошай, мне дапамогуць?", "no_money"),
    ("be", "ці можна па законе прымусіць мужа сысці з кватэры", "make_leave"),
    ("be", "як зафіксаваць пабоі ва ўрача", "record_injuries"),
    ("be", "пашпарт застаўся ў яго, мяне прымуць без пашпарта?", "no_documents"),
    ("en", "honestly, is this anonymous? will my husband find out?", "anonymous"),
    ("en", "do you help men here", "men"),
    ("en", "which day is the police officer on the hotline", "mvd_officer"),
    ("en", "explain to me what a protective order means", "protective_order"),
    ("en", "can i go to the crisis room together with my children", "with_children"),
    ("en", "is the crisis room paid or free?", "free"),
    ("en", "tell me how to delete this whole conversation", "delete_chat"),
    ("en", "will they take me without registration in that district?", "no_registration"),
    ("en", "i have no money at all, can you still help?", "no_money"),
    ("en", "can my husband legally be made to leave the flat", "make_leave"),
    ("en", "how do i get a doctor to record my injuries", "record_injuries"),
    ("en", "he kept my passport, will they take me without it?", "no_documents"),
]
# "anonymous" or "find out": both answer the same fear (and both say how to delete the chat).
ALSO = {"anonymous": {"find_out"}}
SET_LANGUAGE = '/set_language{{"language":"{}"}}'


def start(assistant, lang: str) -> str:
    me = uuid.uuid4().hex
    assistant.say(me, "/start")
    assistant.say(me, SET_LANGUAGE.format(lang))
    return me


def test_the_typed_questions_here_are_held_out():
    train = {norm(e.get("text")) for examples in training_examples().values() for e in examples}
    held = {norm(i["text"]) for i in heldout()}
    assert not [text for _, text, _ in ASKED if norm(text) in train | held]


def answered_with(reply: str, lang: str):
    """The question whose answer (its first 40 characters) the reply carries, if any."""
    return {q.id for q in questions().values() if fill(q.answer[lang])[:40] in reply}


# Measured misses, kept visible (strict: when the model gets them right, drop the mark).
KNOWN_MISSES: Dict[Tuple[str, str], str] = {}


@pytest.mark.parametrize(
    "lang,asked,expected",
    [
        pytest.param(
            lang,
            a,
            q,
            id=f"{lang}-{q}",
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[(lang, q)])] if (lang, q) in KNOWN_MISSES else [],
        )
        for lang, a, q in ASKED
    ],
)
def test_a_question_gets_its_answer_first_then_the_guide_screen(assistant, lang, asked, expected):
    me = start(assistant, lang)
    replies = assistant.say(me, asked)
    reply = texts(replies)
    got = answered_with(reply, lang)
    assert got & ({expected} | ALSO.get(expected, set())), (asked, got, reply[:300])
    question = questions()[next(iter(got))]
    # the answer comes first, then the hotline once (its line or its full answer), with 102
    assert replies[0]["text"].startswith(fill(question.answer[lang])[:40])
    assert hotline.mentions(reply) == 1 and fallback.POLICE in reply
    # not the first screen of a guide
    assert not any(g.screens[0].text[lang][:30] in reply for g in content().guides.values())
    # its offers as buttons (a guide screen or contacts), and the way to the menu
    offered = payloads(replies)
    assert [b["payload"] for b in answer_buttons(question, lang, in_search=False)] == offered


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
def test_the_offered_guide_screen_is_the_one_that_covers_the_question(assistant, lang):
    me = start(assistant, lang)
    asked = next(text for asked_lang, text, q in ASKED if asked_lang == lang and q == "protective_order")
    offered = payloads(assistant.say(me, asked))
    assert offered[0] == '/rights{"step":"2"}'
    screen = texts(assistant.say(me, offered[0]))
    assert content().guides["rights"].screens[2].text[lang][:40] in screen


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
def test_a_question_mid_form_is_answered_and_the_pending_question_asked_again(assistant, lang):
    me = start(assistant, lang)
    asking_region = assistant.say(me, "/need_shelter")
    region_buttons = [p for p in payloads(asking_region) if p.startswith('/inform{"region"')]
    assert region_buttons
    asked = next(text for asked_lang, text, q in ASKED if asked_lang == lang and q == "with_children")
    replies = assistant.say(me, asked)
    assert answered_with(texts(replies), lang) & {"with_children"}
    # then the form asks the region again, with the same keyboard; the search is kept
    assert [p for p in payloads(replies) if p.startswith('/inform{"region"')] == region_buttons
    tracker = assistant.tracker(me)
    assert (tracker.get("active_loop") or {}).get("name") == "help_form"
    assert slots(tracker)["help_type"] == "shelter"
    # a region typed next is taken
    after = assistant.say(me, {"ru": "Гомельская область", "be": "Гомельская вобласць", "en": "Gomel region"}[lang])
    assert slots(assistant.tracker(me))["region"] == "BY-HO", texts(after)


TYPED_UNKNOWN = {"ru": "не знаю", "be": "не ведаю", "en": "don't know"}
UNKNOWN_TITLE = {"ru": "Не знаю", "be": "Не ведаю", "en": "Don't know"}


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
def test_dont_know_in_the_self_check_is_its_own_answer_and_the_result_says_how_it_counted(assistant, lang):
    check = content().risk_check
    me = start(assistant, lang)
    first = assistant.say(me, "/risk_check")
    assert any(
        b["title"] == UNKNOWN_TITLE[lang] and b["payload"] == '/risk_check{"answers":"u"}'
        for m in first
        for b in m.get("buttons") or []
    )
    assistant.say(me, '/risk_check{"answers":"u"}')  # tapped: question 1
    assistant.say(me, TYPED_UNKNOWN[lang])  # typed: question 2
    assert slots(assistant.tracker(me))["risk_answers"] == "uu"
    answers = "uu"
    for _ in range(len(check.questions) - 2):
        answers += "n"
        replies = assistant.say(me, f'/risk_check{{"answers":"{answers}"}}')
    reply = texts(replies)
    # two "don't know" to red-flag questions are not a "yes": the lower result, and it says why
    assert check.result_lower[lang][:30] in reply
    assert check.unknown_counted[lang][:40] in reply and "2" in reply.split(check.unknown_counted[lang][:10])[0][-40:]
    assert fallback.HOTLINE in reply


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_no_unknowns_no_note(assistant, lang):
    check = content().risk_check
    me = start(assistant, lang)
    assistant.say(me, "/risk_check")
    replies = assistant.say(me, '/risk_check{"answers":"y"}')
    reply = texts(replies)
    assert check.result_high[lang][:30] in reply and check.unknown_counted[lang][:40] not in reply
