"""Reliability of background jobs, each with real worker processes running the `selftest` kind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest
from tests.jobs.jobs_helpers import kill_leftover_workers, selftest, wait_until  # noqa: F401 (fixture)

from medtune.errors import DEFAULT_HINTS, ConfigError, Reason
from medtune.io import read_json
from medtune.jobs import manager, store


def running_at_step(job_id: str, step: int = 2) -> manager.Job | None:
    job = manager.get_job(job_id)
    assert job.state in ("queued", "running"), job.status
    return job if job.state == "running" and (job.status.get("step") or 0) >= step else None


def ended(job_id: str) -> manager.Job | None:
    job = manager.get_job(job_id)
    return None if job.active else job


def test_kill_9_of_the_worker_shows_worker_lost_within_5_s():
    job_id = manager.submit(selftest(steps=2000))
    job = wait_until(lambda: running_at_step(job_id))
    os.kill(job.status["pid"], signal.SIGKILL)
    killed_at = time.monotonic()
    job = wait_until(lambda: ended(job_id), timeout=5.0)
    assert time.monotonic() - killed_at < 5.0
    assert (job.state, job.reason) == ("failed", "WORKER_LOST")
    assert "resume" in job.status["hint"]
    assert job.status["ended_at"] is not None


def test_a_restarted_app_marks_jobs_whose_worker_is_gone():
    # Launched by another process (a CLI that has exited): this test process is a reader that never knew it.
    out = subprocess.run([sys.executable, "-m", "medtune", "jobs", "selftest", "--steps", "2000",
                          "--sleep", "0.05", "--json"], capture_output=True, text=True, check=True, timeout=60)
    job_id = json.loads(out.stdout)["id"]
    job = wait_until(lambda: running_at_step(job_id))
    os.kill(job.status["pid"], signal.SIGKILL)
    jobs = wait_until(lambda: [j for j in manager.list_jobs() if j.id == job_id and not j.active], timeout=5.0)
    assert (jobs[0].state, jobs[0].reason) == ("failed", "WORKER_LOST")


def test_a_job_outlives_the_app_that_launched_it():
    # An "app" submits a job and is then killed with its whole process group (a server stopped, a closed
    # terminal); the worker leads its own session, so it keeps running and finishes.
    app = subprocess.Popen(
        [sys.executable, "-c", "import time; from medtune.jobs import manager; "
         "print(manager.submit({'kind': 'selftest', 'steps': 30, 'sleep_s': 0.05}), flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE, text=True, start_new_session=True)
    job_id = app.stdout.readline().strip()
    wait_until(lambda: running_at_step(job_id, step=1))
    os.killpg(app.pid, signal.SIGKILL)
    app.wait(timeout=10)
    job = wait_until(lambda: ended(job_id))
    assert job.state == "succeeded" and job.status["step"] == 30


def test_a_reused_pid_is_not_mistaken_for_the_worker():
    job_dir = store.create_job(selftest())
    # This test process is alive, but it is not the process that started at the recorded time.
    store.update_status(job_dir, state="running", pid=os.getpid(), pid_started_at=1000.0)
    job = manager.get_job(job_dir.name)
    assert (job.state, job.reason) == ("failed", "WORKER_LOST")


def test_cancel_stops_the_job_at_its_next_step():
    job_id = manager.submit(selftest(steps=2000))
    job = wait_until(lambda: running_at_step(job_id))
    manager.cancel(job_id)
    job = wait_until(lambda: ended(job_id), timeout=20)
    assert (job.state, job.reason) == ("cancelled", "CANCELLED")
    assert 0 < job.status["step"] < 2000
    assert "forced" not in job.status["message"] and "killed" not in job.status["message"]
    wait_until(lambda: not psutil.pid_exists(job.status["pid"])
               or psutil.Process(job.status["pid"]).status() == psutil.STATUS_ZOMBIE, timeout=10)


def test_cancel_kills_a_job_that_ignores_it_after_the_timeout():
    job_id = manager.submit(selftest(steps=2000, ignore_cancel=True))
    job = wait_until(lambda: running_at_step(job_id))
    manager.cancel(job_id, timeout_s=0.5)
    job = wait_until(lambda: ended(job_id), timeout=20)
    assert (job.state, job.reason) == ("cancelled", "CANCELLED")
    assert "killed" in job.status["message"]
    step_then = job.status["step"]
    time.sleep(0.5)
    assert manager.get_job(job_id).status["step"] == step_then  # nothing runs any more


def test_a_second_job_waits_as_queued_and_runs_after_the_first():
    first = manager.submit(selftest(steps=30))
    second = manager.submit(selftest(steps=3, sleep_s=0.01))
    wait_until(lambda: running_at_step(first, step=1))
    assert manager.get_job(second).state == "queued"
    assert manager.get_job(first).state == "running"  # the first was still running when we looked
    a = wait_until(lambda: ended(first))
    b = wait_until(lambda: ended(second))
    assert a.state == b.state == "succeeded"
    assert b.status["started_at"] >= a.status["ended_at"]


def test_a_queued_job_can_be_cancelled_before_it_starts():
    first = manager.submit(selftest(steps=2000))
    second = manager.submit(selftest(steps=3))
    wait_until(lambda: running_at_step(first, step=1))
    manager.cancel(second)
    job = wait_until(lambda: ended(second), timeout=20)
    assert (job.state, job.reason, job.status["started_at"]) == ("cancelled", "CANCELLED", None)
    manager.cancel(first)
    wait_until(lambda: ended(first), timeout=20)


def test_a_broken_config_is_refused_at_submit_naming_the_field():
    with pytest.raises(ConfigError, match="steps"):
        manager.submit(selftest(steps="many"))
    with pytest.raises(ConfigError, match="kind"):
        manager.submit({"kind": "no-such-kind"})
    assert list(store.iter_job_dirs()) == []


def test_a_broken_config_fails_fast_with_config_even_behind_a_running_job():
    first = manager.submit(selftest(steps=2000))
    wait_until(lambda: running_at_step(first, step=1))
    broken = manager.submit(selftest(sleep_s=-1), validate=False)  # e.g. a hand-edited config
    job = wait_until(lambda: ended(broken), timeout=30)
    assert (job.state, job.reason) == ("failed", "CONFIG")
    assert "sleep_s" in job.status["message"]
    assert manager.get_job(first).state == "running"  # it did not wait for the slot to fail
    manager.cancel(first)


def test_out_of_memory_ends_as_oom_with_its_hint():
    job_id = manager.submit(selftest(steps=5, sleep_s=0.01, fail_at=3, fail_with="OOM"))
    job = wait_until(lambda: ended(job_id))
    assert (job.state, job.reason) == ("failed", "OOM")
    assert job.status["hint"] == DEFAULT_HINTS[Reason.OOM]
    assert "MemoryError" in manager.log_tail(job_id)
    assert job.status["step"] == 2


def test_torch_cuda_out_of_memory_ends_as_oom():
    job_id = manager.submit(selftest(steps=3, sleep_s=0, fail_at=2, fail_with="TORCH_OOM"))
    job = wait_until(lambda: ended(job_id), timeout=120)
    assert (job.state, job.reason) == ("failed", "OOM")
    assert "CUDA out of memory" in job.status["message"]


def test_typed_and_unexpected_failures_keep_their_reason_and_the_traceback():
    data = manager.submit(selftest(steps=5, sleep_s=0, fail_at=2, fail_with="DATA", fail_message="row 7 has no text"))
    internal = manager.submit(selftest(steps=5, sleep_s=0, fail_at=2, fail_message="boom at step two"))
    d, i = wait_until(lambda: ended(data)), wait_until(lambda: ended(internal))
    assert (d.state, d.reason, d.status["message"]) == ("failed", "DATA", "row 7 has no text")
    assert (i.state, i.reason) == ("failed", "INTERNAL")
    assert "boom at step two" in i.status["message"]
    log = manager.log_tail(internal)
    assert "Traceback (most recent call last)" in log and "RuntimeError: boom at step two" in log


def test_a_worker_printing_more_than_1_mb_with_no_reader_finishes():
    job_id = manager.submit(selftest(steps=5, sleep_s=0, print_bytes=3_000_000))
    job = wait_until(lambda: ended(job_id))
    assert job.state == "succeeded"
    assert (job.dir / store.LOG_FILE).stat().st_size > 3_000_000
    tail = manager.log_tail(job_id, max_bytes=5000)
    assert len(tail.encode()) <= 5000 and "selftest done" in tail


def test_status_and_metrics_never_read_as_broken_json_while_the_job_writes():
    job_id = manager.submit(selftest(steps=150, sleep_s=0.002, checkpoint_every=10))
    job_dir = store.resolve_job_dir(job_id)
    errors: list[str] = []
    counts = {"status": 0, "metrics_lines": 0, "states": set()}
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            try:
                status = json.loads((job_dir / store.STATUS_FILE).read_text(encoding="utf-8"))
                counts["status"] += 1
                counts["states"].add(status["state"])
                text = (job_dir / store.METRICS_FILE).read_text(encoding="utf-8") \
                    if (job_dir / store.METRICS_FILE).exists() else ""
                complete = text[: text.rfind("\n") + 1]  # the last line may still be being appended
                for line in complete.splitlines():
                    json.loads(line)
                    counts["metrics_lines"] += 1
            except Exception as err:  # any torn read is a failure
                errors.append(repr(err))

    reader = threading.Thread(target=hammer)
    reader.start()
    try:
        job = wait_until(lambda: ended(job_id))
    finally:
        stop.set()
        reader.join()
    assert job.state == "succeeded"
    assert errors == []
    assert counts["status"] > 50 and "running" in counts["states"]
    assert len(manager.metrics(job_id)) == 150 + 15  # one line per step + one per checkpoint's validation


def test_resume_ignores_a_checkpoint_interrupted_mid_write_and_finishes_the_planned_steps():
    plan = dict(steps=20, sleep_s=0.01, checkpoint_every=5, seed=7)
    reference = manager.submit(selftest(**plan), background=False)  # uninterrupted, in this process
    ref = read_json(store.resolve_job_dir(reference) / "result.json")

    job_id = manager.submit(selftest(**plan, checkpoint_write_s=20.0, checkpoint_write_at=10))
    job_dir = store.resolve_job_dir(job_id)
    half_written = job_dir / "checkpoints" / "step-000010"
    wait_until(lambda: (half_written / "state.json").exists())
    assert not store.is_complete(half_written)
    os.kill(manager.get_job(job_id).status["pid"], signal.SIGKILL)  # killed while writing checkpoint 10
    lost = wait_until(lambda: ended(job_id), timeout=5)
    assert lost.reason == "WORKER_LOST"
    assert store.latest_complete_checkpoint(job_dir / "checkpoints").name == "step-000005"

    manager.resume(job_id)
    job = wait_until(lambda: ended(job_id))
    result = read_json(job_dir / "result.json")
    assert job.state == "succeeded" and job.status["attempt"] == 2
    assert result["resumed_from"] == 5 and result["steps_run_here"] == 15
    assert result["steps_done"] == job.status["step"] == job.status["total_steps"] == 20
    assert result["loss"] == pytest.approx(ref["loss"], abs=1e-12)
    assert result["value"] == pytest.approx(ref["value"], abs=1e-12)
    assert store.is_complete(half_written)  # rewritten properly by the resumed run


def test_resume_continues_a_cancelled_job():
    job_id = manager.submit(selftest(steps=40, sleep_s=0.05, checkpoint_every=5))
    wait_until(lambda: running_at_step(job_id, step=7))
    with pytest.raises(ConfigError, match="running"):
        manager.resume(job_id)  # a running job is not started twice
    manager.cancel(job_id)
    assert wait_until(lambda: ended(job_id), timeout=20).state == "cancelled"
    manager.resume(job_id)
    job = wait_until(lambda: ended(job_id))
    result = read_json(job.dir / "result.json")
    assert job.state == "succeeded" and result["steps_done"] == 40
    assert result["resumed_from"] >= 5 and result["resumed_from"] % 5 == 0
    with pytest.raises(ConfigError, match="succeeded"):
        manager.resume(job_id)

