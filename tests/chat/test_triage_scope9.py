"""Issue 13.1, round 9: generic scope fixes of triage's rules. Each near-miss wording below no longer fires a
rule, and the same words beside a real red flag still do (texts written for this test, in no data set)."""

from __future__ import annotations

import pytest

from medtune.chat.triage import triage
from medtune.chat.triage_rules import rule_flags


def _names(text: str) -> list[str]:
    return [f.name for f in rule_flags(text)]


@pytest.mark.parametrize("text", [
    "exam q: 61F, crushing central chest pain and sweating, what is the first drug given?",
    "anatomy revision: why does a stroke on the left side of the brain affect the right arm?",
    "in my story the villain poisons the mayor with antifreeze, how fast would he get ill?",
    "writing a scene where the lifeguard finds a boy unconscious in the pool, what does she check first?",
    "paramedic: when do you give a second dose of adrenaline in anaphylaxis?",
    "the side effects leaflet for my statin lists chest pain as uncommon, should I worry about that?",
    "my mum took her amlodipine twice this morning, the pharmacist said it's fine. do I need to do anything?",
    "I've never had a seizure but strobe lights make me dizzy, could it be epilepsy?",
    "i dont have any chest pain, just a dry cough since the flu",
    "not thinking of hurting myself at all, just fed up with my job. how do I ask for a transfer?",
    "my friend tried to end her life four years ago and is doing great now, how do I support her on the anniversary?",
    "carpet burn on my elbow from wrestling with my brother, a bit raw, plaster or not?",
    "we knocked out the wall between the lounge and the hall, is plastering hard?",
    "my 6 week old has her jabs on monday, what should I buy in case she gets a fever after?",
    "I passed out after giving blood this morning, the nurse checked me, I feel fine now",
])
def test_scope_near_misses_fire_no_rule(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(("text", "flag"), [
    ("crushing central chest pain and sweating for 20 minutes, im 61", "chest_pain"),
    ("never had a seizure before and my husband just had one on the kitchen floor, he isn't waking up", "seizure"),
    ("the pharmacist said it was fine yesterday but now my toddler has swallowed more of the tablets", "poisoning"),
    ("my 10 week old is 38.1 but otherwise seems fine and is feeding", "infant_fever"),
    ("my dad's face drooped and his arm went weak for 15 minutes, he seems fine now, can he sleep it off?",
     "stroke"),
    ("I'm not going to hurt anyone else, but I want to die tonight", "self_harm"),
    ("she tried to end her life an hour ago and she's very drowsy", "self_harm"),
    # A story or course frame silences the rules, so these everyday words must not read as one.
    ("my blood test came back fine but now i have crushing chest pain and my left arm is numb", "chest_pain"),
    ("at the accident scene in town, a man is unconscious and not breathing", "unconscious"),
    ("in class my son collapsed and is not breathing", "breathing"),
    ("my exam is tomorrow and I took 20 pills", "overdose"),
])
def test_the_same_words_beside_a_real_red_flag_still_fire(text: str, flag: str) -> None:
    assert flag in _names(text)


def test_self_harm_said_without_a_listed_word_gets_the_crisis_text_first() -> None:
    result = triage("sitting in the garage with the car running and the door shut, just wanted someone to know")
    assert result.emergency and result.self_harm
    assert result.message.startswith("I'm really sorry you're going through this")
