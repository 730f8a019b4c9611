"""The job directory: ids, atomic status, metrics, log tail, checkpoints and their COMPLETE markers."""

from __future__ import annotations

import json
import time

import pytest

from medtune.errors import ConfigError, NotAvailableError
from medtune.io import atomic_write_json
from medtune.jobs import store
from medtune.jobs.context import JobContext


def test_job_ids_are_unique_and_sort_by_creation_time():
    stamps = [1_700_000_000.0 + i * 0.0007 for i in range(2000)]
    ids = [store.new_job_id(t) for t in stamps]
    assert len(set(ids)) == len(ids)
    millis = [i.rsplit("-", 1)[0] for i in ids]
    assert millis == sorted(millis)


def test_create_job_writes_config_and_queued_status():
    job_dir = store.create_job({"kind": "selftest", "name": "x", "steps": 3})
    assert job_dir.parent == store.runs_dir()
    assert store.read_config(job_dir) == {"kind": "selftest", "name": "x", "steps": 3}
    status = store.read_status(job_dir)
    assert status["state"] == "queued" and status["id"] == job_dir.name and status["pid"] is None


def test_a_job_can_live_outside_the_runs_dir(tmp_path):
    out = tmp_path / "my-run"
    link = store.create_job({"kind": "selftest"}, at=out)
    assert link.is_symlink() and (out / store.CONFIG_FILE).is_file()
    assert store.resolve_job_dir(link.name) == link
    with pytest.raises(ConfigError, match="not empty"):
        store.create_job({"kind": "selftest"}, at=out)


def test_resolve_accepts_ids_prefixes_and_paths_and_names_what_is_missing():
    a = store.create_job({"kind": "selftest"})
    assert store.resolve_job_dir(a.name) == a
    assert store.resolve_job_dir(a.name[:-2]) == a
    assert store.resolve_job_dir(str(a)) == a.resolve()
    store.create_job({"kind": "selftest"})
    with pytest.raises(ConfigError, match="ambiguous"):
        store.resolve_job_dir(a.name[:4])
    with pytest.raises(NotAvailableError, match="no job 'zzz'"):
        store.resolve_job_dir("zzz")


def test_finish_never_overwrites_a_terminal_state():
    job_dir = store.create_job({"kind": "selftest"})
    assert store.finish(job_dir, "failed", reason="WORKER_LOST", message="gone", hint="h")
    assert not store.finish(job_dir, "succeeded", reason=None)
    status = store.read_status(job_dir)
    assert (status["state"], status["reason"]) == ("failed", "WORKER_LOST")
    assert status["ended_at"] is not None


def test_a_damaged_status_file_is_reported_not_raised_and_left_alone():
    job_dir = store.create_job({"kind": "selftest"})
    (job_dir / store.STATUS_FILE).write_text('{"state": "runn', encoding="utf-8")
    status = store.read_status(job_dir)
    assert status["state"] == "failed" and status["damaged"]
    store.update_status(job_dir, step=3)
    assert (job_dir / store.STATUS_FILE).read_text(encoding="utf-8") == '{"state": "runn'


def test_metrics_reader_skips_a_line_still_being_written():
    job_dir = store.create_job({"kind": "selftest"})
    store.append_metrics(job_dir, {"step": 1, "loss": 1.0})
    store.append_metrics(job_dir, {"step": 2, "loss": 0.5})
    with open(job_dir / store.METRICS_FILE, "a", encoding="utf-8") as fh:
        fh.write('{"step": 3, "lo')
    assert [r["step"] for r in store.read_metrics(job_dir)] == [1, 2]


def test_log_tail_returns_whole_lines_from_the_end():
    job_dir = store.create_job({"kind": "selftest"})
    (job_dir / store.LOG_FILE).write_text("".join(f"line {i}\n" for i in range(10_000)), encoding="utf-8")
    tail = store.log_tail(job_dir, max_bytes=100)
    assert tail.endswith("line 9999\n") and tail.startswith("line ") and len(tail) <= 100
    assert store.log_tail(store.create_job({"kind": "selftest"})) == ""


def test_only_complete_numbered_checkpoints_count(tmp_path):
    ckpts = tmp_path / "checkpoints"
    for name, complete in [("step-000005", True), ("step-000010", True), ("step-000015", False),
                           ("best", True), ("checkpoint-12", True)]:
        path = store.prepare_checkpoint_dir(ckpts, name)
        (path / "weights.bin").write_bytes(b"\0" * 64)
        if complete:
            store.mark_checkpoint_complete(path)
    assert store.latest_complete_checkpoint(ckpts).name == "checkpoint-12"
    marker = json.loads((ckpts / "step-000010" / store.COMPLETE_MARKER).read_text())
    assert marker["files"] == ["weights.bin"]
    # An interrupted write of the same name is cleared before it is written again.
    redo = store.prepare_checkpoint_dir(ckpts, "step-000015")
    assert list(redo.iterdir()) == []
    assert store.latest_complete_checkpoint(tmp_path / "missing") is None


def test_context_computes_progress_eta_and_memory():
    job_dir = store.create_job({"kind": "selftest"})
    ctx = JobContext(job_dir, {"kind": "selftest"})
    ctx.update(step=0, total_steps=100)
    time.sleep(0.2)
    status = ctx.update(step=10, loss=1.5)
    assert status["progress"] == pytest.approx(0.1)
    assert 0.5 < status["eta_s"] < 60  # 90 steps left at ~50 steps/s (slower on a loaded machine)
    assert status["rss_mb"] > 1 and status["loss"] == 1.5
    assert not ctx.cancel_requested()
    store.request_cancel(job_dir, timeout_s=5)
    assert ctx.cancel_requested() and store.cancel_request(job_dir)["timeout_s"] == 5


def test_a_worker_of_another_host_is_judged_by_its_last_update_only():
    from medtune.jobs import liveness

    job_dir = store.create_job({"kind": "selftest"})
    store.update_status(job_dir, state="running", pid=1, pid_started_at=0.0, host="elsewhere")
    assert liveness.refresh(job_dir)["state"] == "running"  # updated just now: not ours to judge
    status = store.read_status(job_dir)
    status["updated_at"] = time.time() - liveness.FOREIGN_HOST_SILENCE_S - 1
    atomic_write_json(job_dir / store.STATUS_FILE, status)
    assert liveness.refresh(job_dir)["reason"] == "WORKER_LOST"
