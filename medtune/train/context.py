"""What a trainer needs from its job: the `Reporter` protocol, and `LocalRun`, a directory-backed one.

`medtune.jobs.context.JobContext` satisfies the same protocol; `LocalRun` runs a config in this process
(the CLI's foreground mode and tests) with the same directory layout as a job (docs/CONTRACTS.md), so
`medtune predict --run DIR` and the Jobs page read either alike.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any, Protocol

from medtune.io import append_jsonl, atomic_write_json, read_json

COMPLETE_MARKER = "COMPLETE"
OUTPUT_INFO = "medtune.json"  # written next to a saved adapter / model: what predict needs to load it


class Reporter(Protocol):
    job_dir: Path
    config: dict[str, Any]
    resume: bool

    def update(self, **fields: Any) -> None: ...
    def log_metrics(self, metrics: dict[str, Any]) -> None: ...
    def cancel_requested(self) -> bool: ...
    @property
    def checkpoints_dir(self) -> Path: ...
    def mark_checkpoint_complete(self, path: Path) -> None: ...
    def latest_complete_checkpoint(self) -> Path | None: ...


def latest_complete(directory: Path) -> Path | None:
    """The highest-step `checkpoint-N` under `directory` whose completion marker exists."""
    if not directory.is_dir():
        return None
    found = []
    for child in directory.iterdir():
        match = re.fullmatch(r"checkpoint-(\d+)", child.name)
        if match and (child / COMPLETE_MARKER).is_file():
            found.append((int(match.group(1)), child))
    return max(found)[1] if found else None


class LocalRun:
    """A run directory written by this process (no worker, no queue)."""

    def __init__(self, job_dir: Path, config: dict[str, Any], resume: bool = False,
                 cancel_after_step: int | None = None):
        self.job_dir = Path(job_dir)
        self.config = config
        self.resume = resume
        # Tests (and a foreground Ctrl-C handler) request a cancel without a second process.
        self.cancel_after_step = cancel_after_step
        self._step = 0
        self.job_dir.mkdir(parents=True, exist_ok=True)

    @property
    def checkpoints_dir(self) -> Path:
        return self.job_dir / "checkpoints"

    def update(self, **fields: Any) -> None:
        status = read_json(self.job_dir / "status.json", default={}) or {}
        status.update(fields)
        self._step = int(status.get("step") or 0)
        atomic_write_json(self.job_dir / "status.json", status)

    def log_metrics(self, metrics: dict[str, Any]) -> None:
        append_jsonl(self.job_dir / "metrics.jsonl", {"time": time.time(), **metrics})

    def cancel_requested(self) -> bool:
        if (self.job_dir / "cancel").exists():
            return True
        return self.cancel_after_step is not None and self._step >= self.cancel_after_step

    def mark_checkpoint_complete(self, path: Path) -> None:
        (Path(path) / COMPLETE_MARKER).write_text(time.strftime("%Y-%m-%dT%H:%M:%S"), encoding="utf-8")

    def latest_complete_checkpoint(self) -> Path | None:
        return latest_complete(self.checkpoints_dir)
