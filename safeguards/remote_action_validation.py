"""Validate action-server responses with a cached validator (a measured fix, not a tweak).

Profiling a turn (cProfile over 40 turns, see the issue note) showed 92 % of the Rasa server's
time in ``RemoteAction._validate_action_result``: it calls ``jsonschema.validate``, which checks
the *schema itself* against the JSON-Schema meta-schema on every call (~120 ms with the
jsonschema 4.17 that Rasa 3.6 pins). The response is still validated against the same schema,
with the same error; only the per-call meta-schema check is gone.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DOCS_BASE_URL

from safeguards.pipeline_hook import InstallOnLoad


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once per process instead of once per call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CachedActionResponseValidation(InstallOnLoad):
    """Pipeline entry whose only job is to ``install()`` the cached validator when the model loads."""

    install = staticmethod(install)
