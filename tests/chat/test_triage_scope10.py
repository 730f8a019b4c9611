"""Issue 13.1, round 10: self-harm intent said as a deliberate or secret overdose, and generic scope fixes of
triage's rules (a known epilepsy's usual seizure, a chest sore to the touch or already worked up, a small burn,
mild ketones under sick-day rules, a symptom named only to be denied). Each near-miss below fires no rule, and
the same words beside a real red flag still do (texts written for this test, in no data set)."""

from __future__ import annotations

import pytest

from medtune.chat.triage_rules import rule_flags


def _names(text: str) -> list[str]:
    return [f.name for f in rule_flags(text)]


@pytest.mark.parametrize("text", [
    "I swallowed most of my sleeping tablets deliberately an hour ago",
    "took the whole packet of my dads co-codamol, please dont tell him",
    "been keeping my evening pills under my tongue for ten days and spitting them into a jar",
])
def test_deliberate_or_secret_overdose_is_self_harm(text: str) -> None:
    assert _names(text)[:1] == ["self_harm"]


@pytest.mark.parametrize("text", [
    "my 2 year old took the whole bottle of calpol, dont tell my husband, what do I do",
    "my son swallowed the rest of the iron tablets, please dont tell my mum",
])
def test_a_childs_secret_swallow_is_an_overdose_not_intent(text: str) -> None:
    names = _names(text)
    assert names and "self_harm" not in names


@pytest.mark.parametrize("text", [
    "I took all my morning meds with breakfast as usual, can I have grapefruit juice?",
    "my GTN spray goes under my tongue, does it expire once opened?",
    "she had her usual absence seizure in assembly, ten seconds, normal for her, the school logged it",
    "my chest hurts on one spot when I press on it since I carried the washing machine",
    "chest felt tight last week, ECG and bloods were normal, can I go back to the gym?",
    "small blister the size of a pea from the oven door on my arm, cover it or not?",
    "ketones 0.5 and sugar 12 with a head cold, following my sick day rules, eating fine",
    "slurred speech? nah, it's the dental numbing wearing off lol",
])
def test_round10_near_misses_fire_no_rule(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(("text", "flag"), [
    ("his usual seizure has gone on for 7 minutes and the rescue medicine hasn't worked", "seizure"),
    ("crushing chest pain and I'm sweating and grey, it hurts when I press on it too", "chest_pain"),
    ("a small burn from an electric socket on his hand and his heart is racing", "burns"),
    ("ketones 2.5 and I've been vomiting since the morning, sick day rules aren't working", "diabetic"),
    ("is he breathing? no, his lips are going blue", "breathing"),
    ("my toddler drank the dishwasher rinse aid? no - it was the oven cleaner, she's drooling", "poisoning"),
])
def test_the_same_words_beside_a_real_red_flag_still_fire(text: str, flag: str) -> None:
    assert flag in _names(text)


def test_someone_elses_crisis_lines_follow_the_first_aid() -> None:
    from medtune.chat.triage import CRISIS_LINES, emergency_message

    theirs = emergency_message(["overdose", "self_harm"])
    assert theirs.startswith("This could be a medical emergency") and CRISIS_LINES[0] in theirs
    assert emergency_message(["self_harm", "overdose"]).startswith(CRISIS_LINES[0])
