"""Quality on our labelled aspect set, sarcasm measured, Druglib agreement, doctor–patient tone."""

from __future__ import annotations

from pathlib import Path
from typing import Any


from medtune.sentiment.aspects import CompiledAspect
from medtune.sentiment.quality import GOLD, aspect_scores, gold_report, read_gold, sarcasm_report

# Thresholds, justified in docs/SENTIMENT.md: with the cut-offs now chosen on data/eval/reviews/dev.jsonl, detection
# F1 is 0.80 on all 72 items and 0.82 on the held-out even half, polarity accuracy 0.91 / 0.93 (before: 0.79 / 0.80,
# 0.89 / 0.95 with cut-offs from the odd half); a lexicon-only detector (any
# lexicon term → aspect) scores F1 0.75. 0.70 leaves room for small model or taxonomy changes but fails a
# detector that falls clearly below naming aspects by keyword; 0.80 polarity is far above chance (1/3).
MIN_DETECTION_F1 = 0.70
MIN_POLARITY_ACCURACY = 0.80


def test_gold_set_is_well_formed() -> None:
    gold = read_gold(GOLD)
    assert len(gold) >= 60
    names = {a for g in gold for a in g["aspects"]}
    assert names == {"staff", "wait_time", "communication", "cost", "cleanliness", "effectiveness",
                     "side_effects", "facilities", "appointment_access"}
    assert all(set(g["aspects"].values()) <= {"negative", "neutral", "positive"} for g in gold)


def test_aspect_detection_f1_and_polarity_on_gold(analyzer: Any) -> None:
    report = gold_report(analyzer)
    for part in ("all", "held_out"):
        assert report[part]["f1"] >= MIN_DETECTION_F1, report
        assert report[part]["polarity_accuracy"] >= MIN_POLARITY_ACCURACY, report
    # and better than naming the aspect by lexicon alone
    gold = read_gold(GOLD)
    compiled = [CompiledAspect(a) for a in analyzer.taxonomy.aspects]
    lexicon_only = [{c.aspect.name: "neutral" for c in compiled if c.lexicon_hits(g["text"])} for g in gold]
    assert report["all"]["f1"] > aspect_scores(gold, lexicon_only)["f1"]


def test_sarcasm_is_measured_not_claimed(analyzer: Any) -> None:
    report = sarcasm_report(analyzer)
    assert report["n"] == 20 and sum(report["predicted"].values()) == 20
    assert 0.0 <= report["read_as_negative"] <= 1.0  # the figure is reported in docs/SENTIMENT.md


def test_doctor_patient_tone_on_dialogues(analyzer: Any, shared_data: Path) -> None:
    from medtune.sentiment.detectors import communication_tone_report

    report = communication_tone_report("covid_dialogue_en", limit=4, analyzer=analyzer)
    assert report["n"] == 4
    assert set(report["doctor_tone"]) <= {"negative", "neutral", "positive"}
    first = report["dialogues"][0]
    assert first["doctor_turns"] >= 1 and first["empathy_turns"] >= 1  # "I understand your concern."


def test_druglib_aspect_agreement(analyzer: Any, shared_data: Path) -> None:
    from medtune.sentiment.quality import druglib_agreement

    report = druglib_agreement(analyzer, "dev")
    assert report["n_reviews"] == 310
    for aspect in ("effectiveness", "side_effects"):
        assert report[aspect]["coverage"] > 0.5 and report[aspect]["kappa"] > 0.2, report
