"""The pipeline entry that switches safety on inside the Rasa server when the model loads.

Rasa creates every pipeline component wherever a model runs (``rasa run``, ``rasa shell``, tests,
with or without any launcher), so config.yml is the one place that cannot be bypassed. It
installs the safety net (``action_net``) and the in-server slot whitelist
(``in_process_actions``); messages pass through untouched.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from safety import action_net, in_process_actions


def install() -> None:
    """Idempotent; the order does not matter (both wrap ``RemoteAction.run``)."""
    in_process_actions.install()
    action_net.install()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyInServer(GraphComponent):
    """Installs safety when the model loads; changes no message."""

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "SafetyInServer":
        install()
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        return messages
