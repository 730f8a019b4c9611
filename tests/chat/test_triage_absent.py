"""Issue 13.1, round 7: wording that names a red flag's words without the red flag — a symptom said to be absent,
seizures said to be controlled, "burnt out", thoughts of self-harm denied, asking someone else about them — no
longer fires the rules (fresh6 dev showed these kinds), while the same words beside a real red flag still do.
Written for these tests; in no data file."""

from __future__ import annotations

import pytest

from medtune.chat.triage import triage
from medtune.chat.triage_rules import rule_flags

ABSENT = [
    "no chest pain at all, just a stuffy nose and a sore throat, what helps?",
    "she has been seizure free for three years now, can she stop seeing the neurologist?",
    "his fits are well controlled on lamotrigine, is it ok for him to go on a school trip?",
    "I'm burnt out from night shifts, any tips for sleeping in the day?",
    "no thoughts of harming myself, just tired all the time, could it be my thyroid?",
    "I'm a teacher, how do I ask a pupil about self harm if I'm worried about her?",
    "bit puffy round the eyes from hay fever, no lip or tongue swelling, which antihistamine is best?",
]
STILL_RED = [
    ("chest_pain", "crushing chest pain spreading to my arm and no one is home"),
    ("anaphylaxis", "her lips and tongue are swelling after the peanut and she has no epipen"),
    ("self_harm", "I have no plans to see anyone, I just want to kill myself tonight"),
    ("seizure", "he has been fitting for six minutes and it isn't stopping, he was seizure free for years"),
]


@pytest.mark.parametrize("text", ABSENT)
def test_a_red_flag_said_to_be_absent_does_not_fire_the_rules(text: str) -> None:
    assert rule_flags(text) == []


@pytest.mark.parametrize(("flag", "text"), STILL_RED)
def test_the_same_words_beside_a_real_red_flag_still_fire(flag: str, text: str) -> None:
    assert flag in [f.name for f in rule_flags(text)]
    assert triage(text).emergency
