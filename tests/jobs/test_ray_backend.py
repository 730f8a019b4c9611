"""Jobs on a real Ray cluster (`ray start --head --num-cpus 2`, started here and stopped after): submit and watch
through the unchanged jobs API, a sweep that runs side by side, cancel (running and still pending), a killed
worker seen as WORKER_LOST, and resume. The job directory stays the only thing readers look at."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.jobs.jobs_helpers import selftest, wait_until

from medtune.jobs import manager, store

ray = pytest.importorskip("ray", reason="the ray package is not installed (pip install 'medtune[cluster]')")


def free_port(avoid: range = range(0)) -> int:
    """A free port outside `avoid` (Ray refuses to start when a component's port lies in its worker range)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in avoid:
            return port


def _descendants(pid: int) -> list:
    import psutil

    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A head node with 2 CPUs on free ports; every process it started is stopped by pid afterwards."""
    import psutil

    temp = Path(f"/tmp/mtray-{os.getpid()}")  # short: Ray's socket paths must fit in 107 characters
    lo = 20000 + (os.getpid() % 100) * 100  # below the kernel's ephemeral range, where free_port draws from
    workers = range(lo, lo + 100)
    dashboard = free_port(workers)
    cmd = [shutil.which("ray") or "ray", "start", "--head", "--block", "--num-cpus", "2", "--num-gpus", "0",
           "--port", str(free_port(workers)), "--dashboard-host", "127.0.0.1", "--dashboard-port", str(dashboard),
           "--include-dashboard", "true", "--disable-usage-stats", "--temp-dir", str(temp),
           "--ray-client-server-port", str(free_port(workers)),
           "--dashboard-agent-listen-port", str(free_port(workers)),
           "--min-worker-port", str(lo), "--max-worker-port", str(lo + 99)]
    log = open(tmp_path_factory.mktemp("ray") / "ray-start.log", "wb")
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    head = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    address = f"http://127.0.0.1:{dashboard}"
    try:
        from ray.job_submission import JobSubmissionClient

        deadline = time.monotonic() + 90
        while True:
            try:
                JobSubmissionClient(address).list_jobs()
                break
            except Exception:
                if head.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Ray head did not come up: {Path(log.name).read_text(errors='replace')[-2000:]}")
                time.sleep(0.5)
        yield address
    finally:
        procs = _descendants(head.pid)
        for proc in procs:
            try:
                proc.terminate()
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(procs, timeout=5)
        for proc in alive:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        head.wait(timeout=10)
        log.close()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture
def on_ray(ray_cluster: str, monkeypatch: pytest.MonkeyPatch) -> str:
    from medtune.jobs import ray_backend
    from medtune.settings import get_settings

    monkeypatch.setenv("MEDTUNE_JOBS_BACKEND", "ray")
    monkeypatch.setenv("MEDTUNE_RAY_ADDRESS", ray_cluster)
    # the worker runs as `python -m medtune...` on the cluster: this checkout must be what it imports
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                      os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    get_settings.cache_clear()
    ray_backend._client.cache_clear()
    return ray_cluster


def finished(job_id: str) -> manager.Job | None:
    job = manager.get_job(job_id)
    return None if job.active else job


def test_a_job_runs_on_the_cluster_and_reads_like_a_local_one(on_ray: str) -> None:
    job_id = manager.submit(selftest(steps=5, sleep_s=0.05, checkpoint_every=2))
    job = wait_until(lambda: finished(job_id), timeout=90)
    assert job.state == "succeeded", job.status
    assert job.status["backend"] == "ray" and job.status["ray_submission_id"] == f"medtune-{job_id}-a1"
    assert job.status["slot"] == "ray"
    assert [m["step"] for m in manager.metrics(job_id) if "loss" in m] == [1, 2, 3, 4, 5]
    assert "selftest done" in manager.log_tail(job_id)  # the worker's output went to log.txt, as locally
    from ray.job_submission import JobSubmissionClient

    # the worker writes its final status just before it exits; Ray sees the exit a moment later
    ray_client = JobSubmissionClient(on_ray)
    assert wait_until(lambda: (s := str(ray_client.get_job_status(job.status["ray_submission_id"]).value))
                      not in ("PENDING", "RUNNING") and s, timeout=30) == "SUCCEEDED"


def test_an_evaluation_job_in_the_foreground_runs_on_the_cluster_and_waits(on_ray: str, shared_data: Path) -> None:
    import json

    # background=False is what `medtune eval` / `medtune train` without --background do: submit, then wait
    job_id = manager.submit({"kind": "eval", "model": "majority", "dataset": "pubmedqa", "split": "dev", "n_boot": 50},
                        background=False)
    job = manager.get_job(job_id)
    assert job.state == "succeeded", job.status
    assert job.status["backend"] == "ray"  # it ran in a Ray job, with this process's MEDTUNE_DATA_DIR passed on
    evaluation = json.loads((job.dir / "eval.json").read_text())
    assert evaluation["split"]["n_items"] == 51 and 0 < evaluation["metrics"]["accuracy"]["value"] < 1


def test_a_training_job_asks_the_cluster_for_what_it_has(on_ray: str) -> None:
    from medtune.jobs import ray_backend

    start = time.monotonic()
    assert ray_backend.cluster_gpus() == 0.0  # the head was started with --num-gpus 0
    assert time.monotonic() - start < 10  # asked the dashboard, not a GCS address that times out
    assert ray_backend.resources({"kind": "train", "gpus": 2}) == {"entrypoint_num_cpus": 2.0}
    assert ray_backend.resources({"kind": "eval"}) == {"entrypoint_num_cpus": 1.0}


def test_a_sweep_fans_out_and_its_jobs_run_at_the_same_time(on_ray: str) -> None:
    ids = manager.sweep(selftest(steps=12, sleep_s=0.25), ["model-a", "model-b"])
    jobs = [wait_until(lambda i=i: finished(i), timeout=90) for i in ids]
    assert [j.state for j in jobs] == ["succeeded", "succeeded"]
    (a, b) = (j.status for j in jobs)
    # with one CPU each on a 2-CPU cluster, neither waited for the other (the local backend runs one at a time)
    assert a["started_at"] < b["ended_at"] and b["started_at"] < a["ended_at"], (a, b)
    assert {j.group for j in jobs} == {jobs[0].group}


def test_cancel_stops_a_running_job_and_resume_continues_it(on_ray: str) -> None:
    job_id = manager.submit(selftest(steps=400, sleep_s=0.05, checkpoint_every=5))
    wait_until(lambda: (manager.get_job(job_id).status.get("step") or 0) >= 6, timeout=90)
    manager.cancel(job_id)
    job = wait_until(lambda: finished(job_id), timeout=60)
    assert job.state == "cancelled" and job.reason == "CANCELLED"
    stopped_at = job.status["step"]
    assert 6 <= stopped_at < 400
    manager.resume(job_id)
    job = manager.get_job(job_id)
    assert job.status["ray_submission_id"] == f"medtune-{job_id}-a2"
    wait_until(lambda: (manager.get_job(job_id).status.get("step") or 0) > stopped_at, timeout=90)
    manager.cancel(job_id)
    assert wait_until(lambda: finished(job_id), timeout=60).state == "cancelled"
    assert manager.get_job(job_id).status["attempt"] == 2


def test_a_killed_worker_is_worker_lost(on_ray: str) -> None:
    job_id = manager.submit(selftest(steps=400, sleep_s=0.05))
    status = wait_until(lambda: (s := manager.get_job(job_id).status).get("pid") and (s.get("step") or 0) >= 2 and s,
                        timeout=90)
    os.kill(int(status["pid"]), signal.SIGKILL)
    job = wait_until(lambda: finished(job_id), timeout=60)
    assert job.state == "failed" and job.reason == "WORKER_LOST", job.status
    assert f"medtune-{job_id}-a1" in job.status["message"]  # the reason names the Ray submission
    assert "resume" in job.status["hint"]


def test_a_job_the_cluster_cannot_place_is_cancelled_while_pending(on_ray: str) -> None:
    # two busy jobs hold both CPUs; a third stays PENDING in Ray until cancelled
    busy = [manager.submit(selftest(steps=400, sleep_s=0.05, name=f"busy-{i}")) for i in range(2)]
    for job_id in busy:
        wait_until(lambda j=job_id: manager.get_job(j).status.get("state") == "running", timeout=90)
    waiting = manager.submit(selftest(steps=3, sleep_s=0))
    time.sleep(1.0)
    job = manager.get_job(waiting)
    assert job.state == "queued" and not job.status.get("pid")  # not WORKER_LOST: Ray still has it
    job = manager.cancel(waiting)
    assert job.state == "cancelled", job.status
    for job_id in busy:
        manager.cancel(job_id)
    for job_id in busy:
        assert wait_until(lambda j=job_id: finished(j), timeout=60).state == "cancelled"
    from ray.job_submission import JobSubmissionClient

    state = wait_until(lambda: (s := str(JobSubmissionClient(on_ray).get_job_status(
        f"medtune-{waiting}-a1").value)) in ("STOPPED", "FAILED", "SUCCEEDED") and s, timeout=30)
    assert state == "STOPPED"
    assert store.read_status(manager.get_job(waiting).dir)["state"] == "cancelled"
