"""CountVectorsFeaturizer featurizing a batch at once adds Rasa's features, entry for entry."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_patches import count_vectors_batch
from tests.rasa_patches import nlu_pipeline

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _same_features(a: Message, b: Message) -> None:
    assert len(a.features) == len(b.features)
    for x, y in zip(a.features, b.features, strict=False):
        assert (x.type, x.attribute, x.origin) == (y.type, y.attribute, y.origin)
        assert type(x.features) is type(y.features) and x.features.shape == y.features.shape
        assert x.features.dtype == y.features.dtype
        for name in ("row", "col", "data"):
            assert getattr(x.features, name).dtype == getattr(y.features, name).dtype, name
            assert np.array_equal(getattr(x.features, name), getattr(y.features, name)), name
        assert x.fingerprint() == y.fingerprint()


@pytest.mark.parametrize("which", [0, 1], ids=["words", "char_wb"])
def test_project_features_are_rasas(which):
    featurizer = nlu_pipeline.count_vectorizers()[which]
    expected, got = nlu_pipeline.stage("tokenized"), nlu_pipeline.stage("tokenized")
    count_vectors_batch.original_process(featurizer, expected.training_examples)
    count_vectors_batch.process(featurizer, got.training_examples)
    assert len(got.training_examples) > 3000
    for a, b in zip(expected.training_examples, got.training_examples, strict=False):
        _same_features(a, b)
    assert got.fingerprint() == expected.fingerprint()


def test_process_training_data_in_the_graph_uses_it():
    featurizer = nlu_pipeline.count_vectorizers()[1]
    expected, got = nlu_pipeline.stage("tokenized"), nlu_pipeline.stage("tokenized")
    with nlu_pipeline.speedups(False):
        featurizer.process_training_data(expected)
    with nlu_pipeline.speedups(True):
        featurizer.process_training_data(got)
    for a, b in zip(expected.training_examples, got.training_examples, strict=False):
        _same_features(a, b)


def _trained(tmp_path: Path, examples, **config) -> CountVectorsFeaturizer:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "cv")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    data = TrainingData(examples)
    tokenizer.process_training_data(data)
    featurizer = CountVectorsFeaturizer.create({**CountVectorsFeaturizer.get_default_config(), **config},
                                               storage, Resource("cv"), context)
    featurizer.train(data)
    return featurizer


def _examples():
    return [
        Message(data={"text": "нужен юрист в Гомеле", "intent": "need_legal"}),
        Message(data={"text": "юрист 123 юрист", "intent": "need_legal"}),
        Message(data={"text": "привет", "intent": "greet"}),
        Message(data={"intent": "greet"}),
        Message(data={"action_name": "utter_greet"}),
        Message(data={"text": "", "intent": "greet"}),
    ]


def _compare(featurizer, make_messages):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    expected, got = make_messages(), make_messages()
    for messages in (expected, got):
        tokenizer.process_training_data(TrainingData(messages))
    count_vectors_batch.original_process(featurizer, expected)
    count_vectors_batch.process(featurizer, got)
    for a, b in zip(expected, got, strict=False):
        _same_features(a, b)


@pytest.mark.parametrize("config", [
    {},
    {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
    {"OOV_token": "oov", "OOV_words": ["привет"]},
    {"use_shared_vocab": True},
    {"analyzer": "char", "min_ngram": 1, "max_ngram": 2, "lowercase": False},
], ids=["word", "char_wb", "oov", "shared vocabulary", "char"])
def test_edge_cases_are_rasas(tmp_path, config):
    featurizer = _trained(tmp_path, _examples(), **config)
    _compare(featurizer, _examples)
    _compare(featurizer, lambda: [Message(data={"text": "неизвестные слова 42", "intent": "x"}),
                                  Message(data={"text": "юрист", "intent": "need_legal"})])
    _compare(featurizer, lambda: [Message(data={"text": "юрист"})])  # one message: one transform
    for index in range(len(_examples())):  # every edge case alone, as a served turn sees it
        _compare(featurizer, lambda index=index: [_examples()[index]])
    _compare(featurizer, lambda: [])


def test_untrained_featurizer_is_rasas(tmp_path):
    featurizer = CountVectorsFeaturizer.create(CountVectorsFeaturizer.get_default_config(),
                                               LocalModelStorage(tmp_path), Resource("cv"),
                                               ExecutionContext(GraphSchema({}), "cv"))
    expected, got = _examples(), _examples()
    assert count_vectors_batch.original_process(featurizer, expected) is expected
    assert count_vectors_batch.process(featurizer, got) is got
    assert all(not m.features for m in expected + got)



@pytest.mark.parametrize("which", [0, 1], ids=["words", "char_wb"])
def test_one_message_at_a_time_gives_rasas_features(which):
    """A served turn: the sentence row counted without ``transform``; the token-level features,
    which nothing reads when serving, built by Rasa's ``transform`` only when read."""
    featurizer = nlu_pipeline.count_vectorizers()[which]
    expected, got = nlu_pipeline.stage("tokenized"), nlu_pipeline.stage("tokenized")
    calls = []
    vectorizer = featurizer.vectorizers["text"]
    real_transform = type(vectorizer).transform
    for a, b in list(zip(expected.training_examples, got.training_examples, strict=False))[:600]:
        count_vectors_batch.original_process(featurizer, [a])
        count_vectors_batch.process(featurizer, [b])
        _same_features(a, b)  # reads every matrix, the on-read ones too
    try:
        type(vectorizer).transform = lambda self, docs: calls.append(len(docs)) or real_transform(self, docs)
        message = nlu_pipeline.stage("tokenized").training_examples[0]
        count_vectors_batch.process(featurizer, [message])
        assert calls == []  # nothing counted through transform yet
        sequences = [f for f in message.features if f.type == "sequence"]
        assert sequences and all(isinstance(f, count_vectors_batch.SequenceFeaturesOnRead) for f in sequences)
        for feature in message.features:
            feature.features  # noqa: B018 - a read
            feature.features  # noqa: B018 - a second read builds nothing
    finally:
        type(vectorizer).transform = real_transform
    with_tokens = [a for a in featurizer._attributes
                   if featurizer.vectorizers.get(a) and featurizer._get_processed_message_tokens_by_attribute(message, a)]
    assert len(calls) == len(with_tokens)  # one transform per attribute, on the first read


def test_combined_features_are_rasas():
    """What a classifier would read — both featurizers' features of a message, combined (which
    deep-copies and extends the on-read ones) — is Rasa's."""
    featurizers = nlu_pipeline.count_vectorizers()
    expected, got = nlu_pipeline.stage("tokenized"), nlu_pipeline.stage("tokenized")
    for a, b in list(zip(expected.training_examples, got.training_examples, strict=False))[:200]:
        for featurizer in featurizers:
            count_vectors_batch.original_process(featurizer, [a])
            count_vectors_batch.process(featurizer, [b])
        for attribute in ("text", "intent"):
            for x, y in zip(a.get_sparse_features(attribute), b.get_sparse_features(attribute), strict=False):
                assert (x is None) == (y is None)
                if x is not None:
                    assert (x.features != y.features).nnz == 0 and x.features.shape == y.features.shape
                    assert x.features.dtype == y.features.dtype and x.fingerprint() == y.fingerprint()


def test_on_read_features_pickle_and_copy_with_their_matrix():
    import copy
    import pickle

    featurizer = nlu_pipeline.count_vectorizers()[0]
    expected, got = nlu_pipeline.stage("tokenized").training_examples[0], nlu_pipeline.stage("tokenized").training_examples[0]
    count_vectors_batch.original_process(featurizer, [expected])
    count_vectors_batch.process(featurizer, [got])
    for restored in (pickle.loads(pickle.dumps(got)), copy.deepcopy(got)):
        _same_features(expected, restored)


def test_on_read_features_can_be_replaced():
    built = []
    feature = count_vectors_batch.SequenceFeaturesOnRead(lambda: built.append(1) or "matrix", "text", "cv")
    feature.features = "replacement"
    assert feature.features == "replacement" and built == []
    assert (feature.type, feature.attribute, feature.origin) == ("sequence", "text", "cv")
