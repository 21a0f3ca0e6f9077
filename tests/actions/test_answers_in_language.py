"""In the Belarusian and English interfaces every answer with contacts is in that language:
names, addresses, hours, who answers, phone labels and caveats (issue 17, item 7).

Walks every region × (whole region + each district) × every help type through the real action
(`ActionShowContacts` on the real directory data), for a survivor and a specialist (who also
gets sources and dates), plus the hotline answer. English: no Cyrillic letter at all. Belarusian:
no letter only Russian has (и, щ, ъ). Links are left out (a map search keeps the address in
Russian: Yandex finds it best so, and a link is not text the person reads)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from directory import HELP_TYPES, REGION_CODES

from actions.results import ActionHotline, ActionShowContacts
from bench.reply_facts import foreign_words
from tests.actions.conftest import make_tracker


def _reply(dispatcher: CollectingDispatcher) -> str:
    parts = []
    for message in dispatcher.messages:
        parts.append(message.get("text") or "")
        parts.extend(b.get("title", "") for b in message.get("buttons") or [])
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["be", "en"])
async def test_every_results_answer_is_in_the_interface_language(known, lang):
    leaks, answers = {}, 0
    for region in REGION_CODES:
        for district in [None] + [d.id for d in known.districts(region)]:
            for help_type in HELP_TYPES:
                for role in ("survivor", "specialist"):
                    dispatcher = CollectingDispatcher()
                    slots = {"help_type": help_type, "region": region, "district": district, "whole_region": district is None}
                    await ActionShowContacts().run(dispatcher, make_tracker(slots, before={"language": lang, "role": role}), {})
                    answers += 1
                    for word in foreign_words(_reply(dispatcher), lang):
                        leaks.setdefault(word, (region, district, help_type, role))
    assert answers > 2000
    assert not leaks, f"{len(leaks)} foreign word(s) in {lang}: {dict(list(leaks.items())[:20])}"


@pytest.mark.parametrize("lang", ["be", "en"])
async def test_the_hotline_answer_is_in_the_interface_language(known, lang):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"help_type": "hotline"}, before={"language": lang}, intent="need_hotline")
    await ActionHotline().run(dispatcher, tracker, {})
    assert not foreign_words(_reply(dispatcher), lang)
