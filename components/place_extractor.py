"""Rasa NLU component: Belarusian places -> canonical ``region`` / ``district`` entities.

config.yml::

    pipeline:
      - name: WhitespaceTokenizer      # any tokenizer; this component reads the raw text
      ...
      - name: components.place_extractor.PlaceExtractor
        # optional:
        # data_dir: null                  # default: <repo>/directory/data

Entities added to each message (``extractor`` = "PlaceExtractor", ``confidence`` = 1.0):
``region`` (ISO 3166-2:BY), ``district`` (districts.csv id, always with its region),
``foreign_place`` (value = matched text), ``place_options`` (ambiguous: ids joined by ``|``).
The matching itself lives in :mod:`components.place_resolver` (usable without Rasa, e.g. by the
action server to resolve a typed reply in a form).

Not trainable: the gazetteer is built from ``directory/data`` when the component is created
(once per process: the build is cached per data directory), so a data fix takes effect on the
next server start without retraining, and the model archive carries no copy of the data.
"""

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.place_resolver import PlaceResolver
from components.stateless import StatelessComponent


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class PlaceExtractor(StatelessComponent, EntityExtractorMixin):
    """Gazetteer entity extractor for Belarusian regions, districts and towns. Training data
    pass unchanged: region/district are never annotated there (docs/ARCHITECTURE.md)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"data_dir": None}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._resolver = PlaceResolver.shared(data_dir=self.config.get("data_dir"))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[Text] = message.get(TEXT)
            if not text:
                continue
            new = self.add_extractor_name(
                [m.to_entity() for m in self._resolver.resolve(text)]
            )
            if new:
                message.set(ENTITIES, message.get(ENTITIES, []) + new, add_to_output=True)
        return messages
