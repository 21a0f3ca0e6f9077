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
``foreign_place`` (value = matched text), ``place_options`` (ambiguous: ids joined by ``|``),
``other_place`` (a second place named in the same message, see ``first_place``).
The matching itself lives in :mod:`components.place_resolver` (usable without Rasa, e.g. by the
action server to resolve a typed reply in a form).

Not trainable: the gazetteer is built from ``directory/data`` when the component is created
(once per process: the build is cached per data directory), so a data fix takes effect on the
next server start without retraining, and the model archive carries no copy of the data.
"""

from typing import Any, Dict, List, Optional, Sequence, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.place_resolver import DISTRICT, REGION, PlaceMatch, PlaceResolver
from components.stateless import StatelessComponent

OTHER_PLACE = "other_place"


def first_place(matches: Sequence[PlaceMatch]) -> List[PlaceMatch]:
    """Two places in one message («по Витебскому району и Полоцку») are both kept: the first
    named stays ``region``/``district`` (the one answered), the second becomes ``other_place``
    (a district id or a region code), offered as the next step (issue 17, item 5).

    A region that holds a district named beside it narrows that district («Минская обл.,
    Слуцкий р-н», «минск, фрунзенский»): one place, not two. A third place is not kept.
    """
    districts = [m for m in matches if m.entity == DISTRICT]
    covering = {m.value[:5] for m in districts}  # BY-HO-26 lies in BY-HO
    places: Dict[str, PlaceMatch] = {}
    for m in matches:
        if m.entity == DISTRICT or (m.entity == REGION and m.value not in covering):
            places.setdefault(m.value, m)
    if len(places) < 2:
        return list(matches)
    first, second = list(places.values())[:2]
    region = first.value[:5]
    kept = [
        m
        for m in matches
        if m.entity not in (REGION, DISTRICT)
        or m.value == first.value
        or (m.entity == REGION and m.value == region and first.entity == DISTRICT and m.start == first.start)
    ]
    if first.entity == DISTRICT and not any(m.entity == REGION for m in kept):
        kept.append(PlaceMatch(REGION, region, first.start, first.end, first.text))
    other = PlaceMatch(OTHER_PLACE, second.value, second.start, second.end, second.text)
    return sorted(kept + [other], key=lambda m: (m.start, m.entity != REGION))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
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
            new = self.add_extractor_name([m.to_entity() for m in first_place(self._resolver.resolve(text))])
            if new:
                message.set(ENTITIES, message.get(ENTITIES, []) + new, add_to_output=True)
        return messages
