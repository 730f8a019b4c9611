"""The job directory (docs/CONTRACTS.md, "Jobs"): the single source of truth about a job.

`config.yaml` is written once; `status.json` is only ever replaced atomically (medtune.io.atomic_write_json),
and every read-modify-write of it happens under an fcntl lock on `.status.lock`, so the worker, a reader
marking WORKER_LOST and `cancel` never lose each other's fields. A checkpoint directory counts only once its
COMPLETE marker exists — written last, as nanochat writes its manifest last "so its existence means the
download completed".
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError, NotAvailableError
from medtune.io import append_jsonl, atomic_write_json, atomic_write_text, read_json
from medtune.settings import get_settings

CONFIG_FILE = "config.yaml"
STATUS_FILE = "status.json"
LOG_FILE = "log.txt"
METRICS_FILE = "metrics.jsonl"
CANCEL_FILE = "cancel"
REPRO_FILE = "repro.json"
CHECKPOINTS_DIR = "checkpoints"
COMPLETE_MARKER = "COMPLETE"
LOCK_FILE = ".status.lock"

ACTIVE_STATES = ("queued", "running")
TERMINAL_STATES = ("succeeded", "failed", "cancelled")
STATES = ACTIVE_STATES + TERMINAL_STATES
DEFAULT_CANCEL_TIMEOUT_S = 30.0

_STEP_RE = re.compile(r"(\d+)$")
_JOB_ID_RE = re.compile(r"\d{8}-\d{6}-\d{3}-[0-9a-f]{6}")
#: A folder with a job id's name but no config.yaml counts as an abandoned launch only after this long:
#: `create_job` writes status.json and config.yaml within milliseconds of making the folder.
INCOMPLETE_GRACE_S = 10.0


def runs_dir() -> Path:
    path = get_settings().runs_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_job_id(now: float | None = None) -> str:
    """A unique id that sorts by creation time: `YYYYmmdd-HHMMSS-mmm-xxxxxx` (UTC, milliseconds, random).

    24 random bits: ids made in the same millisecond collide with probability 2^-24 per pair (16 bits gave a
    ~1.5% chance of one repeat among 2,000 ids made 0.7 ms apart); `create_job` also retries on a taken id.
    """
    now = time.time() if now is None else now
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    return f"{stamp}-{int(now * 1000) % 1000:03d}-{secrets.token_hex(3)}"


def is_job_dir(path: Path) -> bool:
    return path.is_dir() and (path / CONFIG_FILE).is_file()


def is_incomplete_job_dir(path: Path, now: float | None = None) -> bool:
    """A folder named like a job whose launch was killed before config.yaml was written (often holding only a
    `.status.json.*.tmp`): nothing ran in it, but it must still be listed so the user can see and remove it."""
    path = Path(path)
    if not _JOB_ID_RE.fullmatch(path.name) or not path.is_dir() or (path / CONFIG_FILE).exists():
        return False
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    return age > INCOMPLETE_GRACE_S


def iter_job_dirs(root: Path | None = None, *, include_incomplete: bool = False) -> Iterator[Path]:
    """Job directories under `root`, by name; with `include_incomplete`, abandoned launches too."""
    root = runs_dir() if root is None else root
    if root.is_dir():
        for path in sorted(root.iterdir()):
            if path.name.startswith("."):
                continue
            if is_job_dir(path) or (include_incomplete and is_incomplete_job_dir(path)):
                yield path


def resolve_job_dir(ref: str | Path) -> Path:
    """A job id, a unique id prefix or a job directory path -> the directory; NotAvailableError otherwise."""
    ref_str = str(ref).strip()
    as_path = Path(ref_str).expanduser()
    if is_job_dir(as_path) and (as_path.is_absolute() or os.sep in ref_str):
        return as_path.resolve()
    root = runs_dir()
    if ref_str and (is_job_dir(root / ref_str) or is_incomplete_job_dir(root / ref_str)):
        return root / ref_str
    matches = [p for p in iter_job_dirs(root, include_incomplete=True) if ref_str and p.name.startswith(ref_str)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = ", ".join(p.name for p in matches[:5])
        raise ConfigError(f"job id prefix {ref_str!r} is ambiguous: {names}", hint="Give more of the job id.")
    raise NotAvailableError(
        f"no job {ref_str!r} in {root}", hint="`medtune jobs list` shows the jobs and their ids."
    )


# --- config -------------------------------------------------------------------------------------------------


def dump_config(config: dict[str, Any]) -> str:
    import yaml

    try:
        text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    except yaml.YAMLError as err:
        raise ConfigError(f"job config is not plain data (str, numbers, lists, dicts): {err}") from err
    return text


def read_config(job_dir: Path) -> dict[str, Any]:
    import yaml

    path = Path(job_dir) / CONFIG_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise NotAvailableError(f"{path} is missing: not a job directory") from err
    except yaml.YAMLError as err:
        raise ConfigError(f"{path} is not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping, found {type(data).__name__}")
    return data


def read_config_or_stub(job_dir: Path) -> dict[str, Any]:
    """The config, or for a folder whose config.yaml is missing or damaged a stand-in naming the problem, so
    one broken folder never hides the other jobs (listing) or raises where a job is only shown."""
    try:
        return read_config(job_dir)
    except (ConfigError, NotAvailableError, OSError) as err:
        message = err.message if isinstance(err, (ConfigError, NotAvailableError)) else str(err)
        return {"kind": None, "name": Path(job_dir).name, "error": message}


def create_job(config: dict[str, Any], *, at: Path | None = None, extra_status: dict[str, Any] | None = None) -> Path:
    """Make `runs/<new id>/` with its immutable config.yaml and a `queued` status; returns the directory.

    With `at`, the job lives in that (new or empty) directory instead and `runs/<id>` is a symlink to it, so
    listing, the index and its rebuild still find it.
    """
    text = dump_config(config)
    root = runs_dir()
    for _ in range(20):
        now = time.time()
        job_id = new_job_id(now)
        link = root / job_id
        if link.exists() or link.is_symlink():
            continue
        target = link if at is None else Path(at).expanduser().resolve()
        try:
            target.mkdir(parents=True, exist_ok=at is not None)
        except FileExistsError:
            if at is not None:
                raise ConfigError(f"{target} exists and is not a folder",
                                  hint="Choose a new --out directory.") from None
            continue
        except OSError as err:
            raise ConfigError(f"cannot create the job directory {target}: {err.strerror or err}",
                              hint="Choose an --out folder on a disk you can write to.") from None
        if at is not None:
            if any(target.iterdir()):
                raise ConfigError(f"job directory {target} already exists and is not empty",
                                  hint="Choose a new --out directory or remove the old one.")
            link.symlink_to(target, target_is_directory=True)
        # status first: a directory only counts as a job once config.yaml exists (is_job_dir)
        atomic_write_json(target / STATUS_FILE, {**initial_status(job_id, now), **(extra_status or {})})
        (target / CHECKPOINTS_DIR).mkdir(exist_ok=True)
        atomic_write_text(target / CONFIG_FILE, text)
        return link
    raise RuntimeError(f"could not create a unique job directory under {root}")


def initial_status(job_id: str, now: float) -> dict[str, Any]:
    return {
        "id": job_id,
        "state": "queued",
        "reason": None,
        "message": "",
        "hint": "",
        "pid": None,
        "step": 0,
        "total_steps": None,
        "epoch": None,
        "progress": 0.0,
        "eta_s": None,
        "created_at": now,
        "queued_at": now,
        "started_at": None,
        "ended_at": None,
        "updated_at": now,
        "attempt": 1,
    }


# --- status -------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def status_lock(job_dir: Path) -> Iterator[None]:
    """Exclusive lock for a read-modify-write of status.json; the kernel drops it if the holder dies."""
    with open(Path(job_dir) / LOCK_FILE, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def read_status(job_dir: Path) -> dict[str, Any]:
    """The current status. Atomic rewrites mean a read never sees half a file; a damaged file (edited by hand,
    a disk fault) is reported rather than raised, and is left on disk untouched: as `succeeded` when the job's
    outputs show it finished (`reconciled_status`), as a failed job otherwise."""
    path = Path(job_dir) / STATUS_FILE
    for attempt in range(3):
        try:
            data = read_json(path, default=None)
        except (json.JSONDecodeError, UnicodeDecodeError, IsADirectoryError) as err:
            if attempt < 2:
                time.sleep(0.01)
                continue
            return damaged_status(job_dir, f"{path} is unreadable: {err}")
        if data is None:
            return damaged_status(job_dir, f"{path} is missing")
        if not isinstance(data, dict):
            return damaged_status(job_dir, f"{path} holds {type(data).__name__}, not a status object")
        return data
    raise AssertionError("unreachable")


def damaged_status(job_dir: Path, problem: str) -> dict[str, Any]:
    job_dir = Path(job_dir)
    if not (job_dir / CONFIG_FILE).exists():
        leftovers = sorted(p.name for p in job_dir.iterdir()) if job_dir.is_dir() else []
        return {"id": job_dir.name, "state": "failed", "reason": "INTERNAL", "damaged": True, "incomplete": True,
                "message": "incomplete job folder: its launch was stopped before config.yaml was written, so nothing "
                           f"ran (it holds {', '.join(leftovers) or 'nothing'})",
                "hint": f"Delete {job_dir} and launch the job again.",
                "created_at": _mtime(job_dir)}
    reconciled = reconciled_status(job_dir, problem)
    if reconciled is not None:
        return reconciled
    return {"id": job_dir.name, "state": "failed", "reason": "INTERNAL", "message": problem,
            "hint": "Inspect the file by hand.", "damaged": True, "created_at": _mtime(job_dir / CONFIG_FILE)}


def finished_outputs(job_dir: Path) -> list[str]:
    """The output files that prove a job finished (written last by its kind), or [] when they are not all there:
    a train job's eval.json and its saved adapter / model (medtune.json is written after the weights), an eval
    job's eval.json (written after predictions.jsonl)."""
    job_dir = Path(job_dir)
    kind = read_config_or_stub(job_dir).get("kind")
    evaluation = read_json(job_dir / "eval.json", default=None) if (job_dir / "eval.json").is_file() else None
    if not isinstance(evaluation, dict):
        return []
    if kind == "train":
        saved = [f"{name}/medtune.json" for name in ("adapter", "model") if (job_dir / name / "medtune.json").is_file()]
        return ["eval.json", *saved] if saved else []
    if kind == "eval":
        return ["eval.json"] if evaluation.get("schema") else []
    return []


def reconciled_status(job_dir: Path, problem: str) -> dict[str, Any] | None:
    """A status rebuilt from the job's outputs when status.json was damaged after (or while) the job finished."""
    try:
        outputs = finished_outputs(job_dir)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not outputs:
        return None
    job_dir = Path(job_dir)
    evaluation = read_json(job_dir / "eval.json", default={}) or {}
    primary = evaluation.get("primary")
    return {"id": job_dir.name, "state": "succeeded", "reason": None, "damaged": True, "reconciled": True,
            "message": f"{problem}; the job's outputs ({', '.join(outputs)}) are complete, so it is shown as "
                       "succeeded",
            "hint": "status.json is left as it was; the figures come from eval.json.",
            "progress": 1.0, "created_at": _mtime(job_dir / CONFIG_FILE), "ended_at": _mtime(job_dir / "eval.json"),
            "val_metric": primary if isinstance(primary, (int, float)) else None,
            "val_metric_name": evaluation.get("primary_metric")}


def _mtime(path: Path) -> float | None:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return None


def update_status(job_dir: Path, **fields: Any) -> dict[str, Any]:
    """Merge `fields` into status.json atomically under the lock; returns the new status."""
    with status_lock(job_dir):
        status = read_status(job_dir)
        if status.get("damaged"):
            return status
        status.update(fields)
        status["updated_at"] = time.time()
        atomic_write_json(Path(job_dir) / STATUS_FILE, status)
        return status


def transition(job_dir: Path, expected: tuple[str, ...], **fields: Any) -> bool:
    """Merge `fields` only while the state is one of `expected` (checked under the lock); True when written."""
    with status_lock(job_dir):
        status = read_status(job_dir)
        if status.get("damaged") or status.get("state") not in expected:
            return False
        status.update(fields, updated_at=time.time())
        atomic_write_json(Path(job_dir) / STATUS_FILE, status)
        return True


def finish(job_dir: Path, state: str, *, only_if: tuple[str, ...] = ACTIVE_STATES, **fields: Any) -> bool:
    """Move the job to a terminal `state` unless it already left `only_if`; True when this call wrote it.

    Both the worker and any reader may try to end a job (success, WORKER_LOST, forced cancel); the check
    happens under the status lock so the first writer wins and a terminal state is never overwritten.
    """
    assert state in TERMINAL_STATES, state
    now = time.time()
    return transition(job_dir, only_if, **fields, state=state, ended_at=now, eta_s=None)


# --- metrics and log ----------------------------------------------------------------------------------------


def append_metrics(job_dir: Path, record: dict[str, Any]) -> None:
    append_jsonl(Path(job_dir) / METRICS_FILE, record)


def read_metrics(job_dir: Path) -> list[dict[str, Any]]:
    """Every complete metrics line that still counts; a damaged line (a crash mid-append on some filesystems)
    is skipped, and so are lines a resume superseded (`drop_superseded`)."""
    path = Path(job_dir) / METRICS_FILE
    if not path.is_file():
        return []
    rows: list[dict[str, Any]] = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break  # still being written
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict):
                rows.append(row)
    return drop_superseded(rows)


RESUME_EVENT = "resume"


def drop_superseded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines of the attempt that counts. metrics.jsonl is append-only, so a job resumed from a checkpoint at
    step 60 after it had logged up to step 66 holds steps 61-66 twice. A resume line
    `{"event": "resume", "step": 60, "stage": ...}` drops the earlier lines of that stage after step 60; without
    one (older files, a restart from scratch), a step lower than one already seen in the same stage does the
    same from that step on. Stages count their steps from 0 each, so they are kept apart."""
    kept: list[dict[str, Any]] = []
    highest: dict[Any, float] = {}
    for row in rows:
        stage, step = row.get("stage"), row.get("step")
        if row.get("event") == RESUME_EVENT:
            point = float(step or 0)
            kept = [r for r in kept if r.get("stage") != stage or not _step_after(r, point, inclusive=False)]
            highest[stage] = point
            continue
        if isinstance(step, (int, float)) and not isinstance(step, bool):
            if step < highest.get(stage, float("-inf")):
                kept = [r for r in kept if r.get("stage") != stage or not _step_after(r, step, inclusive=True)]
                highest[stage] = step
            else:
                highest[stage] = max(step, highest.get(stage, step))
        kept.append(row)
    return kept


def _step_after(row: dict[str, Any], point: float, *, inclusive: bool) -> bool:
    step = row.get("step")
    if not isinstance(step, (int, float)) or isinstance(step, bool):
        return False
    return step >= point if inclusive else step > point


def log_tail(job_dir: Path, max_bytes: int = 20_000) -> str:
    """The end of log.txt (at most `max_bytes`, starting at a line boundary); "" when there is no log."""
    path = Path(job_dir) / LOG_FILE
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - max_bytes))
            data = fh.read()
    except FileNotFoundError:
        return ""
    if size > max_bytes and b"\n" in data:
        data = data.split(b"\n", 1)[1]
    return data.decode("utf-8", errors="replace")


# --- cancel flag --------------------------------------------------------------------------------------------


def request_cancel(job_dir: Path, timeout_s: float = DEFAULT_CANCEL_TIMEOUT_S) -> None:
    atomic_write_json(Path(job_dir) / CANCEL_FILE, {"requested_at": time.time(), "timeout_s": float(timeout_s)})


def cancel_request(job_dir: Path) -> dict[str, Any] | None:
    """The cancel request ({requested_at, timeout_s}) or None. An empty or hand-made flag file still counts."""
    path = Path(job_dir) / CANCEL_FILE
    if not path.exists():
        return None
    try:
        data = read_json(path, default=None)
    except (json.JSONDecodeError, UnicodeDecodeError, OSError):
        data = None
    if not isinstance(data, dict):
        try:
            data = {"requested_at": path.stat().st_mtime}
        except FileNotFoundError:
            return None
    data.setdefault("timeout_s", DEFAULT_CANCEL_TIMEOUT_S)
    return data


def clear_cancel(job_dir: Path) -> None:
    (Path(job_dir) / CANCEL_FILE).unlink(missing_ok=True)


# --- checkpoints --------------------------------------------------------------------------------------------


def checkpoint_step(path: Path) -> int | None:
    """The step a checkpoint is for, from the trailing number of its name (`step-000020`, `checkpoint-20`)."""
    match = _STEP_RE.search(Path(path).name)
    return int(match.group(1)) if match else None


def is_complete(checkpoint: Path) -> bool:
    return (Path(checkpoint) / COMPLETE_MARKER).is_file()


def mark_checkpoint_complete(checkpoint: Path) -> None:
    """Flush every file of the checkpoint to disk, then write the COMPLETE marker (atomically) last."""
    checkpoint = Path(checkpoint)
    if not checkpoint.is_dir():
        raise FileNotFoundError(f"checkpoint directory {checkpoint} does not exist")
    files = sorted(p for p in checkpoint.rglob("*") if p.is_file() and p.name != COMPLETE_MARKER)
    for path in files:
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
    marker = {"time": time.time(), "files": [str(p.relative_to(checkpoint)) for p in files]}
    atomic_write_json(checkpoint / COMPLETE_MARKER, marker)


def latest_complete_checkpoint(checkpoints_dir: Path) -> Path | None:
    """The complete checkpoint with the highest step number; incomplete ones (no marker) are ignored, and so
    are names without a step number (a `best/` or `final/` copy is not a place to resume from)."""
    checkpoints_dir = Path(checkpoints_dir)
    if not checkpoints_dir.is_dir():
        return None
    candidates = [
        (step, path)
        for path in checkpoints_dir.iterdir()
        if path.is_dir() and (step := checkpoint_step(path)) is not None and is_complete(path)
    ]
    return max(candidates)[1] if candidates else None


def resume_hint(job_dir: Path) -> str:
    """What `medtune jobs resume` will really do for this job, from the checkpoints on disk now."""
    job_dir = Path(job_dir)
    latest = latest_complete_checkpoint(job_dir / CHECKPOINTS_DIR)
    command = f"`medtune jobs resume {job_dir.name}`"
    if latest is not None:
        return f"{command} continues from step {checkpoint_step(latest)}, its newest complete checkpoint."
    return (f"{command} starts again from step 0: no complete checkpoint was saved before it stopped "
            "(training saves one every few minutes and at each epoch's end).")


def prepare_checkpoint_dir(checkpoints_dir: Path, name: str) -> Path:
    """An empty directory for a new checkpoint `name`; a leftover of an interrupted write is removed first."""
    path = Path(checkpoints_dir) / name
    if path.exists():
        (path / COMPLETE_MARKER).unlink(missing_ok=True)  # never leave a marker over half-replaced files
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path
