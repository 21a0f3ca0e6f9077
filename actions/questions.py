"""Direct answers to direct questions (content/questions.yml): the answer first, then where to read on.

"это анонимно? муж не узнает?" used to open the first screen of a guide, with the part that
answered it three screens further on. Each question now has its own intent
(``question_<id>``, data/nlu/*/questions.yml) and a 2–4 sentence answer from content/, sourced
like the guides; its offers are buttons to the guide *screen* that covers it, or to contacts.
Every answer ends with the hotline's line from content/hotline.yml (actions/hotline.py), so
its number, hours and caveat are written in one place. Asked while the search asks a region or
a district, the answer comes first and the form asks its question again (data/rules.yml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Text, Tuple

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import buttons, hotline
from actions.content import OFFER, ContentError, Source, _source_ids, content
from actions.moments import CHILDREN_LINE
from actions.state import State, latest_intent
from actions.texts import LANGUAGES, text
from safety import fallback

DomainDict = Dict[Text, Any]
QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "content" / "questions.yml"
INTENT_PREFIX = "question_"
# 2–4 sentences: well under a guide screen, so the answer and the hotline line fit one phone screen.
MAX_ANSWER_CHARS = 500
HOTLINE_FORMS = ("line", "full")
# The numbers an answer may name, each written in one place: 102 / 103 / 112 (actions/hotline.py)
# and the children's line (actions/moments.py, checked against the directory). Not the hotline:
# its line under every answer comes from content/hotline.yml.
NUMBERS = {
    "police": fallback.POLICE,
    "ambulance": fallback.AMBULANCE,
    "emergency": fallback.EMERGENCY,
    "children_line": CHILDREN_LINE,
}
_FIELD = re.compile(r"{([^{}]*)}")
_SCREEN_OFFER = re.compile(r"^guide:(?P<guide>[a-z_]+)/(?P<screen>[a-z_]+)$")
_ID = re.compile(r"^[a-z][a-z0-9_]{1,30}$")

Text3 = Dict[str, str]


@dataclass(frozen=True)
class Question:
    id: str
    asked: Text3
    answer: Text3
    sources: Tuple[str, ...]
    offers: Tuple[str, ...]
    hotline: str  # "line" (under the answer) or "full" (the hotline answer itself, with the MVD session)
    legal: bool

    @property
    def intent(self) -> str:
        return INTENT_PREFIX + self.id


def fill(template: str) -> str:
    return template.format(**NUMBERS)


def _text(raw: Any, where: str, limit: int) -> Text3:
    """ru/be/en, none empty, only NUMBERS in braces, at most ``limit`` characters once filled."""
    if not isinstance(raw, dict) or set(raw) != set(LANGUAGES):
        raise ContentError(f"{where}: needs exactly the languages {', '.join(LANGUAGES)}")
    for lang in LANGUAGES:
        value = raw[lang]
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where} [{lang}]: empty")
        if set(_FIELD.findall(value)) - set(NUMBERS) or value.count("{") != value.count("}"):
            raise ContentError(f"{where} [{lang}]: only {sorted(NUMBERS)} may appear in braces")
        if len(fill(value)) > limit:
            raise ContentError(f"{where} [{lang}]: {len(fill(value))} characters, more than {limit}")
    return {lang: raw[lang].strip() for lang in LANGUAGES}


def _offer(raw: Any, where: str) -> str:
    """An offer of content/README.md, or ``guide:<guide>/<screen id>`` (a screen of a guide)."""
    if not isinstance(raw, str):
        raise ContentError(f"{where}: offer {raw!r} is not text")
    screen = _SCREEN_OFFER.match(raw)
    if screen:
        guides = content().guides
        guide = guides.get(screen["guide"])
        if guide is None or screen["screen"] not in [s.id for s in guide.screens]:
            raise ContentError(f"{where}: no screen {raw!r} in content/guides")
        return raw
    if not OFFER.match(raw):
        raise ContentError(f"{where}: unknown offer {raw!r}")
    return raw


def _question(raw: Any, where: str, known: Mapping[str, Source]) -> Question:
    if not isinstance(raw, dict) or not _ID.match(str(raw.get("id") or "")):
        raise ContentError(f"{where}: needs an id of lowercase letters, digits and _")
    where = f"{where} ({raw['id']})"
    answer = _text(raw.get("answer"), f"{where} answer", limit=MAX_ANSWER_CHARS)
    sources = _source_ids(raw.get("sources"), f"{where} sources", known)
    legal = raw.get("legal") is True
    if legal and not any(known[s].kind in ("law", "official") for s in sources):
        raise ContentError(f"{where}: a legal answer needs a `law` or `official` source")
    form = raw.get("hotline", "line")
    if form not in HOTLINE_FORMS:
        raise ContentError(f"{where}: hotline must be one of {HOTLINE_FORMS}")
    offers = raw.get("offers") or []
    if not isinstance(offers, list) or not 1 <= len(offers) <= 3:
        raise ContentError(f"{where}: needs 1–3 offers")
    return Question(
        id=str(raw["id"]),
        asked=_text(raw.get("asked"), f"{where} asked", limit=80),
        answer=answer,
        sources=sources,
        offers=tuple(_offer(o, where) for o in offers),
        hotline=form,
        legal=legal,
    )


def load(path: Path = QUESTIONS_FILE) -> Dict[str, Question]:
    """Read and check content/questions.yml; raises ContentError naming the first problem."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    items = (raw or {}).get("questions") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise ContentError(f"{path.name}: needs a `questions:` list")
    known = content().sources
    result: Dict[str, Question] = {}
    for number, item in enumerate(items, start=1):
        question = _question(item, f"{path.name} question {number}", known)
        if question.id in result:
            raise ContentError(f"{path.name}: question id {question.id!r} twice")
        result[question.id] = question
    return result


@lru_cache(maxsize=1)
def questions() -> Dict[str, Question]:
    """The questions of this installation, loaded and checked once per process."""
    return load()


def question_for_intent(intent: Optional[str]) -> Optional[Question]:
    if not intent or not intent.startswith(INTENT_PREFIX):
        return None
    return questions().get(intent[len(INTENT_PREFIX) :])


def answer_text(question: Question, lang: str) -> str:
    """The answer, then the hotline (its line, or its full answer), with 102 / 103 / 112."""
    body = fill(question.answer[lang])
    if question.hotline == "full":
        body = f"{body}\n\n{hotline.full(lang)}"
    return fallback.with_footer(lang, body)


def offer_button(lang: str, target: str) -> buttons.Button:
    """A button for an offer; ``guide:<guide>/<screen>`` opens that screen of the guide."""
    screen = _SCREEN_OFFER.match(target)
    if not screen:
        return buttons.offer(lang, target)
    guide = content().guides[screen["guide"]]
    step = [s.id for s in guide.screens].index(screen["screen"])
    entities = {"step": str(step)} if step else {}
    return buttons.button(guide.title[lang], buttons.GUIDE_INTENTS[guide.id], **entities)


def answer_buttons(question: Question, lang: str, in_search: bool) -> List[buttons.Button]:
    """The offers; outside the search also the way to the menu (inside it, the form asks next)."""
    offered = [offer_button(lang, target) for target in question.offers]
    if in_search:
        return offered
    return offered + [buttons.button(text(lang, "followup.menu"), "main_menu")]


class ActionQuestion(Action):
    """Answers the question the intent names; inside the search the form continues afterwards."""

    def name(self) -> Text:
        return "action_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = State.of(tracker)
        question = question_for_intent(latest_intent(tracker))
        if question is None:  # a question intent without content: say so, numbers included
            dispatcher.utter_message(text=fallback.unavailable_text(state.language))
            return []
        dispatcher.utter_message(
            text=answer_text(question, state.language),
            buttons=answer_buttons(question, state.language, in_search=bool(state.active_loop)),
        )
        return []
