"""Issue 15: a model no better than always answering the most common label is flagged in its eval.json, and the
Train and Evaluation pages say so in words. Real evaluations and a real (tiny) training run; every expected
figure is recomputed here from the files the runs wrote."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from medtune.eval.majority import below_majority, majority_check

ROOT = Path(__file__).resolve().parents[2]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _accuracy(gold: list[str], pred: list[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred)) / len(gold)


def test_check_on_real_labels(shared_data: Path) -> None:
    gold = [r["final_decision"] for r in _lines(shared_data / "pubmedqa" / "dev.jsonl")]
    labels = ["yes", "no", "maybe"]
    top, count = Counter(gold).most_common(1)[0]
    constant = majority_check(gold, [top] * len(gold), labels, "accuracy")
    assert constant["label"] == top and constant["baseline"] == pytest.approx(count / len(gold), abs=1e-4)
    assert constant["beats"] is False and "No better than always answering" in constant["message"]
    perfect = majority_check(gold, gold, labels, "accuracy")
    assert perfect["beats"] is True and perfect["value"] == 1.0 and below_majority({"majority": perfect}) is None
    # the training data's majority, when given, is the constant answer: "maybe" is rare, so beating it is easy
    rare = majority_check(gold, [top] * len(gold), labels, "accuracy", train_labels=["maybe"] * 3)
    assert rare["label"] == "maybe" and rare["beats"] is True
    macro = majority_check(gold, [top] * len(gold), labels, "macro_f1")
    assert macro["beats"] is False and macro["baseline"] == macro["value"]


def test_majority_evaluation_is_flagged_on_the_evaluation_page(shared_data: Path, medtune_home: Path) -> None:
    from medtune.eval.leaderboard import leaderboard
    from medtune.eval.runner import evaluate
    from medtune.settings import get_settings

    out = get_settings().runs_path / "eval-majority"
    evaluation = evaluate("majority", "pubmedqa", "dev", out, n_boot=50)
    rows = _lines(out / "predictions.jsonl")
    check = evaluation["majority"]
    assert check["metric"] == "accuracy" and check["beats"] is False
    assert check["value"] == pytest.approx(_accuracy([r["gold"] for r in rows], [r["pred"] for r in rows]), abs=1e-4)
    assert json.loads((out / "eval.json").read_text())["majority"] == check  # written, not just returned
    row = next(r for r in leaderboard(None) if r.get("dir") == str(out))
    assert row["below_majority"] == check["message"]

    at = AppTest.from_file(str(ROOT / "pages" / "evaluation.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "No better than always answering" in warnings and "pubmedqa/dev" in warnings
    at.radio(key="eval_view").set_value("One evaluation")
    at.run()
    assert not at.exception, at.exception
    assert any(check["message"] in w.value for w in at.warning)


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.tiny_models import build_tiny_model, sample_texts

    return build_tiny_model("encoder", tmp_path_factory.mktemp("tiny") / "encoder", sample_texts(300))


def test_training_run_carries_the_check_and_the_train_page_says_it(shared_data: Path, tiny_encoder: Path) -> None:
    from medtune.jobs import manager
    from medtune.train.config import default_recipe

    cfg = default_recipe("qa_decision", "pubmedqa", str(tiny_encoder), "lora").to_dict()
    cfg.update(kind="train", name="tiny-majority-check", max_steps=2, max_length=48, batch_size=8, eval_batch_size=16,
               max_train_examples=64, logging_steps=1)
    cfg["prepare"].update(near_dedup=False, scan_phi=False)
    job_id = manager.submit(cfg, background=False)
    job = manager.get_job(job_id)
    assert job.state == "succeeded", job.status
    evaluation = json.loads((job.dir / "eval.json").read_text())
    preds = _lines(job.dir / "predictions.jsonl")
    check = evaluation["majority"]
    assert check["metric"] == "accuracy" and check["value"] == pytest.approx(evaluation["primary"], abs=1e-4)
    train = _lines(job.dir / "data" / "pubmedqa" / "train.jsonl")
    counts = Counter(r["label"] for r in train)
    assert check["label"] == min(counts, key=lambda lbl: (-counts[lbl], lbl)) and check["label_from"] == "training data"
    gold = [r["gold"] for r in preds]
    assert check["baseline"] == pytest.approx(_accuracy(gold, [check["label"]] * len(gold)), abs=1e-4)
    assert check["beats"] is (check["value"] > check["baseline"])
    assert json.loads((job.dir / "validation" / "eval.json").read_text())["majority"] == check

    at = AppTest.from_file(str(ROOT / "pages" / "train.py"), default_timeout=120)
    at.session_state["train_last_job"] = job_id
    at.run()
    assert not at.exception, at.exception
    assert any(f"{evaluation['primary']:.3f}" == m.value for m in at.metric)
    shown = " ".join(w.value for w in at.warning)
    if check["beats"]:
        assert "Not a usable model" not in shown and any(check["message"] in c.value for c in at.caption)
    else:
        assert "Not a usable model" in shown and check["message"] in shown
