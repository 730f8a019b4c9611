"""Issue 13.1, round 13 (rules read on fresh11's dev half only): an illness's duration is not a baby's age ("flu
for 3 days", "day 2 of 38.5"), a baby's age in words ("two and a half months") is, and the sepsis signs days after
a birth, an operation or a cut that were caught only through that misreading now have their own rule. Near-misses
that no longer fire a rule — a burning feeling in the chest from spicy food, a tremor compared with a seizure, a
past shiver asked about, a child who touched berries but ate none, breathlessness fine again after resting, a
habitual tightness that goes afterwards — each beside a partner with a real red flag that still fires (texts
written for this test, in no data set)."""

from __future__ import annotations

import pytest

from medtune.chat.triage_rules import rule_flags


def _names(text: str) -> list[str]:
    return [f.name for f in rule_flags(text)]


@pytest.mark.parametrize("text, flag", [
    ("my grandson is two and a half months old and his temperature is 38.3", "infant_fever"),
    ("our baby is six weeks and feels hot, 38.1 on the thermometer", "infant_fever"),
    ("my 5 week old has had a fever for 2 days, 38.6 now", "infant_fever"),
    ("had a c section 5 days ago and now I've got a fever and I'm shivering all over", "meningitis_sepsis"),
    ("appendix out 3 days ago, now a high temperature and shaking and I feel awful", "meningitis_sepsis"),
])
def test_a_babys_age_and_sepsis_after_an_operation_are_read(text: str, flag: str) -> None:
    assert flag in _names(text)


@pytest.mark.parametrize("near_miss, emergency", [
    ("my 4 year old has had a cough for 3 days and a temp of 38.2, eating and playing",
     "my 3 week old has a temp of 38.2 and is sleepy"),
    ("day 3 of a cold, 38.4 this morning, drinking lots, normal?",
     "newborn is 38.4 and won't feed"),
    ("curry last night gave me a burning chest, gaviscon helped",
     "spilled boiling water down my chest, the skin is blistering"),
    ("my dad's hands shake when he holds a cup, is that different from a seizure?",
     "my dad is having a seizure on the floor and it won't stop"),
    ("was that a seizure? I had chills and shivers with a fever last night but knew where I was the whole time",
     "she is fitting and her lips are blue"),
    ("my daughter picked up some berries at the farm but didn't eat any, do I need to wash her hands?",
     "my daughter ate some berries from the garden and is now vomiting"),
    ("bit breathless on the steep hill walk, fine again after resting a minute",
     "I'm so short of breath I can't finish a sentence"),
    ("stress gives me a tight chest before exams, it goes afterwards",
     "tight crushing chest pain spreading to my left arm"),
])
def test_near_misses_fire_no_rule_and_their_red_flag_partner_still_does(near_miss: str, emergency: str) -> None:
    assert _names(near_miss) == [], (near_miss, _names(near_miss))
    assert _names(emergency), emergency


def test_an_age_given_as_weeks_of_age_is_still_an_age() -> None:
    assert "infant_fever" in _names("my baby is 6 weeks of age and has a temperature of 38.2")
