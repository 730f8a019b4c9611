"""Review analysis on the known hard cases: the seed example, contrast, negation, and a taxonomy edit."""

from __future__ import annotations

from typing import Any

import pytest

from medtune.sentiment.analyze import Analyzer
from medtune.sentiment.aspects import Aspect, load_taxonomy

SEED = ("The nurses were great, but I had to wait over six hours in the ER before seeing a doctor. "
        "It was a frustrating experience.")


def test_seed_example_overall_negative_staff_positive_wait_negative(analyzer: Analyzer) -> None:
    result = analyzer.analyze(SEED)
    assert result.overall == "negative"
    assert result.intensity in (1, 2)
    assert result.aspects["staff"] == "positive"
    assert result.aspects["wait_time"] == "negative"
    assert result.evidence["staff"] == "The nurses were great"
    assert "six hours" in result.evidence["wait_time"]
    start, end = result.spans["wait_time"]
    assert SEED[start:end] == result.evidence["wait_time"]
    assert result.flags["dissatisfaction"] and "wait_time" in result.flags["dissatisfaction_reasons"]
    line = result.to_line()
    assert set(line) == {"id", "overall", "intensity", "aspects", "evidence"}


@pytest.mark.parametrize("text, overall", [
    # the clause after "but" / "however" decides, as a reader reads it
    ("The room was a bit old, but the nurses were wonderful and I felt well cared for.", "positive"),
    ("The doctor was friendly, but he misdiagnosed me and the treatment made things much worse.", "negative"),
    ("Parking was easy. However, the care I received was careless and rude.", "negative"),
    ("Although the wait was long, the surgeon was excellent and the operation was a success.", "positive"),
])
def test_contrast_the_later_clause_weighs_more(analyzer: Analyzer, text: str, overall: str) -> None:
    assert analyzer.analyze(text).overall == overall


@pytest.mark.parametrize("text, aspect, polarity", [
    ("The staff were not rude at all.", "staff", "positive"),
    ("The nurses were not helpful.", "staff", "negative"),
    ("I had no side effects whatsoever.", "side_effects", "positive"),
    ("The medication did not work for me.", "effectiveness", "negative"),
    ("The doctor never explained anything to us.", "communication", "negative"),
    ("The wait was not long at all.", "wait_time", "positive"),
])
def test_negation_flips_polarity(analyzer: Analyzer, text: str, aspect: str, polarity: str) -> None:
    result = analyzer.analyze(text)
    assert result.aspects.get(aspect) == polarity, (result.aspects, result.aspect_scores)


def test_clause_polarity_and_aspects_per_clause(analyzer: Analyzer) -> None:
    result = analyzer.analyze("The bathroom was filthy; the food, however, was delicious.")
    assert result.aspects.get("cleanliness") == "negative"
    assert [c.polarity for c in result.clauses] == ["negative", "positive"]


def test_taxonomy_edit_changes_the_output(encoder: Any, analyzer: Analyzer) -> None:
    text = "The chaplain was wonderful and prayed with my mother every day."
    before = analyzer.analyze(text)
    assert "spiritual_care" not in before.aspects
    taxonomy = load_taxonomy()
    taxonomy.aspects.append(Aspect(name="spiritual_care", label="Spiritual care",
                                   description="Chaplains, prayer and religious or spiritual support in hospital.",
                                   lexicon=["chaplain*", "pray*", "spiritual"]))
    taxonomy.aspects = [a for a in taxonomy.aspects if a.name != "staff"]
    edited = Analyzer(taxonomy=taxonomy, encoder=encoder, polarity=analyzer.polarity)
    after = edited.analyze(text)
    assert after.aspects.get("spiritual_care") == "positive"
    assert "staff" not in edited.analyze(SEED).aspects


def test_empty_and_odd_inputs_do_not_crash(analyzer: Analyzer) -> None:
    results = analyzer.analyze_many(["", "   ", "ok", "!!!", "x" * 5000])
    assert [r.overall for r in results][:2] == ["neutral", "neutral"]
    assert all(1 <= r.intensity <= 5 for r in results)


def test_detectors_flag_medication_complaints(analyzer: Analyzer) -> None:
    result = analyzer.analyze("This drug gave me terrible headaches and did nothing for my pain.")
    assert result.flags["medication_negative"]
    assert result.overall == "negative"
    happy = analyzer.analyze("Lovely clinic, kind staff, and the tablets cleared my infection in days.")
    assert not happy.flags["dissatisfaction"] and not happy.flags["medication_negative"]
