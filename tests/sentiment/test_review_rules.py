"""Round 6 of issue 15.4: the fresh labelled set is split as its README says, and the general rules added in
that round behave (clause splits, not_lexicon phrases, implicit intent and absence cues, mixed reviews without a
verdict, sarcastic codas). The sentences below are written for these tests, not taken from the labelled sets."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from medtune.sentiment.aspects import CompiledAspect, load_taxonomy
from medtune.sentiment.cues import intent_score, sarcasm_markers
from medtune.sentiment.quality import REVIEWS_DIR, read_gold
from medtune.sentiment.text import clauses


def test_fresh_set_is_split_once_by_its_hash() -> None:
    dev, test = read_gold(REVIEWS_DIR / "fresh_dev.jsonl"), read_gold(REVIEWS_DIR / "fresh_test.jsonl")
    assert len(dev) + len(test) >= 100 and not {g["id"] for g in dev} & {g["id"] for g in test}
    names = set(load_taxonomy().names)
    for half, rows in (("dev", dev), ("test", test)):
        for g in rows:
            digest = int(hashlib.sha256(f"medtune-reviews-fresh-v1:{g['id']}".encode()).hexdigest(), 16)
            assert ("dev" if digest % 2 == 0 else "test") == half, g["id"]
            assert g["overall"] in ("negative", "neutral", "positive") and set(g["aspects"]) <= names
    assert {g["setting"] for g in dev + test} == {"hospital", "gp", "pharmacy", "dental", "drug"}


def test_adverbs_do_not_split_and_a_new_subject_does() -> None:
    assert len(clauses("The porters are still cheerful and clearly overworked.")) == 1
    parts = clauses("A spotless little clinic and the hygienist was gentle.")
    assert [p.text for p in parts] == ["A spotless little clinic", "and the hygienist was gentle."]
    assert clauses("Service is slow, still the best chemist in town.")[1].connective == "still"


def test_not_lexicon_phrases_do_not_name_the_aspect() -> None:
    taxonomy = load_taxonomy()
    wait, clean = CompiledAspect(taxonomy.get("wait_time")), CompiledAspect(taxonomy.get("cleanliness"))
    assert not wait.names_aspect("The waiting room had broken chairs.")
    assert wait.names_aspect("We waited in the waiting room for three hours.")  # "waited" still names it
    assert not clean.names_aspect("The hygienist was lovely.")
    assert clean.names_aspect("Poor hygiene on the ward.")


@pytest.mark.parametrize("text, expected", [
    ("I'm going to look for another surgery.", -1.0),
    ("We've started looking at other practices nearby.", -1.0),
    ("I'll just use the pharmacy in town from now on.", -1.0),
    ("Won't be going back there.", -1.0),
    ("Nobody checked on my dad overnight.", -1.0),
    ("Discharged with no explanation at all.", -1.0),
    ("I'd happily go back.", 1.0),
    ("Wouldn't go anywhere else.", 1.0),
    ("I take another tablet at night.", 0.0),
    ("Nobody could fault the nurses.", 0.0),
    ("Seen with no wait at all.", 0.0),
])
def test_intent_and_absence(text: str, expected: float) -> None:
    assert intent_score(text) == expected


def test_a_complaint_said_to_be_over_is_no_longer_a_cue() -> None:
    side = CompiledAspect(load_taxonomy().get("side_effects"))
    assert side.cue_score("I had bad nausea for a week") < 0
    assert side.cue_score("The nausea wore off after a week") == 0


def test_sarcastic_codas() -> None:
    assert sarcasm_markers(["Love it.", "Money well spent, clearly.", "Brilliant, another cancelled clinic."]) == [
        "weak", "strong", "strong"]
    assert sarcasm_markers(["I love the new clinic and the staff."]) == [""]


def test_mixed_review_without_a_verdict_is_neutral(analyzer: Any) -> None:
    text = "The antibiotics cleared the infection quickly, but the diarrhoea was awful."
    result = analyzer.analyze(text)
    assert result.overall == "neutral"
    assert result.aspects.get("side_effects") == "negative"
    # the same review with a verdict follows the verdict
    assert analyzer.analyze(text + " Never again.").overall == "negative"


def test_sarcastic_coda_reads_negative(analyzer: Any) -> None:
    assert analyzer.analyze("My scan was cancelled for the third time because the machine broke. Love it.").overall \
        == "negative"
