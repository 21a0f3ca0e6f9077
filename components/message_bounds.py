"""Rasa NLU component, first in the pipeline: the text every later component reads is bounded
(``safety.message_bounds.bounded``: at most 2,000 characters, runs of non-space characters
cut to 64), so no message can make the tokenizer, the gazetteer or the featurizers do more
than a bounded amount of work. The stored user message keeps what the person sent; the
channels never pass on a message longer than the bound.

Entity offsets refer to the bounded text: they differ from the sent text only after a run
longer than 64 characters.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.stateless import StatelessComponent
from safety.message_bounds import bounded


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class MessageBounds(StatelessComponent):
    """Bounds the text of each message before anything else reads it."""

    @staticmethod
    def _bound(messages: List[Message]) -> None:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                short = bounded(text)
                if short != text:
                    message.set(TEXT, short)

    def process(self, messages: List[Message]) -> List[Message]:
        self._bound(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._bound(training_data.training_examples)
        return training_data
