"""Issue 13.1, rounds 7 and 8: wording that names a red flag's words without the red flag — a symptom said to be absent,
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
    # Round 8: absent findings named with the red flags' own words, coordinated, and wording that is no red flag.
    "12 weeks pregnant, no bleeding and no cramps, just sick every morning. when does it stop?",
    "grandad tripped and bumped his head on the door, he is not on any blood thinners, no cut, talking normally",
    "itchy hives on my arms since lunch, no swelling of lips or throat, breathing fine",
    "cramps and diarrhoea since the barbecue, keeping water down, is it food poisoning?",
    "the office christmas party was an overdose of gossip, how do I stay out of it next year",
    "nearly had a heart attack when the gas bill came, any tips to cut heating costs?",
    "my cholesterol letter says 5.9 and non-HDL 4.1, I'm confused by the numbers, is that high?",
]
STILL_RED = [
    ("chest_pain", "crushing chest pain spreading to my arm and no one is home"),
    ("anaphylaxis", "her lips and tongue are swelling after the peanut and she has no epipen"),
    ("self_harm", "I have no plans to see anyone, I just want to kill myself tonight"),
    ("seizure", "he has been fitting for six minutes and it isn't stopping, he was seizure free for years"),
    ("pregnancy_bleeding", "30 weeks pregnant, no pain but heavy bleeding with clots since this morning"),
    ("head_injury", "my dad banged his head on the cupboard, he is on warfarin and now he is drowsy and confused"),
    ("chest_pain", "crushing chest pain for 20 minutes and no pain relief touches it"),
    ("overdose", "my flatmate took a whole packet of paracetamol, not food poisoning, she did it on purpose"),
]


@pytest.mark.parametrize("text", ABSENT)
def test_a_red_flag_said_to_be_absent_does_not_fire_the_rules(text: str) -> None:
    assert rule_flags(text) == []


@pytest.mark.parametrize(("flag", "text"), STILL_RED)
def test_the_same_words_beside_a_real_red_flag_still_fire(flag: str, text: str) -> None:
    assert flag in [f.name for f in rule_flags(text)]
    assert triage(text).emergency
