"""Page-friendly tables: the leaderboard over evaluation directories and per-example rows with flips."""

from __future__ import annotations

import json
from pathlib import Path

from medtune.eval.leaderboard import example_rows, find_evaluations, leaderboard
from medtune.eval.runner import evaluate
from medtune.io import write_jsonl
from medtune.settings import get_settings


def test_leaderboard_and_example_rows(shared_data: Path) -> None:
    runs = get_settings().runs_path
    ev = evaluate("majority", "pubmedqa", "dev", runs / "eval-majority", n_boot=100)
    (runs / "not-an-eval").mkdir(parents=True)
    (runs / "not-an-eval" / "eval.json").write_text(json.dumps({"split": "validation"}))  # a training run's own

    assert find_evaluations() == [runs / "eval-majority"]
    rows = leaderboard(dataset="pubmedqa")
    ours = [r for r in rows if r["kind"] == "majority"]
    refs = [r for r in rows if r["kind"] == "reference"]
    assert len(ours) == 1 and ours[0]["accuracy"] == ev["metrics"]["accuracy"]["value"]
    assert ours[0]["accuracy_lo"] < ours[0]["accuracy"] < ours[0]["accuracy_hi"] and ours[0]["official"] is False
    assert ours[0]["quantize"] is None  # float weights (an int8 evaluation says "int8" here)
    assert {r["model"] for r in refs} >= {"BioBERT", "BioGPT"} and all(r["source"] for r in refs)
    assert leaderboard(dataset="medqa", include_references=False) == []

    # an "after" evaluation: the same predictions with the first wrong item corrected
    preds = [json.loads(x) for x in (runs / "eval-majority" / "predictions.jsonl").read_text().split("\n") if x]
    first_wrong = next(r for r in preds if not r["correct"])
    first_wrong.update(pred=first_wrong["gold"], correct=True)
    write_jsonl(runs / "after" / "predictions.jsonl", preds)
    (runs / "after" / "eval.json").write_text((runs / "eval-majority" / "eval.json").read_text())
    table = example_rows(runs / "after", compare_to=runs / "eval-majority")
    flipped = [r for r in table if r["flip"] != "none"]
    assert [(r["id"], r["flip"]) for r in flipped] == [(first_wrong["id"], "wrong→right")]
    assert all(r["input"] for r in table) and len(table) == ev["split"]["n_items"]
