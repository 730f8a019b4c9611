"""Aggregation rules and threshold calibration (with a synthetic labelled set whose answer is known)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from medtune.verify import trust as T

CAL = T.Calibration(a=1.0, b=0.0, green=0.7, yellow=0.4)
SUP, REF, NEI = [0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.1, 0.1, 0.8]


def sentence(text: str, *probs: list[float]) -> T.SentenceVerdict:
    return T.judge_sentence(text, list(probs), CAL)


def test_sentence_labels_from_evidence() -> None:
    assert sentence("Exercise lowers blood pressure.", SUP, NEI).label == "supported"
    assert sentence("Exercise raises blood pressure.", REF, NEI).label == "contradicted"
    assert sentence("Vitamin C prevents COVID-19.", SUP, REF).label == "conflicting"
    assert sentence("Vitamin C prevents COVID-19.", NEI, NEI).label == "not_enough_info"
    assert sentence("Vitamin C prevents COVID-19.").label == "not_enough_info"  # no evidence at all


def test_conflicting_evidence_lowers_the_trust() -> None:
    supported = sentence("Vitamin C prevents COVID-19.", SUP, NEI)
    conflicting = sentence("Vitamin C prevents COVID-19.", SUP, REF)
    assert conflicting.trust < supported.trust
    assert CAL.band(conflicting.trust) != "green" and CAL.band(supported.trust) == "green"
    silent = sentence("Vitamin C prevents COVID-19.", NEI)
    assert silent.trust < supported.trust and CAL.band(silent.trust) == "red"


def test_supported_plus_contradicted_is_misleading() -> None:
    parts = [sentence("Exercise lowers blood pressure.", SUP), sentence("Exercise cures diabetes.", REF)]
    judged = T.judge_claim(parts, CAL)
    assert judged.verdict == "misleading" and judged.band != "green"


def test_claim_verdicts() -> None:
    assert T.judge_claim([sentence("Exercise lowers blood pressure.", SUP)], CAL).verdict == "true"
    false = T.judge_claim([sentence("Exercise raises blood pressure.", REF)], CAL)
    assert false.verdict == "false" and false.band == "red"
    assert T.judge_claim([sentence("Turmeric helps memory.", NEI)], CAL).verdict == "unverifiable"
    assert T.judge_claim([sentence("A is B.", SUP), sentence("C is D.", NEI)], CAL).verdict == "true"
    assert T.judge_claim([sentence("A is B.", SUP), sentence("C is D.", NEI), sentence("E is F.", NEI)],
                         CAL).verdict == "unverifiable"
    assert T.judge_claim([], CAL).verdict == "unverifiable"


def test_overstated_support_is_misleading_and_dropping_treatment_is_false() -> None:
    over = T.judge_claim([sentence("Exercise completely cures high blood pressure.", SUP)], CAL)
    assert over.verdict == "misleading" and over.band != "green"
    garlic = [sentence("Garlic can completely cure high blood pressure", NEI),
              sentence("You don't need medications", NEI)]
    judged = T.judge_claim(garlic, CAL)
    assert judged.verdict == "false" and judged.band == "red"
    assert any("treatment" in r for r in judged.reasons)
    assert T.flags_of("Stop taking your insulin.") == ["drops_treatment"]
    assert T.flags_of("There is no cure for the common cold.") == []


def test_thresholds_recover_the_known_answer() -> None:
    """Scores s ~ U(0, 1) with P(supported | s) = s: the band above t has precision (1 + t) / 2, the band below t
    has precision 1 - t / 2, so a target of 0.8 puts green at 0.6 and the yellow/red cut at 0.4."""
    rng = random.Random(0)
    scores = [rng.random() for _ in range(40_000)]
    labels = [int(rng.random() < s) for s in scores]
    green, yellow = T.choose_thresholds(scores, labels, target=0.8)
    assert green == pytest.approx(0.6, abs=0.02)
    assert yellow == pytest.approx(0.4, abs=0.02)


def test_calibrate_fits_platt_and_writes_a_report(tmp_path: Path) -> None:
    """Raw scores that are over-confident (true probability = a squashed raw score) are recalibrated: the
    fitted slope is < 1, ECE drops, and the report holds ECE and per-band precision."""
    rng = random.Random(1)
    raw = [rng.random() for _ in range(4000)]
    truth = [0.5 + 0.5 * (r - 0.5) for r in raw]  # the raw score claims twice the real confidence
    labels = [int(rng.random() < p) for p in truth]
    out = tmp_path / "calibration.json"
    cal = T.calibrate(raw[:3000], labels[:3000], out=out, test=(raw[3000:], labels[3000:]), data_note="synthetic")
    assert 0.2 < cal.a < 0.8
    report = json.loads(out.read_text())["report"]
    assert report["after"]["ece"] < report["before"]["ece"]
    assert report["test"]["ece"] < 0.05
    assert set(report["bands"]) == {"green", "yellow", "red"}
    assert report["bands"]["green"]["items"] == 0 or report["bands"]["green"]["precision"] >= 0.8
    loaded = T.load_calibration(out)
    assert (loaded.a, loaded.green, loaded.yellow) == (pytest.approx(cal.a), cal.green, cal.yellow)


def test_calibration_lookup_prefers_home_then_packaged(medtune_home: Path) -> None:
    assert T.load_calibration().source != str(T.calibration_path())
    T.calibrate([0.1, 0.9] * 50, [0, 1] * 50)
    assert T.load_calibration().source == str(T.calibration_path())
    assert "lexical" in T.calibration_for("lexical").source


def test_the_band_rule_reads_the_verdict_first() -> None:
    """green = supported, red = contradicted (false or misleading), yellow = not enough evidence; a claim with
    no evidence is never red, whatever its score."""
    assert T.band_for("true", 0.9, CAL) == "green"
    assert T.band_for("true", 0.5, CAL) == "yellow"  # supported, but not confidently enough for green
    assert T.band_for("false", 0.1, CAL) == "red" and T.band_for("misleading", 0.1, CAL) == "red"
    assert T.band_for("false", 0.5, CAL) == "yellow"
    for trust in (0.0, 0.1, 0.5, 0.99, None):
        assert T.band_for("unverifiable", trust, CAL) == "yellow"
    assert T.verdict_for_label("supported") == "true" and T.verdict_for_label("not_enough_info") == "unverifiable"
    silent = T.judge_claim([sentence("Turmeric helps memory.")], CAL)  # no evidence at all
    assert silent.verdict == "unverifiable" and silent.band == "yellow"


def test_a_supported_core_with_an_unsupported_conclusion_is_misleading() -> None:
    core = T.judge_sentence("Garlic lowers blood pressure", [SUP], CAL, role="core")
    advice = T.judge_sentence("You can stop your medication", [NEI], CAL, role="conclusion")
    judged = T.judge_claim([core, advice], CAL)
    assert judged.verdict == "misleading" and judged.band == "red"
    assert judged.supported == [0] and judged.unsupported == [1]
    backed = T.judge_sentence("Keep taking your medication", [SUP], CAL, role="conclusion")
    assert T.judge_claim([core, backed], CAL).verdict == "true"
    refuted_core = T.judge_sentence("Garlic raises blood pressure", [REF], CAL, role="core")
    assert T.judge_claim([refuted_core, advice], CAL).verdict == "false"


def test_a_fitted_claim_model_gives_the_trust_and_its_own_thresholds() -> None:
    cal = T.Calibration(a=1.0, b=0.0, green=0.7, yellow=0.4,
                        claim={"coef": [2.0, -2.0, -2.0, -1.0, -1.0, -1.0], "intercept": -1.0, "green": 0.8, "red": 0.3})
    strong = T.judge_claim([T.judge_sentence("A is B.", [[0.99, 0.01, 0.0]], cal)], cal)
    assert strong.verdict == "true" and strong.trust > 0.95 and strong.band == "green"
    weak = T.judge_claim([T.judge_sentence("A is B.", [[0.6, 0.3, 0.1]], cal)], cal)
    assert weak.verdict == "true" and weak.trust < 0.8 and weak.band == "yellow"
