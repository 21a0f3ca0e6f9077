"""Loading the model leaves what it loaded frozen (skipped by full collections), a second load
unfreezes the first one's objects first, and undoing the patch unfreezes everything."""

from __future__ import annotations

import gc
import weakref

import pytest
from rasa.core.agent import Agent

from rasa_patches import loaded_model_gc_freeze

pytestmark = pytest.mark.filterwarnings("ignore")


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_load_model_freezes_what_is_alive_and_a_reload_frees_old_cycles(monkeypatch):
    loaded = []
    monkeypatch.setattr(Agent, "load_model", lambda self, path, fingerprint=None: loaded.append(_Cycle()))
    loaded_model_gc_freeze.install()
    try:
        Agent.load_model(object.__new__(Agent), "model.tar.gz")
        assert gc.get_freeze_count() > 0
        old = weakref.ref(loaded.pop())  # the first model goes: a cycle only the collector frees
        gc.collect()
        assert old() is not None  # frozen: full collections skip it
        Agent.load_model(object.__new__(Agent), "model.tar.gz")
        assert old() is None  # the reload unfroze and collected it
        assert gc.get_freeze_count() > 0
    finally:
        loaded_model_gc_freeze.uninstall()
    assert gc.get_freeze_count() == 0
    assert Agent.load_model.__name__ == "<lambda>"


def test_the_wrapper_keeps_the_original_signature():
    loaded_model_gc_freeze.install()
    try:
        assert Agent.load_model.__wrapped__ is loaded_model_gc_freeze._ORIGINALS["load_model"]
    finally:
        loaded_model_gc_freeze.uninstall()
    assert not hasattr(Agent.load_model, "__wrapped__")
