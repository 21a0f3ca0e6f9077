"""A pipeline entry that leaves messages alone; loading the model installs a server-side hook.

Rasa loads every pipeline component wherever the model runs (``rasa run``, ``rasa shell``, tests),
so this is the one place a safeguard inside the Rasa server can be switched on explicitly, in
config.yml, instead of by an import side effect somewhere.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from safeguards import fast_skops_import, intent_classifier
from safeguards.after_import import when_imported

# At import, not in ``create``: Rasa imports every pipeline class when it reads the graph schema,
# before it loads or trains any component, and LogisticRegressionClassifier imports skops.io in its
# own ``load``/``persist`` — earlier than any ``create`` of ours (measured: 11 s of a 27 s cold
# start, see safeguards/fast_skops_import.py).
fast_skops_import.install()
# Also before any graph node exists: each node keeps the function it calls (see the module).
intent_classifier.install()


def _count_vectors_in_one_call(_module: object) -> None:
    from safeguards import count_vectors_batch

    count_vectors_batch.install()


# One ``transform`` per featurizer and typed message instead of two (the training speed-up's
# module; a typed message's whole parse 1.64 → 1.45 ms, best of 6 alternating runs of 200 parses).
# Through ``when_imported``: that module imports Rasa's featurizer, whose import runs the training
# hook that installs it too.
when_imported("rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer", _count_vectors_in_one_call)


class InstallOnLoad(GraphComponent):
    @staticmethod
    def install() -> None:
        raise NotImplementedError

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "InstallOnLoad":
        cls.install()
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        return messages
