"""Per-turn speed-ups inside the Rasa server, each measured and fixed at its cause.

Installed by one pipeline entry in config.yml (``safeguards.speedups.TurnSpeedups``), like the
other safeguards, so they are active wherever the model runs:

- ``payload_parse``: button payloads (``/intent{...}``) skip the NLU pipeline whose output
  ``RegexMessageHandler`` discards anyway (NLU graph: 16 % of the server's CPU per turn).
- ``event_types``: event classes are looked up by name in a table instead of walking the class
  tree for every event deserialised (4.7 %).
- ``action_client``: calls to the action server reuse one HTTP session and its keep-alive
  connections instead of a new session and TCP connection per call (~4 %).
- ``action_http``: the action calls themselves (JSON POSTs to a plain-http endpoint) go over a
  lean HTTP/1.1 client on those kept-alive connections: 0.42–0.60 → 0.10–0.20 ms of CPU per call.
- ``in_process_actions``: the slot-validation actions listed under ``run_in_process`` in
  endpoints.yml run in this process instead of over HTTP (45 of 69 action-server calls on the
  bench flows).
- ``rule_lookup``: RulePolicy's search for applicable rules parses each rule once and stops
  when nothing is left to check (~8 %).
- ``graph_runner``: the NLU and policy graphs run in a precomputed order instead of through
  dask's scheduler (~7 %).
- ``lemma_cache``: spaCy's pymorphy3 lemmatizer asks pymorphy3 once per distinct word (also a
  training speed-up): SpacyNLP 0.96 → 0.2 ms of a typed message's 4.6 ms parse.
- ``active_loop_copy``: an action call copies the tracker's active loop without ``deepcopy`` on
  every plain value (``current_state`` 64 → 38 µs with a form active).
- ``applied_events``: the tracker's applied history without an ABC ``isinstance`` per event
  and check (95–155 → 31 µs on a 40-event tracker; runs for every prediction).
- ``slot_copy``: new trackers copy their slots without ``copy.copy``'s generic protocol (34 → 16 µs
  per tracker; Rasa builds ~10 trackers per turn).
- ``past_states_memo``: a tracker's past states computed once per version of its history
  (RulePolicy asked twice for the first prediction of every turn; ~300 µs each).
- ``empty_domain_check``: the "is the domain empty?" check that ends every parse compares with
  one empty domain instead of building a new one per message (125 µs per message).
- ``debug_log_copies``: arguments of Rasa's debug-log calls are not deep-copied when debug
  logging is off (2.8 %).

Each module's docstring says what was measured, why the result is unchanged, and how.
(Cached response validation and the skops import fix live in ``remote_action_validation`` and
``fast_skops_import``; the tracker store's share is fixed in ``tracker_store``.)
"""
from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from safeguards import (
    action_client, action_http, active_loop_copy, applied_events, debug_log_copies, empty_domain_check, event_types, graph_runner,
    lemma_cache, past_states_memo, payload_parse, rule_lookup, slot_copy,
)
from safeguards.pipeline_hook import InstallOnLoad


def install() -> None:
    payload_parse.install()
    event_types.install()
    action_client.install()
    graph_runner.install()
    action_http.install()  # TODO(patches): in_process_actions moved to safety/ (installed by safety.in_server)
    rule_lookup.install()
    lemma_cache.install()
    active_loop_copy.install()
    debug_log_copies.install()
    applied_events.install()
    slot_copy.install()
    past_states_memo.install()
    empty_domain_check.install()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TurnSpeedups(InstallOnLoad):
    """Pipeline entry whose only job is to ``install()`` the speed-ups when the model loads."""

    install = staticmethod(install)
