"""Safety rule 2 at run time: logs at INFO hold no message text, slot values or conversation
ids; the HTTP API needs its token; erasing a conversation really removes it."""
from __future__ import annotations

import urllib.error
import urllib.request
import uuid

import pytest

pytestmark = pytest.mark.e2e

SECRET_WORDS = "Тайнопись Квакозябра"


def test_logs_hold_no_text_ids_or_slot_values(assistant):
    me = "privacy-" + uuid.uuid4().hex
    assistant.say(me, f"нужен юрист в Бобруйске {SECRET_WORDS}")
    assistant.say(me, '/inform{"region":"\' OR 1=1 --"}')
    assistant.say(me, "/whole_region")
    for log in ("rasa.log", "actions.log"):
        content = (assistant.work / log).read_text(encoding="utf-8", errors="replace")
        assert content.strip(), f"{log} is empty: the check below would prove nothing"
        assert me not in content, log
        assert "Тайнопись" not in content and "Квакозябра" not in content, log
        assert "Бобруйск" not in content and "OR 1=1" not in content, log
        assert "BY-MA" not in content, log


def test_http_api_requires_the_token(assistant):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{assistant.base}/conversations/anyone/tracker", timeout=10)
    assert refused.value.code in (401, 403)
