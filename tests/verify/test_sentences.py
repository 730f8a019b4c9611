"""Splitting answers and claims into atomic sentences."""

from __future__ import annotations

import pytest

from medtune.verify.sentences import sentence_spans, split_sentences


@pytest.mark.parametrize("text, expected", [
    ("Vitamin C prevents COVID-19.", ["Vitamin C prevents COVID-19."]),
    ("Take 2.5 mg daily, e.g. with food. Dr. Smith agrees!", ["Take 2.5 mg daily, e.g. with food.", "Dr. Smith agrees!"]),
    ("The U.S. FDA approved it in 2019. It works.", ["The U.S. FDA approved it in 2019.", "It works."]),
    ("Symptoms include fever, cough and fatigue.", ["Symptoms include fever, cough and fatigue."]),
    ("Aspirin and ibuprofen are NSAIDs.", ["Aspirin and ibuprofen are NSAIDs."]),
    ("Smoking causes cancer and increases the risk of stroke.", ["Smoking causes cancer and increases the risk of stroke."]),
    ("Aspirin thins the blood and ibuprofen relieves pain.", ["Aspirin thins the blood", "Ibuprofen relieves pain."]),
    ("Garlic can completely cure high blood pressure, so you don't need medications",
     ["Garlic can completely cure high blood pressure", "You don't need medications"]),
    ("Rest helps you recover; fluids are important too.", ["Rest helps you recover", "Fluids are important too."]),
    ("Rest helps; fluids too.", ["Rest helps; fluids too."]),  # a fragment would not be checkable alone
    ("Signs:\n- Fever is common.\n- A rash may appear.", ["Signs", "Fever is common.", "A rash may appear."]),
    ("", []),
    ("   \n  ", []),
])
def test_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_conjunctions_can_be_kept() -> None:
    text = "Aspirin thins the blood and ibuprofen relieves pain."
    assert split_sentences(text, split_conjunctions=False) == [text]


def test_spans_point_into_the_original_text() -> None:
    text = "Take 2.5 mg daily.  Garlic cures it, so stop taking your pills now."
    spans = sentence_spans(text)
    assert [s.text for s in spans] == ["Take 2.5 mg daily.", "Garlic cures it", "Stop taking your pills now."]
    for span in spans:
        assert text[span.start:span.end].lower() == span.text.lower()


def test_the_shared_splitter_underneath_keeps_inline_bullet_runs_whole() -> None:
    """verify's sentences are medtune.text's (issue 18.2), with `bullet_next=False`: MedQuAD's inline ". - "
    bullet runs stay one sentence, as the stance head was trained to read them; the other callers' default
    (a bullet after a period starts a sentence) is unchanged."""
    from medtune.text import split_sentences as shared_split

    text = 'Symptoms include: - Fever. - Cough. It is called a "strawberry mark." Dr. M. Smith agrees.'
    assert split_sentences(text, split_conjunctions=False) == [
        "Symptoms include: - Fever. - Cough.", 'It is called a "strawberry mark."', "Dr. M. Smith agrees."]
    assert shared_split(text, capital_next=True, initials=True)[:3] == ["Symptoms include: - Fever.", "- Cough.",
                                                                        'It is called a "strawberry mark."']
