"""The risk self-check's decision rule — the one place it is computed.

Answers travel as a short string, one letter per question in asking order ("y" yes, "n" no),
in the button payloads and in the ``risk_answers`` slot for typed yes/no ("u": "don't know").
Nothing else about
the check is kept, and the conversation's erasure removes it.

The rule is the instrument's own (content/risk_check.yml): a "yes" to any red-flag question
means high risk at once; otherwise high risk once ``counted_at_least`` other questions are
"yes". The check stops as soon as the answer is known, so a high-risk pattern leads straight
to the emergency numbers instead of more questions.

"Don't know" is not "yes": the instrument's form records "not answered" apart from yes and no,
and its rule counts only "yes" answers (content/sources.yml, lap_lethality_screen). The result
says how many answers were "don't know" and how they were counted (``unknowns``).
"""

from __future__ import annotations

import re
from typing import Any, Optional

from actions.content import RiskCheck

HIGH = "high"
LOWER = "lower"
_ANSWERS = re.compile(r"^[ynu]{0,12}$")


def valid_answers(value: Any, check: RiskCheck) -> Optional[str]:
    """The answer string if it could have come from our buttons, else None."""
    if not isinstance(value, str) or not _ANSWERS.match(value) or len(value) > len(check.questions):
        return None
    # Answers past the point where the outcome was known are impossible from our buttons.
    if any(outcome(value[:n], check) for n in range(len(value))):
        return None
    return value


def outcome(answers: str, check: RiskCheck) -> Optional[str]:
    """HIGH or LOWER once the rule decides; None while another question must be asked."""
    counted = 0
    for question, answer in zip(check.questions, answers, strict=False):  # the answers so far
        if answer != "y":
            continue
        if question.red_flag:
            return HIGH
        counted += 1
    if counted >= check.counted_at_least:
        return HIGH
    if len(answers) >= len(check.questions):
        return LOWER
    return None


UNKNOWN = "u"


def unknowns(answers: str) -> int:
    """How many answers were "don't know" (counted as not "yes" by ``outcome``)."""
    return answers.count(UNKNOWN)
