"""Jobs page (AppTest) over real selftest jobs: the table, one job's curve, log, failure and its Resume button."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from medtune.jobs import manager

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "pages" / "jobs.py")


def open_page(job_id: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if job_id:
        at.query_params["job"] = job_id
    at.run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def wait_ended(job_id: str, timeout: float = 60) -> manager.Job:
    deadline = time.monotonic() + timeout
    while (job := manager.get_job(job_id)).active:
        assert time.monotonic() < deadline, f"job {job_id} did not end"
        time.sleep(0.1)
    return job


def test_empty_page_says_how_to_start_a_job():
    at = open_page()
    assert "No jobs yet" in at.info[0].value


def test_jobs_page_shows_a_job_and_its_curve():
    job_id = manager.submit({"kind": "selftest", "name": "demo", "steps": 12, "sleep_s": 0.01, "checkpoint_every": 4})
    job = wait_ended(job_id)
    assert job.state == "succeeded"
    at = open_page()
    table = at.dataframe[0].value
    assert list(table["id"]) == [job_id]
    assert table["state"][0] == "✓ succeeded" and table["progress"][0] == "12/12 (100%)"
    assert at.selectbox[0].value == job_id
    (figure,) = charts(at)
    traces = {t["name"]: t for t in figure["data"]}
    assert traces["loss"]["x"] == list(range(1, 13))
    assert traces["loss"]["y"] == [m["loss"] for m in manager.metrics(job_id) if "loss" in m]
    assert traces["val_metric"]["x"] == [4, 8, 12]
    assert at.get("progress")[0].proto.value == 100
    assert "selftest done" in at.code[0].value
    assert "demo" in [h.value for h in at.subheader]


def test_a_failed_job_shows_its_reason_and_can_be_resumed_from_the_page():
    job_id = manager.submit({"kind": "selftest", "steps": 6, "sleep_s": 0.01, "checkpoint_every": 2,
                         "fail_at": 5, "fail_with": "OOM"})
    assert wait_ended(job_id).reason == "OOM"
    at = open_page(job_id)
    assert at.error[0].value.startswith("**Out of memory**: ") and "batch size" in at.error[0].value
    assert [b.label for b in at.button] == ["Resume", "Launch clone"]
    at.button(key=f"resume-{job_id}").click().run()
    assert not at.exception, at.exception
    job = manager.get_job(job_id)
    assert job.status["attempt"] == 2  # the page resumed it; the resumed run fails at step 5 again
    job = wait_ended(job_id)
    assert (job.state, job.reason, job.status["resumed_from"]) == ("failed", "OOM", 4)


def test_a_running_job_shows_progress_and_can_be_cancelled_from_the_page():
    job_id = manager.submit({"kind": "selftest", "name": "long", "steps": 2000, "sleep_s": 0.05})
    deadline = time.monotonic() + 60
    while (manager.get_job(job_id).status.get("step") or 0) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    at = open_page(job_id)
    assert at.dataframe[0].value["state"][0] == "▶ running"
    assert "ETA" in at.get("progress")[0].proto.text
    at.button(key=f"cancel-{job_id}").click().run()
    job = wait_ended(job_id, timeout=30)
    assert (job.state, job.reason) == ("cancelled", "CANCELLED")


def test_a_sweep_group_can_be_shown_on_its_own():
    ids = manager.sweep({"kind": "selftest", "name": "cmp", "steps": 2, "sleep_s": 0}, ["m1", "m2"], background=False)
    manager.submit({"kind": "selftest", "name": "other", "steps": 1, "sleep_s": 0}, background=False)
    at = open_page()
    assert len(at.dataframe[0].value) == 3
    group = manager.get_job(ids[0]).group
    at.selectbox(key="jobs_group").set_value(group).run()
    table = at.dataframe[0].value
    assert sorted(table["id"]) == sorted(ids) and list(table["name"]) == ["cmp-m2", "cmp-m1"]
    assert list(table["val_metric"]) == ["", ""]  # no checkpoints, so no validation metric
    assert all(float(v) > 0 for v in table["loss"])


def test_a_not_available_failure_offers_no_resume_and_says_why():
    job_id = manager.submit({"kind": "selftest", "steps": 4, "sleep_s": 0.01, "fail_at": 1, "fail_with": "NOT_AVAILABLE"})
    assert wait_ended(job_id).reason == "NOT_AVAILABLE"
    at = open_page(job_id)
    assert "Resume" not in [b.label for b in at.button]
    assert any("Resume would fail the same way" in c.value for c in at.caption)


def test_a_resumable_failure_says_where_the_resume_starts():
    job_id = manager.submit({"kind": "selftest", "steps": 6, "sleep_s": 0.01, "checkpoint_every": 2,
                         "fail_at": 5, "fail_with": "INTERNAL"})
    assert wait_ended(job_id).reason == "INTERNAL"
    at = open_page(job_id)
    assert at.button(key=f"resume-{job_id}").label == "Resume"
    assert any("continues from step 4" in c.value for c in at.caption)


def test_the_log_view_strips_colour_codes_and_folds_library_warnings():
    job_id = manager.submit({"kind": "selftest", "name": "noisy", "steps": 2, "sleep_s": 0}, background=False)
    with open(manager.get_job(job_id).dir / "log.txt", "a", encoding="utf-8") as log:
        log.write("\x1b[1m\x1b[31mred alert\x1b[0m done\n")
        log.write("/usr/lib/python3/site-packages/transformers/training_args.py:1541: FutureWarning: "
                  "`gradient_checkpointing` is deprecated\n  warnings.warn(msg, FutureWarning)\n")
    at = open_page(job_id)
    log_view = at.code[0].value
    assert "red alert done" in log_view and "\x1b" not in log_view
    assert "FutureWarning" not in log_view and "warnings.warn" not in log_view
    folded = [e for e in at.expander if e.label.startswith("Library warnings (1")]
    assert folded and "gradient_checkpointing" in folded[0].code[0].value
