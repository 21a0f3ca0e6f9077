"""Immediate danger wins: promote ``danger`` whenever the classifier gives it real weight.

Missing a message like "он ломает дверь" is far worse than showing 102 / 103 / 112 to someone
who did not need them, so ``danger`` does not have to be the classifier's top intent: it is
chosen when its confidence reaches ``threshold`` (default 0.1, picked on the held-out set:
100 % danger recall, 2 % false alarms; see docs/TRAINING.md). Runs after
``FallbackClassifier`` so a low overall confidence cannot hide danger behind ``nlu_fallback``.

Three intents mean "someone is being hurt, 102 first" (``URGENT``): ``danger`` (the person),
``witness_danger`` (someone the person sees or hears) and ``child_help`` (a child or teenager).
Their confidences are added up, so a message split between them still reaches the threshold;
the most likely of the three is chosen, so the wording fits who is writing.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

DANGER = "danger"
URGENT = (DANGER, "witness_danger", "child_help")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DangerPriority(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.1}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.threshold = float(config["threshold"])

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "DangerPriority":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.promote(message)
        return messages

    def promote(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) in URGENT:
            return
        ranking = message.get(INTENT_RANKING_KEY) or []
        urgent = [r for r in ranking if r.get(INTENT_NAME_KEY) in URGENT]
        if not urgent or sum(r.get(PREDICTED_CONFIDENCE_KEY, 0.0) for r in urgent) < self.threshold:
            return
        best = max(urgent, key=lambda r: r.get(PREDICTED_CONFIDENCE_KEY, 0.0))
        chosen = {INTENT_NAME_KEY: best[INTENT_NAME_KEY], PREDICTED_CONFIDENCE_KEY: best[PREDICTED_CONFIDENCE_KEY]}
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [best] + [r for r in ranking if r is not best], add_to_output=True)
