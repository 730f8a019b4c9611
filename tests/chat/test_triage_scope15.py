"""Issue 13.1, round 15 (rules read on fresh10's and fresh11's test halves, training sources of the fine-tuned model
since this round): a person's critical state said in the present is happening now even when a how-to question
follows ("my flatmate is unresponsive …, how do I use the naloxone"). Near-misses that no longer fire a rule — an
extra dose of an ordinary medicine taken by accident and "feeling fine", glucose tablets for a hypo, a pet's age, a
machine "having a fit", waters said to be intact, shingles blisters, a cold-sore lip, a TV medical drama, course
homework, "sorted" (a real word, not a typo of "snorted"), an outcome that "went completely" — each beside a
partner with a real red flag that still fires (texts written for this test, in no data set)."""

from __future__ import annotations

import pytest

from medtune.chat.triage_rules import rule_flags


def _names(text: str) -> list[str]:
    return [f.name for f in rule_flags(text)]


@pytest.mark.parametrize("text", [
    "my flatmate is unresponsive after taking some pills, we've got naloxone, how do I use it",
    "my dad is not breathing properly and is blue round the lips, how do i do cpr",
])
def test_a_critical_state_in_the_present_fires_despite_a_how_to_question(text: str) -> None:
    assert _names(text), text


@pytest.mark.parametrize("near_miss, emergency", [
    ("I accidentally took my blood pressure tablet twice this morning, I feel fine, what now?",
     "I accidentally took my amitriptyline twice and now I feel really woozy and my heart is racing"),
    ("type 2 on insulin, went to 3.4 so I took 4 dextrose tablets, now 5.8 and fine",
     "my diabetic husband is confused and sweaty and his sugar is 1.9"),
    ("our 12 week old kitten feels warm, what temperature is normal for cats?",
     "my 7 week old baby has a temperature of 38.4"),
    ("the printer keeps having a fit every time I send a pdf",
     "my son is having a fit and his lips are going blue"),
    ("36 weeks, some tightenings on and off, waters intact, no bleeding, baby kicking away",
     "I'm 30 weeks pregnant and my waters have gone with a gush and I can feel the cord"),
    ("doctor says it's shingles, painful blisters across my ribs on one side, anything for the pain?",
     "I spilled boiling oil on my arm and the skin is blistering and peeling off"),
    ("top lip puffy where a cold sore is starting, same as every winter, breathing normally",
     "I ate a prawn and now my lips and tongue are swelling and I can't breathe properly"),
    ("in that hospital drama a nurse overdosed a patient on potassium, would that really happen?",
     "my mum took a whole box of her heart tablets an hour ago"),
    ("first aid course homework: how do you tell a stroke from a faint?",
     "my grandad's face has dropped on one side and he can't lift his arm"),
    ("spicy ramen gave me that burning feeling in my chest, a couple of rennies sorted it",
     "crushing chest pain spreading to my left arm and I'm sweating"),
    ("felt tight chested after the cold air, two puffs of my inhaler and it went completely",
     "6 puffs of my inhaler and I still can't breathe or finish a sentence"),
])
def test_near_misses_fire_no_rule_and_their_red_flag_partner_still_does(near_miss: str, emergency: str) -> None:
    assert _names(near_miss) == [], (near_miss, _names(near_miss))
    assert _names(emergency), emergency
