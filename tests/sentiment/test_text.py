"""Sentence and clause splitting: offsets, connectives, abbreviations."""

from __future__ import annotations

from medtune.sentiment.text import clauses, sentences

SEED = ("The nurses were great, but I had to wait over six hours in the ER before seeing a doctor. "
        "It was a frustrating experience.")


def test_seed_example_splits_at_but_and_sentence() -> None:
    parts = clauses(SEED)
    assert [c.text for c in parts] == [
        "The nurses were great",
        "but I had to wait over six hours in the ER before seeing a doctor.",
        "It was a frustrating experience.",
    ]
    assert [c.connective for c in parts] == ["", "but", ""]
    assert [c.sentence for c in parts] == [0, 0, 1]
    assert all(SEED[c.start:c.end] == c.text for c in parts)


def test_concession_ends_at_its_comma_and_semicolon_splits() -> None:
    text = "Although the wait was long, the doctor was not rude at all; she explained everything."
    parts = clauses(text)
    assert [c.text for c in parts] == ["Although the wait was long", "the doctor was not rude at all",
                                       "she explained everything."]
    assert parts[0].is_concessive and not parts[1].is_contrast


def test_abbreviations_do_not_end_sentences_and_short_pieces_merge() -> None:
    assert len(sentences("Dr. Smith was kind. I took 5 mg. daily.")) == 2
    parts = clauses("Great, but still ok")
    assert len(parts) == 1  # "but still ok" is too short to stand alone


def test_empty_and_whitespace_give_no_clause() -> None:
    assert clauses("") == [] and clauses("   \n ") == []
