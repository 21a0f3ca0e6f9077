"""Training speed-ups (``rasa train``), each measured and fixed at its cause.

py-spy of ``rasa train --force`` with an empty training cache (100 Hz, 45.6 s on 2 cores) put
the time, apart from imports and the classifier's own fit, in:

- ``nlu_file_cache``: the NLU files read, YAML-parsed and schema-checked five times (two
  importers, three cache keys) — 4.4 s; now once.
- ``fast_fingerprint``: training-cache fingerprints of every node's output — 8.0 s; the same
  hex strings, leaf and container hashes remembered, sparse matrices printed without numpy
  scalars.
- ``training_matrix``: the classifier's feature matrix built one message at a time — 4.5 s;
  now all rows at once.
- ``count_vectors_batch``: ~14,000 one-message ``CountVectorizer.transform`` calls — 4.3 s;
  now one per attribute.
- ``lemma_cache``: pymorphy3 asked once per token instead of once per word — 2.3 s.
- ``fit_gc_pause``: the classifier's fit with the cyclic garbage collector paused — scipy's
  bounds conversion allocates ~1.4 M tuples, triggering four full collections of the whole
  heap: 1.3 s.

Each module's docstring says what was measured, why the results are unchanged, and how; each
has tests in tests/safeguards/ against Rasa's (or spaCy's) own function on the project's data.

Installed by the importer entry of config.yml (``importers: - name:
safeguards.training_speedups.TrainingSpeedups``): Rasa imports the configured importers first
thing in ``rasa train`` (and ``rasa data validate``, ``rasa test``), before any training data is
read. Pipeline entries are imported only when the training graph is built — measured 15 s into
a 44 s training, after four of the five reads of the NLU data.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from safeguards import fast_fingerprint
from safeguards.after_import import when_imported
from safeguards.nlu_file_cache import FileCachingImporter

# (module whose functions a speed-up replaces, the speed-up) — installed when that module is imported
_ON_IMPORT = [
    ("rasa.nlu.classifiers.logistic_regression_classifier", "safeguards.training_matrix"),
    ("rasa.nlu.classifiers.logistic_regression_classifier", "safeguards.fit_gc_pause"),
    ("rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer", "safeguards.count_vectors_batch"),
    ("spacy.lang.ru.lemmatizer", "safeguards.lemma_cache"),
]


def _installer(speedup: str):  # type: ignore[no-untyped-def]
    def install_speedup(_: ModuleType) -> None:
        importlib.import_module(speedup).install()

    return install_speedup


def install() -> None:
    """Idempotent. The fingerprints at once; the others when Rasa or spaCy import the module
    they patch (``rasa data validate`` reads this importer too and never needs those modules:
    importing them here would cost it ~2 s, measured with ``python -X importtime``)."""
    fast_fingerprint.install()
    for target, speedup in _ON_IMPORT:
        when_imported(target, _installer(speedup))


install()


class TrainingSpeedups(FileCachingImporter):
    """Rasa's ``RasaFileImporter`` (same files, same data) with the NLU files parsed once per
    process; importing this module installs the training speed-ups."""
