"""The coverage walk (bench.walk) through the real servers: every district × help type as a
person taps, checked against what issue 16 says must be true.

A target not met yet carries a strict xfail mark with the counts of the last walk; a fix that
lands turns it into an XPASS failure: then remove the mark."""

from __future__ import annotations

import asyncio

import pytest

from bench import reply_facts as facts
from bench.walk import WALKED_HELP_TYPES, measure

pytestmark = pytest.mark.e2e

MAX_CHARS, MAX_MESSAGES, MAX_MAP_LINK = 1000, 3, 120


@pytest.fixture(scope="module")
def walked(assistant):
    answers, found, _ = asyncio.run(measure(assistant.base, WALKED_HELP_TYPES, concurrency=4))
    return answers, found


def test_every_pair_is_reached_by_taps(walked):
    answers, found = walked
    assert not found.errors, found.errors[:5]
    assert found.pairs >= 7 * 137  # the keyboards' places (118 raions, 10 city units, Minsk's 9 districts) × 7 help types
    assert all(a.reply for a in answers)


def test_no_district_shows_nothing_while_its_region_holds_some(walked):
    assert walked[1].empty_though_region_has == []


def test_no_district_entry_hides_a_region_wide_line(walked):
    assert walked[1].hidden_region_lines == []


def test_every_number_can_be_dialled_from_a_mobile(walked):
    assert walked[1].undiallable_numbers == []


def test_each_number_once(walked):
    assert walked[1].answers_with_repeats == 0


def test_the_hotline_at_most_once_per_answer(walked):
    assert max(walked[1].hotline) <= 1


def test_answers_with_up_to_3_contacts_are_short(walked):
    answers, _ = walked
    long = [
        (a.help_type, a.district, facts.chars(a.reply), facts.messages(a.reply))
        for a in answers
        if a.district
        and len(facts.contact_phones(a.text)) <= 3
        and (facts.chars(a.reply) > MAX_CHARS or facts.messages(a.reply) > MAX_MESSAGES)
    ]
    assert long == []


def test_map_links_are_short(walked):
    assert all(length <= MAX_MAP_LINK for length in walked[1].map_lengths)


@pytest.mark.parametrize("lang", ["be", "en"])
def test_the_belarusian_and_english_walks_answer_in_their_language(assistant, lang):
    """Every district's crisis-room answer (names, who answers, hours, caveats: the most translated
    fields) tapped in the be / en interface: no word of another language (issue 17.7). The other
    help types are walked by `python -m bench.walk --lang be|en`; tests/actions/test_answers_in_language.py
    checks every help type on the action layer."""
    answers, found, _ = asyncio.run(measure(assistant.base, ("shelter",), concurrency=4, lang=lang))
    assert not found.errors, found.errors[:5]
    assert found.pairs >= 137
    assert found.foreign == [], found.foreign[:10]
