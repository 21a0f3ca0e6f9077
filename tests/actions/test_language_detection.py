"""Typed messages pick the language until one is chosen or surely written."""

from __future__ import annotations

import pytest

from actions.help_form import ValidateSlotMappings
from actions.language_detection import detect, language_decided, sure
from tests.actions.conftest import make_tracker, user_event
from tests.actions.test_validation import DOMAIN, slot_events


@pytest.mark.parametrize(
    "text, lang",
    [
        ("муж бьёт, нужна помощь", "ru"),
        ("мне няма дзе начаваць", "be"),
        ("муж б'е мяне", "be"),
        ("Ён ламае дзверы", "be"),
        ("I need a lawyer in Homel", "en"),
        ("he is hitting me", "en"),
        ("mne nuzhen yurist", None),  # Russian in Latin letters: keep the default
        ("crisis room Brest", "en"),  # short English: the help and a place
        ("psychologist Gomel", "en"),
        ("SOS", "en"),
        ("ok and a lawyer? I dont speak russian well", "en"),
        ("pomogite sos", None),
        ("😀😀", None),
        ("/need_legal", None),
        ("", None),
    ],
)
def test_detect(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize("text", ["дзякуй", "хто мне дапаможа", "дзе бліжэйшы цэнтр", "тэлефон юрыста", "чым вы дапамагаеце"])
def test_belarusian_without_i_or_u_short(text):
    assert detect(text) == "be"


@pytest.mark.parametrize("text", ["Гомель", "мне страшна", "где", "подзаголовок"])
def test_shared_words_decide_nothing(text):
    assert sure(text) is None


def test_russian_is_sure_with_its_own_letters():
    assert sure("мне нужен юрист") == "ru"
    assert sure("помогите") == "ru"


def test_a_language_slot_event_decides():
    assert not language_decided([user_event("/start", "start"), user_event("Гомель", "inform")])
    assert language_decided([user_event("/start", "start"), {"event": "slot", "name": "language", "value": "ru"}])


async def test_a_later_belarusian_message_decides_when_the_first_did_not(dispatcher):
    tracker = make_tracker(text="дзякуй", intent="thank")
    tracker.events[:0] = [user_event("Гомель", "inform")]
    kept = slot_events(await ValidateSlotMappings().run(dispatcher, tracker, DOMAIN))
    assert kept["language"] == "be"


async def test_sure_russian_is_kept_so_a_later_ok_stays_russian(dispatcher):
    tracker = make_tracker(text="мне нужен юрист", intent="need_legal", slots={"help_type": "legal"})
    kept = slot_events(await ValidateSlotMappings().run(dispatcher, tracker, DOMAIN))
    assert kept["language"] == "ru"


async def test_first_english_message_switches_to_english(dispatcher):
    tracker = make_tracker(text="I need a lawyer", intent="need_legal", slots={"help_type": "legal"})
    kept = slot_events(await ValidateSlotMappings().run(dispatcher, tracker, DOMAIN))
    assert kept["language"] == "en"


async def test_a_chosen_language_is_not_overridden(dispatcher):
    tracker = make_tracker(text="нужен юрист", intent="need_legal", before={"language": "en"}, slots={"help_type": "legal"})
    kept = slot_events(await ValidateSlotMappings().run(dispatcher, tracker, DOMAIN))
    assert "language" not in kept
