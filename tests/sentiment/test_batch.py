"""Background analyses: progress and stop callbacks, resume, and the real `sentiment` job kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from medtune.errors import CancelledError, ConfigError
from medtune.sentiment.batch import PREDICTIONS, SUMMARY, run_analysis, validate_config


def reviews_file(tmp_path: Path, n: int = 10) -> Path:
    texts = ["The nurses were kind but the wait was endless.", "Cheap generic, works well.",
             "Filthy bathroom and rude reception staff.", "The pills did nothing for my migraines."]
    path = tmp_path / "reviews.jsonl"
    path.write_text("".join(json.dumps({"id": f"r{i}", "text": texts[i % 4], "date": f"2024-0{1 + i % 3}-15"}) + "\n"
                            for i in range(n)))
    return path


def test_run_analysis_reports_progress_and_writes_outputs(tmp_path: Path, analyzer: Any) -> None:
    seen: list[tuple[int, int]] = []
    config = {"kind": "sentiment", "input": str(reviews_file(tmp_path)), "chunk_size": 4}
    summary = run_analysis(config, tmp_path / "job", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(4, 10), (8, 10), (10, 10)]
    rows = [json.loads(x) for x in (tmp_path / "job" / PREDICTIONS).read_text().splitlines()]
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(10)]
    assert rows[0]["meta"]["date"] == "2024-01-15" and rows[0]["text"].startswith("The nurses")
    assert summary["n"] == 10 and json.loads((tmp_path / "job" / SUMMARY).read_text())["n"] == 10


def test_should_stop_cancels_and_resume_finishes_without_repeating(tmp_path: Path, analyzer: Any) -> None:
    config = {"kind": "sentiment", "input": str(reviews_file(tmp_path)), "chunk_size": 4}
    calls = {"n": 0}

    def stop_after_first_chunk() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    with pytest.raises(CancelledError):
        run_analysis(config, tmp_path / "job", should_stop=stop_after_first_chunk)
    partial = (tmp_path / "job" / PREDICTIONS).read_text().splitlines()
    assert len(partial) == 4
    summary = run_analysis(config, tmp_path / "job", resume=True)
    ids = [json.loads(x)["id"] for x in (tmp_path / "job" / PREDICTIONS).read_text().splitlines()]
    assert ids == [f"r{i}" for i in range(10)] and summary["n"] == 10


@pytest.mark.parametrize("config, message", [
    ({"kind": "sentiment"}, "exactly one of 'input'"),
    ({"kind": "sentiment", "input": "/no/such.csv"}, "does not exist"),
    ({"kind": "sentiment", "dataset": "druglib", "limit": 0}, "'limit'"),
    ({"kind": "sentiment", "dataset": "druglib", "colour": "red"}, "unknown config fields ['colour']"),
    ({"kind": "sentiment", "dataset": "druglib", "mixed_reviews": "stars"}, "mixed_reviews must be one of"),
])
def test_bad_job_configs_are_config_errors(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        validate_config(config)


def test_sentiment_job_kind_runs_through_the_jobs_system(tmp_path: Path, analyzer: Any) -> None:
    from medtune.jobs import manager

    job_id = manager.submit({"kind": "sentiment", "name": "ward-survey", "input": str(reviews_file(tmp_path, 6))},
                        background=False)
    job = manager.get_job(job_id)
    assert job.state == "succeeded", job.status
    assert job.status.get("step") == 6 and job.status.get("total_steps") == 6
    rows = (job.dir / PREDICTIONS).read_text().splitlines()
    assert len(rows) == 6
    assert manager.metrics(job_id)[-1]["reviews"] == 6
