"""The pipeline entry switches on every per-turn speed-up, once."""
from __future__ import annotations

import rasa.core.processor as processor
import rasa.shared.core.trackers as trackers
from rasa.core.processor import MessageProcessor
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from spacy.lang.ru.lemmatizer import RussianLemmatizer

from rasa_patches import (
    action_client, action_http, active_loop_copy, applied_events, debug_log_copies, empty_domain_check, event_types, lemma_cache,
    payload_parse, past_states_memo, slot_copy, speedups,
)


def test_entry_installs_all_and_is_idempotent():
    assert DefaultV1Recipe._from_registry("TurnSpeedups").clazz is speedups.TurnSpeedups
    lemmas_before = bool(lemma_cache._ORIGINALS)
    try:
        speedups.install()
        first = (MessageProcessor._parse_message_with_graph, Event.__dict__["resolve_by_type"], EndpointConfig.session)
        speedups.install()
        assert (MessageProcessor._parse_message_with_graph, Event.__dict__["resolve_by_type"], EndpointConfig.session) == first
        assert payload_parse._original() is not MessageProcessor._parse_message_with_graph
        assert Event.resolve_by_type is event_types.resolve_by_type
        assert EndpointConfig.session is action_client.session
        assert action_http._in_chain() and action_http._enabled
        assert RussianLemmatizer._pymorphy_lookup_lemmatize is lemma_cache._lookup_lemmatize
        assert trackers.dataclasses.asdict is active_loop_copy.asdict
        assert processor.copy.deepcopy is debug_log_copies.deepcopy
        assert DialogueStateTracker.applied_events is applied_events.applied_events
        assert trackers.copy.copy is slot_copy.shallow_copy
        assert DialogueStateTracker.past_states is past_states_memo.past_states
        assert Domain.is_empty is empty_domain_check.is_empty
    finally:
        payload_parse.uninstall()
        event_types.uninstall()
        action_client.uninstall()
        action_http.uninstall()
        active_loop_copy.uninstall()
        debug_log_copies.uninstall()
        applied_events.uninstall()
        slot_copy.uninstall()
        past_states_memo.uninstall()
        empty_domain_check.uninstall()
        if not lemmas_before:
            lemma_cache.uninstall()


def test_training_hook_then_serving_speedups_import_cleanly():
    """`rasa train` imports the training importer (which installs the lemma cache when spaCy's
    lemmatizer is imported) and then the pipeline's TurnSpeedups. That order once failed with a
    circular import; a fresh interpreter checks it."""
    import subprocess
    import sys

    from tests.actions.conftest import REPO

    code = (
        "import safeguards.training_speedups\n"
        "import safeguards.speedups as s\n"
        "s.install()\n"
        "from spacy.lang.ru.lemmatizer import RussianLemmatizer as R\n"
        "from rasa_patches import lemma_cache\n"
        "assert R._pymorphy_lookup_lemmatize is lemma_cache._lookup_lemmatize\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
