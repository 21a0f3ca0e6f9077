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

A single message (every typed turn of the running assistant; safeguards/pipeline_hook.py installs
this for serving) is featurized for what is read. Its sentence row — the features the intent
classifier reads — is counted directly: the vectorizer's own analyzer and vocabulary, one count
per known feature, columns in ascending order, as COO with scikit-learn's dtypes (what
``_count_vocab`` + ``sort_indices`` + ``tocoo`` give for one document; a vectorizer without a
fitted vocabulary — unfitted, empty, or loaded and not used yet — goes to Rasa's ``process``,
whose ``transform`` checks it and raises as before). Its token-level (sequence) features,
which logistic regression never reads, are a ``Features`` whose matrix Rasa's own code
(``transform`` of the tokens, sorted, ``tocoo``) builds the first time anything reads it — so
every reader gets the same matrix, and a served turn, where nothing reads it, skips it.
Measured per featurizer on a typed message: 229–255 µs (one ``transform`` of tokens + text and
two COO matrices) → 56–75 µs.

Measured (py-spy, same command): ``process_training_data`` of both featurizers 4.3 s → 2.0 s
(what is left is scikit-learn's counting and the per-message COO matrices Rasa keeps).

Tested against Rasa's ``process`` on the project's training data, for both featurizers of
config.yml and edge cases (empty texts, intents, OOV tokens): tests/safeguards/test_count_vectors_batch.py.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text, Tuple

import numpy as np
from scipy.sparse import coo_matrix

from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
from rasa.shared.nlu.training_data.features import Features
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


class SequenceFeaturesOnRead(Features):
    """Rasa's sequence ``Features``, its matrix built by ``build`` when first read."""

    def __init__(self, build: Callable[[], Any], attribute: Text, origin: Text) -> None:
        # Not Features.__init__: its type check would read (build) the matrix at once.
        self._build: Optional[Callable[[], Any]] = build
        self._matrix: Any = None
        self.type = FEATURE_TYPE_SEQUENCE
        self.origin = origin
        self.attribute = attribute
        self._cached_fingerprint: Optional[Text] = None

    @property  # type: ignore[override]
    def features(self) -> Any:
        if self._build is not None:
            self._matrix, self._build = self._build(), None
        return self._matrix

    @features.setter
    def features(self, value: Any) -> None:
        self._matrix, self._build = value, None

    def __getstate__(self) -> Dict[str, Any]:
        """Pickled (and deep-copied) with its matrix: the builder is a closure."""
        self.features  # noqa: B018 - builds it
        return dict(self.__dict__)


def _sequence_as_rasa_builds_it(vectorizer: Any, tokens: List[Text]) -> Callable[[], coo_matrix]:
    def build() -> coo_matrix:
        matrix = vectorizer.transform(tokens)
        matrix.sort_indices()
        return matrix.tocoo()

    return build


def _sentence_row(vectorizer: Any, vocabulary: Dict[Text, int], text: Text) -> coo_matrix:
    """``vectorizer.transform([text])``, sorted, ``tocoo()`` — counted directly (module docstring)."""
    counts: Dict[int, int] = {}
    for feature in vectorizer.build_analyzer()(text):
        index = vocabulary.get(feature)
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    columns = sorted(counts)
    data = np.array([1 if vectorizer.binary else counts[c] for c in columns], dtype=vectorizer.dtype)
    zeros = np.zeros(len(columns), dtype=np.int32)
    return coo_matrix((data, (zeros, np.array(columns, dtype=np.int32))), shape=(1, len(vocabulary)),
                      dtype=vectorizer.dtype)


def _process_one(self: CountVectorsFeaturizer, message: Message) -> List[Message]:
    featurized = []
    for attribute in self._attributes:
        tokens = self._get_processed_message_tokens_by_attribute(message, attribute)
        vectorizer = self.vectorizers.get(attribute)
        if not vectorizer or not tokens:
            continue
        vocabulary = getattr(vectorizer, "vocabulary_", None)
        if not vocabulary:  # unfitted, or a loaded vocabulary before its first use, or empty
            return original_process(self, [message])  # scikit-learn's own checks (and errors)
        sentence = None
        if attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            sentence = _sentence_row(vectorizer, vocabulary, " ".join(tokens))
        featurized.append((attribute, _sequence_as_rasa_builds_it(vectorizer, tokens), sentence))
    for attribute, sequence, sentence in featurized:  # Rasa's order: attribute by attribute, sequence first
        message.add_features(SequenceFeaturesOnRead(sequence, attribute, self._identifier))
        if sentence is not None:
            message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, attribute, self._identifier))
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
    from safeguards.patch_switch import enabled  # TEMPORARY: ablation
    if not enabled('count_vectors_batch'):
        return
    if "process" not in _ORIGINALS:
        _ORIGINALS["process"] = CountVectorsFeaturizer.process
        CountVectorsFeaturizer.process = process  # type: ignore[assignment]


def uninstall() -> None:
    if "process" in _ORIGINALS:
        CountVectorsFeaturizer.process = _ORIGINALS.pop("process")  # type: ignore[assignment]
