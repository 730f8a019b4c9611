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

    from medtune.models.fast_infer import prepare_for_inference

    model = prepare_for_inference(run.model)
    enc = run.tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        return model(**enc).logits


def test_plain_lora_is_merged_without_peft_and_equals_peft_merge(minilm_run: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    from medtune.train.predict import load_run

    run_dir = _adapter_with_random_b(minilm_run, tmp_path)
    texts = ["Worked well, no side effects.", "Terrible headaches and nausea from day one."]
    ours = _logits(load_run(run_dir, native=False), texts)
    peft_merged = _logits(load_run(run_dir, merge_lora=False), texts)
    assert type(load_run(run_dir, native=False).model).__name__ == "BertForSequenceClassification"  # no peft wrapper
    assert (ours - peft_merged).abs().max().item() < 1e-5
    base_only = (ours - _logits(load_run(minilm_run, native=False), texts)).abs().max().item()
    assert base_only > 1e-3  # the random B matrices really changed the model, so the equality above means something
    script = ("import sys; from medtune.train.predict import load_run; load_run(sys.argv[1], native=False); "
              "print('peft' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script, str(run_dir)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_lora_variants_the_merge_does_not_implement_go_through_peft(minilm_run: Path, tmp_path: Path) -> None:
    from medtune.models.lora_merge import merge_saved_lora
    from medtune.train.predict import load_run

    run_dir = _adapter_with_random_b(minilm_run, tmp_path, use_rslora=True)  # scale alpha/sqrt(r), not alpha/r
    plain = load_run(run_dir, merge_lora=False).model.get_base_model()
    before = {k: v.clone() for k, v in plain.state_dict().items()}
    assert merge_saved_lora(plain, run_dir / "adapter") is False
    assert all((before[k] == v).all() for k, v in plain.state_dict().items())  # refused before touching a weight
    loaded = load_run(run_dir)
    assert hasattr(loaded.model, "peft_config") and loaded.model.peft_config["default"].use_rslora


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


# --- the plain-torch BERT engine (medtune.models.native_bert) -----------------------------------------------
def _real_items(dataset: str, name: str, n: int):
    from tests.conftest import SHARED_DATA

    from medtune.train.predict import read_input

    return read_input(dataset, SHARED_DATA / dataset / name)[:n]


def test_native_engine_gives_peft_probabilities_on_real_reviews(minilm_run: Path, tmp_path: Path) -> None:
    """The default load of a MiniLM run is the native engine; on real reviews of many lengths (padded batches)
    its probabilities equal those of the run loaded as transformers + peft, adapter unmerged."""
    from medtune.train.predict import classify, load_run

    run_dir = _adapter_with_random_b(minilm_run, tmp_path)
    native, reference = load_run(run_dir), load_run(run_dir, merge_lora=False)
    assert native.engine == "native-bert" and reference.engine == "transformers"
    assert hasattr(reference.model, "peft_config")
    items = _real_items("drug_reviews_explabox", "train.jsonl", 40)
    assert len({len(e.text) for e in items}) > 20
    ours, theirs = classify(native, items, batch_size=8), classify(reference, items, batch_size=8)
    assert [r["label"] for r in ours] == [r["label"] for r in theirs]
    gap = max(abs(a["probs"][k] - b["probs"][k]) for a, b in zip(ours, theirs) for k in a["probs"])
    assert gap < 1e-5
    moved = max(abs(a["probs"][k] - b["probs"][k]) for a, b in
                zip(ours, classify(load_run(minilm_run), items, batch_size=8)) for k in a["probs"])
    assert moved > 1e-3  # the random adapter changed the answers, so the equality above is not trivial


def test_native_tokenizer_matches_transformers_on_real_question_context_pairs(minilm_run: Path) -> None:
    from transformers import AutoTokenizer

    from medtune.models.native_bert import NativeBertTokenizer

    saved = minilm_run / "adapter"
    ours, theirs = NativeBertTokenizer.from_dir(saved), AutoTokenizer.from_pretrained(str(saved))
    items = _real_items("pubmedqa", "test_inputs_unlabeled.jsonl", 30)
    texts, pairs = [e.text for e in items], [e.text_pair for e in items]
    assert all(pairs)
    for side in ("right", "left"):
        ours.truncation_side = theirs.truncation_side = side
        for max_length in (48, 512):
            a = ours(texts, pairs, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
            b = theirs(texts, pairs, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
            assert set(a) == set(b)
            assert all(a[k].equal(b[k]) for k in a), (side, max_length)
    single = ours(texts[0], truncation=True, max_length=16)
    assert single["input_ids"] == theirs(texts[0], truncation=True, max_length=16)["input_ids"]


def test_native_cls_pooling_matches_transformers_with_padding() -> None:
    """Runs saved before `pooling` existed read BERT's own pooler: the native engine computes it the same way,
    padding masked."""
    import torch
    from transformers import AutoModelForSequenceClassification

    from medtune.models.embedded import minilm_path
    from medtune.models.native_bert import NativeBertTokenizer, load_classifier

    base = minilm_path()
    torch.manual_seed(0)
    reference = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=3).eval()
    ours = load_classifier(base, 3, "cls")
    ours.classifier.load_state_dict(reference.classifier.state_dict())
    tokenizer = NativeBertTokenizer.from_dir(base)
    enc = tokenizer(["Short.", "A much longer sentence about statins, muscle pain and what the trial found."],
                    padding=True, return_tensors="pt")
    assert enc["attention_mask"].min() == 0  # padding really present
    with torch.no_grad():
        gap = (ours(**enc).logits - reference(**enc).logits).abs().max().item()
    assert gap < 1e-5


def test_native_engine_declines_what_it_does_not_compute(minilm_run: Path, tmp_path: Path, monkeypatch) -> None:
    import shutil

    from medtune.models.embedded import minilm_path
    from medtune.models.native_bert import load_classifier
    from medtune.settings import get_settings
    from medtune.train.predict import load_run

    base = minilm_path()
    for n, change in enumerate(({"hidden_act": "relu"}, {"position_embedding_type": "relative_key"},
                                {"model_type": "roberta"}, {"hidden_size": None})):
        other = tmp_path / f"changed-{n}"
        other.mkdir()
        shutil.copy(base / "model.safetensors", other / "model.safetensors")
        (other / "config.json").write_text(json.dumps({**read_json(base / "config.json"), **change}))
        assert load_classifier(other, 3, "mean") is None
    assert load_classifier(base, 3, "attention") is None  # a pooling it does not know
    from safetensors.torch import load_file, save_file

    half = tmp_path / "bf16"
    half.mkdir()
    shutil.copy(base / "config.json", half / "config.json")
    save_file({k: v.bfloat16() for k, v in load_file(str(base / "model.safetensors")).items()},
              str(half / "model.safetensors"))
    assert load_classifier(half, 3, "mean") is None  # transformers would compute in bf16; this engine in float32
    assert load_classifier(base, 3, "mean") is not None
    run_dir = _adapter_with_random_b(minilm_run, tmp_path, use_rslora=True)  # a LoRA variant the merge refuses
    assert load_run(run_dir).engine == "transformers"
    monkeypatch.setenv("MEDTUNE_NATIVE_INFERENCE", "false")
    get_settings.cache_clear()
    try:
        assert load_run(minilm_run).engine == "transformers"
    finally:
        monkeypatch.delenv("MEDTUNE_NATIVE_INFERENCE")
        get_settings.cache_clear()


def test_predicting_with_the_native_engine_never_imports_transformers(minilm_run: Path, tmp_path: Path) -> None:
    """The point of the engine: `medtune predict` on a MiniLM run loads neither transformers nor peft."""
    import subprocess
    import sys

    from tests.conftest import SHARED_DATA

    out = tmp_path / "pred.jsonl"
    script = ("import sys; from medtune.cli import main; code = main(['predict', '--run', sys.argv[1], '--dataset', "
              "'drug_reviews_explabox', '--input', sys.argv[2], '--output', sys.argv[3]]); "
              "print(code, 'transformers' in sys.modules, 'peft' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script, str(minilm_run),
                           str(SHARED_DATA / "drug_reviews_explabox" / "test_inputs_unlabeled.jsonl"), str(out)],
                          capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 False False"
    rows = read_jsonl(out)
    assert rows and all(set(r["probs"]) == set(LABELS) for r in rows)
