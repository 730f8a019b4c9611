"""The runner on real labelled splits: majority baseline, eval.json contents, official splits and label files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from medtune.errors import ConfigError, DataError
from medtune.eval.runner import evaluate, parse_config, validate_config
from medtune.eval.splits import check_official


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def test_majority_baseline_on_pubmedqa_dev(shared_data: Path, tmp_path: Path) -> None:
    dev = Counter(r["final_decision"] for r in _rows(shared_data / "pubmedqa" / "dev.jsonl"))
    train = Counter(r["final_decision"] for r in _rows(shared_data / "pubmedqa" / "train.jsonl"))
    ev = evaluate("majority", "pubmedqa", "dev", tmp_path, n_boot=200)

    assert ev["model"]["label"] == train.most_common(1)[0][0] and ev["model"]["label_source"] == "pubmedqa/train"
    # The training majority is also the dev majority, so accuracy is the dev majority share.
    assert ev["metrics"]["accuracy"]["value"] == pytest.approx(dev[ev["model"]["label"]] / sum(dev.values()))
    assert dev.most_common(1)[0][0] == ev["model"]["label"]
    lo, hi = ev["metrics"]["accuracy"]["ci"]
    assert lo < ev["metrics"]["accuracy"]["value"] < hi
    assert ev["model"]["label_shares"][ev["model"]["label"]] == pytest.approx(train.most_common(1)[0][1] / sum(train.values()))

    rows = _rows(tmp_path / "predictions.jsonl")
    assert len(rows) == sum(dev.values())
    assert set(rows[0]) == {"id", "gold", "pred", "confidence", "probs", "correct"}
    assert sum(r["correct"] for r in rows) == dev[ev["model"]["label"]]


def test_eval_json_records_split_fingerprint_model_and_time(shared_data: Path, tmp_path: Path) -> None:
    ev = evaluate("majority", "pubmedqa", "dev", tmp_path / "one", n_boot=0)
    again = evaluate("majority", "pubmedqa", "dev", tmp_path / "two", n_boot=0)
    saved = json.loads((tmp_path / "one" / "eval.json").read_text())
    assert saved["items_fingerprint"] == again["items_fingerprint"] and saved["items_fingerprint"].startswith("sha256:")
    assert saved["split"]["dataset"] == "pubmedqa" and saved["split"]["split"] == "dev"
    assert saved["split"]["official"] is False and "official split is pubmedqa/test" in saved["split"]["note"]
    assert saved["timestamp"].endswith("+00:00") and saved["baseline_kind"] == "majority"
    assert {r["model"] for r in saved["references"]} >= {"BioBERT", "BioGPT", "Human (single annotator)"}
    assert saved["summary"]["accuracy"] == ev["metrics"]["accuracy"]["value"]
    different = evaluate("majority", "pubmedqa", "dev", tmp_path / "three", n_boot=0, limit=10)
    assert different["items_fingerprint"] != ev["items_fingerprint"]


def test_withheld_test_labels_need_a_labels_file(shared_data: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="labels are withheld") as err:
        evaluate("majority", "pubmedqa", "test", tmp_path)
    assert "--labels" in err.value.hint and "dev" in err.value.hint
    assert not (tmp_path / "eval.json").exists()


def test_official_pubmedqa_test_split_is_recognised_by_its_ids(shared_data: Path, tmp_path: Path) -> None:
    """With user-supplied labels the 500 official test items are scored, and the split is marked official."""
    ids = [r["pubid"] for r in _rows(shared_data / "pubmedqa" / "test_inputs_unlabeled.jsonl")]
    labels = tmp_path / "labels.jsonl"
    # The user's labels (here: every third item 'no') — the point is the split bookkeeping, not the figure.
    labels.write_text("".join(json.dumps({"id": i, "label": "no" if n % 3 == 0 else "yes"}) + "\n"
                              for n, i in enumerate(ids)))
    ev = evaluate("majority", "pubmedqa", "test", tmp_path / "out", labels=str(labels), n_boot=0)
    assert ev["split"]["official"] is True and ev["split"]["n_items"] == 500
    assert ev["split"]["labels_source"] == str(labels.resolve())
    assert ev["metrics"]["accuracy"]["value"] == pytest.approx(sum(1 for n in range(500) if n % 3) / 500)
    partial = evaluate("majority", "pubmedqa", "test", tmp_path / "part", labels=str(labels), n_boot=0, limit=20)
    assert partial["split"]["official"] is False and "20 items" in partial["split"]["note"]


def test_official_split_check_by_ids() -> None:
    assert check_official("pubmedqa", "test", ["1", "2"])["official"] is False
    assert "not one of the pinned" in check_official("pubmedqa", "train", [])["note"]
    assert check_official("medqa", "test", [str(i) for i in range(1273)])["official"] is True


def test_labels_file_errors_name_the_problem(shared_data: Path, tmp_path: Path) -> None:
    bad = tmp_path / "labels.csv"
    bad.write_text("id,label\n12377809,perhaps\n")
    with pytest.raises(DataError, match="has no label for"):
        evaluate("majority", "pubmedqa", "test", tmp_path / "o", labels=str(bad))
    with pytest.raises(DataError, match="perhaps"):
        evaluate("majority", "pubmedqa", "test", tmp_path / "o", labels=str(bad), limit=1)


def test_predictions_only_on_an_unlabelled_split(shared_data: Path, tmp_path: Path) -> None:
    ev = evaluate("majority", "covid_fake_news", "test", tmp_path, predictions_only=True, limit=30)
    assert ev["metrics"] == {} and ev["split"]["labelled"] is False
    rows = _rows(tmp_path / "predictions.jsonl")
    assert len(rows) == 30 and all(r["gold"] is None and r["correct"] is None for r in rows)


def test_majority_on_weighted_f1_task(shared_data: Path, tmp_path: Path) -> None:
    val = Counter({"real": "true", "fake": "false"}[r["label"]] for r in _rows(shared_data / "covid_fake_news" / "val.jsonl"))
    ev = evaluate("majority", "covid_fake_news", "val", tmp_path, n_boot=0)
    share = val[ev["model"]["label"]] / sum(val.values())
    assert ev["metrics"]["accuracy"]["value"] == pytest.approx(share)
    # weighted F1 of a constant prediction: only the predicted class has F1 = 2·share/(1 + share), weighted by share
    assert ev["metrics"]["weighted_f1"]["value"] == pytest.approx(share * 2 * share / (1 + share))
    assert [r["reported"] for r in ev["references"]] == ["93.3", "98.7"]


def test_config_errors() -> None:
    with pytest.raises(ConfigError, match="exactly one of 'model' and 'run'"):
        parse_config({"dataset": "pubmedqa", "split": "dev"})
    with pytest.raises(ConfigError, match="'bogus'"):
        parse_config({"model": "majority", "dataset": "pubmedqa", "split": "dev", "bogus": 1})
    with pytest.raises(ConfigError, match="unknown dataset"):
        validate_config({"kind": "eval", "model": "majority", "dataset": "nope", "split": "dev"})
    with pytest.raises(ConfigError, match="does not serve task"):
        validate_config({"kind": "eval", "model": "majority", "dataset": "pubmedqa", "split": "dev", "task": "sentiment"})


def test_unknown_model_and_missing_run_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown model"):
        evaluate("no-such-model", "pubmedqa", "dev", tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        evaluate(None, "pubmedqa", "dev", tmp_path, run_dir=str(tmp_path / "missing"))
