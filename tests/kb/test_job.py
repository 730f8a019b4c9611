"""`kb_build` as a job: progress in status.json and metrics.jsonl, a finished state, config validation."""

from __future__ import annotations

import pytest

from medtune.errors import ConfigError

pytestmark = pytest.mark.needs_shared_data


def test_kb_build_job_runs_and_reports_progress(shared_data, medtune_home):
    manager = pytest.importorskip("medtune.jobs.manager")
    from medtune.kb.store import KnowledgeBase

    job_id = manager.submit({"kind": "kb_build", "name": "kb-test", "sources": ["dailymed"], "limit": 2},
                        background=False)
    job = manager.get_job(job_id)
    assert job.state == "succeeded", job.status
    assert job.status["step"] == job.status["total_steps"] == KnowledgeBase.open().count() > 0
    metrics = manager.metrics(job_id)
    assert metrics and metrics[-1]["step"] == job.status["total_steps"]


def test_kb_build_config_is_validated():
    from medtune.kb.build import validate_config

    with pytest.raises(ConfigError, match="unknown knowledge-base source"):
        validate_config({"kind": "kb_build", "sources": ["nope"]})
    with pytest.raises(ConfigError, match="limit"):
        validate_config({"kind": "kb_build", "limit": 0})
