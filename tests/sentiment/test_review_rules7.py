"""Round 7 of issue 15.4: the fresh2 labelled set is split as its README says, and the general rules added in
that round behave (elliptical denials, more intent wordings, "clearly" as a manner word, wait-and-see verdicts,
lay wordings of the aspects). The sentences below are written for these tests, not taken from the labelled sets."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from medtune.sentiment.aspects import CompiledAspect, load_taxonomy
from medtune.sentiment.cues import ReviewCues, intent_score, is_elliptic_denial, sarcasm_markers
from medtune.sentiment.quality import REVIEWS_DIR, read_gold


def test_fresh2_set_is_split_once_by_its_hash() -> None:
    dev, test = read_gold(REVIEWS_DIR / "fresh2_dev.jsonl"), read_gold(REVIEWS_DIR / "fresh2_test.jsonl")
    assert len(dev) + len(test) >= 160 and not {g["id"] for g in dev} & {g["id"] for g in test}
    names = set(load_taxonomy().names)
    for half, rows in (("dev", dev), ("test", test)):
        for g in rows:
            digest = int(hashlib.sha256(f"reviews-fresh2:{g['group']}".encode()).hexdigest(), 16)
            assert ("dev" if digest % 2 == 0 else "test") == half, g["id"]
            assert g["overall"] in ("negative", "neutral", "positive") and set(g["aspects"]) <= names


@pytest.mark.parametrize("text, expected", [
    ("The aftercare was not.", True),
    ("Evening staff less so.", True),
    ("The parking, not so much.", True),
    ("The food wasn't.", True),
    ("The food was not bad at all.", False),
    ("I was not told about the side effects.", False),
])
def test_elliptic_denials(text: str, expected: bool) -> None:
    assert is_elliptic_denial(text) is expected


def test_an_elliptic_denial_is_a_side_not_a_verdict(analyzer: Any) -> None:
    result = analyzer.analyze("The surgeon was superb. The aftercare on the ward was not.")
    assert result.clauses[-1].polarity == "negative"
    assert result.overall == "neutral"  # two sides and no verdict (data/eval/reviews README)


@pytest.mark.parametrize("text, expected", [
    ("Won't be buying these plasters again.", -1.0),
    ("I will never take it again.", -1.0),
    ("We're going back there for our second baby.", 1.0),
    ("I take it again at bedtime.", 0.0),
])
def test_more_intent_wordings(text: str, expected: float) -> None:
    assert intent_score(text) == expected


def test_clearly_as_a_manner_word_is_not_sarcasm() -> None:
    assert sarcasm_markers(["The nurse explained the new dose very clearly.",
                            "She went through the leaflet clearly.",
                            "They really listen to patients, clearly."]) == ["", "", "strong"]


def test_wait_and_see_verdicts_are_lukewarm(analyzer: Any) -> None:
    cues = ReviewCues(load_taxonomy())
    assert cues.is_lukewarm("Too early to tell if it works.") and cues.is_lukewarm("Early days, though.")
    assert cues.is_lukewarm("It's okay.") and not cues.is_lukewarm("It's okay to ask the pharmacist.")
    assert analyzer.analyze("Second week on the new inhaler. Time will tell.").overall == "neutral"


@pytest.mark.parametrize("aspect, text, sign", [
    ("effectiveness", "Honestly no different after a month on it.", -1),
    ("effectiveness", "The cream does nothing for the itching.", -1),
    ("effectiveness", "My ankle healed well after the cast came off.", 1),
    ("communication", "Sent home with no explanation about the results.", -1),
    ("communication", "The locum prescribed it without asking about my other tablets.", -1),
    ("staff", "The psychologist was warm and never judged me.", 1),
    ("staff", "The receptionist stayed on her phone while I stood there.", -1),
    ("appointment_access", "Our practice has gone private and dropped us.", -1),
    ("side_effects", "Noticed my hair falling out within a fortnight.", -1),
])
def test_lay_wordings_name_the_aspect_with_its_polarity(aspect: str, text: str, sign: int) -> None:
    compiled = CompiledAspect(load_taxonomy().get(aspect))
    assert compiled.names_aspect(text)
    assert compiled.cue_score(text) == sign


def test_staff_roles_of_mental_health_and_care_services() -> None:
    staff = CompiledAspect(load_taxonomy().get("staff"))
    for text in ("The psychiatrist saw me for ten minutes.", "Our support worker comes on Tuesdays.",
                 "The counsellor was running late."):
        assert staff.names_aspect(text), text
    assert not staff.names_aspect("Private dentistry is a racket.")  # the field, not a person


def test_feeling_no_different_is_a_complaint(analyzer: Any) -> None:
    assert ReviewCues(load_taxonomy()).score("Three months of tablets and I feel no different.") < 0
    assert analyzer.analyze("Three months of tablets and I feel no different.").overall == "negative"
