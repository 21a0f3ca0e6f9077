"""Hostile and odd input: every slot value is whitelisted, every refusal is a calm reply."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions import slot_rules
from actions.conversation import ActionNotUnderstood
from actions.help_form import ALWAYS_GLOBAL, ValidateHelpForm, ValidateSlotMappings
from actions.texts import text
from tests.actions.conftest import all_text, make_tracker

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def validate(dispatcher, **kwargs):
    return slot_events(await ValidateSlotMappings().run(dispatcher, make_tracker(**kwargs), DOMAIN))


@pytest.mark.parametrize(
    "slot, value",
    [
        ("region", "' OR 1=1 --"),
        ("region", "BY-XX"),
        ("region", {"$ne": None}),
        ("help_type", "<script>alert(1)</script>"),
        ("help_type", "shelter' --"),
        ("district", "BY-MI-99"),
        ("district", "BY-MI-12; DROP TABLE organisations"),
        ("district", "../../etc/passwd"),
        ("role", "admin"),
        ("other_need", "legal' --"),
        ("other_place", "BY-MI-12; DROP TABLE organisations"),
        ("other_place", "BY-XX"),
    ],
)
async def test_hostile_values_are_not_kept(directory_url, dispatcher, slot, value):
    kept = await validate(dispatcher, slots={slot: value}, text=f'/inform{{"{slot}": "{value}"}}')
    assert kept[slot] != value
    assert kept[slot] is None or kept[slot] == slot_rules.DEFAULT_ROLE
    assert text("ru", "invalid_choice") in all_text(dispatcher)


async def test_hostile_value_keeps_the_previous_good_one(directory_url, dispatcher):
    kept = await validate(dispatcher, before={"region": "BY-HO", "help_type": "legal"}, slots={"region": "' OR 1=1 --"})
    assert kept["region"] == "BY-HO"


async def test_unknown_language_keeps_the_current_language(directory_url, dispatcher):
    kept = await validate(dispatcher, before={"language": "en"}, slots={"language": "xx"})
    assert kept["language"] == "en"
    assert text("en", "invalid_choice") in all_text(dispatcher)


async def test_district_sets_its_region(directory_url, known, dispatcher):
    district = known.districts("BY-MA")[0]
    kept = await validate(dispatcher, before={"region": "BY-HO"}, slots={"district": district.id})
    assert kept["district"] == district.id
    assert kept["region"] == "BY-MA"
    assert dispatcher.messages == []


async def test_new_region_forgets_the_old_district(directory_url, dispatcher):
    kept = await validate(dispatcher, before={"region": "BY-HO", "district": "BY-HO-01"}, slots={"region": "BY-BR"})
    assert kept["region"] == "BY-BR"
    assert kept["district"] is None


async def test_whole_region_and_paging_are_never_kept_as_district(directory_url, dispatcher):
    kept = await validate(
        dispatcher, before={"region": "BY-MI"}, slots={"district": slot_rules.WHOLE_REGION}, intent="whole_region"
    )
    assert kept == {"district": None, "whole_region": True, "district_page": 0}
    kept = await validate(
        dispatcher,
        before={"region": "BY-MI"},
        slots={"district": slot_rules.NEXT_PAGE, "district_page": 2},
        intent="district_page",
    )
    assert kept["district"] is None and kept["district_page"] == 2
    kept = await validate(dispatcher, slots={"district_page": 99999})
    assert kept["district_page"] == 0


async def test_whole_region_makes_district_optional_in_the_form(directory_url, dispatcher):
    tracker = make_tracker(
        before={"region": "BY-MI", "help_type": "legal"}, slots={"whole_region": True}, active_loop="help_form"
    )
    required = await ValidateHelpForm().required_slots(["help_type", "region", "district"], dispatcher, tracker, DOMAIN)
    assert required == ["help_type", "region"]


async def test_foreign_place_gets_national_numbers(directory_url, dispatcher):
    await validate(dispatcher, text="я в Москве", entities=[{"entity": "foreign_place", "value": "Москве"}])
    reply = all_text(dispatcher)
    assert "112" in reply and "8-801-100-8-801" in reply


async def test_ambiguous_place_asks_with_buttons(directory_url, known, dispatcher):
    a, b = known.districts("BY-HO")[0], known.districts("BY-HM")[0]
    await validate(dispatcher, text="x", entities=[{"entity": "place_options", "value": f"{a.id}|{b.id}|BY-XX-77"}])
    payloads = [b_["payload"] for m in dispatcher.messages for b_ in m.get("buttons") or []]
    assert payloads == ["/need_emergency", f'/inform{{"district":"{a.id}"}}', f'/inform{{"district":"{b.id}"}}']


@pytest.mark.parametrize("message, key", [("ж" * 5000, "too_long"), ("😀😀😀", "not_understood"), ("", "not_understood")])
async def test_odd_messages_get_a_calm_reply_with_the_hotline(directory_url, dispatcher, message, key):
    await ActionNotUnderstood().run(dispatcher, make_tracker(text=message, intent="nlu_fallback"), DOMAIN)
    reply = all_text(dispatcher)
    assert text("ru", key) in reply
    assert "8-801-100-8-801" in reply and "102" in reply
    assert len(dispatcher.messages[0]["text"]) < 1000


def _rasa_domain() -> dict:
    """The domain as Rasa sends it with every action call."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml")).as_dict()


def test_global_slots_are_the_sdks_and_worked_out_once_per_domain(monkeypatch, dispatcher):
    import asyncio

    from rasa_sdk import ValidationAction

    domain = _rasa_domain()
    action = ValidateSlotMappings()
    expected = ValidationAction.global_slots(action, domain)
    expected += [s for s in ALWAYS_GLOBAL if s not in expected]  # help_type: validated everywhere
    assert expected and action.global_slots(domain) == expected
    assert "help_type" in action.global_slots(domain)

    scans = []
    original = ValidationAction._is_mapped_to_form
    monkeypatch.setattr(ValidationAction, "_is_mapped_to_form", staticmethod(lambda slot: scans.append(1) or original(slot)))
    fresh = _rasa_domain()  # every call brings a new dict
    assert asyncio.run(action.get_extraction_events(dispatcher, make_tracker(), fresh)) == []
    assert len(scans) == len(fresh["slots"])  # once per slot, not once per slot per slot

    changed = {**fresh, "slots": {name: value for name, value in fresh["slots"].items() if name != "role"}}
    assert action.global_slots(changed) == [name for name in expected if name != "role"]
    answer = action.global_slots(changed)
    answer.clear()  # a caller's copy
    assert action.global_slots(changed)
