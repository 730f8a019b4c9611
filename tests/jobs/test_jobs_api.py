"""The jobs API beyond reliability: foreground runs, clone, sweep, the SQLite index and the CLI."""

from __future__ import annotations

import json
import sqlite3

import pytest
from tests.jobs.jobs_helpers import kill_leftover_workers, selftest, wait_until  # noqa: F401 (fixture)

from medtune.cli import main as cli
from medtune.errors import ConfigError
from medtune.jobs import manager, index, store
from medtune.jobs.worker import classify


def finished(job_id: str) -> manager.Job | None:
    job = manager.get_job(job_id)
    return None if job.active else job


def test_a_foreground_job_runs_here_and_still_logs_to_its_file(capsys):
    job_id = manager.submit(selftest(steps=4, sleep_s=0, checkpoint_every=2), background=False)
    job = manager.get_job(job_id)
    assert job.state == "succeeded" and job.status["progress"] == 1.0
    assert "selftest done" in capsys.readouterr().out
    assert "selftest done" in manager.log_tail(job_id)
    assert [m["step"] for m in manager.metrics(job_id) if "loss" in m] == [1, 2, 3, 4]
    assert manager.repro(job_id)["seed"] == 0
    assert job.name == "selftest"


def test_clone_changes_one_field_and_records_its_origin():
    source = manager.submit(selftest(steps=3, sleep_s=0), background=False)
    clone_id = manager.clone(source, {"steps": 5}, background=False)
    clone = manager.get_job(clone_id)
    assert clone.config["steps"] == 5 and clone.config["sleep_s"] == 0
    assert clone.status["cloned_from"] == source and clone.name == "selftest-steps=5"
    assert clone.status["step"] == 5 and clone.state == "succeeded"
    with pytest.raises(ConfigError, match="steps"):
        manager.clone(source, {"steps": 0})
    assert manager.parse_changes(["lr=2e-4", "a.b=[1, 2]", "flag=true"]) == {"lr": 2e-4, "a.b": [1, 2], "flag": True}


def test_sweep_queues_one_job_per_model_in_one_group():
    ids = manager.sweep(selftest(name="recipe", steps=2, sleep_s=0), ["model-a", "org/model-b", "model-c"])
    assert len(ids) == 3
    jobs = [wait_until(lambda i=i: finished(i)) for i in ids]
    groups = {job.group for job in jobs}
    assert len(groups) == 1 and groups.pop().startswith("sweep-")
    assert [job.config["model"] for job in jobs] == ["model-a", "org/model-b", "model-c"]
    assert [job.name for job in jobs] == ["recipe-model-a", "recipe-model-b", "recipe-model-c"]
    assert all(job.state == "succeeded" for job in jobs)
    assert sorted(j.id for j in manager.list_jobs(group=jobs[0].group)) == sorted(ids)
    # They ran one after another, in submission order.
    starts = [job.status["started_at"] for job in jobs]
    ends = [job.status["ended_at"] for job in jobs]
    assert starts[1] >= ends[0] and starts[2] >= ends[1]


def test_a_sweep_with_a_bad_recipe_starts_nothing():
    with pytest.raises(ConfigError, match="steps"):
        manager.sweep(selftest(steps=-1), ["a", "b"])
    with pytest.raises(ConfigError, match="model"):
        manager.sweep(selftest(), [])
    assert manager.list_jobs() == []


def test_the_sqlite_index_rebuilds_from_the_directories():
    ids = [manager.submit(selftest(steps=1, sleep_s=0, name=f"job{i}"), background=False) for i in range(3)]
    failing = manager.submit(selftest(steps=2, sleep_s=0, fail_at=1, fail_with="DATA"), background=False)
    assert [j.id for j in manager.list_jobs()] == [failing, *reversed(ids)]
    path = index.index_path()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM jobs").fetchone()[0] == 4

    path.unlink()  # deleted: the next read recreates it
    assert [j.id for j in manager.list_jobs(state="succeeded")] == list(reversed(ids))
    path.write_bytes(b"this is not a database" * 100)  # damaged: rebuilt on sight
    assert [(j.id, j.reason) for j in manager.list_jobs(state="failed")] == [(failing, "DATA")]
    assert index.rebuild() == 4

    store.resolve_job_dir(ids[0]).rename(store.runs_dir() / ".trash")  # a directory removed by hand
    assert len(manager.list_jobs()) == 3
    assert index.rebuild() == 3


def test_classify_recognises_out_of_memory_in_its_forms():
    assert classify(MemoryError())[1]["reason"] == "OOM"
    assert classify(RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"))[1]["reason"] == "OOM"
    assert classify(RuntimeError("MPS backend out of memory"))[1]["reason"] == "OOM"
    assert classify(ValueError("bad"))[1] == {
        "reason": "INTERNAL", "message": "ValueError: bad",
        "hint": "An unexpected error; `medtune jobs logs ID` shows the traceback."}
    assert classify(KeyboardInterrupt())[0] == "cancelled"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_jobs_commands(capsys):
    code, out, _ = run_cli(capsys, "jobs", "selftest", "--steps", "3", "--sleep", "0", "--wait", "--json")
    job = json.loads(out)
    assert code == 0 and job["state"] == "succeeded" and job["step"] == 3

    code, out, _ = run_cli(capsys, "jobs", "list")
    assert code == 0 and job["id"] in out and "succeeded" in out and "3/3 (100%)" in out
    code, out, _ = run_cli(capsys, "jobs", "list", "--state", "failed", "--json")
    assert json.loads(out) == []
    code, out, _ = run_cli(capsys, "jobs", "show", job["id"][:-1])
    assert code == 0 and "state         succeeded" in out
    code, out, _ = run_cli(capsys, "jobs", "logs", job["id"])
    assert "selftest done" in out
    code, out, _ = run_cli(capsys, "jobs", "cancel", job["id"], "--json")
    assert json.loads(out)["state"] == "succeeded"  # nothing to cancel

    code, out, err = run_cli(capsys, "jobs", "resume", job["id"])
    assert code == 2 and out == "" and err.startswith("error [CONFIG]:") and "Traceback" not in err
    code, out, err = run_cli(capsys, "jobs", "clone", job["id"], "--set", "steps=4", "--json")
    clone = json.loads(out)
    assert code == 0 and clone["config"]["steps"] == 4
    wait_until(lambda: finished(clone["id"]))
    code, out, err = run_cli(capsys, "jobs", "clone", job["id"], "--set", "steps")
    assert code == 2 and "FIELD=VALUE" in err
    code, out, _ = run_cli(capsys, "jobs", "reindex", "--json")
    assert json.loads(out)["jobs"] == 2
    code, out, err = run_cli(capsys, "jobs", "show", "nope")
    assert code == 2 and "no job 'nope'" in err


def test_cli_selftest_failure_exits_non_zero(capsys):
    code, out, _ = run_cli(capsys, "jobs", "selftest", "--steps", "3", "--sleep", "0", "--fail-at", "2",
                           "--fail-with", "DATA", "--wait")
    assert code == 1 and "failed: DATA" in out
