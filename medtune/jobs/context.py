"""`JobContext`: everything a job kind's `run(ctx)` needs to report progress and checkpoint safely.

A kind calls `ctx.update(step=..., total_steps=..., loss=...)` as it goes; the context adds what the kind
should not have to compute — progress, ETA from this run's own pace, elapsed time and memory use — and
writes status.json atomically. `ctx.check_cancel()` at each step turns a cancel request into a graceful
stop (CancelledError) at a step boundary.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medtune.errors import CancelledError
from medtune.jobs import store


@dataclass
class JobContext:
    job_dir: Path
    config: dict[str, Any]
    resume: bool = False
    _pace_start: tuple[float, int] | None = field(default=None, repr=False)
    _total_steps: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.job_dir = Path(self.job_dir)

    @property
    def job_id(self) -> str:
        return Path(self.job_dir).name

    @property
    def checkpoints_dir(self) -> Path:
        path = Path(self.job_dir) / store.CHECKPOINTS_DIR
        path.mkdir(parents=True, exist_ok=True)
        return path

    # --- live state -----------------------------------------------------------------------------------------

    def update(self, **fields: Any) -> dict[str, Any]:
        """Merge fields (step, total_steps, epoch, loss, lr, val_metric, tokens_per_s, ...) into status.json,
        adding progress, eta_s, elapsed_s and memory use."""
        fields.update(self._pace(fields))
        fields.update(memory_usage())
        return store.update_status(self.job_dir, **fields)

    def log_metrics(self, record: dict[str, Any]) -> None:
        """Append one line to metrics.jsonl (a `time` stamp is added when missing)."""
        store.append_metrics(self.job_dir, {"time": time.time(), **record})

    def _pace(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Progress and ETA from steps done *in this process* — after a resume, the restored steps did not
        take any time here and would make the ETA far too optimistic."""
        step, total = fields.get("step"), fields.get("total_steps")
        if step is None:
            return {}
        now = time.time()
        if self._pace_start is None:
            self._pace_start = (now, int(step))
        if total is None:
            total = self._total_steps
            if total is None:
                total = self._total_steps = store.read_status(self.job_dir).get("total_steps")
        else:
            self._total_steps = total
        out: dict[str, Any] = {}
        if total:
            out["progress"] = min(1.0, float(step) / float(total))
            t0, s0 = self._pace_start
            if step > s0 and now > t0:
                rate = (step - s0) / (now - t0)
                out["eta_s"] = round(max(0.0, (float(total) - step) / rate), 1)
                out["steps_per_s"] = round(rate, 3)
        return out

    # --- cancel ---------------------------------------------------------------------------------------------

    def cancel_requested(self) -> bool:
        return (Path(self.job_dir) / store.CANCEL_FILE).exists()

    def check_cancel(self) -> None:
        """Raise CancelledError when a cancel was requested; call it at each step boundary."""
        if self.cancel_requested():
            raise CancelledError("cancelled at the user's request")

    # --- checkpoints ----------------------------------------------------------------------------------------

    def new_checkpoint_dir(self, name: str) -> Path:
        """An empty `checkpoints/<name>/` (a half-written leftover of the same name is removed first)."""
        return store.prepare_checkpoint_dir(self.checkpoints_dir, name)

    def mark_checkpoint_complete(self, path: Path) -> None:
        store.mark_checkpoint_complete(path)

    def latest_complete_checkpoint(self) -> Path | None:
        return store.latest_complete_checkpoint(self.checkpoints_dir)


def memory_usage() -> dict[str, float]:
    """RSS of this process and, when torch already runs on CUDA here, GPU memory allocated and its peak."""
    import psutil

    out = {"rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1)}
    torch = sys.modules.get("torch")  # never import torch just to report memory
    try:
        if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
            out["gpu_mem_mb"] = round(torch.cuda.memory_allocated() / 2**20, 1)
            out["gpu_peak_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    except Exception:  # a broken CUDA setup must not break progress reporting
        pass
    return out
