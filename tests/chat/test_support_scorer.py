"""The chat's sentence scorer is medtune.verify's one support scorer (the checker's verifier and calibration),
with its quote rule: a sentence copied from a passage is entailed by it (issue 18.3)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np

from medtune.chat import scoring
from medtune.verify import support

SEED = "Can I take ibuprofen if I'm already on aspirin for heart disease?"
RANK = {"red": 0, "yellow": 1, "green": 2}
LABEL = ("Ask a doctor or pharmacist before use if you are: • taking aspirin for heart attack or stroke, because "
         "ibuprofen may decrease this benefit of aspirin • under a doctor's care for any serious condition")


def test_the_chat_uses_the_checkers_calibration() -> None:
    from medtune.verify import load_thresholds

    found, thresholds = load_thresholds(), scoring.load_thresholds()
    assert (thresholds.green, thresholds.yellow) == (found["green"], found["yellow"])
    assert thresholds.source == f"calibrated: {found['path']}"
    assert not hasattr(scoring, "get_scorer") and not hasattr(scoring, "support_features")  # no second scorer


def test_quoted_share_counts_word_trigrams_found_in_the_passage() -> None:
    stitched = "Ask a doctor or pharmacist before use if you are taking aspirin for heart attack."
    assert support.quoted_share(stitched, LABEL) == 1.0  # heading + bullet read as one quote
    negated = "Ask a doctor or pharmacist before use if you are not taking aspirin for heart attack."
    assert 0.5 < support.quoted_share(negated, LABEL) < 1.0  # each changed word removes up to three trigrams
    assert support.quoted_share("Aspirin cures cancer.", LABEL) == 0.0
    assert support.quoted_share("Aspirin", LABEL) == 1.0 and support.quoted_share("Cures", LABEL) == 0.0


def test_a_quote_is_entailed_by_its_own_passage_and_a_perturbed_copy_is_not_a_quote() -> None:
    from medtune.verify.perturb import change_number, negate, reverse_effect, swap_drug

    other = "Aspirin does not decrease the benefit of ibuprofen. Ibuprofen is safe for everyone."
    quoted = "Ibuprofen may decrease this benefit of aspirin."
    assert support.quote_source(quoted, [other, LABEL]) == 1
    verdict = support.support_verdicts([quoted], [other, LABEL])[0]
    assert verdict.label == "supported" and verdict.evidence == [1], verdict  # the other passage is not read
    assert scoring.load_thresholds().band(verdict.trust) == "green"
    rng = random.Random(0)
    for wrong in (negate(quoted), swap_drug(quoted, rng), reverse_effect(quoted), change_number(
            "The chance is higher if you have 3 or more alcoholic drinks every day.", rng)):
        assert wrong and support.quote_source(wrong, [LABEL, other]) is None, wrong


def test_a_heading_joined_to_its_bullet_is_a_quote_and_a_deleted_negation_is_not() -> None:
    label = ("Ask a doctor before use if you are under a doctor's care for any serious condition taking aspirin for "
             "heart attack or stroke")
    assert support.quoted_share("Ask a doctor before use if you are taking aspirin for heart attack.", label) < 1.0
    assert support.is_copied("Ask a doctor before use if you are taking aspirin for heart attack.", label)
    source = "Ibuprofen is not safe to take in the last three months of pregnancy without a doctor."
    assert not support.is_copied("Ibuprofen is safe to take in the last three months of pregnancy.", source)
    source = "Ibuprofen is not known to be safe in the last three months of pregnancy."
    assert not support.is_copied("Ibuprofen is known to be safe in the last three months of pregnancy.", source)


def test_the_chats_rewrite_of_a_source_sentence_is_still_a_quote() -> None:
    from medtune.chat.text import rewrite

    source = "Seek medical help right away if you have symptoms of a myocardial infarction."
    for style in ("patient", "clinician"):
        for sentence in rewrite(source, style):
            assert support.quote_source(sentence, [source], scoring.normalize) == 0, (style, sentence)


def test_seed_answer_is_green_and_a_changed_sentence_scores_below_its_source(kb_env: Path) -> None:
    from medtune.chat.pipeline import answer
    from medtune.kb.sources import dailymed_documents
    from medtune.verify.perturb import change_number, negate, reverse_effect, swap_drug

    out = answer(SEED).to_dict()
    assert out["band"] == "green", out  # it restates the FDA label: supported by a trusted source
    assert all(s["band"] == "green" for s in out["sentences"]), out["sentences"]
    label = [d.text for d in dailymed_documents() if d.title == "Ibuprofen — warnings"]
    quoted = "Ask a doctor or pharmacist before use if you are taking aspirin for heart attack or stroke, because " \
             "ibuprofen may decrease this benefit of aspirin."
    assert any(quoted[:-1] in re.sub(r"\s*\[\d\]", "", s["text"]) for s in out["sentences"])
    sources = [quoted, "NSAIDs, except aspirin, increase the risk of heart attack, heart failure, and stroke.",
               "The chance is higher if you have 3 or more alcoholic drinks every day while using this product."]
    rng = random.Random(0)
    changed = [(sources[0], negate(sources[0])), (sources[0], swap_drug(sources[0], rng)),
               (sources[1], reverse_effect(sources[1])), (sources[2], change_number(sources[2], rng))]
    thresholds = scoring.load_thresholds()
    for source, wrong in changed:
        assert wrong and wrong != source
        (good, bad), (good_c, bad_c) = scoring.assess_sentences([source, wrong], label)
        assert bad < good and not good_c, (source, wrong, good, bad)
        assert RANK[thresholds.band(bad, bad_c)] < RANK[thresholds.band(good, good_c)], (wrong, good, bad, bad_c)


def test_the_chat_bands_by_the_checkers_rule() -> None:
    """Issue 14.1 / 18.3: one band rule. A chat sentence's band is medtune.verify's band_for of its label read
    as a verdict: supported → green, contradicted with low support → red, uncovered → yellow, never red."""
    from medtune.verify import band_for, verdict_for_label
    from medtune.verify.trust import Calibration

    thresholds = scoring.load_thresholds()
    cal = Calibration(a=1.0, b=0.0, green=thresholds.green, yellow=thresholds.yellow)
    for score in [round(x, 2) for x in np.linspace(0.0, 1.0, 41)]:
        for contradicted in (False, True):
            expected = band_for(verdict_for_label(thresholds.label(score, contradicted)), score, cal)
            assert thresholds.band(score, contradicted) == expected, (score, contradicted)
        assert thresholds.band(score) != "red", score  # not contradicted: never red, however low the support
    assert thresholds.band(0.0, contradicted=True) == "red"
    assert thresholds.band(1.0) == "green" and thresholds.band(None) == "yellow"


def test_a_contradicted_restatement_is_not_green_and_an_uncovered_sentence_yellow() -> None:
    evidence = ["Ibuprofen may decrease this benefit of aspirin. Taking aspirin daily can lower the risk of a "
                "heart attack."]
    sentences = ["Ibuprofen does not decrease this benefit of aspirin.",
                 "Penguins are birds that cannot fly and live in the Antarctic."]
    scores, contradicted = scoring.assess_sentences(sentences, evidence)
    thresholds = scoring.load_thresholds()
    assert not contradicted[1] and thresholds.band(scores[1], contradicted[1]) == "yellow", (scores, contradicted)
    assert thresholds.band(scores[0], contradicted[0]) in ("red", "yellow"), (scores, contradicted)


def test_the_evaluation_scores_a_quoted_answer_as_the_chat_does() -> None:
    from medtune.eval.faithfulness import _scorer

    score_fn, threshold = _scorer()
    assert score_fn is support.faithfulness_scores
    quoted, empty = score_fn(["Ibuprofen may decrease this benefit of aspirin.", ""], [LABEL, LABEL])
    assert quoted >= threshold and np.isnan(empty)
