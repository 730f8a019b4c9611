"""The chat's default sentence scorer: the calibrated support verifier of medtune.chat.calibrate."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest

from medtune.chat import scoring
from medtune.settings import get_settings

SEED = "Can I take ibuprofen if I'm already on aspirin for heart disease?"
RANK = {"red": 0, "yellow": 1, "green": 2}


@pytest.fixture
def calibration_env(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Set MEDTUNE_CHAT_CALIBRATION for one test."""

    def point_at(path: Path) -> None:
        monkeypatch.setenv("MEDTUNE_CHAT_CALIBRATION", str(path))
        get_settings.cache_clear()

    yield point_at
    get_settings.cache_clear()


def test_the_committed_calibration_is_the_default_and_sets_the_thresholds() -> None:
    data = json.loads(scoring.PACKAGED_CALIBRATION.read_text())
    scorer = scoring.get_scorer()
    assert isinstance(scorer, scoring.CalibratedSupportScorer)
    assert list(scorer.coef) == data["coef"] and scorer.intercept == data["intercept"]
    thresholds = scoring.load_thresholds()
    assert (thresholds.green, thresholds.yellow) == (data["thresholds"]["green"], data["thresholds"]["yellow"])
    assert thresholds.source == f"calibrated: {scoring.PACKAGED_CALIBRATION}"
    assert 0 < thresholds.yellow < thresholds.green < 1  # three bands, each possible
    # the cuts are on the calibrated probability: green means this sentence is >= 80% likely supported
    assert (thresholds.green, thresholds.yellow) == (0.8, 0.5)
    for split in ("calib", "test_perturb"):  # every band is used on the labelled pairs
        assert all(data["report"][split]["bands"][band]["items"] > 0 for band in ("green", "yellow", "red")), split
    for split in ("test_perturb", "test_medhallu", "test_healthver"):  # the report covers every test split
        assert data["report"][split]["items"] > 0 and 0 <= data["report"][split]["roc_auc"] <= 1


def test_probabilities_rise_with_support_and_fall_with_a_mismatch() -> None:
    scorer = scoring.load_calibrated()
    assert scorer is not None
    grid = np.linspace(0, 1, 21)
    for feature in ("similarity", "overlap", "quoted"):  # with no mismatch, more support never lowers P
        rows = np.zeros((len(grid), len(scoring.FEATURES)))
        rows[:, scoring.FEATURES.index(feature)] = grid
        rising = np.diff(scorer.probabilities(rows))
        assert np.all(rising >= 0), feature
    # the fit may give overlap and quoted weight 0 (similarity carries them), never below; similarity must count
    rows = np.zeros((len(grid), len(scoring.FEATURES)))
    rows[:, scoring.FEATURES.index("similarity")] = grid
    assert np.all(np.diff(scorer.probabilities(rows)) > 0)
    copied = np.zeros(len(scoring.FEATURES))
    copied[[scoring.FEATURES.index(f) for f in ("similarity", "overlap")]] = 0.97
    for mismatch in ("negation_flip", "opposite_word", "numbers_missing", "drug_missing"):
        changed = copied.copy()
        changed[scoring.FEATURES.index(mismatch)] = 0.97  # mismatch signals are weighted by overlap
        assert scorer.probabilities(changed[None])[0] < scorer.probabilities(copied[None])[0], mismatch


def test_seed_answer_is_green_and_a_contradicted_sentence_scores_below_its_source(kb_env: Path) -> None:
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
    scorer, thresholds = scoring.get_scorer(), scoring.load_thresholds()
    for source, wrong in changed:
        assert wrong and wrong != source
        good, bad = scorer.score_sentences([source, wrong], label)
        assert bad < good, (source, wrong, good, bad)
        (good, bad), (good_c, bad_c) = scoring.assess_sentences(scorer, [source, wrong], label)
        assert not good_c, source
        band_good, band_bad = thresholds.band(good, good_c), thresholds.band(bad, bad_c)
        assert RANK[band_bad] < RANK[band_good], (wrong, good, bad, bad_c, thresholds)


def test_the_chat_bands_by_the_checkers_rule() -> None:
    """Issue 14.1 / 18.3: one band rule. A chat sentence's band is medtune.verify's band_for of its label read
    as a verdict: supported → green, contradicted with low support → red, uncovered → yellow, never red."""
    from medtune.verify import band_for, verdict_for_label
    from medtune.verify.trust import Calibration

    thresholds = scoring.load_thresholds()
    cal = Calibration(a=1.0, b=0.0, green=thresholds.green, yellow=thresholds.yellow)
    grid = [round(x, 2) for x in np.linspace(0.0, 1.0, 41)]
    for score in grid:
        for contradicted in (False, True):
            expected = band_for(verdict_for_label(thresholds.label(score, contradicted)), score, cal)
            assert thresholds.band(score, contradicted) == expected, (score, contradicted)
        assert thresholds.band(score) != "red", score  # not contradicted: never red, however low the support
    assert thresholds.band(0.0, contradicted=True) == "red"
    assert thresholds.band(1.0) == "green" and thresholds.band(None) == "yellow"


def test_a_contradicted_restatement_is_red_and_an_uncovered_sentence_yellow() -> None:
    scorer = scoring.get_scorer()
    evidence = ["Ibuprofen may decrease this benefit of aspirin. Taking aspirin daily can lower the risk of a "
                "heart attack."]
    sentences = ["Ibuprofen does not decrease this benefit of aspirin.",
                 "Penguins are birds that cannot fly and live in the Antarctic."]
    scores, contradicted = scoring.assess_sentences(scorer, sentences, evidence)
    thresholds = scoring.load_thresholds()
    assert contradicted == [True, False], (scores, contradicted)
    assert thresholds.band(scores[1], contradicted[1]) == "yellow"
    assert thresholds.band(scores[0], contradicted[0]) in ("red", "yellow")
    assert thresholds.band(scores[0], contradicted[0]) == ("red" if scores[0] < thresholds.yellow else "yellow")


@pytest.mark.parametrize("content", [None, "{not json", '{"features": ["other"], "coef": [1.0]}'])
def test_a_missing_or_unreadable_file_falls_back_to_the_uncalibrated_score(
        tmp_path: Path, calibration_env, content: str | None) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "support_calibration.json"
    if content is not None:
        path.write_text(content)
    calibration_env(path)
    assert scoring.load_calibrated() is None
    assert isinstance(scoring.get_scorer(), scoring.EmbeddingSupportScorer)
    thresholds = scoring.load_thresholds()
    assert thresholds.source == "default"
    assert (thresholds.green, thresholds.yellow) == (scoring.DEFAULT_THRESHOLDS["green"],
                                                     scoring.DEFAULT_THRESHOLDS["yellow"])


def test_the_refit_command_writes_a_file_the_chat_loads(tmp_path: Path, shared_data: Path,
                                                        calibration_env) -> None:  # type: ignore[no-untyped-def]
    from medtune.chat.calibrate import main
    from medtune.io import write_jsonl
    from medtune.verify.pairs import FILES, medquad_pairs, medquad_sentences

    items = [i for part in medquad_sentences(seed=13, n=90, limit=600).values() for i in part]
    pairs = medquad_pairs(items, seed=13)  # supported, perturbed (refuted) and other-topic pairs
    assert {p.label for p in pairs} >= {"supported", "refuted"}
    pairs_dir = tmp_path / "pairs"
    shares = {"train": slice(0, None, 2), "calib": slice(1, None, 4), "test_perturb": slice(3, None, 4)}
    for name, share in shares.items():
        write_jsonl(pairs_dir / FILES[name], (p.__dict__ for p in pairs[share]))
    out = tmp_path / "fitted.json"
    assert main(["--pairs", str(pairs_dir), "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["features"] == list(scoring.FEATURES) and data["fit"]["items"] == len(pairs[::2])
    assert set(data["report"]) == {"calib", "test_perturb"}
    calibration_env(out)
    scorer = scoring.get_scorer()
    assert isinstance(scorer, scoring.CalibratedSupportScorer) and scorer.path == str(out)
    assert scoring.load_thresholds().source == f"calibrated: {out}"
    source = items[0]["sentence"]
    unrelated = "Vaccines are stored in a refrigerator."
    p_source, p_other = scorer.score_sentences([source, unrelated], [items[0]["evidence"]])
    assert p_source > p_other


def test_quoted_share_counts_word_trigrams_found_in_the_evidence() -> None:
    evidence = scoring.word_ngrams(scoring._flat(
        "Ask a doctor or pharmacist before use if you are: • taking aspirin for heart attack or stroke").split())
    stitched = scoring._flat("Ask a doctor or pharmacist before use if you are taking aspirin for heart attack.")
    assert scoring.quoted_share(stitched, evidence) == 1.0  # heading + bullet read as one quote
    negated = scoring._flat("Ask a doctor or pharmacist before use if you are not taking aspirin for heart attack.")
    assert 0.5 < scoring.quoted_share(negated, evidence) < 1.0  # each changed word removes up to three trigrams
    assert scoring.quoted_share(scoring._flat("Aspirin cures cancer."), evidence) == 0.0
