"""The one sentence splitter (medtune.text.sentence_spans) every area splits through (issue 18.2)."""

from __future__ import annotations

import json
from itertools import islice

import pytest

from medtune.text import sentence_spans, split_sentences
from tests.conftest import SHARED_DATA


def test_abbreviations_units_and_closing_brackets() -> None:
    text = 'Take 5 mg. daily with food (see Dr. Lee). Vitamin D. It helps, e.g. in winter.\nA heading'
    assert split_sentences(text) == ["Take 5 mg. daily with food (see Dr. Lee).", "Vitamin D.",
                                     "It helps, e.g. in winter.", "A heading"]
    assert split_sentences('He called it "chronic." Then it stopped.') == ['He called it "chronic."', "Then it stopped."]


def test_options_for_prose_reviews_and_citations() -> None:
    review = "the nurse was rude. wait was three hours!! never again"
    assert split_sentences(review) == ["the nurse was rude.", "wait was three hours!!", "never again"]
    assert split_sentences(review, capital_next=True) == ["the nurse was rude. wait was three hours!! never again"]
    assert split_sentences("J. Smith et al. showed it. Then B. Jones agreed.", initials=True) == [
        "J. Smith et al. showed it.", "Then B. Jones agreed."]


def test_spans_point_into_the_text_and_skip_empty_pieces() -> None:
    text = "  One.   \n\n - \n Two?  ... "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["One.", "Two?"]
    assert sentence_spans("") == [] and sentence_spans(None) == []  # type: ignore[arg-type]


def test_chat_kb_and_review_splits_agree_on_real_medquad_answers() -> None:
    """The three former splitters now give the same sentences on real text (each area only strips its
    own bullets), so a chunk boundary, a checked chat sentence and a review-queue sentence line up."""
    path = SHARED_DATA / "medquad" / "medquad.jsonl"
    if not path.is_file():
        pytest.skip("../shared/data is not present")
    from medtune.chat.text import split_sentences as chat_split
    from medtune.eval.review import split_sentences as review_split
    from medtune.kb.chunking import split_sentences as kb_split

    answers = [json.loads(line)["answer"] for line in islice(path.open(), 200)]
    for answer in answers:
        one_line = " ".join(answer.split())
        kb = [one_line[s.start:s.end] for s in kb_split(one_line)]
        assert kb and all(s.endswith((".", "!", "?", ")", '"', "'")) or s is kb[-1] for s in kb)
        shared = split_sentences(one_line, capital_next=True)
        assert review_split(one_line) == shared
        assert chat_split(one_line) == [s.strip(" -*•") for s in shared if s.strip(" -*•")]  # the chat drops bullets


def test_one_negation_list() -> None:
    from medtune.text import NEGATION, is_negation

    for text in ("do not take it", "I dont know", "it didn't help", "nothing helps", "never again", "none of them"):
        assert NEGATION.search(text), text
    for text in ("a notable effect", "tie a knot", "nonetheless it works", "the nose"):
        assert not NEGATION.search(text), text
    assert is_negation("Wouldn't") and is_negation("without") and not is_negation("note")
