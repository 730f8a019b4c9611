"""A run cancelled mid-way and resumed from its newest complete checkpoint ends exactly like an
uninterrupted one (CPU is deterministic); a half-written checkpoint is never resumed from."""

from __future__ import annotations

from pathlib import Path

import pytest

from medtune.errors import CancelledError
from medtune.io import read_json, read_jsonl
from medtune.train.config import parse_config
from medtune.train.runner import run_local
from tests.train.conftest import tiny_config


def losses(run: Path) -> dict[int, float]:
    return {m["step"]: m["loss"] for m in read_jsonl(run / "metrics.jsonl") if "loss" in m}


def test_resume_gives_the_same_losses_as_an_uninterrupted_run(tiny_models: dict, tmp_path: Path) -> None:
    cfg = parse_config({"task": "sentiment", "dataset": "drug_reviews_explabox", "model": str(tiny_models["encoder"]),
                        **tiny_config(max_steps=8, eval_steps=4, lora={"dropout": 0.1})})
    whole, _ = run_local(cfg, tmp_path / "whole")
    parts = tmp_path / "parts"
    with pytest.raises(CancelledError):
        run_local(cfg, parts, cancel_after_step=5)
    assert read_json(parts / "status.json")["state"] == "cancelled"
    assert (parts / "checkpoints" / "checkpoint-5" / "COMPLETE").is_file()
    # A checkpoint whose write was interrupted (no COMPLETE marker) must be ignored on resume.
    broken = parts / "checkpoints" / "checkpoint-7"
    broken.mkdir()
    (broken / "adapter_model.safetensors").write_bytes(b"half a file")
    run_local(cfg, parts, resume=True)
    status = read_json(parts / "status.json")
    assert status["state"] == "succeeded" and status["step"] == 8
    expected, got = losses(whole), losses(parts)
    assert sorted(got) == list(range(1, 9))
    for step in range(1, 9):
        assert got[step] == pytest.approx(expected[step], abs=1e-5), step
    assert read_json(parts / "eval.json")["metrics"] == pytest.approx(read_json(whole / "eval.json")["metrics"])
