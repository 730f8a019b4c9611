"""Is a job's worker still alive? Judged by pid *and* process start time, never by pid alone.

A pid can be reused by an unrelated process after the worker dies, and a finished child of the process
that launched it stays a zombie (its pid still exists) until reaped. So the status records the worker's
pid, its start time and the host; any reader that finds a `queued`/`running` job whose process is gone
marks it `failed: WORKER_LOST` — this is what makes `kill -9` of a worker, or a machine restart, visible
without a supervisor daemon (h2o-llmstudio's UI does the same for jobs whose process vanished).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from medtune.errors import Reason
from medtune.jobs import store

#: A job just submitted has no pid until the launcher records it; give the launch this long.
LAUNCH_GRACE_S = 15.0
#: psutil derives start times from boot time + clock ticks; allow for rounding, not for pid reuse.
START_TIME_TOLERANCE_S = 1.0

#: A worker seen from another host is judged lost after this long without a status update (workers update
#: at every step, and every minute while they wait in the queue).
FOREIGN_HOST_SILENCE_S = 1800.0

_CHILDREN: dict[int, subprocess.Popen] = {}


def process_identity(pid: int | None = None) -> dict[str, Any]:
    """The fields a status records so that later readers can recognise this exact process."""
    import psutil

    pid = os.getpid() if pid is None else pid
    return {"pid": pid, "pid_started_at": psutil.Process(pid).create_time(), "host": socket.gethostname()}


def register_child(proc: subprocess.Popen) -> None:
    """Remember a worker this process launched, so that `reap_children` can collect it when it exits."""
    _CHILDREN[proc.pid] = proc


def reap_children() -> None:
    """Collect exited workers we launched; otherwise they stay zombies for as long as we run."""
    for pid, proc in list(_CHILDREN.items()):
        if proc.poll() is not None:
            _CHILDREN.pop(pid, None)


def is_alive(status: dict[str, Any]) -> bool:
    """True while the process recorded in `status` runs (or cannot be judged from here)."""
    import psutil

    if status.get("ray_submission_id"):  # a job on a Ray cluster: Ray knows whether its worker still runs
        from medtune.jobs import ray_backend

        if not ray_backend.is_alive(status, FOREIGN_HOST_SILENCE_S):
            return False
        if not status.get("pid") or status.get("host") != socket.gethostname():
            return True  # started elsewhere, or not yet: Ray's word is all there is
    if status.get("host") and status["host"] != socket.gethostname():
        # Another machine's process (a shared runs dir) or this machine under a new hostname (a recreated
        # container): its pid means nothing here, so only a long silence counts as death.
        return time.time() - float(status.get("updated_at") or 0.0) < FOREIGN_HOST_SILENCE_S
    pid = status.get("pid")
    if not pid:
        since = status.get("queued_at") or status.get("created_at") or 0.0
        return time.time() - since < LAUNCH_GRACE_S
    reap_children()
    try:
        proc = psutil.Process(int(pid))
        started = proc.create_time()
        zombie = proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True
    recorded = status.get("pid_started_at")
    if recorded is not None and abs(started - float(recorded)) > START_TIME_TOLERANCE_S:
        return False  # the pid now belongs to another process
    return not zombie


def refresh(job_dir: Path, status: dict[str, Any] | None = None) -> dict[str, Any]:
    """The job's status after checking its worker: marks WORKER_LOST, or forces an overdue cancel."""
    status = store.read_status(job_dir) if status is None else status
    if status.get("state") not in store.ACTIVE_STATES:
        return status
    if not is_alive(status):
        store.finish(
            job_dir,
            "failed",
            reason=Reason.WORKER_LOST.value,
            message=lost_message(status),
            hint=store.resume_hint(job_dir),
        )
        return store.read_status(job_dir)
    request = store.cancel_request(job_dir)
    if request and time.time() - request["requested_at"] > float(request["timeout_s"]) and status.get("pid"):
        force_cancel(job_dir, status, request)
        return store.read_status(job_dir)
    return status


def lost_message(status: dict[str, Any]) -> str:
    if status.get("ray_submission_id"):
        from medtune.jobs import ray_backend

        return ray_backend.lost_message(status)
    return (f"the worker process (pid {status.get('pid')}) is gone: it was killed, crashed, or the machine "
            "restarted before the job finished")


def force_cancel(job_dir: Path, status: dict[str, Any], request: dict[str, Any]) -> None:
    """Kill a worker that ignored its cancel flag past the timeout, then record the job as cancelled."""
    if status.get("ray_submission_id"):
        from medtune.jobs import ray_backend

        ray_backend.stop(status)
    else:
        kill_worker(int(status["pid"]))
    store.finish(
        job_dir,
        "cancelled",
        reason=Reason.CANCELLED.value,
        message=f"cancelled: the worker did not stop within {float(request['timeout_s']):g} s and was killed",
        hint=store.resume_hint(job_dir),
    )


def kill_worker(pid: int) -> None:
    """SIGKILL the worker's whole process group (it leads its own session), or just the pid otherwise."""
    try:
        if os.getpgid(pid) == pid and pid != os.getpgid(0):
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    reap_children()
