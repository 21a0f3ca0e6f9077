"""The word-level signals of components/moments.py and the urgent family of DangerPriority."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from components.danger_priority import DangerPriority
from components.moments import MomentSignals, says_they_are_abroad, speaker_is_young


def message(text, ranking, entities=()):
    ranked = [{"name": name, "confidence": conf} for name, conf in ranking]
    return Message(data={"text": text, "intent": dict(ranked[0]), "intent_ranking": ranked, "entities": list(entities)})


def run(msg):
    DangerPriority({"threshold": 0.1}).process([msg])
    MomentSignals({"need_threshold": 0.3}).process([msg])
    return msg.get("intent")["name"]


@pytest.mark.parametrize(
    "text",
    [
        "мне 14 папа бьет маму и меня",
        "мне 15 лет, отчим",
        "я в 9 классе",
        "я школьница",
        "мне пятнадцать",
        "мне 12 гадоў",
        "я падлетак",
        "я ў 8 класе",
        "i'm 13",
        "I am 16 years old",
        "i'm in 9th grade",
        "i'm a teenager",
    ],
)
def test_an_age_under_18_or_school_is_a_child(text):
    assert speaker_is_young(text)


@pytest.mark.parametrize(
    "text",
    [
        "мне 30 лет",
        "мне 10 минут до дома",
        "i'm 15 weeks pregnant",
        "мне 2 ребенка",
        "im 25",
        "мне 14.30 удобно",
        "у меня сын в 8 классе",
        "my son is 12",
    ],
)
def test_an_adult_or_another_number_is_not(text):
    assert not speaker_is_young(text)


def place(text, word, entity="foreign_place"):
    start = text.index(word)
    return {"entity": entity, "value": word, "start": start, "end": start + len(word)}


@pytest.mark.parametrize(
    "text, word",
    [
        ("я сейчас в Вильнюсе", "Вильнюсе"),
        ("I'm in Warsaw", "Warsaw"),
        ("мы с детьми уехали в Ригу", "Ригу"),
        ("я зараз у Вільнюсе", "Вільнюсе"),
        ("we are in Kaunas, he found us", "Kaunas"),
        ("живу в Москве", "Москве"),
    ],
)
def test_being_abroad(text, word):
    assert says_they_are_abroad(text, [place(text, word)])


@pytest.mark.parametrize(
    "text, word", [("муж увёз детей в Польшу, нужен юрист", "Польшу"), ("he went to Moscow for work", "Moscow")]
)
def test_a_foreign_place_alone_is_not_being_abroad(text, word):
    assert not says_they_are_abroad(text, [place(text, word)])


def test_a_belarusian_place_wins_over_abroad():
    text = "я в Москве была, сейчас я в Бресте"
    entities = [place(text, "Москве"), {"entity": "region", "value": "BY-BR", "start": 28, "end": 34}]
    assert not says_they_are_abroad(text, entities)


def test_abroad_beats_danger():
    text = "я в Варшаве, он меня бьёт"
    assert run(message(text, [("danger", 0.7), ("abroad", 0.2)], [place(text, "Варшаве")])) == "abroad"


def test_abroad_without_a_foreign_place_is_not_believed():
    assert run(message("я сейчас в Минске", [("abroad", 0.5), ("inform", 0.4)])) == "inform"


def test_a_child_wins_over_the_witness_guess():
    assert run(message("мне 14 папа бьет маму и меня", [("role_witness", 0.8), ("child_help", 0.05)])) == "child_help"


def test_urgent_family_is_added_up_and_the_likeliest_chosen():
    msg = message("у соседей крики", [("role_witness", 0.6), ("witness_danger", 0.06), ("danger", 0.05)])
    assert run(msg) == "witness_danger"
    assert (
        run(message("соседка в синяках", [("role_witness", 0.95), ("danger", 0.03), ("witness_danger", 0.02)])) == "role_witness"
    )


def test_the_need_under_danger_is_kept():
    msg = message(
        "он пьёт и бьёт, куда обратиться чтоб его закодировали", [("need_addiction", 0.5), ("danger", 0.3), ("need_police", 0.1)]
    )
    assert run(msg) == "danger"
    assert [e["value"] for e in msg.get("entities") if e["entity"] == "need"] == ["addiction"]


def test_police_is_not_a_need_to_keep_under_danger():
    msg = message("он бьёт, вызовите милицию", [("danger", 0.6), ("need_police", 0.3)])
    assert run(msg) == "danger" and not [e for e in msg.get("entities") if e["entity"] == "need"]


def test_a_language_not_spoken_is_not_chosen():
    text = "ok and a lawyer? I dont speak russian well"
    start = text.index("russian")
    entity = {"entity": "language", "value": "ru", "start": start, "end": start + 7}
    msg = message(text, [("set_language", 0.5), ("need_legal", 0.4)], [entity])
    assert run(msg) == "need_legal"
    assert [e["value"] for e in msg.get("entities") if e["entity"] == "language"] == ["en"]


def test_a_language_asked_for_stays():
    text = "switch to russian please"
    start = text.index("russian")
    msg = message(text, [("set_language", 0.9)], [{"entity": "language", "value": "ru", "start": start, "end": start + 7}])
    assert run(msg) == "set_language"
    assert [e["value"] for e in msg.get("entities")] == ["ru"]


@pytest.mark.parametrize(
    "text",
    [
        "муж пьёт и бьёт меня, мама говорит терпи",
        "у меня дочь 5 лет, он бьёт меня",
        "my husband hits me and mum says endure",
        "сын напился и бьёт меня, я старая",
        "my son is drunk and hitting me, i'm old",
    ],
)
def test_an_adult_guessed_as_a_child_stays_in_danger(text):
    assert run(message(text, [("child_help", 0.5), ("role_witness", 0.3), ("danger", 0.1)])) == "danger"


def test_an_adult_story_taken_for_a_child_keeps_its_need_and_is_no_witness():
    text = "муж пьёт и бьёт меня уже несколько лет, мама говорит терпи, мне нужно спрятаться"
    ranking = [("child_help", 0.6), ("need_shelter", 0.3), ("witness_danger", 0.05), ("danger", 0.01)]
    msg = message(text, ranking)
    assert run(msg) == "danger"  # "бьёт меня": the numbers first …
    assert [e["value"] for e in msg.get("entities") if e["entity"] == "need"] == ["shelter"]  # … then shelter
    story = "муж меня давно унижает, я ушла к подруге, где нам можно пожить?"
    assert run(message(story, [("child_help", 0.9), ("role_witness", 0.05), ("need_shelter", 0.01)])) == "need_shelter"


def test_an_age_under_18_beats_the_adult_words():
    assert run(message("мне 15, мамин муж бьёт меня", [("danger", 0.5), ("child_help", 0.3)])) == "child_help"


def test_a_professional_guessed_as_a_child_gets_the_next_guess():
    text = "i'm a school nurse, a boy told me his dad beats his mum"
    assert run(message(text, [("child_help", 0.5), ("role_specialist", 0.3), ("danger", 0.05)])) == "role_specialist"


def test_a_need_named_in_words_is_kept_even_when_the_danger_is_strong():
    msg = message(
        "он пьёт и бьёт меня, куда обратиться чтоб его закодировали",
        [("danger", 0.6), ("child_help", 0.2), ("need_addiction", 0.1)],
    )
    assert run(msg) == "danger"
    assert [e["value"] for e in msg.get("entities") if e["entity"] == "need"] == ["addiction"]


def test_a_witness_guess_for_the_writers_own_husband_is_her_own_story():
    text = "прабачце што доўга пішу. муж мяне даўно прыніжае, часам б'е. дзе нам можна пажыць?"
    ranking = [("witness_danger", 0.5), ("need_shelter", 0.4), ("danger", 0.02)]
    assert run(message(text, ranking)) == "need_shelter"
    assert run(message("сосед бьёт жену, что мне делать", [("witness_danger", 0.9), ("danger", 0.05)])) == "witness_danger"


def test_a_need_that_says_he_hits_me_is_danger_first_and_keeps_the_need():
    msg = message("my husband drinks and hits me, where can he get treated", [("need_addiction", 0.8), ("danger", 0.02)])
    assert run(msg) == "danger"
    assert [e["value"] for e in msg.get("entities") if e["entity"] == "need"] == ["addiction"]
    assert run(message("муж пьёт, куда обратиться в минске", [("need_addiction", 0.8), ("danger", 0.02)])) == "need_addiction"


@pytest.mark.parametrize(
    "text",
    [
        "он едет ко мне и написал что это последний день моей жизни",
        "боюсь что он не остановится и убьёт",
        "муж угрожает меня убить, а я не знаю что такое защитное предписание",
        "сказал: убью, если уйдёшь",
        "ён напісаў, што заб'е мяне",
        "ён пагражае забіць, калі я сыду",
        "he texted that today is the last day of my life",
        "he threatened to kill me if i leave",
        "he's going to kill me, i know it",
    ],
)
def test_a_threat_to_the_writers_life_is_danger_whatever_the_classifier_says(text):
    for guess in ("nlu_fallback", "question_protective_order", "out_of_scope"):
        assert run(message(text, [(guess, 0.7), ("danger", 0.01)])) == "danger"


@pytest.mark.parametrize(
    "text", ["он никогда не угрожал убить, но кричит", "he never threatened to kill me, he shouts", "what is a protective order"]
)
def test_a_threat_taken_back_or_absent_changes_nothing(text):
    assert run(message(text, [("question_protective_order", 0.7), ("danger", 0.01)])) == "question_protective_order"


def test_a_threat_keeps_the_need_and_a_witness_or_child_stays_theirs():
    msg = message("он обещал убить, где мне переночевать", [("need_shelter", 0.8), ("danger", 0.02)])
    assert run(msg) == "danger"
    assert entity(msg, "need") == ["shelter"]
    assert run(message("сосед кричит жене что убьёт её", [("witness_danger", 0.8)])) == "witness_danger"
    assert run(message("мне 13, отчим сказал что убьёт маму", [("role_witness", 0.8)])) == "child_help"


def test_a_threat_to_the_writer_taken_for_a_witness_is_her_own_danger():
    text = "он вчера сказал что убьёт меня если подам на развод, мне поможет защитное предписание?"
    assert run(message(text, [("question_order_violated", 0.4), ("witness_danger", 0.25), ("danger", 0.21)])) == "danger"
    witness = "сосед кричит жене: убью тебя"
    assert run(message(witness, [("witness_danger", 0.6), ("danger", 0.3)])) == "witness_danger"


def test_an_adult_age_is_no_child():
    text = "мне 22, я парень и меня бьёт моя девушка, вы такими занимаетесь?"
    assert run(message(text, [("child_help", 0.86), ("question_men", 0.14)])) == "question_men"


def test_an_unsure_reading_that_names_a_need_and_a_place_is_that_need():
    ranking = [("nlu_fallback", 0.3), ("question_record_injuries", 0.46), ("need_medical", 0.41)]
    place = [{"entity": "region", "value": "BY-MA"}]
    assert run(message("need to document injuries in Mogilev", ranking, place)) == "need_medical"
    assert run(message("need to document injuries", ranking)) == "need_medical"  # ranked among the top
    unsure = [("nlu_fallback", 0.3), ("question_punishment", 0.4), ("question_after_102", 0.35)]
    assert run(message("what will the police do to him", unsure)) == "nlu_fallback"  # named, not asked for
    colleague = [("nlu_fallback", 0.3), ("role_specialist", 0.4), ("need_psychological", 0.35)]
    assert run(message("i'm a psychologist in Gomel looking for partners", colleague, place)) == "nlu_fallback"


def entity(msg, name):
    return [e["value"] for e in msg.get("entities") or [] if e["entity"] == name]


@pytest.mark.parametrize(
    "text, ranking, first, other",
    [
        ("lawyer and a safe place", [("need_shelter", 0.6), ("need_legal", 0.3)], "need_legal", "shelter"),
        ("мне нужен юрист и кризисная комната в Бресте", [("need_legal", 0.7)], "need_legal", "shelter"),
        (
            "мне патрэбны юрыст і псіхолаг у Гродне",
            [("need_psychological", 0.5), ("need_legal", 0.4)],
            "need_legal",
            "psychological",
        ),
        ("нужен психолог, а потом снять побои", [("need_psychological", 0.8)], "need_psychological", "medical"),
    ],
)
def test_two_needs_answer_the_first_named_and_keep_the_other(text, ranking, first, other):
    msg = message(text, ranking)
    assert run(msg) == first
    assert entity(msg, "other_need") == [other]


@pytest.mark.parametrize(
    "text, ranking",
    [
        ("не нужен психолог, нужен юрист", [("need_legal", 0.8)]),
        ("нужен юрист", [("need_legal", 0.9)]),
        ("I need a place to stay", [("need_shelter", 0.9)]),
    ],
)
def test_one_need_or_a_negated_one_keeps_no_other(text, ranking):
    msg = message(text, ranking)
    run(msg)
    assert entity(msg, "other_need") == []


def test_danger_with_two_needs_keeps_both_and_no_police():
    msg = message("он бьёт меня, нужен юрист и где переночевать, милицию звать?", [("danger", 0.9)])
    assert run(msg) == "danger"
    assert entity(msg, "need") == ["shelter"] and entity(msg, "other_need") == ["legal"]
