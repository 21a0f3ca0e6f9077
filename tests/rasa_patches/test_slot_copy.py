"""Slots copied into new trackers are what ``copy.copy`` gives; other objects go to ``copy.copy``."""
from __future__ import annotations

import ast
import copy
import inspect

import rasa.shared.core.trackers as trackers
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_patches import slot_copy
from tests.actions.conftest import REPO


def test_trackers_module_uses_copy_only_for_slots():
    tree = ast.parse(inspect.getsource(trackers))
    uses = [node for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "copy"]
    assert [use.attr for use in uses] == ["copy"], "trackers.py uses copy for more now: review rasa_patches/slot_copy.py"


def test_same_copies_as_copy_copy_for_the_domains_slots():
    domain = Domain.load(str(REPO / "domain.yml"))
    assert domain.slots
    assert all(slot_copy._is_plain(type(slot)) for slot in domain.slots)  # the fast path, not copy.copy
    for slot in domain.slots:
        slot.value = slot.initial_value if slot.initial_value is not None else "x"
        fast, reference = slot_copy.shallow_copy(slot), copy.copy(slot)
        assert type(fast) is type(reference) is type(slot)
        assert fast is not slot and vars(fast) == vars(reference) == vars(slot)
        assert all(vars(fast)[key] is vars(slot)[key] for key in vars(slot))  # shallow, like copy.copy
        before = slot.value
        fast.value = None
        assert slot.value == before  # the copy is independent


def test_objects_with_their_own_copy_protocol_go_to_copy_copy():
    class Custom:
        def __copy__(self):
            return "custom"

    class Slotted:
        __slots__ = ("a",)

    slotted = Slotted()
    slotted.a = 1
    assert slot_copy.shallow_copy(Custom()) == "custom"
    assert slot_copy.shallow_copy(slotted).a == 1
    assert slot_copy.shallow_copy([1, 2]) == [1, 2]


def test_trackers_are_built_the_same():
    domain = Domain.load(str(REPO / "domain.yml"))
    slot_copy.install()
    try:
        tracker = DialogueStateTracker("s", domain.slots)
        assert {name: vars(slot) for name, slot in tracker.slots.items()} == {s.name: vars(s) for s in domain.slots}
        assert all(tracker.slots[s.name] is not s for s in domain.slots)
    finally:
        slot_copy.uninstall()
    assert trackers.copy is copy
