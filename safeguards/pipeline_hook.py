"""A pipeline entry that leaves messages alone; loading the model installs a server-side hook.

Rasa loads every pipeline component wherever the model runs (``rasa run``, ``rasa shell``, tests),
so this is the one place a safeguard inside the Rasa server can be switched on explicitly, in
config.yml, instead of by an import side effect somewhere. (Speed patches are not installed here:
they live in rasa_patches/ and are installed by bin/rasa.)
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message


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
