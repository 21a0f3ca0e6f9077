"""Length of every results answer (help type × region × whole region and each district × ru/be/en),
through the real action and the directory in var/: p50/p95/max, and answers with up to 3 contacts
(nearby entries counted) over ANSWER_BUDGET or 3 messages.

    PYTHONPATH=. .venv/bin/python -m bench.answer_lengths
"""

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from directory import HELP_TYPES, REGION_CODES

from actions.knowledge import directory
from actions.results import ANSWER_BUDGET, ActionShowContacts, without_hotline
from actions.texts import LANGUAGES
from tests.actions.conftest import make_tracker


async def main():
    known = directory()
    allL, small, over = [], [], []
    for region in REGION_CODES:
        for district in [None] + [d.id for d in known.districts(region)]:
            for ht in HELP_TYPES:
                found = without_hotline(known.search(ht, region, district))
                n = len(found.local) + len(found.national) + len(found.nearby)
                for lang in LANGUAGES:
                    d = CollectingDispatcher()
                    slots = {"help_type": ht, "region": region, "district": district, "whole_region": district is None}
                    await ActionShowContacts().run(d, make_tracker(slots, before={"language": lang}), {})
                    L = sum(len(m.get("text") or "") for m in d.messages)
                    allL.append(L)
                    if n <= 3:
                        small.append(L)
                        if L > ANSWER_BUDGET or len(d.messages) > 3:
                            over.append((region, district, ht, lang, len(d.messages), L))

    def q(xs, p):
        return sorted(xs)[int(p * (len(xs) - 1))]

    print(f"all answers n={len(allL)} p50={q(allL,.5)} p95={q(allL,.95)} max={max(allL)}")
    print(f"<=3 contacts n={len(small)} p50={q(small,.5)} p95={q(small,.95)} max={max(small)} over={len(over)}")
    for o in over[:15]:
        print(o)


asyncio.run(main())
