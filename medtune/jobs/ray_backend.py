"""Jobs on a Ray cluster (`MEDTUNE_JOBS_BACKEND=ray`, `MEDTUNE_RAY_ADDRESS=http://head:8265`).

The job directory stays the single source of truth (docs/CONTRACTS.md): a job is submitted through Ray's job
submission API as the same worker command a local job runs, `python -m medtune.jobs.worker JOB_DIR`, with its
output appended to JOB_DIR/log.txt. The worker writes status, metrics and checkpoints as it always does, so the
Jobs page and the CLI read a Ray job exactly like a local one. What Ray adds:

- scheduling: Ray starts the worker where the job's resources are free (`entrypoint_num_cpus`, and one GPU per
  training process), so a sweep's jobs run side by side across the cluster instead of waiting for the one
  local slot; the local queue is skipped.
- liveness: the status records `ray_submission_id`; a reader asks Ray, and a job Ray says is FAILED or STOPPED
  while its status is still queued / running is `failed: WORKER_LOST` (the worker was killed, its node died).
- cancel: the cancel flag as always (the worker stops at its next step); a job that has not started yet, or
  a worker that ignores the flag past its timeout, is stopped through Ray (`stop_job`).

Requirements: every node has medtune installed and sees the runs directory at the same path (a shared
filesystem), as it sees MEDTUNE_DATA_DIR and the model files.
"""

from __future__ import annotations

import os
import shlex
from functools import lru_cache
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError, NotAvailableError
from medtune.jobs import store

DEFAULT_ADDRESS = "http://127.0.0.1:8265"
#: Ray states in which the worker may still run (or start).
LIVE_STATES = ("PENDING", "RUNNING")
#: Environment the worker needs to find the same runs, data and models as the submitter.
FORWARDED_PREFIXES = ("MEDTUNE_", "HF_", "TRANSFORMERS_", "TOKENIZERS_", "OMP_", "ANONYMIZED_TELEMETRY",
                      "GRADIO_ANALYTICS_ENABLED")


def address() -> str:
    from medtune.settings import get_settings

    return get_settings().ray_address or os.environ.get("RAY_ADDRESS", "") or DEFAULT_ADDRESS


@lru_cache(maxsize=4)
def _client(addr: str) -> Any:
    try:
        from ray.job_submission import JobSubmissionClient
    except ImportError:
        raise NotAvailableError("MEDTUNE_JOBS_BACKEND=ray needs the ray package here",
                                hint="pip install 'medtune[cluster]' (ray[default]), or set MEDTUNE_JOBS_BACKEND=local.") \
            from None
    try:
        return JobSubmissionClient(addr)
    except (ConnectionError, RuntimeError, ValueError) as err:
        raise NotAvailableError(f"no Ray cluster answers at {addr}: {str(err).splitlines()[0][:200]}",
                                hint="Start one with `ray start --head` or set MEDTUNE_RAY_ADDRESS to its dashboard "
                                     "address (http://HEAD:8265).") from None


def client(addr: str | None = None) -> Any:
    return _client(addr or address())


def submission_id(job_dir: Path, attempt: int) -> str:
    """One Ray submission per attempt (Ray never reuses an id): `medtune-<job id>-a<attempt>`."""
    return f"medtune-{Path(job_dir).name}-a{attempt}"


def entrypoint(job_dir: Path, resume: bool) -> str:
    """The shell command Ray runs: the local worker, its output appended to the job's log (never a pipe)."""
    job_dir = Path(job_dir).absolute()
    worker = ["python", "-m", "medtune.jobs.worker", str(job_dir)] + (["--resume"] if resume else [])
    log = shlex.quote(str(job_dir / store.LOG_FILE))
    return f"exec {shlex.join(worker)} >> {log} 2>&1"


def resources(config: dict[str, Any]) -> dict[str, float]:
    """What the worker holds on the cluster: one CPU, and for training one GPU per process when the cluster
    has GPUs (`gpus` in the config; on a CPU-only cluster a training job asks for CPUs only)."""
    needs: dict[str, float] = {"entrypoint_num_cpus": 1.0}
    gpus = int(config.get("gpus") or 1) if config.get("kind") == "train" else 0
    if gpus and cluster_gpus() > 0:
        needs["entrypoint_num_gpus"] = float(gpus)
    elif gpus > 1:
        needs["entrypoint_num_cpus"] = float(gpus)
    return needs


def cluster_gpus() -> float:
    """GPUs the cluster reports (0 when it cannot be asked, e.g. ray's state API is unavailable)."""
    try:
        from ray.util.state import list_nodes

        nodes = list_nodes(address=address(), raise_on_missing_output=False, timeout=10)
        return float(sum((n.resources_total or {}).get("GPU", 0) for n in nodes))
    except Exception:
        return 0.0


def worker_env() -> dict[str, str]:
    """The submitter's medtune / Hugging Face settings, with the runs directory spelled out."""
    from medtune.settings import PROJECT_ROOT, get_settings

    env = {k: v for k, v in os.environ.items() if k.startswith(FORWARDED_PREFIXES)}
    env["MEDTUNE_RUNS_DIR"] = str(get_settings().runs_path.absolute())
    env["MEDTUNE_JOBS_BACKEND"] = "ray"
    env["PYTHONUNBUFFERED"] = "1"
    path = [str(PROJECT_ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(path))
    return env


def submit(job_dir: Path, resume: bool = False) -> str:
    """Submit the job's worker to the cluster; records `backend`, `ray_submission_id`, `ray_address`."""
    job_dir = Path(job_dir).absolute()
    status = store.read_status(job_dir)
    config = store.read_config(job_dir)
    sid = submission_id(job_dir, int(status.get("attempt") or 1))
    addr = address()
    store.transition(job_dir, store.ACTIVE_STATES, backend="ray", ray_submission_id=sid, ray_address=addr,
                     pid=None, pid_started_at=None, host=None)
    try:
        client(addr).submit_job(entrypoint=entrypoint(job_dir, resume), submission_id=sid,
                                runtime_env={"env_vars": worker_env()},
                                metadata={"medtune_job": job_dir.name, "kind": str(config.get("kind"))},
                                **resources(config))
    except NotAvailableError:
        raise
    except Exception as err:  # the cluster refused it: the job must not stay queued forever
        message = f"Ray did not accept the job: {str(err).splitlines()[0][:300]}"
        store.finish(job_dir, "failed", reason="NOT_AVAILABLE", message=message,
                     hint=f"Check the cluster at {addr} (`ray status`), then `medtune jobs resume {job_dir.name}`.")
        raise ConfigError(message) from None
    return sid


def ray_state(status: dict[str, Any]) -> tuple[str | None, str]:
    """(Ray's state of the job's submission, its message); (None, why) when the cluster cannot be asked."""
    sid = status.get("ray_submission_id")
    try:
        info = client(status.get("ray_address") or None).get_job_info(sid)
    except NotAvailableError as err:
        return None, err.message
    except Exception as err:
        return None, str(err).splitlines()[0][:200] if str(err) else type(err).__name__
    return str(getattr(info.status, "value", info.status)), str(info.message or "")


def is_alive(status: dict[str, Any], silence_s: float) -> bool:
    """Ray says PENDING / RUNNING (and, on this host, the recorded worker pid still runs); when Ray cannot be
    asked, alive while the status was updated within `silence_s`."""
    import time

    state, _ = ray_state(status)
    if state is None:
        return time.time() - float(status.get("updated_at") or 0.0) < silence_s
    return state in LIVE_STATES


def lost_message(status: dict[str, Any]) -> str:
    state, message = ray_state(status)
    detail = f"Ray says {state}" + (f": {message}" if message else "") if state else message
    return (f"the Ray job {status.get('ray_submission_id')} ended before the job did ({detail}): the worker was "
            "killed, crashed, or its node left the cluster")


def stop(status: dict[str, Any]) -> bool:
    """Ask Ray to stop the job's submission (SIGTERM, then SIGKILL after Ray's grace period)."""
    try:
        return bool(client(status.get("ray_address") or None).stop_job(status["ray_submission_id"]))
    except Exception:
        return False
