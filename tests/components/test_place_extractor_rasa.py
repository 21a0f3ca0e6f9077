"""PlaceExtractor inside Rasa 3.6: created through Rasa's graph API, and in a trained NLU model."""

import asyncio
import textwrap

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.place_extractor import PlaceExtractor


def _pairs(entities):
    return sorted((e["entity"], e["value"]) for e in entities)


def test_registered_as_entity_extractor():
    registered = DefaultV1Recipe._from_registry("PlaceExtractor")
    assert registered.clazz is PlaceExtractor
    assert DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR in registered.types
    assert registered.is_trainable is False


def test_create_and_process(tmp_path):
    storage = LocalModelStorage.create(tmp_path)
    component = PlaceExtractor.create(
        {**PlaceExtractor.get_default_config()}, storage, Resource("place_extractor"), ExecutionContext(GraphSchema({}), "test")
    )
    existing = {"entity": "language", "value": "ru", "start": 0, "end": 1}
    msgs = [
        Message(data={TEXT: "нужен юрист в Гомеле"}),
        Message(data={TEXT: "Минская обл., Слуцкий р-н"}),
        Message(data={TEXT: "Октябрьский район"}),
        Message(data={TEXT: "уехала в Варшаву"}),
        Message(data={TEXT: "мир, лидер, он"}),
        Message(data={TEXT: "у Брэсце", ENTITIES: [existing]}),
        Message(data={}),
    ]
    out = component.process(msgs)
    assert out is msgs
    assert _pairs(msgs[0].get(ENTITIES)) == [("district", "BY-HO-26"), ("region", "BY-HO")]  # the city
    assert _pairs(msgs[1].get(ENTITIES)) == [("district", "BY-MI-16"), ("region", "BY-MI")]
    assert _pairs(msgs[2].get(ENTITIES)) == [("place_options", "BY-HO-15|BY-HM-04|BY-VI-23|BY-HR-19|BY-MA-23")]
    assert _pairs(msgs[3].get(ENTITIES)) == [("foreign_place", "Варшаву")]
    assert msgs[4].get(ENTITIES, []) == []
    assert msgs[5].get(ENTITIES)[0] == existing  # other extractors' entities are kept
    assert _pairs(msgs[5].get(ENTITIES)[1:]) == [("district", "BY-BR-19"), ("region", "BY-BR")]
    ent = msgs[0].get(ENTITIES)[0]
    assert ent["extractor"] == "PlaceExtractor" and ent["confidence"] == 1.0
    assert "нужен юрист в Гомеле"[ent["start"] : ent["end"]] == "Гомеле"
    # the gazetteer is built once per process, not per component/message
    again = PlaceExtractor.create({}, storage, Resource("x"), ExecutionContext(GraphSchema({}), "t"))
    assert again._resolver is component._resolver


def test_trained_nlu_model_parses_places(tmp_path):
    """Train a tiny NLU model with the component in config.yml and parse through an Agent."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    config = tmp_path / "config.yml"
    config.write_text(
        textwrap.dedent("""\
        recipe: default.v1
        language: ru
        assistant_id: place-extractor-test
        pipeline:
          - name: WhitespaceTokenizer
          - name: KeywordIntentClassifier
          - name: components.place_extractor.PlaceExtractor
        """),
        encoding="utf-8",
    )
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(
        textwrap.dedent("""\
        version: "3.1"
        nlu:
        - intent: inform
          examples: |
            - живу в Минске
            - Гомель
            - Брестская область
        - intent: need_legal
          examples: |
            - нужен юрист
            - юрист
        """),
        encoding="utf-8",
    )
    model = train_nlu(str(config), str(nlu), str(tmp_path / "models"))
    assert model
    agent = Agent.load(model)
    result = asyncio.run(agent.parse_message("нужен юрист в Марьиной Горке"))
    assert _pairs(result["entities"]) == [("district", "BY-MI-15"), ("region", "BY-MI")]
    assert all(e["extractor"] == "PlaceExtractor" for e in result["entities"])
    result = asyncio.run(agent.parse_message("Могилёўская вобласць"))
    assert _pairs(result["entities"]) == [("region", "BY-MA")]


@pytest.mark.parametrize(
    "text, kept, other",
    [
        ("нужен психолог по Витебскому району и Полоцку", [("district", "BY-VI-04"), ("region", "BY-VI")], "BY-VI-13"),
        ("Гомель и Брест", [("district", "BY-HO-26"), ("region", "BY-HO")], "BY-BR-19"),
        ("Минская область и Гомель", [("region", "BY-MI")], "BY-HO-26"),
    ],
)
def test_two_places_keep_the_first_and_the_other_as_other_place(text, kept, other):
    from components.place_extractor import first_place
    from components.place_resolver import PlaceResolver

    found = first_place(PlaceResolver.shared().resolve(text))
    assert sorted((m.entity, m.value) for m in found if m.entity != "other_place") == kept
    assert [m.value for m in found if m.entity == "other_place"] == [other]


@pytest.mark.parametrize(
    "text", ["Минская обл., Слуцкий р-н", "минск, фрунзенский", "Гомельская область, Речица", "Ленинский район Минска"]
)
def test_a_region_with_its_own_district_is_one_place(text):
    from components.place_extractor import first_place
    from components.place_resolver import PlaceResolver

    assert not [m for m in first_place(PlaceResolver.shared().resolve(text)) if m.entity == "other_place"]
