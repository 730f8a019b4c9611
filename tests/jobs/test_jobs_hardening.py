"""Job folders that went wrong outside the job: an unwritable --out, an index path taken by a folder, a
status.json damaged after the job finished, a launch killed half way, and metrics repeated by a resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from medtune.errors import ConfigError
from medtune.io import atomic_write_json
from medtune.jobs import manager, index, store
from tests.jobs.jobs_helpers import kill_leftover_workers, selftest, wait_until  # noqa: F401 (fixture)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medtune", *args], capture_output=True, text=True, timeout=120, check=False)


def test_an_out_folder_that_cannot_be_created_is_a_one_line_config_error():
    with pytest.raises(ConfigError, match="cannot create the job directory /proc/x"):
        store.create_job({"kind": "selftest"}, at="/proc/x")
    out = cli("train", "--task", "misinformation", "--dataset", "covid_fake_news", "--max-steps", "1",
              "--out", "/proc/x")
    assert out.returncode != 0
    assert "Traceback" not in out.stderr + out.stdout
    assert "/proc/x" in out.stderr + out.stdout


def test_an_index_path_that_is_a_folder_is_reported_not_a_traceback():
    job_dir = store.create_job({"kind": "selftest", "name": "still-listed"})
    store.finish(job_dir, "succeeded")
    index.index_path().mkdir()  # e.g. a mistaken `mkdir runs/index.sqlite`
    assert [job.name for job in manager.list_jobs()] == ["still-listed"]  # the folders are the truth: scanned
    with pytest.raises(ConfigError, match="not a file"):
        index.rebuild()
    for args in (("jobs", "list"), ("jobs", "reindex")):
        out = cli(*args)
        assert "Traceback" not in out.stderr + out.stdout, args
    assert "still-listed" in cli("jobs", "list").stdout
    assert "index.sqlite" in cli("jobs", "reindex").stderr


def finished_train_folder(job_dir) -> None:
    """What a train job leaves when it ends: eval.json and the saved adapter with its medtune.json."""
    atomic_write_json(job_dir / "eval.json", {"split": "validation", "primary_metric": "weighted_f1",
                                              "primary": 0.81, "metrics": {"accuracy": 0.8}})
    (job_dir / "adapter").mkdir()
    atomic_write_json(job_dir / "adapter" / "medtune.json", {"format": "adapter"})


def test_a_status_damaged_after_a_train_job_finished_is_reconciled_from_its_outputs():
    job_dir = store.create_job({"kind": "train", "name": "done-run"})
    finished_train_folder(job_dir)
    (job_dir / store.STATUS_FILE).write_text('{"state": "runn', encoding="utf-8")
    job = manager.get_job(job_dir.name)
    assert job.state == "succeeded" and job.status["reconciled"]
    assert job.status["val_metric"] == 0.81
    assert "eval.json" in job.status["message"]
    assert [j.state for j in manager.list_jobs()] == ["succeeded"]
    # Left as it was on disk: the figures come from eval.json.
    assert (job_dir / store.STATUS_FILE).read_text(encoding="utf-8") == '{"state": "runn'


def test_a_damaged_status_without_outputs_stays_failed():
    job_dir = store.create_job({"kind": "train", "name": "half-run"})
    atomic_write_json(job_dir / "eval.json", {"primary": 0.5})  # no saved adapter: not finished
    (job_dir / store.STATUS_FILE).write_text("\x00\x00", encoding="utf-8")
    assert manager.get_job(job_dir.name).state == "failed"


def test_a_launch_killed_before_config_yaml_is_listed_as_an_incomplete_failure():
    root = store.runs_dir()
    leftover = root / store.new_job_id(time.time() - 60)
    leftover.mkdir()
    (leftover / ".status.json.abc123.tmp").write_text('{"state": "qu', encoding="utf-8")
    old = time.time() - 60
    os.utime(leftover, (old, old))
    jobs = manager.list_jobs()
    assert [j.id for j in jobs] == [leftover.name]
    job = jobs[0]
    assert (job.state, job.reason) == ("failed", "INTERNAL")
    assert "incomplete job folder" in job.status["message"] and ".status.json.abc123.tmp" in job.status["message"]
    assert str(leftover) in job.status["hint"]
    assert manager.get_job(leftover.name[:20]).state == "failed"
    out = cli("jobs", "list")
    assert leftover.name in out.stdout and "Traceback" not in out.stderr
    # A folder being created right now (younger than the grace period) is not mistaken for one.
    fresh = root / store.new_job_id()
    fresh.mkdir()
    assert fresh.name not in [j.id for j in manager.list_jobs()]


def test_metrics_repeated_by_a_resume_are_dropped_on_read():
    job_dir = store.create_job({"kind": "selftest"})
    for step in range(1, 67):  # the first attempt logged to step 66, then was killed
        store.append_metrics(job_dir, {"step": step, "loss": 1.0, "stage": "main"})
    store.append_metrics(job_dir, {"event": "resume", "step": 60, "stage": "main"})  # checkpoint-60
    for step in range(61, 71):
        store.append_metrics(job_dir, {"step": step, "loss": 0.5, "stage": "main"})
    rows = store.read_metrics(job_dir)
    steps = [r["step"] for r in rows]
    assert steps == list(range(1, 71))
    assert all(r["loss"] == 0.5 for r in rows if r["step"] > 60)
    # Without a resume line (a restart from step 0, or an older file) a step going back does the same.
    other = store.create_job({"kind": "selftest"})
    for step in (10, 20, 30, 10, 20):
        store.append_metrics(other, {"step": step, "loss": float(step), "stage": "main"})
    store.append_metrics(other, {"step": 0, "loss": 9.0, "stage": "stage-2"})  # stages count from 0 each
    assert [(r["step"], r["stage"]) for r in store.read_metrics(other)] == [
        (10, "main"), (20, "main"), (0, "stage-2")]


def test_a_killed_job_says_honestly_where_a_resume_starts_and_records_it():
    job_id = manager.submit(selftest(steps=2000, checkpoint_every=0))
    job = wait_until(lambda: (j := manager.get_job(job_id)).status.get("step", 0) >= 3 and j)
    os.kill(job.status["pid"], signal.SIGKILL)
    job = wait_until(lambda: (j := manager.get_job(job_id)).state == "failed" and j, timeout=10)
    assert job.reason == "WORKER_LOST"
    assert "starts again from step 0" in job.status["hint"] and "no complete checkpoint" in job.status["hint"]

    with_ckpt = manager.submit(selftest(steps=2000, checkpoint_every=2))
    job = wait_until(lambda: store.latest_complete_checkpoint(manager.get_job(with_ckpt).dir / "checkpoints")
                     and manager.get_job(with_ckpt))
    os.kill(job.status["pid"], signal.SIGKILL)
    job = wait_until(lambda: (j := manager.get_job(with_ckpt)).state == "failed" and j, timeout=10)
    point = store.checkpoint_step(store.latest_complete_checkpoint(job.dir / "checkpoints"))
    assert f"continues from step {point}" in job.status["hint"]
    manager.resume(with_ckpt)
    status = manager.get_job(with_ckpt).status
    assert status["resumed_from"] == point and str(point) in status["resumed_from_checkpoint"]
    manager.cancel(with_ckpt, timeout_s=5)
    wait_until(lambda: not manager.get_job(with_ckpt).active, timeout=30)
