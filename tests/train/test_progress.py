"""What a training job reports while it runs and when it ends: live loss and validation metric in its status,
a curve with points for a short run, an "evaluating validation (n / N)" phase, no stale "loading" message,
time-budget checkpoints, an honest resume record, and its validation score listed as an evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medtune.errors import CancelledError
from medtune.io import read_json
from medtune.jobs import store
from medtune.train.config import parse_config
from medtune.train.context import LocalRun
from medtune.train.runner import run_local, train
from tests.train.conftest import tiny_config


class WatchedRun(LocalRun):
    """A real LocalRun that also keeps every status update it wrote, to see the phases a run went through."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.updates: list[dict[str, Any]] = []

    def update(self, **fields: Any) -> None:
        self.updates.append(dict(fields))
        super().update(**fields)


def sentiment_config(tiny_models: dict, **overrides: Any):
    return parse_config({"task": "sentiment", "dataset": "drug_reviews_explabox", "name": "my sentiment run",
                         "model": str(tiny_models["encoder"]), **tiny_config(**overrides)})


def test_a_short_run_reports_loss_validation_and_phases(tiny_models: dict, tmp_path: Path) -> None:
    # logging_steps 10 on a 4-step run used to log one point: short runs now log every step.
    cfg = sentiment_config(tiny_models, logging_steps=10, max_val_examples=40, eval_batch_size=8)
    run = WatchedRun(tmp_path / "run", cfg.to_dict())
    result = train(cfg, run)
    metrics = store.read_metrics(run.job_dir)
    assert [m["step"] for m in metrics if "loss" in m] == [1, 2, 3, 4]
    assert any("val_metric" in m for m in metrics), "the validation figure is a point on the curve"
    status = read_json(run.job_dir / "status.json")
    assert isinstance(status["loss"], float) and status["val_metric_name"] == "macro_f1"
    assert isinstance(status["val_metric"], float)
    # The final evaluation reports its own progress over the 40 validation rows, in batches of 8.
    phases = [u for u in run.updates if u.get("phase") == "evaluating validation"]
    assert phases and phases[-1]["phase_total"] == 40
    assert [u["phase_done"] for u in phases][-1] == 40
    assert all(0 < u["phase_done"] <= 40 for u in phases)
    messages = [u["message"] for u in run.updates if "message" in u]
    loading = messages.index(next(m for m in messages if m.startswith("loading")))
    assert any(m.startswith("training") for m in messages[loading:]), "'loading ...' must not stay on"
    assert "evaluating validation (40 / 40)" in messages
    assert status["phase"] is None
    # The run's validation score is an evaluation the leaderboard lists by the run's name.
    from medtune.eval.leaderboard import leaderboard

    rows = [r for r in leaderboard(tmp_path, include_references=False)]
    assert [r["model"] for r in rows] == ["my sentiment run"]
    assert rows[0]["macro_f1"] == pytest.approx(result["eval"]["metrics"]["macro_f1"])
    assert rows[0]["n_items"] == 40 and rows[0]["macro_f1_lo"] <= rows[0]["macro_f1"] <= rows[0]["macro_f1_hi"]
    from medtune.eval.leaderboard import example_rows

    examples = example_rows(rows[0]["dir"])  # "One evaluation" shows each validation text with its prediction
    assert len(examples) == 40 and all(r["input"] for r in examples)


def test_a_finished_job_keeps_its_validation_figures_in_status(tiny_models: dict, tmp_path: Path) -> None:
    cfg = sentiment_config(tiny_models, max_steps=2)
    out, result = run_local(cfg, tmp_path / "run")
    status = read_json(out / "status.json")
    assert status["state"] == "succeeded"
    assert status["val_metric"] == pytest.approx(result["eval"]["primary"])
    assert status["val_metrics"]["accuracy"] == pytest.approx(result["eval"]["metrics"]["accuracy"])
    assert status["message"].startswith("done")


def test_checkpoints_on_a_time_budget_as_well_as_per_epoch(tiny_models: dict, tmp_path: Path) -> None:
    # 48 examples in batches of 8: an epoch is 6 steps. A budget of ~0 minutes checkpoints every step, so a
    # job killed at step 3 resumes from step 3, not from 0 (the epoch's checkpoint never came).
    cfg = sentiment_config(tiny_models, max_steps=4, checkpoint_minutes=0.00001)
    out, _ = run_local(cfg, tmp_path / "timed")
    assert (out / "checkpoints" / "checkpoint-3" / "COMPLETE").is_file()
    plain, _ = run_local(sentiment_config(tiny_models, max_steps=4, checkpoint_minutes=0), tmp_path / "plain")
    assert not (plain / "checkpoints" / "checkpoint-3").exists()


def test_a_resumed_run_records_where_it_resumed_and_its_curve_has_each_step_once(tiny_models: dict,
                                                                                 tmp_path: Path) -> None:
    cfg = sentiment_config(tiny_models, max_steps=6)
    parts = tmp_path / "parts"
    with pytest.raises(CancelledError):
        run_local(cfg, parts, cancel_after_step=3)
    # The first attempt logged steps past its checkpoint, as a worker killed between two checkpoints does.
    store.append_metrics(parts, {"step": 4, "loss": 99.0, "stage": "main"})
    run_local(cfg, parts, resume=True)
    status = read_json(parts / "status.json")
    assert status["resumed_from"] == 3 and status["resumed_from_checkpoint"] == "checkpoint-3"
    losses = [(m["step"], m["loss"]) for m in store.read_metrics(parts) if "loss" in m]
    assert [s for s, _ in losses] == [1, 2, 3, 4, 5, 6]
    assert 99.0 not in [loss for _, loss in losses]
