"""The shape of our NLU components: nothing to train and nothing stored in the model. Each is
built from its config alone (so a data or code fix takes effect on the next start without
retraining) and reads each message as it comes; training data pass through unchanged unless the
component says otherwise."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData


class StatelessComponent(GraphComponent):
    """A GraphComponent made from its config (defaults merged in), with no training step."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config: Dict[Text, Any] = {**self.get_default_config(), **(config or {})}

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "StatelessComponent":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
