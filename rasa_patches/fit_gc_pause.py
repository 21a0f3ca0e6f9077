"""The logistic regression trains with Python's cyclic garbage collector paused.

Why (measured, not guessed): scikit-learn fits the multinomial model with scipy's L-BFGS-B, and
scipy turns "no bounds" into a list of one ``(None, None)`` pair per parameter, then into a
second list of pairs and two arrays (``scipy.optimize._lbfgsb_py``, ``old_bound_to_new``) — for
this model 33 intents × 20,892 features = 689,436 parameters, i.e. ~1.4 million short-lived
tuples. Each burst of allocations makes the collector run; a full (generation 2) collection
walks every tracked object of the process (650,000 → 1,300,000 here: Rasa, spaCy, scikit-learn,
the featurized training data). ``gc.callbacks`` timing of ``rasa train --force``: 17 full
collections, 2.9 s; four of them, 1.3 s, inside that bounds conversion in the classifier's fit.

What it does: ``LogisticRegressionClassifier.train`` runs with ``gc.disable()`` and restores the
collector's previous state afterwards (also on error). Why the results are the same: the
collector only frees unreachable reference cycles; it never changes a value. The fit's
temporaries are freed by reference counting as before (tuples, lists and arrays, no cycles), and
any cycle created meanwhile is collected by the next collection after ``train``.

Measured (``gc.callbacks``): no collection during the fit any more; 1.3 s less.

Tests: tests/rasa_patches/test_fit_gc_pause.py (state restored, same classifier).
"""

from __future__ import annotations

import functools
import gc
from typing import Any, Dict

from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

_ORIGINALS: Dict[str, Any] = {}


def _with_gc_paused(train: Any) -> Any:
    @functools.wraps(train)  # keeps the signature and type hints Rasa's graph validation reads
    def train_with_gc_paused(self: Any, *args: Any, **kwargs: Any) -> Any:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return train(self, *args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return train_with_gc_paused


def install() -> None:
    """Idempotent."""
    if "train" not in _ORIGINALS:
        _ORIGINALS["train"] = LogisticRegressionClassifier.train
        LogisticRegressionClassifier.train = _with_gc_paused(LogisticRegressionClassifier.train)


def uninstall() -> None:
    if "train" in _ORIGINALS:
        LogisticRegressionClassifier.train = _ORIGINALS.pop("train")
