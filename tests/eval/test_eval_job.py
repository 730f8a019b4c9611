"""The `eval` job kind: an evaluation run by the job system writes eval.json into its job directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.errors import ConfigError

manager = pytest.importorskip("medtune.jobs.manager")


def test_eval_job_runs_and_reports_progress(shared_data: Path) -> None:
    job_id = manager.submit({"kind": "eval", "model": "majority", "dataset": "pubmedqa", "split": "dev", "n_boot": 100},
                        background=False)
    job = manager.get_job(job_id)
    assert job.state == "succeeded", job.status
    assert job.status["step"] == job.status["total_steps"] == 51 and job.status["progress"] == 1.0
    ev = json.loads((job.dir / "eval.json").read_text())
    assert ev["split"]["n_items"] == 51 and ev["config"]["kind"] == "eval"
    assert (job.dir / "predictions.jsonl").is_file()
    logged = manager.metrics(job_id)
    assert logged[-1]["eval/accuracy"] == ev["metrics"]["accuracy"]["value"]


def test_bad_eval_config_fails_before_a_job_exists() -> None:
    with pytest.raises(ConfigError, match="unknown dataset"):
        manager.submit({"kind": "eval", "model": "majority", "dataset": "nope", "split": "dev"}, background=False)
    with pytest.raises(ConfigError, match="exactly one of 'model' and 'run'"):
        manager.submit({"kind": "eval", "dataset": "pubmedqa", "split": "dev"}, background=False)
    assert manager.list_jobs() == []
