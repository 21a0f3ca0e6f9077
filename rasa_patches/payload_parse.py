"""Answer button payloads (``/intent{"entity": "value"}``) without running the NLU pipeline.

Why (measured): most turns of this assistant are button taps — ``/start``, ``/need_legal``,
``/inform{"region":"BY-HO"}``, ``/whole_region`` — and Rasa 3.6 still runs every NLU component on
them (spaCy with pymorphy lemmas, the place gazetteer, both count-vector featurizers, the
logistic regression, …) only for the last one, ``RegexMessageHandler``, to throw all of that away
and replace the message with the intent and entities written in the payload. py-spy over served
conversations put 16 % of the Rasa server's CPU time in the NLU graph, most of it on payloads.

``_parse_message_with_graph`` is wrapped: when the model's NLU output is ``RegexMessageHandler``'s
(always so with the default recipe) and ``YAMLStoryReader.unpack_regex_message`` — the very
function ``RegexMessageHandler.process`` calls — turns the message into a new one (a payload with
an intent the domain knows), that message is the parse result, built exactly as Rasa builds it
from the graph's output. Anything else (typed text, unknown intents, malformed payloads) goes
through the graph as before. This is exact only because no NLU component before
``RegexMessageHandler`` has side effects; ``tests/rasa_patches/test_payload_parse.py`` checks the
parse results against the full graph for the payloads the bot sends.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message

NLU_TARGET_PREFIX = f"run_{RegexMessageHandler.__name__}"


def _original(processor_cls: Any = MessageProcessor) -> Any:
    method = processor_cls._parse_message_with_graph
    return getattr(method, "_without_payload_shortcut", method)


def parse_payload(processor: MessageProcessor, message: UserMessage, only_output_properties: bool = True) -> Any:
    """The parse data of a payload message, or None when the graph must decide."""
    text = message.text
    if not isinstance(text, str) or not text.strip().startswith(INTENT_MESSAGE_PREFIX):
        return None
    if not str(processor.model_metadata.nlu_target).startswith(NLU_TARGET_PREFIX):
        return None
    # The message as NLUMessageConverter hands it to the pipeline.
    converted = Message(
        data={TEXT: text, "message_id": message.message_id, "metadata": message.metadata}, output_properties={TEXT_TOKENS}
    )
    unpacked = YAMLStoryReader.unpack_regex_message(
        converted, processor.domain, entity_extractor_name=RegexMessageHandler.__name__
    )
    if unpacked is converted:
        return None
    parse_data: Dict[Text, Any] = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
    parse_data.update(unpacked.as_dict(only_output_properties=only_output_properties))
    return parse_data


def install() -> None:
    """Idempotent."""
    original = _original()
    if MessageProcessor._parse_message_with_graph is not original:
        return

    @functools.wraps(original)
    def _parse_message_with_graph(
        self: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker, only_output_properties: bool = True
    ) -> Dict[Text, Any]:
        parsed = parse_payload(self, message, only_output_properties)
        if parsed is not None:
            return parsed
        return original(self, message, tracker, only_output_properties)

    _parse_message_with_graph._without_payload_shortcut = original  # type: ignore[attr-defined]  # a marker on the function
    MessageProcessor._parse_message_with_graph = _parse_message_with_graph


def uninstall() -> None:
    """For tests."""
    MessageProcessor._parse_message_with_graph = _original()
