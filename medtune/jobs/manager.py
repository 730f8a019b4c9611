"""The jobs API used by the pages, the CLI and other areas: submit, inspect, cancel, resume, clone, sweep.

Everything here reads and writes job directories; there is no server and no in-memory registry, so a page
reload, a second browser, a restarted app or a CLI in another terminal all see the same jobs. Readers also
check liveness: a `queued`/`running` job whose worker is gone becomes `failed: WORKER_LOST` on first sight.
"""

from __future__ import annotations

import copy
import os
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError
from medtune.jobs import index, kinds, liveness, store
from medtune.settings import PROJECT_ROOT

_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


@dataclass
class Job:
    """One job as read from its directory: the immutable config and the latest status."""

    dir: Path
    config: dict[str, Any]
    status: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.status.get("id") or self.dir.name)

    @property
    def state(self) -> str:
        return str(self.status.get("state"))

    @property
    def reason(self) -> str | None:
        return self.status.get("reason")

    @property
    def kind(self) -> str | None:
        return self.config.get("kind")

    @property
    def name(self) -> str:
        return str(self.config.get("name") or self.kind)

    @property
    def group(self) -> str | None:
        return self.config.get("group")

    @property
    def active(self) -> bool:
        return self.state in store.ACTIVE_STATES

    def to_dict(self) -> dict[str, Any]:
        return {**self.status, "id": self.id, "dir": str(self.dir), "kind": self.kind, "name": self.name,
                "group": self.group, "config": self.config}


# --- launching ----------------------------------------------------------------------------------------------


def submit(config: dict[str, Any], background: bool = True, *, job_dir: Path | None = None,
           validate: bool = True) -> str:
    """Create a job from `config` and start it; returns the job id.

    The kind's `validate_config` runs first (unless `validate=False`), so a broken config raises ConfigError
    here and leaves no job behind. `background=False` runs the job in this process and returns when it ends
    (its output still goes to log.txt as well). `job_dir` puts the job in that directory instead of
    `runs/<id>/` (which then links to it).
    """
    return _submit(_named(config), background, job_dir=job_dir, validate=validate)


def _submit(config: dict[str, Any], background: bool, *, job_dir: Path | None = None, validate: bool = True,
            extra_status: dict[str, Any] | None = None) -> str:
    if validate:
        validate_config(config)
    path = store.create_job(config, at=job_dir, extra_status=extra_status)
    _start(path, resume=False, background=background)
    return path.name


def validate_config(config: dict[str, Any]) -> None:
    """Check `kind` and, when the kind defines `validate_config`, every field; raises ConfigError."""
    _, validator = kinds.resolve(kinds.kind_of(config))
    if validator is not None:
        validator(config)


def _named(config: dict[str, Any]) -> dict[str, Any]:
    config = copy.deepcopy(dict(config))
    kinds.kind_of(config)
    if not config.get("name"):
        parts = [config.get("kind"), config.get("task"), config.get("model")]
        config["name"] = "-".join(str(p).split("/")[-1] for p in parts if p)
    return config


def _start(job_dir: Path, resume: bool, background: bool) -> None:
    from medtune.jobs import queue
    from medtune.settings import get_settings

    if get_settings().jobs_backend == "ray":  # the cluster schedules it; a foreground run waits for it
        from medtune.jobs import ray_backend

        ray_backend.submit(job_dir, resume=resume)
        if not background:
            wait(job_dir)
        return
    queue.enqueue(job_dir)
    if background:
        launch(job_dir, resume=resume)
        return
    from medtune.jobs.worker import run_job, tee_output

    with tee_output(job_dir):
        run_job(job_dir, resume=resume)


def launch(job_dir: Path, resume: bool = False) -> subprocess.Popen:
    """Start a detached worker for `job_dir`: own session (it outlives the page or CLI that started it),
    output appended to log.txt (never a pipe: a full pipe nobody reads blocks the writer forever)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-m", "medtune.jobs.worker", str(job_dir)] + (["--resume"] if resume else [])
    with open(Path(job_dir) / store.LOG_FILE, "ab") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env, close_fds=True)
    liveness.register_child(proc)
    try:
        identity = liveness.process_identity(proc.pid)
    except Exception:  # it already exited: the pid alone lets readers see that
        identity = {"pid": proc.pid}
    store.transition(job_dir, store.ACTIVE_STATES, **identity)
    return proc


# --- reading ------------------------------------------------------------------------------------------------


def get_job(ref: str | Path) -> Job:
    """The job with this id (or unique id prefix, or directory), its liveness checked."""
    job_dir = store.resolve_job_dir(ref)
    status = liveness.refresh(job_dir)
    return Job(job_dir, store.read_config_or_stub(job_dir), status)


def list_jobs(state: str | None = None, group: str | None = None, kind: str | None = None,
              limit: int | None = None) -> list[Job]:
    """Jobs newest first, optionally filtered; active ones are liveness-checked before filtering."""
    liveness.reap_children()
    try:
        index.sync()
        changed = False
        for job_dir, _, status in index.query(state=None):
            if status.get("state") in store.ACTIVE_STATES and store.is_job_dir(job_dir):
                changed |= liveness.refresh(job_dir).get("state") != status.get("state")
        if changed:
            index.sync()
        rows = index.query(state=state, group=group, kind=kind, limit=limit)
    except sqlite3.Error:  # the index is only a cache: fall back to reading the directories
        rows = _scan(state, group, kind, limit)
    return [Job(job_dir, config, status) for job_dir, config, status in rows]


def _scan(state: str | None, group: str | None, kind: str | None, limit: int | None) -> list[tuple]:
    rows = []
    for job_dir in store.iter_job_dirs(include_incomplete=True):
        config, status = store.read_config_or_stub(job_dir), liveness.refresh(job_dir)
        if (state in (None, status.get("state")) and group in (None, config.get("group"))
                and kind in (None, config.get("kind"))):
            rows.append((job_dir, config, status))
    rows.sort(key=lambda r: (r[2].get("created_at") or 0, r[0].name), reverse=True)
    return rows[:limit] if limit else rows


def metrics(ref: str | Path) -> list[dict[str, Any]]:
    return store.read_metrics(store.resolve_job_dir(ref))


def log_tail(ref: str | Path, max_bytes: int = 20_000) -> str:
    return store.log_tail(store.resolve_job_dir(ref), max_bytes)


def repro(ref: str | Path) -> dict[str, Any] | None:
    """The reproducibility record (repro.json) when the job wrote one."""
    from medtune.io import read_json

    return read_json(store.resolve_job_dir(ref) / store.REPRO_FILE, default=None)


def wait(ref: str | Path, timeout_s: float | None = None, poll_s: float = 0.2) -> Job:
    """Poll until the job reaches a terminal state (or `timeout_s` passes); returns its last view."""
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while True:
        job = get_job(ref)
        if not job.active or (deadline is not None and time.monotonic() > deadline):
            return job
        time.sleep(poll_s)


# --- controlling --------------------------------------------------------------------------------------------


def cancel(ref: str | Path, timeout_s: float = store.DEFAULT_CANCEL_TIMEOUT_S) -> Job:
    """Ask the job to stop at its next step; after `timeout_s` its worker is killed. A finished job is left
    as it is."""
    job = get_job(ref)
    if job.active:
        store.request_cancel(job.dir, timeout_s)
        if job.status.get("ray_submission_id") and not job.status.get("pid"):
            _cancel_pending_ray_job(job)
        job = get_job(ref)
    return job


def _cancel_pending_ray_job(job: Job) -> None:
    """A Ray job whose worker has not started yet (no resources free) has nobody to read the flag: stop it."""
    from medtune.errors import DEFAULT_HINTS, Reason
    from medtune.jobs import ray_backend

    ray_backend.stop(job.status)
    store.finish(job.dir, "cancelled", only_if=("queued",), reason=Reason.CANCELLED.value,
                 message="cancelled before the cluster started it", hint=DEFAULT_HINTS[Reason.CANCELLED])


def resume(ref: str | Path, background: bool = True) -> str:
    """Start a failed or cancelled job again in its own directory, from its newest complete checkpoint."""
    job = get_job(ref)
    if job.state not in ("failed", "cancelled"):
        raise ConfigError(f"job {job.id} is {job.state}; only failed or cancelled jobs can be resumed",
                          hint="`medtune jobs clone ID --set FIELD=VALUE` starts a new run instead.")
    store.clear_cancel(job.dir)
    now = time.time()
    checkpoint = store.latest_complete_checkpoint(job.dir / store.CHECKPOINTS_DIR)
    reset = dict(state="queued", reason=None, message="", hint="", pid=None, pid_started_at=None,
                 queued_at=now, started_at=None, ended_at=None, eta_s=None, resumed=True,
                 attempt=int(job.status.get("attempt") or 1) + 1,
                 # where this attempt starts: the step of the checkpoint the kind will load (0: the beginning)
                 resumed_from=store.checkpoint_step(checkpoint) if checkpoint else 0,
                 resumed_from_checkpoint=checkpoint.name if checkpoint else None)
    if not store.transition(job.dir, ("failed", "cancelled"), **reset):
        raise ConfigError(f"job {job.id} changed state while resuming; look at it again")
    _start(job.dir, resume=True, background=background)
    return job.id


def clone(ref: str | Path, changes: dict[str, Any], background: bool = True) -> str:
    """A new job with the same config except `changes` ({"field": value}, dotted keys reach nested fields)."""
    source = get_job(ref)
    config = apply_changes(source.config, changes)
    if "name" not in changes:
        config["name"] = f"{source.name}-" + ",".join(f"{k}={v}" for k, v in changes.items())
    return _submit(config, background, extra_status={"cloned_from": source.id, "changes": changes})


def parse_changes(items: list[str]) -> dict[str, Any]:
    """`["lr=2e-4", "training.epochs=3"]` -> {"lr": 0.0002, "training.epochs": 3} (values read as YAML)."""
    import yaml

    changes: dict[str, Any] = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise ConfigError(f"{item!r}: expected FIELD=VALUE")
        try:
            parsed = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError as err:
            raise ConfigError(f"{item!r}: the value is not valid YAML ({err})") from err
        if isinstance(parsed, str) and _NUMBER.fullmatch(parsed.strip()):
            parsed = float(parsed)  # YAML 1.1 reads "2e-4" (no dot) as a string
        changes[field.strip()] = parsed
    if not changes:
        raise ConfigError("a clone needs at least one changed field (FIELD=VALUE)")
    return changes


def apply_changes(config: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    config = copy.deepcopy(config)
    for key, value in changes.items():
        *parents, leaf = key.split(".")
        node = config
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"config field {key!r}: {part!r} is not a section")
        node[leaf] = value
    return config


def sweep(config: dict[str, Any], models: list[str], background: bool = True) -> list[str]:
    """The same recipe once per model: one queued job each, all in one `group` for comparison. Every
    config is validated before any job starts, so a bad model name leaves no half sweep behind."""
    if not models:
        raise ConfigError("a sweep needs at least one model", hint="Pick two or more models to compare.")
    base = _named({k: v for k, v in config.items() if k != "model"})
    group = config.get("group") or f"sweep-{store.new_job_id()[:15]}"
    configs = [{**copy.deepcopy(base), "model": model, "group": group,
                "name": f"{base['name']}-{str(model).rstrip('/').split('/')[-1]}"} for model in models]
    for item in configs:
        validate_config(item)
    return [_submit(item, background, validate=False) for item in configs]
