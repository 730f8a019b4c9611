"""Generative SFT with tiny models built from a config: a Llama-shaped causal LM (trl SFTTrainer, LoRA,
completion-only loss) and a T5 (Seq2SeqTrainer, full), staged training, and predictions."""

from __future__ import annotations

import math
from pathlib import Path

from medtune.io import read_json, read_jsonl
from medtune.train.config import parse_config
from medtune.train.predict import predict_file
from medtune.train.runner import run_local
from tests.train.conftest import tiny_config

SFT_PREPARE = {"limit": 120}  # rows per source split: medquad has 16k


def sft_config(model: Path, **overrides) -> dict:
    base = tiny_config(max_steps=3, max_length=96, max_train_examples=24, max_val_examples=4, batch_size=4)
    base["prepare"].update(SFT_PREPARE)
    return {"task": "sft", "dataset": "medquad", "model": str(model), **base, **overrides}


def test_causal_lora_sft_trains_saves_and_generates(tiny_models: dict, tmp_path: Path, shared_data: Path) -> None:
    run, result = run_local(parse_config(sft_config(tiny_models["causal"], method="lora")), tmp_path / "run")
    assert (run / "adapter" / "adapter_model.safetensors").is_file()
    assert read_json(run / "adapter" / "medtune.json")["head"] == "generation"
    assert math.isfinite(result["eval"]["primary"])
    losses = [m["loss"] for m in read_jsonl(run / "metrics.jsonl") if "loss" in m]
    assert len(losses) == 3 and all(math.isfinite(x) for x in losses)
    samples = read_jsonl(run / "predictions.jsonl")
    assert len(samples) == 4 and all("output" in s and s["reference"] for s in samples)
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join((shared_data / "medquad" / "medquad.jsonl").read_text().splitlines()[:2]) + "\n")
    assert predict_file(run, "medquad", src, tmp_path / "out.jsonl") == 2
    assert all(set(r) == {"id", "output"} for r in read_jsonl(tmp_path / "out.jsonl"))


def test_seq2seq_full_sft(tiny_models: dict, tmp_path: Path) -> None:
    run, result = run_local(parse_config(sft_config(tiny_models["seq2seq"], method="full")), tmp_path / "run")
    assert (run / "model" / "model.safetensors").is_file() and not (run / "adapter").exists()
    assert math.isfinite(result["eval"]["primary"])
    assert (run / "checkpoints" / "checkpoint-3" / "COMPLETE").is_file()


def test_staged_training_continues_from_the_previous_adapter(tiny_models: dict, tmp_path: Path) -> None:
    stages = [{"name": "qa", "datasets": ["medquad"], "max_steps": 2},
              {"name": "dialogue", "datasets": ["covid_dialogue_en"], "max_steps": 2}]
    cfg = parse_config(sft_config(tiny_models["causal"], method="lora", stages=stages))
    run, _ = run_local(cfg, tmp_path / "run")
    assert (run / "stages" / "stage-1" / "COMPLETE").is_file()
    assert (run / "checkpoints" / "stage-2" / "checkpoint-2" / "COMPLETE").is_file()
    stage_names = {m.get("stage") for m in read_jsonl(run / "metrics.jsonl")}
    assert stage_names == {"qa", "dialogue"}
    assert read_json(run / "status.json")["n_stages"] == 2
