"""Classification fine-tuning with the embedded MiniLM (LoRA): checkpoints, outputs, records, predict CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.cli import main
from medtune.io import read_json, read_jsonl
from medtune.train.config import parse_config
from medtune.train.runner import run_local
from tests.train.conftest import tiny_config

LABELS = ["negative", "neutral", "positive"]


@pytest.fixture(scope="module")
def minilm_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    out = tmp_path_factory.mktemp("runs") / "minilm-sentiment"
    cfg = parse_config({"task": "sentiment", "dataset": "drug_reviews_explabox", "model": "minilm",
                        **tiny_config(max_steps=3, eval_steps=3, max_length=32, max_val_examples=12,
                                      lora={"r": 4, "alpha": 8, "target_modules": ["query", "value"]})})
    run_local(cfg, out)
    return out


def test_run_writes_checkpoint_adapter_metrics_and_predictions(minilm_run: Path) -> None:
    status = read_json(minilm_run / "status.json")
    assert status["state"] == "succeeded" and status["step"] == status["total_steps"] == 3
    checkpoint = minilm_run / "checkpoints" / "checkpoint-3"
    assert (checkpoint / "COMPLETE").is_file() and (checkpoint / "optimizer.pt").is_file()
    adapter = minilm_run / "adapter"
    assert (adapter / "adapter_model.safetensors").is_file()
    assert read_json(adapter / "medtune.json")["labels"] == LABELS
    # the adapter names the hub model, not the site-packages directory the embedded MiniLM was loaded from
    assert read_json(adapter / "adapter_config.json")["base_model_name_or_path"] == "sentence-transformers/all-MiniLM-L6-v2"
    evaluation = read_json(minilm_run / "eval.json")
    assert evaluation["primary_metric"] == "macro_f1" and evaluation["examples"] == 12
    assert 0.0 <= evaluation["metrics"]["macro_f1"] <= 1.0 and set(evaluation["metrics"]) >= {
        "accuracy", "weighted_f1", "f1_negative", "f1_neutral", "f1_positive"}
    predictions = read_jsonl(minilm_run / "predictions.jsonl")
    assert len(predictions) == 12 and all(p["gold"] in LABELS for p in predictions)
    accuracy = sum(p["label"] == p["gold"] for p in predictions) / 12
    assert accuracy == pytest.approx(evaluation["metrics"]["accuracy"])
    losses = [m for m in read_jsonl(minilm_run / "metrics.jsonl") if "loss" in m]
    assert [m["step"] for m in losses] == [1, 2, 3] and all(m["tokens_per_s"] > 0 for m in losses[1:])


def test_repro_record_has_what_reruns_need(minilm_run: Path) -> None:
    repro = read_json(minilm_run / "repro.json")
    assert len(repro["config_hash"]) == 64 and repro["seed"] == 42
    assert repro["model"]["name"] == "minilm" and repro["packages"]["transformers"]
    assert "commit" in repro["git"]
    (data,) = repro["datasets"]
    (part,) = data["datasets"]
    assert len(part["train_fingerprint"]) == 64 and part["train_examples"] == 48
    assert Path(part["report_file"]).is_file()


def test_predict_cli_writes_one_documented_line_per_record(minilm_run: Path, tmp_path: Path,
                                                           shared_data: Path) -> None:
    lines = (shared_data / "drug_reviews_explabox" / "test_inputs_unlabeled.jsonl").read_text().splitlines()[:5]
    labelled = (shared_data / "drug_reviews_explabox" / "train.jsonl").read_text().splitlines()[:2]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines + labelled) + "\n")  # label fields are ignored, not required
    out = tmp_path / "out.jsonl"
    code = main(["predict", "--run", str(minilm_run), "--dataset", "drug_reviews_explabox",
                 "--input", str(src), "--output", str(out)])
    assert code == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [str(json.loads(x)["id"]) for x in lines + labelled]
    for row in rows:
        assert set(row) == {"id", "label", "confidence", "probs"}
        assert list(row["probs"]) == LABELS and row["label"] in LABELS
        assert sum(row["probs"].values()) == pytest.approx(1.0, abs=1e-4)
        assert row["confidence"] == max(row["probs"].values())


def test_predict_cli_errors_are_one_line(minilm_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["predict", "--run", str(tmp_path / "nope"), "--dataset", "drug_reviews_explabox",
                 "--input", "x.jsonl", "--output", str(tmp_path / "o.jsonl")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["predict", "--run", str(minilm_run), "--dataset", "pubmedqa",
                 "--input", "x.jsonl", "--output", str(tmp_path / "o.jsonl")]) == 2
    assert "does not serve the run's task 'sentiment'" in capsys.readouterr().err


def test_run_predictions_line_up_with_their_examples(minilm_run: Path) -> None:
    """predictions.jsonl pairs each validation id with its own probabilities: a fresh reload of the saved
    adapter, predicting the same examples in order, gives the same label and probabilities for every id.
    (transformers 5 length-groups evaluation batches under group_by_length; in dataset order they must stay.)"""
    from medtune.data.schemas import Example
    from medtune.train.predict import classify, load_run

    written = read_jsonl(minilm_run / "predictions.jsonl")
    validation = {r["id"]: Example.model_validate(r)
                  for r in read_jsonl(minilm_run / "data" / "drug_reviews_explabox" / "validation.jsonl")}
    fresh = {row["id"]: row for row in classify(load_run(minilm_run), [validation[p["id"]] for p in written])}
    lengths = {len(validation[p["id"]].text) for p in written}
    assert len(lengths) > 1  # examples of different lengths, so a length-grouped order would differ
    for row in written:
        assert row["gold"] == validation[row["id"]].label
        assert row["label"] == fresh[row["id"]]["label"]
        for label, p in row["probs"].items():
            assert p == pytest.approx(fresh[row["id"]]["probs"][label], abs=1e-4)


def test_a_copied_run_loads_its_base_model_by_name(minilm_run: Path, tmp_path: Path) -> None:
    """A run moved to another machine: the recorded site-packages path is gone, the registry name still works."""
    import shutil

    from medtune.io import atomic_write_json
    from medtune.train.predict import load_run

    copy = tmp_path / "copied-run"
    shutil.copytree(minilm_run / "adapter", copy / "adapter")
    info = read_json(copy / "adapter" / "medtune.json")
    atomic_write_json(copy / "adapter" / "medtune.json", {**info, "base_model": str(tmp_path / "gone")})
    assert load_run(copy).labels == LABELS


def _adapter_with_random_b(minilm_run: Path, tmp_path: Path, **config_changes: object) -> Path:
    """A copy of the run whose LoRA B matrices are random (3 training steps leave them near zero, which would
    make any merge look right), optionally with adapter_config.json fields changed."""
    import shutil

    import torch
    from safetensors.torch import load_file, save_file

    from medtune.io import atomic_write_json

    copy = tmp_path / "random-b-run"
    shutil.copytree(minilm_run / "adapter", copy / "adapter")
    weights = copy / "adapter" / "adapter_model.safetensors"
    generator = torch.Generator().manual_seed(0)
    state = {k: (torch.randn(v.shape, generator=generator) * 0.05 if ".lora_B." in k else v)
             for k, v in load_file(str(weights)).items()}
    save_file(state, str(weights))
    if config_changes:
        config = read_json(copy / "adapter" / "adapter_config.json")
        atomic_write_json(copy / "adapter" / "adapter_config.json", {**config, **config_changes})
    return copy


def _logits(run, texts: list[str]):
    import torch

    from medtune.models.batch_inference import prepare_for_inference

    model = prepare_for_inference(run.model)
    enc = run.tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        return model(**enc).logits


def test_a_lora_run_is_loaded_merged_and_equals_the_unmerged_peft_model(minilm_run: Path, tmp_path: Path) -> None:
    """`load_run` folds the adapter into the base weights (one plain model); its logits equal the peft-wrapped
    model's, and the random B matrices really changed the model, so the equality means something."""
    import torch

    from medtune.train.predict import load_run

    run_dir = _adapter_with_random_b(minilm_run, tmp_path)
    texts = ["This drug worked well for my migraines.", "Terrible side effects, I stopped after a week."]
    merged = load_run(run_dir)
    assert type(merged.model).__name__ == "BertForSequenceClassification"  # no peft wrapper left
    wrapped = load_run(run_dir, merge_lora=False)
    assert hasattr(wrapped.model, "peft_config")
    with torch.no_grad():  # the adapter applied on the fly by peft, not merged
        peft_wrapped = wrapped.model.eval()(**wrapped.tokenizer(texts, padding=True, return_tensors="pt")).logits
    ours = _logits(merged, texts)
    assert (ours - peft_wrapped).abs().max().item() < 1e-5
    assert (ours - _logits(load_run(minilm_run), texts)).abs().max().item() > 1e-3


def test_truncation_side_is_saved_with_the_tokenizer_and_used_by_predict(tmp_path: Path) -> None:
    """`truncation_side: left` keeps the end of an over-long input in training, and the saved tokenizer makes
    predict (and eval, which loads the same tokenizer) cut the same way."""
    from tests.conftest import SHARED_DATA

    from medtune.train.predict import load_run

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    out = tmp_path / "left"
    cfg = parse_config({"task": "sentiment", "dataset": "drug_reviews_explabox", "model": "minilm",
                        "truncation_side": "left",
                        **tiny_config(max_steps=1, eval_steps=1, max_length=16, max_val_examples=4,
                                      lora={"r": 2, "alpha": 4, "target_modules": ["query"]})})
    run_local(cfg, out)
    run = load_run(out)
    assert run.tokenizer.truncation_side == "left"
    words = " ".join(f"word{i}" for i in range(40)) + " finale"
    ids = run.tokenizer(words, truncation=True, max_length=16)["input_ids"]
    assert len(ids) == 16 and "finale" in run.tokenizer.decode(ids) and "word0 " not in run.tokenizer.decode(ids)


def test_sentiment_analytics_reads_clauses_with_a_trained_run(minilm_run: Path) -> None:
    """`medtune sentiment --model RUN`: the run's classifier gives the clause polarities (it was untested and
    broken by a removed helper until 2026-12-05)."""
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.polarity import RunPolarity

    analyzer = Analyzer(model=minilm_run)
    assert isinstance(analyzer.polarity, RunPolarity) and analyzer.polarity.task == "sentiment"
    assert minilm_run.name in analyzer.model_name
    result = analyzer.analyze("The nurses were kind. The wait was three hours and nobody told us why.")
    assert result.overall in ("negative", "neutral", "positive") and len(result.clauses) >= 2
    probs = analyzer.polarity.clause_proba([c.text for c in result.clauses], None)
    assert probs.shape == (len(result.clauses), 3)
    assert abs(float(probs.sum(axis=1).mean()) - 1.0) < 1e-4
