"""Before/after comparison: paired deltas, McNemar, flips, and refusing different item sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.errors import DataError
from medtune.eval.compare import compare
from medtune.eval.runner import evaluate
from medtune.io import atomic_write_json, write_jsonl


def _write(directory: Path, gold: list[str], pred: list[str], ids: list[str] | None = None,
           scores: list[dict] | None = None) -> Path:
    ids = ids or [f"q{i}" for i in range(len(gold))]
    rows = [{"id": i, "gold": g, "pred": p, "confidence": 0.7, "probs": None, "correct": g == p}
            for i, g, p in zip(ids, gold, pred)]
    for row, s in zip(rows, scores or []):
        row["scores"] = s
    write_jsonl(directory / "predictions.jsonl", rows)
    atomic_write_json(directory / "eval.json", {"labels": ["yes", "no"], "model_ref": directory.name,
                                                "split": {"dataset": "demo", "split": "dev"}})
    return directory


def test_flips_mcnemar_and_paired_deltas(tmp_path: Path) -> None:
    # 30 items: both right on 8, both wrong on 4, A-only right on 2 (right→wrong), B-only right on 16.
    gold = ["yes"] * 30
    a = ["yes"] * 8 + ["no"] * 4 + ["yes"] * 2 + ["no"] * 16
    b = ["yes"] * 8 + ["no"] * 4 + ["no"] * 2 + ["yes"] * 16
    r = compare(_write(tmp_path / "A", gold, a), _write(tmp_path / "B", gold, b), n_boot=500)
    assert r["kind"] == "classification" and r["item_set"] == "identical" and r["n_items"] == 30
    assert r["metrics"]["accuracy"]["a"] == pytest.approx(10 / 30)
    assert r["metrics"]["accuracy"]["b"] == pytest.approx(24 / 30)
    assert r["metrics"]["accuracy"]["delta"] == pytest.approx(14 / 30)
    assert r["metrics"]["accuracy"]["ci"][0] > 0 and r["metrics"]["accuracy"]["p_value"] < 0.01
    # exact McNemar with b = 2, c = 16: 2 · P(X ≤ 2), X ~ Binomial(18, 1/2)
    assert r["mcnemar"]["method"] == "exact binomial"
    assert r["mcnemar"]["p_value"] == pytest.approx(2 * (1 + 18 + 153) / 2 ** 18)
    assert r["significant"] and r["verdict"].startswith("B is significantly more accurate")
    assert [f["id"] for f in r["flips"]["right_to_wrong"]] == ["q12", "q13"]
    assert len(r["flips"]["wrong_to_right"]) == 16
    assert r["flips"]["wrong_to_right"][0] == {"id": "q14", "gold": "yes", "pred_a": "no", "pred_b": "yes",
                                               "confidence_a": 0.7, "confidence_b": 0.7}


def test_different_item_sets_are_refused_or_intersected(tmp_path: Path) -> None:
    a = _write(tmp_path / "A", ["yes", "no", "yes"], ["yes", "yes", "yes"], ids=["1", "2", "3"])
    b = _write(tmp_path / "B", ["no", "yes", "no"], ["no", "yes", "no"], ids=["2", "3", "4"])
    with pytest.raises(DataError, match="different items: 1 items only in A"):
        compare(a, b)
    r = compare(a, b, intersection=True, n_boot=100)
    assert r["item_set"] == "intersection" and r["n_items"] == 2
    assert "compared on the 2 shared items only" in r["notes"][0]
    assert r["metrics"]["accuracy"]["a"] == 0.5 and r["metrics"]["accuracy"]["b"] == 1.0


def test_same_ids_with_different_gold_are_not_the_same_items(tmp_path: Path) -> None:
    a = _write(tmp_path / "A", ["yes", "no"], ["yes", "no"])
    b = _write(tmp_path / "B", ["no", "no"], ["yes", "no"])
    with pytest.raises(DataError, match="different gold labels"):
        compare(a, b)


def test_not_an_evaluation_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no predictions.jsonl"):
        compare(tmp_path, tmp_path)


def test_generation_scores_compared_with_paired_bootstrap(tmp_path: Path) -> None:
    gold = ["ref"] * 20
    sa = [{"rougeL": 0.2 + 0.01 * i, "readability_grade": 12.0} for i in range(20)]
    sb = [{"rougeL": 0.3 + 0.01 * i, "readability_grade": 12.0} for i in range(20)]
    r = compare(_write(tmp_path / "A", gold, ["x"] * 20, scores=sa), _write(tmp_path / "B", gold, ["y"] * 20, scores=sb),
                n_boot=300)
    assert r["kind"] == "generation"
    assert r["metrics"]["rougeL"]["delta"] == pytest.approx(0.1) and r["metrics"]["rougeL"]["p_value"] == 0.0
    assert r["metrics"]["readability_grade"]["delta"] == 0.0 and r["metrics"]["readability_grade"]["p_value"] == 1.0
    assert r["metrics"]["readability_grade"]["higher_is_better"] is False


def test_majority_against_itself_on_real_data(shared_data: Path, tmp_path: Path) -> None:
    evaluate("majority", "pubmedqa", "dev", tmp_path / "A", n_boot=0)
    evaluate("majority", "pubmedqa", "dev", tmp_path / "B", n_boot=0)
    r = compare(tmp_path / "A", tmp_path / "B", n_boot=200)
    assert r["mcnemar"]["discordant"] == 0 and r["mcnemar"]["p_value"] == 1.0
    assert r["flips"] == {"right_to_wrong": [], "wrong_to_right": []} and not r["notes"]
    assert r["a"]["dataset"] == "pubmedqa" and json.dumps(r)  # plain, serialisable dict
