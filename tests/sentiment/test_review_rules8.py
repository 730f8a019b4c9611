"""Round 8 of issue 15.4 (helper senti6): general rules for a new writer's wording — cue terms match with a space
or a hyphen, care or answers that never came ("No apology.", "heard nothing"), effort that should not have been
needed ("been trying to book … since March"), doing it again as the verdict of a mixed review, sarcastic praise
codas, and lay words for results, cleanliness, call bells and prices. The sentences below were written for these
tests, not taken from any labelled set."""

from __future__ import annotations

from typing import Any

import pytest

from medtune.sentiment.aspects import term_pattern
from medtune.sentiment.cues import intent_score, sarcasm_markers


@pytest.mark.parametrize("text", ["what a rip-off", "what a rip off", "booked a same day slot",
                                  "booked a same-day slot", "no side-effects", "no side effects"])
def test_a_space_or_a_hyphen_in_a_term_matches_either(text: str) -> None:
    assert term_pattern(["rip off", "same-day", "side effect*"]).search(text) is not None


@pytest.mark.parametrize("text, expected", [
    ("No apology.", -1.0),                              # what was missing, in a verbless clause
    ("And still no phone call.", -1.0),
    ("No side effects.", 0.0),                          # an absence that is good news
    ("No regrets.", 0.0),
    ("Then we heard nothing for a fortnight.", -1.0),
    ("Still nothing.", -1.0),
    ("I've been trying to book a scan since March.", -1.0),
    ("Kept ringing the ward for news.", -1.0),
    ("I've been trying to lose weight for years.", 0.0),  # effort, but not with the service
    ("I'd happily do the whole thing again.", 1.0),     # doing it again is praise ...
    ("Would have them again tomorrow.", 1.0),
    ("I'd never do it again.", -1.0),                   # ... unless it is denied
    ("I will take it again at night.", 0.0),            # a dosing line, not a verdict
    ("We will have to book again.", 0.0),
])
def test_absence_effort_and_doing_it_again(text: str, expected: float) -> None:
    assert intent_score(text) == expected


def test_more_sarcastic_praise_codas() -> None:
    assert sarcasm_markers(["Excellent work.", "Really reassuring.", "Love being kept in the dark.",
                            "The nurse was really reassuring."]) == ["weak", "weak", "weak", ""]


def test_an_implicit_complaint_without_an_opinion_word(analyzer: Any) -> None:
    result = analyzer.analyze("Rang the surgery every morning for a week. Still nothing.")
    assert result.overall == "negative"
    result = analyzer.analyze("Sat on the ward all night with no blanket. No apology from anyone.")
    assert result.overall == "negative"


def test_the_conclusion_decides_a_mixed_review(analyzer: Any) -> None:
    result = analyzer.analyze("The injections stung and the bruising lasted a week. Would have them again tomorrow.")
    assert result.overall == "positive" and result.aspects.get("side_effects") == "negative"


def test_a_mixed_review_without_a_verdict_is_neutral_with_both_sides(analyzer: Any) -> None:
    result = analyzer.analyze("The physio exercises helped my back, but the clinic is a total rip-off.")
    assert result.overall == "neutral"
    assert result.aspects.get("cost") == "negative" and result.aspects.get("effectiveness") == "positive"


def test_a_sarcastic_coda_after_a_complaint(analyzer: Any) -> None:
    assert analyzer.analyze("They lost my blood sample twice. Excellent work.").overall == "negative"


@pytest.mark.parametrize("text, aspect, polarity", [
    ("The shower room was immaculate.", "cleanliness", "positive"),
    ("Pressed the call bell three times and nobody comes.", "staff", "negative"),
    ("My knee operation went smoothly.", "effectiveness", "positive"),
])
def test_lay_words_for_aspects(analyzer: Any, text: str, aspect: str, polarity: str) -> None:
    assert analyzer.analyze(text).aspects.get(aspect) == polarity


@pytest.mark.parametrize("text, expected", [
    ("Was terrified of the extraction and worried for nothing.", 1.0),   # praise by contrast with a fear
    ("No one had ever taken the time to check my feet before.", 1.0),    # ... or with the past
    ("All that waiting for nothing.", -1.0),                              # "for nothing" without a fear
    ("Can't decide whether the new tablets are worth it.", 0.0),          # undecided: no verdict
    ("Closed the branch without any notice.", -1.0),
])
def test_relief_undecided_and_absence_cues(text: str, expected: float) -> None:
    from medtune.sentiment.aspects import load_taxonomy
    from medtune.sentiment.cues import ReviewCues

    assert ReviewCues(load_taxonomy()).score(text) == expected


def test_if_you_enjoy_being_is_sarcasm(analyzer: Any) -> None:
    assert sarcasm_markers(["If you like being spoken to like a toddler, book here."]) == ["strong"]
    assert analyzer.analyze("If you like being spoken to like a toddler, book here.").overall == "negative"


def test_praise_by_contrast_decides_the_review(analyzer: Any) -> None:
    result = analyzer.analyze("The hygienist was so gentle with my sensitive gums. Worried for nothing.")
    assert result.overall == "positive"


def test_staff_yields_to_the_aspect_a_clause_judges(analyzer: Any) -> None:
    result = analyzer.analyze("The registrar explained the scan results in plain English.")
    assert result.aspects.get("communication") == "positive" and "staff" not in result.aspects
    result = analyzer.analyze("The registrar was lovely and explained the scan results in plain English.")
    assert result.aspects.get("staff") == "positive"  # a staff cue keeps staff


def test_not_looking_at_the_patient_is_a_staff_complaint(analyzer: Any) -> None:
    result = analyzer.analyze("The locum typed the whole time and didn't look up at me once.")
    assert result.aspects.get("staff") == "negative" and result.overall == "negative"


def test_a_missing_complaint_is_not_missing_care() -> None:
    from medtune.sentiment.aspects import load_taxonomy
    from medtune.sentiment.cues import ReviewCues

    cues = ReviewCues(load_taxonomy())
    assert cues.score("No nausea.") == 0.0 and cues.score("Two weeks in with no headaches.") == 0.0
    assert cues.score("No blanket.") == -1.0 and cues.score("Sent home with no painkillers.") == -1.0


def test_just_great_is_a_sarcastic_coda_after_a_complaint(analyzer: Any) -> None:
    assert sarcasm_markers(["Just great."]) == ["weak"]
    assert analyzer.analyze("The lift was broken again and nobody said a thing. Just great.").overall == "negative"


def test_intolerable_lukewarm_and_relieved_wording() -> None:
    from medtune.sentiment.aspects import CompiledAspect, load_taxonomy
    from medtune.sentiment.cues import ReviewCues

    taxonomy = load_taxonomy()
    cues = ReviewCues(taxonomy)
    assert cues.score("The patches helped, but I couldn't live with the itching.") == -1.0
    assert cues.is_lukewarm("Busy clinic, about what you'd expect on a Monday.")
    effectiveness = CompiledAspect(taxonomy.get("effectiveness"))
    assert effectiveness.cue_score("The new spray stopped the nosebleeds within a week.") > 0
