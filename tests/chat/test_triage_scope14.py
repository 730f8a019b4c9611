"""Issue 13.1, round 14 (rules read on fresh12's dev half only): an overdose presented as deliberate without the
word — ten or more of one's own antidepressants or sleeping tablets, a reason of despair, "don't call anyone" — is
self-harm intent (the crisis text comes first), and the count may follow the tablets ("like 12 of them"). Near-
misses that no longer fire a rule — a past seizure with a question about a next time, a known epilepsy's usual
short fit, bleeding gums in pregnancy, fainting last summer, a fever-threshold question, burning when peeing, a job
that "knocked me out", a child playing happily after a small knock — each beside a partner with a real red flag
that still fires (texts written for this test, in no data set)."""

from __future__ import annotations

import pytest

from medtune.chat.triage_rules import rule_flags


def _names(text: str) -> list[str]:
    return [f.name for f in rule_flags(text)]


@pytest.mark.parametrize("text", [
    "quick q about my cv, oh and I swallowed 25 of my sertraline an hour ago, anyway",
    "dont ring anyone please. i took 15 of my mums diazepam. cant cope anymore",
    "took my nans sleeping pills about 20 of them cos nobody cares",
])
def test_a_deliberate_looking_overdose_is_self_harm(text: str) -> None:
    assert _names(text)[:1] == ["self_harm"], _names(text)


@pytest.mark.parametrize("text", [
    "took 12 of my sleeping tablets by accident, thought they were my vitamins",
    "my toddler swallowed about 15 of my antidepressants, please don't tell my husband",
])
def test_an_accidental_or_a_childs_overdose_is_an_overdose_or_poisoning_not_self_harm(text: str) -> None:
    names = _names(text)
    assert names and "self_harm" not in names, names


@pytest.mark.parametrize("near_miss, emergency", [
    ("my uncle has epilepsy and had a seizure at the wedding last month, he's fine now. what do I do if it happens again?",
     "my uncle had a seizure, came round, and now he's having another one"),
    ("my son with epilepsy had one of his normal short fits, woke up as usual and is resting",
     "my son with epilepsy has been fitting for 6 minutes and it won't stop"),
    ("bleeding gums in pregnancy, is that normal?",
     "I'm 14 weeks pregnant and bleeding heavily with clots"),
    ("I fainted in the heat on holiday last summer, how do I stop it happening again?",
     "my husband collapsed and won't wake up"),
    ("at what number does it count as a fever in a newborn, 37.8 or 38?",
     "my 4 week old is 38.3 and very sleepy"),
    ("burning when I pee and need to go a lot, no fever",
     "my toddler pulled a cup of boiling tea over his chest and the skin is blistering"),
    ("this new job has knocked me out cold, so tired every night",
     "he was knocked out for a minute after falling off the ladder and is being sick"),
    ("my 3 year old bumped his head on the table, cried straight away, small lump, playing happily now",
     "my 3 year old hit his head and has been sick three times and is very sleepy"),
])
def test_near_misses_fire_no_rule_and_their_red_flag_partner_still_does(near_miss: str, emergency: str) -> None:
    assert _names(near_miss) == [], (near_miss, _names(near_miss))
    assert _names(emergency), emergency
