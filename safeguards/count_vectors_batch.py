"""CountVectorsFeaturizer featurizes the training data in one ``transform`` per attribute.

Why (measured, not guessed): Rasa's ``CountVectorsFeaturizer.process`` handles one message at
a time, and for each message and attribute calls scikit-learn's ``CountVectorizer.transform``
twice — once on the message's tokens (sequence features), once on the tokens joined by spaces
(sentence features) — each call paying scikit-learn's per-call checks and matrix
construction for a one- or few-row matrix. On the training data that is ~14,000 ``transform``
calls for the two featurizers of config.yml. py-spy of ``rasa train --force`` with an empty cache
(100 Hz, 45.6 s): 4.3 s in ``CountVectorsFeaturizer.process_training_data`` (9.5 %).

What it does, for a batch of more than one message: for each attribute, one ``transform`` of all
messages' tokens one after another (one row per token, as Rasa passes them) and one of all the
joined texts, then cuts each message's rows out of the result. ``CountVectorizer.transform``
counts every row (document) on its own — the vocabulary is fixed, there is no state across
documents — and returns sorted CSR, so a message's rows of the big matrix are exactly the matrix
Rasa's own call returns; the COO matrix is built from those rows as ``tocoo`` builds it (same
arrays, same dtypes). Features are added to each message in the same order (message by message,
attribute by attribute), with the same ``Features`` wrapper. An untrained featurizer, or a
batch whose matrix would need 64-bit indices, go to Rasa's own ``process``.

A single message (every typed turn of the running assistant) gets one ``transform`` instead of
two: its tokens and, as the last row, its joined text — the same rows, by the same argument.
Measured: a typed message's whole parse 1.64 → 1.45 ms (safeguards/pipeline_hook.py installs it
for serving).

Measured (py-spy, same command): ``process_training_data`` of both featurizers 4.3 s → 2.0 s
(what is left is scikit-learn's counting and the per-message COO matrices Rasa keeps).

Tested against Rasa's ``process`` on the project's training data, for both featurizers of
config.yml and edge cases (empty texts, intents, OOV tokens): tests/safeguards/test_count_vectors_batch.py.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from scipy.sparse import coo_matrix

from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.shared.nlu.training_data.message import Message

_ORIGINALS: Dict[str, Any] = {}


def original_process(self: CountVectorsFeaturizer, messages: List[Message]) -> List[Message]:
    return _ORIGINALS.get("process", CountVectorsFeaturizer.process)(self, messages)


def _rows_as_coo(matrix: Any, start: int, stop: int) -> coo_matrix:
    """``matrix[start:stop].tocoo()`` for a CSR ``matrix`` with sorted indices, without the
    intermediate CSR slice."""
    indptr = matrix.indptr
    begin, end = indptr[start], indptr[stop]
    row = np.repeat(np.arange(stop - start, dtype=indptr.dtype), np.diff(indptr[start:stop + 1]))
    col = matrix.indices[begin:end].copy()
    data = matrix.data[begin:end].copy()
    return coo_matrix((data, (row, col)), shape=(stop - start, matrix.shape[1]), dtype=matrix.dtype)


def _batched_features(
    self: CountVectorsFeaturizer, attribute: Text, all_tokens: List[List[Text]]
) -> Optional[Tuple[List[Any], List[Any]]]:
    """What ``self._create_features(attribute, [tokens])[i][0]`` gives for every message i, or
    None when Rasa's own path should run."""
    vectorizer = self.vectorizers.get(attribute)
    if not vectorizer:
        return [None] * len(all_tokens), [None] * len(all_tokens)
    present = [i for i, tokens in enumerate(all_tokens) if tokens]
    sequence: List[Any] = [None] * len(all_tokens)
    sentence: List[Any] = [None] * len(all_tokens)
    if not present:
        return sequence, sentence
    flat = [token for i in present for token in all_tokens[i]]
    matrix = vectorizer.transform(flat)
    matrix.sort_indices()
    with_sentences = attribute in DENSE_FEATURIZABLE_ATTRIBUTES
    if with_sentences:
        sentences = vectorizer.transform([" ".join(all_tokens[i]) for i in present])
        sentences.sort_indices()
    if matrix.indices.dtype != np.int32 or (with_sentences and sentences.indices.dtype != np.int32):
        return None  # a single message's matrix would have 32-bit indices
    row = 0
    for n, i in enumerate(present):
        count = len(all_tokens[i])
        sequence[i] = _rows_as_coo(matrix, row, row + count)
        row += count
        if with_sentences:
            sentence[i] = _rows_as_coo(sentences, n, n + 1)
    return sequence, sentence


def _one_message_features(self: CountVectorsFeaturizer, attribute: Text, tokens: List[Text]) -> Optional[Tuple[Any, Any]]:
    """What ``self._create_features(attribute, [tokens])`` gives (its two first entries) with ONE
    ``transform``: the tokens and, as the last row, the joined text — rows are counted on their
    own, so they are the rows of Rasa's two calls. None when Rasa's own path should run."""
    vectorizer = self.vectorizers.get(attribute)
    if not vectorizer or not tokens:
        return None, None
    with_sentence = attribute in DENSE_FEATURIZABLE_ATTRIBUTES
    matrix = vectorizer.transform(list(tokens) + ([" ".join(tokens)] if with_sentence else []))
    matrix.sort_indices()
    if matrix.indices.dtype != np.int32:
        return None
    count = len(tokens)
    return _rows_as_coo(matrix, 0, count), (_rows_as_coo(matrix, count, count + 1) if with_sentence else None)


def _process_one(self: CountVectorsFeaturizer, message: Message) -> List[Message]:
    featurized = []
    for attribute in self._attributes:
        result = _one_message_features(self, attribute, self._get_processed_message_tokens_by_attribute(message, attribute))
        if result is None:
            return original_process(self, [message])
        featurized.append((attribute, result))
    for attribute, (sequence, sentence) in featurized:
        self.add_features_to_message(sequence, sentence, attribute, message)
    return [message]


def process(self, messages: List[Message]) -> List[Message]:  # no annotation on self: Rasa reads the hints
    """Same features as ``CountVectorsFeaturizer.process`` (see module docstring)."""
    if self.vectorizers is None or not messages:
        return original_process(self, messages)
    if len(messages) == 1:
        return _process_one(self, messages[0])
    featurized = {}
    for attribute in self._attributes:
        all_tokens = [self._get_processed_message_tokens_by_attribute(m, attribute) for m in messages]
        result = _batched_features(self, attribute, all_tokens)
        if result is None:
            return original_process(self, messages)
        featurized[attribute] = result
    for i, message in enumerate(messages):
        for attribute in self._attributes:
            sequence, sentence = featurized[attribute]
            self.add_features_to_message(sequence[i], sentence[i], attribute, message)
    return messages


def install() -> None:
    """Idempotent."""
    if "process" not in _ORIGINALS:
        _ORIGINALS["process"] = CountVectorsFeaturizer.process
        CountVectorsFeaturizer.process = process  # type: ignore[assignment]


def uninstall() -> None:
    if "process" in _ORIGINALS:
        CountVectorsFeaturizer.process = _ORIGINALS.pop("process")  # type: ignore[assignment]
