"""Issue 13.1, round 16 (rules read on fresh13's dev half only): a threat to stab oneself, said by or about the
person, is self-harm intent; several doses of a cold remedy that holds paracetamol plus paracetamol on top is an
overdose; "make it stop" is intent only as a plea, not as a question about a cut. Near-misses that no longer fire a
rule — a seizure "as a child", a late period with a negative test, a first-aid course question, a TV season, a
shingles rash, "walk into the sea lol", a panic attack checked at A&E with a question about the next one — each
beside a partner with a real red flag that still fires (texts written for this test, in no data set)."""

from __future__ import annotations

import pytest

from medtune.chat.triage_rules import rule_flags


def _names(text: str) -> list[str]:
    return [f.name for f in rule_flags(text)]


@pytest.mark.parametrize("text", [
    "my flatmate has locked himself in the bathroom with a knife and keeps saying he's going to stab himself",
    "please just make it stop, I can't do this anymore",
])
def test_self_harm_intent_fires(text: str) -> None:
    assert _names(text)[:1] == ["self_harm"], _names(text)


def test_a_cold_remedy_with_paracetamol_on_top_is_an_overdose_but_a_question_about_spacing_is_not() -> None:
    assert "overdose" in _names("I've had 6 lemsips since this morning and took 2 paracetamol as well")
    assert _names("I took one lemsip at 7, when can I have paracetamol?") == []


@pytest.mark.parametrize("near_miss, emergency", [
    ("the cut on my thumb from the bread knife keeps oozing, any tips to make it stop?",
     "I cut my wrist on a broken window and the blood is spurting and won't stop"),
    ("I had a febrile seizure as a toddler, can I still join the army?",
     "my toddler is having a seizure and has been shaking for 5 minutes"),
    ("period a week late, some light spotting today, pregnancy test negative twice",
     "I'm 10 weeks pregnant and bleeding heavily with bad cramps"),
    ("first aid class: why do you tilt the head back before rescue breaths?",
     "my wife collapsed and isn't breathing"),
    ("in season 2 the doctor character overdoses on fentanyl, is that realistic?",
     "my friend took fentanyl and now he won't wake up and his lips are blue"),
    ("shingles rash across my chest, burning pain, GP started antivirals yesterday",
     "crushing pain in my chest going into my jaw and I feel sick and sweaty"),
    ("one more spreadsheet and I'll walk into the sea lol, anyway how do I merge cells",
     "I'm at the beach and I'm going to walk into the sea tonight and not come back"),
])
def test_near_misses_fire_no_rule_and_their_red_flag_partner_still_does(near_miss: str, emergency: str) -> None:
    assert _names(near_miss) == [], (near_miss, _names(near_miss))
    assert _names(emergency), emergency
