"""Our labelled patient reviews (data/eval/reviews): the scorer reads its figures from files; held-out
quality; issue 17's regressions ("Average visit, nothing special" is neutral; double billing is cost)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from medtune.sentiment.quality import REVIEWS_DIR, read_gold, reviews_report

# Held-out (test half) figures measured by benchmarks/sentiment_quality.py (docs/SENTIMENT.md): round 6 overall
# 0.796, aspect F1 0.786, aspect polarity 0.867 (round 4: 0.755 / 0.775 / 0.818; round 0: 0.541 / 0.661 / 0.613).
# The floors sit a few items below the measured figures (one review is ~0.01), so a change that undoes the cues,
# the mixed-review rule or the detector fails.
MIN_TEST_OVERALL = 0.77
MIN_TEST_ASPECT_F1 = 0.75
MIN_TEST_POLARITY = 0.83


def test_reviews_set_is_well_formed_and_split_by_group() -> None:
    from medtune.sentiment.aspects import load_taxonomy

    dev, test = read_gold(REVIEWS_DIR / "dev.jsonl"), read_gold(REVIEWS_DIR / "test.jsonl")
    assert len(dev) + len(test) >= 200 and min(len(dev), len(test)) >= 90
    assert not {g["group"] for g in dev} & {g["group"] for g in test}  # paraphrases stay on one side
    names = set(load_taxonomy().names)
    for item in dev + test:
        assert item["overall"] in ("negative", "neutral", "positive"), item
        assert set(item["aspects"]) <= names and set(item["aspects"].values()) <= {"negative", "neutral", "positive"}
    assert {g["setting"] for g in test} == {"hospital", "gp", "pharmacy", "dental", "drug"}


def test_scorer_computes_its_figures_from_files(analyzer: Any, tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "The nurses were rude and I waited five hours.", "overall": "negative",
         "aspects": {"staff": "negative", "wait_time": "negative"}, "setting": "hospital"},
        {"id": "b", "text": "Dr Shah explained everything clearly. Brilliant GP.", "overall": "positive",
         "aspects": {"communication": "positive"}, "setting": "gp"},
        {"id": "c", "text": "I picked up my prescription on Tuesday.", "overall": "neutral", "aspects": {},
         "setting": "pharmacy"},
    ]
    def write(name: str, items: list[dict]) -> None:
        (tmp_path / f"{name}.jsonl").write_text("\n".join(json.dumps(r) for r in items) + "\n", encoding="utf-8")

    write("dev", rows)
    write("test", rows[:2])
    report = reviews_report(analyzer, tmp_path)
    assert report["dev"]["n"] == 3 and report["test"]["n"] == 2
    results = analyzer.analyze_many([r["text"] for r in rows])
    right = sum(r.overall == g["overall"] for r, g in zip(results, rows))
    assert report["dev"]["overall_accuracy"] == round(right / 3, 3)
    assert report["dev"]["by_setting"]["gp"]["n"] == 1
    # a changed label in the file changes the figure: it is computed from the file, not remembered
    flipped = [dict(rows[0], overall="positive" if results[0].overall != "positive" else "negative"), *rows[1:]]
    write("dev", flipped)
    again = reviews_report(analyzer, tmp_path, parts=("dev",))
    assert again["dev"]["overall_accuracy"] == round((right - (results[0].overall == rows[0]["overall"])) / 3, 3)
    assert "test" not in again


def test_held_out_reviews_quality(analyzer: Any) -> None:
    report = reviews_report(analyzer, REVIEWS_DIR, parts=("test",))["test"]
    assert report["n"] == len(read_gold(REVIEWS_DIR / "test.jsonl"))
    assert report["overall_accuracy"] >= MIN_TEST_OVERALL, report["overall_accuracy"]
    assert report["aspects"]["f1"] >= MIN_TEST_ASPECT_F1, report["aspects"]
    assert report["aspects"]["polarity_accuracy"] >= MIN_TEST_POLARITY, report["aspects"]


@pytest.mark.parametrize("text", [
    "Average visit, nothing special.",  # issue 17, verbatim
    "Average visit, nothing special",
    "It was an average appointment. Nothing special either way.",
    "Fine. Standard GP visit, nothing to write home about.",
])
def test_lukewarm_review_is_neutral(analyzer: Any, text: str) -> None:
    assert analyzer.analyze(text).overall == "neutral"


@pytest.mark.parametrize("text", [
    "I was billed twice for the same appointment.",
    "They double-billed me for my appointment and I had to call three times to get it fixed.",
    "The clinic sent me two bills for the same appointment.",
    "Got charged twice for one visit. Still waiting on the refund.",
])
def test_double_billing_is_a_cost_complaint(analyzer: Any, text: str) -> None:
    result = analyzer.analyze(text)
    assert result.aspects.get("cost") == "negative", result.aspects
    assert "appointment_access" not in result.aspects, result.aspects
    assert result.overall == "negative"


@pytest.mark.parametrize("text", [
    "I'll be finding a new dentist.",  # issue 15: an implicit complaint, no opinion word
    "Won't be using this pharmacy again.",
    "Oh great, another four hours in A&E. Just what I needed.",  # sarcasm
])
def test_implicit_complaints_and_sarcasm_read_negative(analyzer: Any, text: str) -> None:
    assert analyzer.analyze(text).overall == "negative"

