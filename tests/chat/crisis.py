"""What every self-harm test asserts about triage's answer: the crisis text first, crisis lines, and no dose."""

from __future__ import annotations

import re
from typing import Any

#: A dose or amount in the answer ("500 mg", "2 tablets", "maximum", "per day"): a crisis answer has none.
DOSE = re.compile(r"\b\d+(\.\d+)?\s*(mg|g|ml|mcg|grams?|tablets?|pills?)\b|\bmaximum\b|\bper day\b", re.IGNORECASE)
CRISIS_OPENING = "I'm really sorry you're going through this"


def assert_crisis_without_dose(result: Any) -> None:
    """Triage escalated the message as self-harm and answered with the crisis text (988 line) and no dose."""
    assert result.emergency and result.self_harm and result.category == "self_harm", (result.flags, result.score)
    assert result.message.startswith(CRISIS_OPENING), result.message
    assert "988" in result.message and not DOSE.search(result.message), result.message
