"""Signals the classifier alone gets wrong, read from the words themselves (issue 17).

Runs after ``DangerPriority``; each rule is small, deterministic and tested
(tests/components/test_moments.py):

* **language not wanted**: "I don't speak Russian" names a language the person does *not*
  want. The ``language`` entity becomes the language the message is written in (or is dropped),
  and a ``set_language`` guess gives way to the next intent ("ok and a lawyer?" → legal).
* **abroad**: "я сейчас в Вильнюсе", "I'm in Warsaw" — the person says *they are* in a place
  outside Belarus (``foreign_place`` from the gazetteer, no Belarusian place) → ``abroad``.
  A foreign place alone ("he took the kids to Poland") is not enough; the classifier's
  ``abroad`` without any foreign place is not believed either.
* **a child**: the person gives an age under 18 or says they are a pupil / teenager → the
  intent becomes ``child_help`` (102 and the children's line, in words for a child) for every
  message about harm or help.
* **a threat to life**: "убьёт меня", "last day of my life", "пагражае забіць" said outright
  (not negated right before) is danger whatever the classifier guessed — a question, a need, an
  unsure ``nlu_fallback`` — with the need kept; a witness guess gives way when the threat names
  the writer and no one else is the one at risk. An age of 18 or more, or a wife of their own,
  ends a ``child_help`` guess like the other adult words.
* **the need under the danger**: when danger wins, a clear need in the same message is kept as
  entity ``need`` (value: a help type), so the search continues with it after the emergency
  numbers: words that name it beyond doubt ("закодировать", "переночевать", "юрист"), else a
  need the classifier ranks at least ``need_threshold``. A need message that says outright
  "бьёт меня" / "hits me" is danger first in the same way, its need kept.
* **two needs**: a message naming two kinds of help ("lawyer and a safe place") answers the
  first named; the next one becomes entity ``other_need``, offered as the next step.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.danger_priority import DANGER, URGENT

CHILD, ABROAD, SET_LANGUAGE = "child_help", "abroad", "set_language"
NEED = "need"
# Needs worth keeping under the emergency numbers (102 already is the police; emergency,
# hotline: the numbers themselves).
KEPT_NEEDS = ("shelter", "psychological", "legal", "social", "medical", "addiction")
# Messages that are not about harm or help: an age in them changes nothing.
NOT_ABOUT_HARM = frozenset(
    "start greet inform whole_region district_page change_help change_region main_menu "
    "set_language choose_language thank goodbye bot_challenge affirm deny about abroad".split()
)

_NUMBER_WORDS = (
    "пять шесть семь восемь девять десять одиннадцать двенадцать тринадцать четырнадцать "
    "пятнадцать шестнадцать семнадцать пяць шэсць сем восем дзевяць дзесяць адзінаццаць "
    "дванаццаць трынаццаць чатырнаццаць пятнаццаць шаснаццаць сямнаццаць "
    "five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"
).split()
# "мне 14", "мне 14 лет", "i'm 13", "i am 15 years old"; not "мне 14 дней" or "i'm 15 minutes away".
_AGE = re.compile(
    r"(?:\bмне|\bi'?m|\bi am|\bim)\s+(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")(?!\d|[.,:]\d)"
    r"(?!\s*(?:дн|дзён|недел|тыдн|месяц|месяц|час|мин|хв|km|км|min|hour|day|week|month|minute|%|руб|р\b|\$))",
    re.IGNORECASE,
)
_YOUNG_WORDS = re.compile(
    r"\b(?:я|i'?m|i am|im)\s+(?:a\s+|ещё\s+|еще\s+|яшчэ\s+)?(?:"
    r"школьни\w*|ученик\w*|ученица|подрост\w*|ребёнок|ребенок|несовершеннолетн\w*|маленьк\w*|"
    r"школьні\w*|вучань|вучаніца|падлет\w*|дзіця|непаўналетн\w*|"
    r"kid|child|teen|teenager|minor|schoolgirl|schoolboy|pupil|under\s*18)\b"
    r"|\b(?:я|i'?m|i am|im)\s+(?:учусь\s+|вучуся\s+)?(?:в|ў|у|in)\s+"
    r"(?:\d{1,2}\s*(?:-?м\s+)?класс?е\b|\d{1,2}(?:st|nd|rd|th)\s+grade|year\s+\d{1,2}\b|grade\s+\d{1,2}\b)",
    re.IGNORECASE,
)
# The writer is an adult: a husband or partner of their own, children of their own, a profession.
# A child_help guess of the classifier gives way when these are there and no age under 18 is.
_ADULT = re.compile(
    r"\b(?:муж|мужа|мужу|мужем|муже|сожител\w*|сужыцел\w*|my husband|husband|my wife|my partner|"
    r"жена|жене|жену|женой|жонка|жонку|жонкай|"
    r"я (?:уже )?(?:старая|старый|пенсионерка|пенсионер)|я (?:ужо )?старая|i'?m old|i am old|"
    r"у меня (?:дочь|дочка|сын|ребён\w*|ребен\w*|дети|двое|трое)|у мяне (?:дачка|сын|дзіця|дзеці)|"
    r"my (?:daughter|son|kids|children|baby)|i have (?:a |two |three )?(?:\d+ year old )?(?:daughter|son|kids|children))\b",
    re.IGNORECASE,
)
_PROFESSION = re.compile(
    r"\b(?:я (?:воспитатель|учитель|учительница|педагог|психолог|врач|медсестра|соцработник|выхавальнік|настаўні\w*)|"
    r"i'?m a (?:school nurse|nurse|teacher|social worker|psychologist|doctor))\b",
    re.IGNORECASE,
)
# Words that name a kind of help beyond doubt, in the order a need under danger is looked for
# (addiction first: "закодировать" inside a story of threats); police last (102 is the police).
_NEED_WORDS = {
    "addiction": re.compile(
        r"закодир|кодиров|закадзір|нарколог|от алкогол|ад алкагол|rehab|treated for (?:alcohol|drinking)"
        r"|treat(?:ment)? for (?:his )?drinking",
        re.IGNORECASE,
    ),
    "shelter": re.compile(
        r"переночевать|ночевать негде|негде жить|пожить|начаваць|пераначаваць|пажыць|place to stay"
        r"|where (?:can|do) (?:i|we) (?:stay|sleep)|кризисн\w* комнат|крызісн\w* пакой|crisis room"
        r"|shelter|убежищ|прытулак|safe place|somewhere safe|безопасн\w* мест|бяспечн\w* месц",
        re.IGNORECASE,
    ),
    "legal": re.compile(
        r"юрист|адвокат|юрыст|lawyer|legal advice|legal help|attorney|юридическ\w* помощ" r"|юрыдычн\w* дапамог", re.IGNORECASE
    ),
    "psychological": re.compile(r"психолог|псіхолаг|псіхалаг|психотерапевт|psychologist|therapist|counsell?or", re.IGNORECASE),
    "social": re.compile(
        r"соцслужб|соцработник|социальн\w* (?:служб|работник|педагог)|тцсон|сацыяльн\w* (?:служб|работнік"
        r"|педагог)|social (?:services|worker)",
        re.IGNORECASE,
    ),
    "medical": re.compile(
        r"(?:снять|зафиксировать|фиксаци\w*|зняць|зафіксаваць|фіксацы\w*) побо|побои|пабоі"
        r"|медосвидетельств|судмед|травмпункт|document(?:ing)? (?:my |the )?injur",
        re.IGNORECASE,
    ),
    "police": re.compile(r"милици|міліцы|полици|участков\w* инспектор|police", re.IGNORECASE),
}
# The second of two needs named in one message (issue 17.5): entity ``other_need``.
OTHER_NEED = "other_need"

# The writer's own partner: "мой муж", "муж меня", "my husband".
_OWN_PARTNER = re.compile(
    r"\b(?:мой муж|мой бывший|муж меня|меня муж|муж мяне|мяне муж|мой сожитель|my husband|my ex|my boyfriend|my partner)\b",
    re.IGNORECASE,
)

# Being hit, said outright: a need message with it is danger first (the need is kept).
_HIT_ME = re.compile(
    r"\b(?:бь[её]т|избивает|б'е|збівае|лупцуе)\s+меня\b|\bменя\s+(?:бь[её]т|избивает)\b|"
    r"\b(?:б'е|збівае)\s+мяне\b|\bмяне\s+(?:б'е|збівае)\b|"
    r"\b(?:hits|is hitting|beats|is beating|hurts)\s+me\b",
    re.IGNORECASE,
)

# A threat to the writer's life, said outright: danger whatever the classifier makes of the rest
# of the story ("он едет ко мне и написал, что это последний день моей жизни"). The quoted
# "убью" / "I'll kill you" counts: it is what he said to her.
THREAT_TO_LIFE = re.compile(
    r"\bубь[её]т\b|\bубью\b|\bубить\s+(?:меня|нас)\b|(?:угрожа|грози|обеща)\w*\s+(?:меня\s+|мне\s+)?(?:убить|прибить|зарезать|задушить)"
    r"|\b(?:прибь[её]т|зарежет|задушит)\s+меня\b|\bпоследн\w+\s+д(?:ень|ня|нём|нем)\s+(?:моей\s+|в\s+моей\s+)?жизни"
    r"|\bзаб['’ʼ]?[еюё]\b|\bзабіць\s+(?:мяне|нас)\b|пагража\w*\s+(?:мне\s+)?(?:забіць|зарэзаць|задушыць)"
    r"|\bапошн\w+\s+д(?:зень|ня)\s+(?:майго\s+)?жыцця"
    r"|\bkill(?:s|ing)?\s+(?:me|us|you)\b|threat\w*\s+to\s+(?:kill|murder|stab|strangle)|\b(?:going|gonna)\s+to\s+kill"
    r"|\blast\s+day\s+of\s+my\s+life\b|\b(?:strangle|stab|choke)\s+me\b",
    re.IGNORECASE,
)
# Only a negation right before the threat takes it back ("не угрожал убить"); "боюсь, что он не
# остановится и убьёт" is a threat.
_NEGATED_RIGHT_BEFORE = re.compile(r"(?:\bне|\bnot|n['’]t|\bnever|\bникогда)\s+$", re.IGNORECASE)

# Violence against the writer: "бьёт меня", "мяне б'е", "hits me".
_FIRST_PERSON = re.compile(r"\b(?:меня|мяне|мне|me)\b|\b(?:hits|hitting|beats|beating|hurts)\s+me\b", re.IGNORECASE)
_NEGATION_BEFORE = re.compile(
    r"(?:\bне\b|\bdon'?t\b|\bdont\b|\bdo not\b|\bcan'?t\b|\bcant\b|\bcannot\b|\bnot\b)[\w\s'’-]{0,24}$", re.IGNORECASE
)
# "я (сейчас) в", "мы уже в", "живу в", "I'm (now) in", "we live in" — right before the place.
_PRESENCE_BEFORE = re.compile(
    r"(?:\b(?:я|мы|живу|живём|живем|нахожусь|находимся|сейчас|уже|жыву|жывём|знаходжуся|зараз|"
    r"i'?m|i am|im|we'?re|we are|live|living|staying|stay|currently|now)\b)"
    r"[\w\s,]{0,20}?\b(?:в|во|у|ў|in|at)\s*$",
    re.IGNORECASE,
)


def _ages(text: str) -> List[int]:
    """The ages the writer gives for themself ("мне 14", "i'm 22")."""
    return [
        int(value) if value.isdigit() else 5 + _NUMBER_WORDS.index(value) % 13
        for value in (match.group(1).lower() for match in _AGE.finditer(text))
    ]


def speaker_is_young(text: str) -> bool:
    """An age under 18 for the person writing, or "I'm a pupil / teenager / in 8th grade"."""
    return any(6 <= age < 18 for age in _ages(text)) or bool(_YOUNG_WORDS.search(text))


def speaker_is_adult(text: str) -> bool:
    """An age of 18 or more, a husband, a wife or children of their own."""
    return any(18 <= age < 100 for age in _ages(text)) or bool(_ADULT.search(text))


def says_they_are_abroad(text: str, entities: List[Dict[str, Any]]) -> bool:
    names = {e.get("entity") for e in entities}
    if names & {"region", "district"}:
        return False
    return any(
        e.get("entity") == "foreign_place"
        and isinstance(e.get("start"), int)
        and _PRESENCE_BEFORE.search(text[max(0, e["start"] - 40) : e["start"]])
        for e in entities
    )


# Someone else is the one in danger: a witness's message stays a witness's.
_THIRD_PERSON_VICTIM = re.compile(
    r"сосед|соседк|суседз|маму|мамы|маме|мама|маці|сестр|сястр|подруг|сябро|брат|жену|жене|жонку|жонцы"
    r"|neighbou?r|\bmy (?:mom|mum|mother|sister|friend|brother)\b|\bhis wife\b|\bher\b",
    re.IGNORECASE,
)
# The threat names the writer: "убьёт меня", "last day of my life" (not "убьёт её").
_ME_AFTER = re.compile(r"^\W*(?:\w+\W+)?(?:меня|мяне|нас|me|us|you|тебя|цябе)\b|жизни|жыцця|my life", re.IGNORECASE)


def threats(text: str) -> List["re.Match[str]"]:
    """Threats to life, not taken back by a negation right before them."""
    found = THREAT_TO_LIFE.finditer(text)
    return [m for m in found if not _NEGATED_RIGHT_BEFORE.search(text[max(0, m.start() - 12) : m.start()])]


def threatened(text: str) -> bool:
    return bool(threats(text))


def threatened_me(text: str) -> bool:
    """A threat to the writer's own life: the threat with "me / my life" in or right after it."""
    return any(_ME_AFTER.search(m.group(0)) or _ME_AFTER.search(text[m.end() : m.end() + 20]) for m in threats(text))


def _said_at(words: "re.Pattern[str]", text: str) -> Optional[int]:
    """Where ``words`` first occur in ``text`` not right after a negation («не нужен психолог»)."""
    return next(
        (m.start() for m in words.finditer(text) if not _NEGATION_BEFORE.search(text[max(0, m.start() - 30) : m.start()])), None
    )


def _named_need(text: str) -> Optional[str]:
    """The need a danger story names beyond doubt (police is no need to keep: 102 is shown)."""
    return next((name for name, words in _NEED_WORDS.items() if name in KEPT_NEEDS and _said_at(words, text) is not None), None)


def named_needs(text: str) -> List[str]:
    """The kinds of help a message names, in the order it names them (not negated)."""
    found = [(at, name) for name, words in _NEED_WORDS.items() if (at := _said_at(words, text)) is not None]
    return [name for _, name in sorted(found)]


def _ranked(message: Message) -> List[Dict[str, Any]]:
    return list(message.get(INTENT_RANKING_KEY) or [])


def _set_intent(message: Message, name: str, skip: tuple = ()) -> None:
    """Make ``name`` the intent (keeping its confidence when ranked), ranked first."""
    ranking = [r for r in _ranked(message) if r.get(INTENT_NAME_KEY) not in skip]
    found = next((r for r in ranking if r.get(INTENT_NAME_KEY) == name), None)
    chosen = found or {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, dict(chosen), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen] + [r for r in ranking if r is not found], add_to_output=True)


def _next_intent(message: Message, skip: tuple) -> Optional[str]:
    return next((r[INTENT_NAME_KEY] for r in _ranked(message) if r.get(INTENT_NAME_KEY) not in skip), None)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MomentSignals(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # A need ranked at least this high under a danger message is kept: on the held-out set
        # 0.1 also kept "a lawyer" under "he put a knife to my neck" (0.2–0.28); real needs
        # ranked 0.44–0.9. urgent_threshold: DangerPriority's, for an adult taken for a child.
        return {"need_threshold": 0.3, "urgent_threshold": 0.1}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.need_threshold = float(config["need_threshold"])
        self.urgent_threshold = float(config.get("urgent_threshold", 0.1))

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "MomentSignals":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            self.unwanted_language(message, text)
            self.abroad(message, text)
            self.child(message, text)
            self.threat_to_life(message, text)
            self.need_under_danger(message)
            self.need_beside_places(message, text)
            self.two_needs(message, text)
        return messages

    def need_beside_places(self, message: Message, text: str) -> None:
        """ "психолог минск фрунзенский район": the place words outweigh the one need word and
        the classifier says ``inform`` (or is unsure); a kind of help named beyond doubt is the
        need, so the search asks nothing it was told."""
        intent = self.intent(message)
        if intent not in ("inform", "nlu_fallback"):
            return
        named = named_needs(text)
        if named and intent == "nlu_fallback":
            # "need to document injuries in Mogilev": split between the question and the need,
            # so the classifier is unsure; a need named in words, with a place or among the top
            # guesses, is what the person asks for.
            top = [r.get(INTENT_NAME_KEY) for r in _ranked(message) if r.get(INTENT_NAME_KEY) != "nlu_fallback"][:3]
            placed = any(e.get("entity") in ("region", "district") for e in message.get(ENTITIES) or [])
            if (not placed and f"need_{named[0]}" not in top) or _PROFESSION.search(text):
                return  # "i'm a psychologist in Gomel looking for partners" names no need
        if named:
            confidence = (message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY, 1.0)
            _set_intent(message, f"need_{named[0]}")
            chosen = {**message.get(INTENT), PREDICTED_CONFIDENCE_KEY: confidence}  # the place reading's
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen] + _ranked(message)[1:], add_to_output=True)

    @staticmethod
    def intent(message: Message) -> Optional[str]:
        return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)

    def unwanted_language(self, message: Message, text: str) -> None:
        from actions.language_detection import detect

        entities = list(message.get(ENTITIES) or [])
        negated = [
            e
            for e in entities
            if e.get("entity") == "language" and isinstance(e.get("start"), int) and _NEGATION_BEFORE.search(text[: e["start"]])
        ]
        if not negated:
            return
        written_in = detect(text)
        kept = [e for e in entities if e not in negated]
        if written_in and all(e.get("value") != written_in for e in negated):
            kept.append({"entity": "language", "value": written_in, "extractor": type(self).__name__})
        message.set(ENTITIES, kept, add_to_output=True)
        if self.intent(message) in (SET_LANGUAGE, "choose_language"):
            following = _next_intent(message, (SET_LANGUAGE, "choose_language"))
            if following:
                _set_intent(message, following, skip=(SET_LANGUAGE, "choose_language"))

    def abroad(self, message: Message, text: str) -> None:
        entities = message.get(ENTITIES) or []
        if says_they_are_abroad(text, entities):
            _set_intent(message, ABROAD)
        elif self.intent(message) == ABROAD and not any(e.get("entity") == "foreign_place" for e in entities):
            following = _next_intent(message, (ABROAD,))
            if following:
                _set_intent(message, following, skip=(ABROAD,))

    def child(self, message: Message, text: str) -> None:
        intent = self.intent(message)
        if intent in NOT_ABOUT_HARM:
            return
        if speaker_is_young(text):
            if intent != CHILD:
                _set_intent(message, CHILD)
        elif intent == CHILD and _PROFESSION.search(text):
            # A teacher or a nurse writing about a child: the classifier's next guess.
            following = _next_intent(message, (CHILD,))
            if following:
                _set_intent(message, following, skip=(CHILD,))
        elif intent == CHILD and speaker_is_adult(text):
            # Someone with a husband or children of their own tells their own story: the next
            # guess, but not "a witness" when the violence is against the writer.
            self.own_story(message, (CHILD, ABROAD) + (("witness_danger",) if _FIRST_PERSON.search(text) else ()))
        elif intent == "witness_danger" and _OWN_PARTNER.search(text):
            # "муж меня …", "my husband …": the writer's own story, not a witness's.
            self.own_story(message, (CHILD, ABROAD, "witness_danger"))

    def own_story(self, message: Message, skip: tuple) -> None:
        """The next guess without ``skip``; danger when the urgent ones left reach the threshold."""
        ranked = [r for r in _ranked(message) if r.get(INTENT_NAME_KEY) not in skip]
        urgent = [r for r in ranked if r[INTENT_NAME_KEY] in ("danger", "witness_danger")]
        named = _named_need(message.get(TEXT) or "")
        if sum(r.get(PREDICTED_CONFIDENCE_KEY, 0.0) for r in urgent) >= self.urgent_threshold or not ranked:
            following = urgent[0][INTENT_NAME_KEY] if urgent else DANGER
        elif named:
            following = f"need_{named}"  # the need the story names ("дзе нам можна пажыць?")
        else:
            following = ranked[0][INTENT_NAME_KEY]
        _set_intent(message, following, skip=skip)

    def threat_to_life(self, message: Message, text: str) -> None:
        """ "He said he will kill me" is danger first, whatever else the message is (a question,
        a need, a story the classifier is unsure of); the need in it is kept after the numbers."""
        intent = self.intent(message) or ""
        if intent == "witness_danger" and threatened_me(text) and not _THIRD_PERSON_VICTIM.search(text):
            _set_intent(message, DANGER)  # "он сказал, что убьёт меня": her own story
            return
        if intent in URGENT or intent == ABROAD or not threatened(text):
            return
        if intent.startswith("need_") and intent[5:] in KEPT_NEEDS:
            self.keep_need(message, intent[5:])
        _set_intent(message, DANGER)

    def keep_need(self, message: Message, need: str) -> None:
        """The need to search for after the emergency numbers (entity ``need``), once."""
        entities = list(message.get(ENTITIES) or [])
        if not any(e.get("entity") == NEED for e in entities):
            entities.append({"entity": NEED, "value": need, "extractor": type(self).__name__})
            message.set(ENTITIES, entities, add_to_output=True)

    def need_under_danger(self, message: Message) -> None:
        intent = self.intent(message) or ""
        if intent == "nlu_fallback" and _HIT_ME.search(message.get(TEXT) or ""):
            # A long story the classifier is unsure of, which says outright "бьёт меня": still
            # danger first, with the need it ranks highest ("мне нужно спрятаться…").
            intent = _next_intent(message, skip=("nlu_fallback",)) or intent
        if intent.startswith("need_") and intent[5:] in KEPT_NEEDS and _HIT_ME.search(message.get(TEXT) or ""):
            # "he drinks and hits me, where can he be treated": the numbers first, then the need
            self.keep_need(message, intent[5:])
            _set_intent(message, DANGER)
            return
        if intent != DANGER:
            return
        entities = message.get(ENTITIES) or []
        if any(e.get("entity") == NEED for e in entities):
            return
        needs = [
            r for r in _ranked(message) if r.get(INTENT_NAME_KEY, "").startswith("need_") and r[INTENT_NAME_KEY][5:] in KEPT_NEEDS
        ]
        need = _named_need(message.get(TEXT) or "")
        if need is None and needs and needs[0].get(PREDICTED_CONFIDENCE_KEY, 0.0) >= self.need_threshold:
            need = needs[0][INTENT_NAME_KEY][5:]
        if need:
            self.keep_need(message, need)

    def two_needs(self, message: Message, text: str) -> None:
        """Two kinds of help in one message («lawyer and a safe place»): the first named is
        answered (the intent, or the need kept under danger), the next one becomes entity
        ``other_need``, offered as the next step; never dropped silently."""
        intent = self.intent(message) or ""
        entities = list(message.get(ENTITIES) or [])
        kept = next((e.get("value") for e in entities if e.get("entity") == NEED), None)
        if intent == DANGER:
            named = [n for n in named_needs(text) if n in KEPT_NEEDS]
            first = kept
        elif intent.startswith("need_") and intent[5:] in _NEED_WORDS:
            named = named_needs(text)
            first = intent[5:]
            if len(named) >= 2 and named[0] != first:
                first = named[0]  # the need named first is answered first
                _set_intent(message, f"need_{first}")
        else:
            return
        others = [n for n in named if n != first]
        if first is None or len(named) < 2 or not others:
            return
        entities.append({"entity": OTHER_NEED, "value": others[0], "extractor": type(self).__name__})
        message.set(ENTITIES, entities, add_to_output=True)
