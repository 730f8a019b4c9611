"""Safety triage: emergencies and self-harm (also misspelled) are flagged first; ordinary questions are not."""

from __future__ import annotations

import pytest

from medtune.chat.triage import triage

EMERGENCIES = [
    ("I have crushing chest pain and my left arm is numb", "chest_pain"),
    ("chest pian and cant breth", "chest_pain"),
    ("my chest hurts really bad", "chest_pain"),
    ("my dad's face is drooping and his speech is slurred", "stroke"),
    ("I think my mom is having a stroke", "stroke"),
    ("my husband suddenly cant speak and one side is weak", "stroke"),
    ("I can't breathe", "breathing"),
    ("my wife is choking", "breathing"),
    ("my throat is swelling after eating peanuts", "anaphylaxis"),
    ("my tounge is swollen after a bee sting", "anaphylaxis"),
    ("the bleeding wont stop after I cut my hand", "bleeding"),
    ("I'm vomiting blood", "bleeding"),
    ("I took too many pills", "overdose"),
    ("i took to many pils", "overdose"),
    ("my son swallowed bleach", "poisoning"),
    ("my 6 week old baby has a fever of 38.5", "infant_fever"),
    ("my babys temprature is 39", "infant_fever"),
    ("my grandpa collapsed and is unresponsive", "unconscious"),
]

SELF_HARM = [
    "I want to kill myself",
    "i feel suicidle",
    "kil myslef",
    "I keep cutting myself",
    "I dont want to live anymore",
    "I feel like my life has no meaning and I want to die",
    "thinking about ending my life",
]

NOT_EMERGENCIES = [
    "Can I take ibuprofen if I'm already on aspirin for heart disease?",
    "What are the signs of a stroke?",
    "What causes chest pain?",
    "What is diabetes?",
    "How is high blood pressure treated?",
    "I had a stroke 5 years ago, can I take ibuprofen?",
    "I cut my finger while cooking, should I use a plaster?",
    "Is it safe to take acetaminophen with warfarin?",
    "My baby has a rash on her arm",
    "I took two ibuprofen tablets this morning, when can I take more?",
    "What are the symptoms of a heart attack?",
]


@pytest.mark.parametrize("question, flag", EMERGENCIES)
def test_emergencies_are_flagged_with_emergency_services_advice(question: str, flag: str) -> None:
    result = triage(question)
    assert result.emergency and not result.self_harm
    assert flag in result.flags
    assert "call emergency services" in result.message.lower()
    assert "emergency department" in result.message.lower()


@pytest.mark.parametrize("question", SELF_HARM)
def test_self_harm_gets_crisis_line_wording(question: str) -> None:
    result = triage(question)
    assert result.emergency and result.self_harm and "self_harm" in result.flags
    assert "988" in result.message and "crisis" in result.message.lower()
    assert "emergency services" in result.message


@pytest.mark.parametrize("question", NOT_EMERGENCIES)
def test_ordinary_questions_are_not_flagged(question: str) -> None:
    result = triage(question)
    assert not result.emergency, result.flags
    assert result.message == ""
