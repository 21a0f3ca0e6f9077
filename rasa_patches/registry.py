"""Every patch of Rasa's (and spaCy's, skops') internals: what it replaces, pinned by source hash.

One entry per module of this package that patches something (the module keeps the entry's name
and has ``install()``). ``targets`` maps each replaced or restated function, class or module
(``module:qualname``, or a bare module for a whole file) to the SHA-256 of its source
(``inspect.getsource``) in the pinned versions (constraints.txt): if any differs, the patch is
skipped with one warning and Rasa's own code runs (rasa_patches/install.py).
``after_import``: the patch is installed right after Rasa imports that module (before anyone
can use it), not at launch — see rasa_patches/after_import.py. The order is the install order.

``gain`` is the measured marginal effect of switching the patch off with all others on
(docs/ablation-2026-12-02.md, `python -m bench.ablation`; CPU time, 2 cores under load).
``python -m rasa_patches.table`` prints this registry as the table in docs/PERFORMANCE.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple

SERVING, TRAINING, COLD_START, CORRECTNESS = "serving", "training", "cold start", "correctness"


@dataclass(frozen=True)
class Patch:
    name: str
    targets: Mapping[str, str]
    purpose: str
    gain: str
    after_import: Optional[str] = None


_LR = "rasa.nlu.classifiers.logistic_regression_classifier"
_CVF = "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer"
_TRACKERS = "rasa.shared.core.trackers"

PATCHES: Tuple[Patch, ...] = (
    Patch(
        "tensorflow_on_demand",
        {
            "rasa.utils.train_utils": "7ae337d7a78d2c16d0d5fd59099345957e4b7081251632a7adde90d090024ac6",
            "rasa.engine.storage.storage:ModelMetadata.from_dict": "ee3da9f00c7daa75c275e6db3db02b5f4da5ca674098bed28222c1f12032a619",
            "rasa.engine.recipes.default_recipe:DefaultV1Recipe._create_train_nodes": "d46d411e786781ac3f345409fd5867f4319088c8d6406d713638486332ce0794",
            "rasa.engine.recipes.default_components": "b58a9dc0d456472a60aea5e113bd4ae0358fec14bf6c333e81872f96dbc63bc3",
            "rasa.graph_components.validators.default_recipe_validator": "89f0cddf9c8a6f7527f358b83c5a847df468c570ec2f415804380835e364f2c5",
        },
        COLD_START,
        "off: +339 MB Rasa RSS, +5.4 s cold-start CPU, +11 % training CPU; holds the RSS target",
    ),
    Patch(
        "fast_skops_import",
        {"skops.io._utils:whichmodule": "30196d417084316a84856b50173a13b6953e58ab3784bcabf02a3ec332b964f2"},
        COLD_START,
        "off: +10.2 s cold-start CPU, +337 MB RSS (TensorFlow loaded anyway), +25 % training CPU, +6.5 % turn CPU",
        after_import="skops.io._utils",
    ),
    Patch(
        "payload_parse",
        {
            "rasa.core.processor:MessageProcessor._parse_message_with_graph": "0bd50a53b5c013af8458cbefe5dbcbd5c02c82a671a841b1947b3e8964e5c3d1",
            "rasa.nlu.classifiers.regex_message_handler:RegexMessageHandler.process": "c0b15285ba78223da6a265cde96c29e5377046c7aa5d049d01de2f68962903c9",
        },
        SERVING,
        "off: +19.6 % of a turn's server CPU",
    ),
    Patch(
        "event_types",
        {"rasa.shared.core.events:Event.resolve_by_type": "b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968"},
        SERVING,
        "off: +23.8 % of a turn's server CPU (acts per stored event: conversation growth too)",
    ),
    Patch(
        "action_client",
        {"rasa.utils.endpoints:EndpointConfig.session": "e55aa13d9d4fb4bc440ac33b870a97ee162b76dda7ccb6bf68433567475fdffb"},
        SERVING,
        "off: +1.1 s cold-start CPU; kept to hold the ≥ 3.5× throughput target (one keep-alive session, orjson)",
    ),
    Patch(
        "remote_action_validation",
        {
            "rasa.core.actions.action:RemoteAction._validate_action_result": "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42",
            "rasa.core.actions.action:RemoteAction.action_response_format_spec": "091b74aa3738d1262cf3c028386aaf9dd4f0d5c1374b62392411d70a79104a46",
        },
        SERVING,
        "off: +1,344 % of a turn's server CPU (14 → 208 ms)",
    ),
    Patch(
        "loaded_model_gc_freeze",
        {"rasa.core.agent:Agent.load_model": "f4c1ab4c5c7af6349384fc0a2d3a1cffdc5f277f08378d07fd0cd247cd4d5fa7"},
        SERVING,
        "off: +6.9 % of a turn's server CPU at 50 users, 50-user p95 +14 % (946 vs 830 ms; 6 paired runs, p95 better in 6/6)",
    ),
    Patch(
        "graph_runner",
        {"rasa.engine.runner.dask:DaskGraphRunner.run": "45f0f52f574f3aa9546a552bf671183e171092c18b66e97f5771a7fa295de37e"},
        SERVING,
        "off: +13.5 % of a turn's server CPU",
    ),
    Patch(
        "rule_lookup",
        {
            "rasa.core.policies.rule_policy:RulePolicy._get_possible_keys": "2915fd81711e194c6d667728e00bd0e51e9c1c2791a0be14c55f0ef9938f9936",
            "rasa.core.policies.rule_policy:RulePolicy._is_rule_applicable": "64a108b016b46e573d6020b755a6036439dc207a364b45c9ea5dcb0f18dc7068",
        },
        SERVING,
        "off: +21.9 % of a turn's server CPU",
    ),
    Patch(
        "intent_classifier",
        {f"{_LR}:LogisticRegressionClassifier.process": "200fc5eab907e1567baf07e6150fab3eeec5b9f8590960c17ad81da47c6d841b"},
        SERVING,
        "off: +29.3 % of a turn's server CPU (typed messages)",
        after_import=_LR,
    ),
    Patch(
        "lemma_cache",
        {
            "spacy.lang.ru.lemmatizer:RussianLemmatizer._pymorphy_lookup_lemmatize": "12ce260409cbf7298f1d78a7235ad4613cbfa98fd77dbc9f61cb407f4e9a580d"
        },
        TRAINING,
        "off: +15 % training CPU (serving: +0.6 %, none measurable)",
        after_import="spacy.lang.ru.lemmatizer",
    ),
    Patch(
        "active_loop_copy",
        {f"{_TRACKERS}:DialogueStateTracker.current_state": "a9f1526ceddf7a2871ca65f0f664bec9b06546942cdb37ff020e87747608244c"},
        SERVING,
        "off: +5.9 % of a turn's server CPU (n=3, noise ±5 %)",
    ),
    Patch(
        "debug_log_copies",
        {
            "rasa.core.processor": "f42dfbf26e2ffcb66e08cf4180d1de1cce2a8f59389d5d3b4ea12a95b1f186dd",
            "rasa.core.actions.forms": "7cb6c30550116597a43e0139b3d0c3507e4a1a900d72a5eae8b818aa19647dd7",
            "rasa.core.policies.rule_policy": "952d1a13906511ac9b8d1c3dcd27148b24bbcd6610ebb13bff23f2fb1667b2b5",
        },
        SERVING,
        "off: +18.9 % of a turn's server CPU",
    ),
    Patch(
        "nlu_file_cache",
        {
            "rasa.shared.importers.rasa:RasaFileImporter.get_nlu_data": "bf36b78f020b7e50d2349ea8f35a4a87ee33bd918f4178359236b4b2270dc475",
            "rasa.shared.importers.utils:training_data_from_paths": "3ccd1a740d724c29d391e5fad254fabf86faf86cb27666577c6c4dea5cfe8e44",
        },
        TRAINING,
        "off: +9.7 % training CPU (n=2, at the 10 % threshold; kept for the training target)",
    ),
    Patch(
        "fast_fingerprint",
        {
            "rasa.shared.utils.io:deep_container_fingerprint": "bc5878b593a3a1e289743b2e77b63b6ea7eaaab7f504dcfc8eaf8adb965e6ea0",
            "rasa.shared.utils.io:get_dictionary_fingerprint": "38ff9f7cd7fe86e1c0512738c99c9eebabd9410d8ac7ed4b56b35aa997b881c1",
            "rasa.shared.utils.io:get_list_fingerprint": "5a89443fb2fe5dba09a51d4af31225689c40006e5e49194df2027d9a5027a201",
            "rasa.shared.nlu.training_data.util:sparse_matrix_to_string": "df9d5909b2b5a0ba39ed745169a54ec7611393a7a189e9f51a610e3e8c1e97e5",
            "rasa.engine.training.fingerprinting:calculate_fingerprint_key": "a495b363247d2897a76fbd2b11ec5675cfc5a836437f3de3e8f3748be3886a87",
        },
        TRAINING,
        "off: +15 % training CPU (n=1)",
    ),
    Patch(
        "training_matrix",
        {f"{_LR}:LogisticRegressionClassifier._create_X": "6f50b5eef8a879c4831f2062655abbc8a614391380875bdbcef02a42edb83292"},
        TRAINING,
        "off: +17 % training CPU (n=1)",
        after_import=_LR,
    ),
    Patch(
        "fit_gc_pause",
        {f"{_LR}:LogisticRegressionClassifier.train": "68f648ef29d6b903b7e44f62462e3b3d83b8446608ef6194b8cded40a269bff5"},
        TRAINING,
        "off: +11 % training CPU",
        after_import=_LR,
    ),
)

BY_NAME: Dict[str, Patch] = {patch.name: patch for patch in PATCHES}
