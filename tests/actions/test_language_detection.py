"""The first typed message picks the language when none was chosen."""
from __future__ import annotations

import pytest

from actions.help_form import ValidateSlotMappings
from actions.language_detection import detect, is_first_typed_message
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


def test_only_the_first_typed_message_counts():
    first = [user_event("/start", "start"), user_event("hello", "greet")]
    assert is_first_typed_message(first)
    assert not is_first_typed_message(first + [user_event("привет", "greet")])
    chosen = [user_event("/start", "start"), {"event": "slot", "name": "language", "value": "ru"}, user_event("hello", "greet")]
    assert not is_first_typed_message(chosen)


async def test_first_english_message_switches_to_english(dispatcher):
    tracker = make_tracker(text="I need a lawyer", intent="need_legal", slots={"help_type": "legal"})
    kept = slot_events(await ValidateSlotMappings().run(dispatcher, tracker, DOMAIN))
    assert kept["language"] == "en"


async def test_a_chosen_language_is_not_overridden(dispatcher):
    tracker = make_tracker(text="нужен юрист", intent="need_legal", before={"language": "en"}, slots={"help_type": "legal"})
    kept = slot_events(await ValidateSlotMappings().run(dispatcher, tracker, DOMAIN))
    assert "language" not in kept
