"""Maps Hugging Face Trainer events onto a job: live status, metrics lines, checkpoints, cancellation.

Cancellation is checked after every optimizer step; when asked, the trainer saves a checkpoint and stops
at that step boundary, so `medtune jobs resume` continues exactly where it stopped. Besides the recipe's
per-epoch checkpoints, one is saved every `checkpoint_minutes` of training, so a worker killed mid-epoch
(kill -9, a machine restart) loses minutes, not the epoch. Evaluation passes report their own progress
(`phase`, `phase_done` / `phase_total` items), so the Jobs page says "evaluating validation (n / N)" instead
of a finished bar with ETA 0 s while thousands of validation rows are scored.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from medtune.train.context import Reporter


class TokenMeter:
    """Counts useful (non-padding) tokens the model trained on; trainers add to it in compute_loss."""

    def __init__(self) -> None:
        self.tokens = 0

    def add_batch(self, inputs: dict[str, Any]) -> None:
        mask = inputs.get("attention_mask")
        if mask is not None:
            self.tokens += int(mask.sum())
        elif "input_ids" in inputs:  # packed (padding-free) batches carry no mask
            self.tokens += int(inputs["input_ids"].numel()) - packed_tail_padding(inputs)


def packed_tail_padding(inputs: dict[str, Any]) -> int:
    """Pad tokens closing packed rows: the last position block of a row (positions restart per sequence)
    when none of its labels is trained. A real sequence always has a trained token (its answer)."""
    positions, labels = inputs.get("position_ids"), inputs.get("labels")
    if positions is None or labels is None:
        return 0
    pad = 0
    for pos_row, label_row in zip(positions.tolist(), labels.tolist()):
        start = max(i for i, p in enumerate(pos_row) if p == 0)
        if start > 0 and all(x == -100 for x in label_row[start:]):
            pad += len(pos_row) - start
    return pad


def memory_mb() -> float:
    import psutil
    import torch

    if torch.cuda.is_available():
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return round(psutil.Process().memory_info().rss / 2**20, 1)


#: Aim for at least this many loss points per run: a 10-step run logged every 10 steps draws a single dot.
MIN_LOSS_POINTS = 50
#: Seconds between two status updates while evaluation batches run (each update rewrites status.json).
PHASE_UPDATE_S = 0.5


def short_run_logging_steps(configured: int, max_steps: int) -> int:
    """Log often enough for a curve: every step for runs under MIN_LOSS_POINTS steps, never less often than
    configured."""
    return max(1, min(int(configured), max_steps // MIN_LOSS_POINTS))


def record_resume(reporter: Reporter, checkpoint: Path | None, stage: str) -> None:
    """Say where a resumed attempt really starts: in status.json (`resumed_from`: the step, 0 = from scratch;
    `resumed_from_checkpoint`: its folder) and as a resume line in metrics.jsonl, after which readers drop the
    earlier attempt's lines past that step."""
    from medtune.jobs.store import RESUME_EVENT, checkpoint_step

    step = (checkpoint_step(checkpoint) or 0) if checkpoint is not None else 0
    reporter.update(resumed_from=step, resumed_from_checkpoint=str(checkpoint.name) if checkpoint is not None else None)
    reporter.log_metrics({"event": RESUME_EVENT, "step": step or 0, "stage": stage})


class ProgressCallback(TrainerCallback):
    def __init__(self, reporter: Reporter, meter: TokenMeter, *, stage: str, stage_index: int = 0, n_stages: int = 1,
                 metric: str | None = None, checkpoint_minutes: float = 0.0):
        self.reporter = reporter
        self.meter = meter
        self.stage = stage
        self.stage_index = stage_index
        self.n_stages = n_stages
        self.metric = metric  # the validation metric shown as the job's val_metric (e.g. weighted_f1)
        self.metric_name = "eval_loss" if metric == "loss" else metric  # as TrainConfig.primary_metric says it
        self.checkpoint_s = float(checkpoint_minutes) * 60.0
        self.cancelled = False
        self._start = time.monotonic()
        self._start_step = 0
        self._last = (time.monotonic(), 0)
        self._last_save = time.monotonic()
        self._phase_steps = 0
        self._phase_shown = 0.0
        self.phase_name = "evaluating validation"

    def on_train_begin(self, args, state, control, **kwargs):
        self._start = time.monotonic()
        self._last_save = self._start
        self._start_step = state.global_step  # > 0 when resuming: the ETA counts only steps run here
        self._last = (self._start, self.meter.tokens)
        state.logging_steps = short_run_logging_steps(state.logging_steps, state.max_steps)
        stage = f" stage {self.stage_index + 1}/{self.n_stages} ({self.stage})" if self.n_stages > 1 else ""
        self.reporter.update(step=state.global_step, total_steps=state.max_steps, stage=self.stage,
                             stage_index=self.stage_index, n_stages=self.n_stages, phase=None,
                             message=f"training{stage}")

    def on_step_end(self, args, state, control, **kwargs):
        done = state.global_step - self._start_step
        elapsed = time.monotonic() - self._start
        remaining = state.max_steps - state.global_step
        eta = elapsed / done * remaining if done else None
        progress = (self.stage_index + state.global_step / max(1, state.max_steps)) / self.n_stages
        self.reporter.update(step=state.global_step, total_steps=state.max_steps, epoch=round(state.epoch or 0, 3),
                             progress=round(progress, 4), eta_s=round(eta, 1) if eta is not None else None,
                             tokens_per_s=round(self.meter.tokens / elapsed, 1) if elapsed else None,
                             tokens=self.meter.tokens, memory_mb=memory_mb(), phase=None)
        from medtune.train.distributed import agree

        # Several processes must save and stop at the same step (docs/SCALING.md): the flags are agreed first.
        save_due, cancel = agree(bool(self.checkpoint_s and time.monotonic() - self._last_save >= self.checkpoint_s),
                                 self.reporter.cancel_requested())
        if save_due:
            control.should_save = True  # a time-budget checkpoint: a kill mid-epoch loses minutes, not the epoch
        if cancel:
            self.cancelled = True
            control.should_save = True  # a complete checkpoint at the step we stop at: resume starts here
            control.should_training_stop = True
        return control

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = dict(logs or {})
        now = time.monotonic()
        record: dict[str, Any] = {"step": state.global_step, "epoch": round(state.epoch or 0, 4), "stage": self.stage}
        if "loss" in logs:
            last_time, last_tokens = self._last
            record["loss"] = logs.pop("loss")
            record["lr"] = logs.pop("learning_rate", None)
            if now > last_time:
                record["tokens_per_s"] = round((self.meter.tokens - last_tokens) / (now - last_time), 1)
            self._last = (now, self.meter.tokens)
            record["tokens"] = self.meter.tokens  # real (non-padding) tokens trained on so far
        for key, value in logs.items():
            if isinstance(value, (int, float)) and key not in ("epoch", "total_flos"):
                record[key] = value
        if self.metric and isinstance(logs.get(f"eval_{self.metric}"), (int, float)):
            record["val_metric"] = logs[f"eval_{self.metric}"]  # a point on the curve at each evaluation
        self.reporter.log_metrics(record)
        live = {key: record[key] for key in ("loss", "lr", "val_metric") if record.get(key) is not None}
        if "eval_loss" in record:
            live["val_loss"] = record["eval_loss"]
        if live:
            self.reporter.update(**live, **({"val_metric_name": self.metric_name} if "val_metric" in live else {}))

    def on_prediction_step(self, args, state, control, eval_dataloader=None, **kwargs):
        """One evaluation batch done: report `phase_done / phase_total` items (at most every PHASE_UPDATE_S)."""
        self._phase_steps += 1
        total = len(eval_dataloader.dataset) if eval_dataloader is not None and hasattr(eval_dataloader, "dataset") \
            else None
        batches = len(eval_dataloader) if eval_dataloader is not None else None
        now = time.monotonic()
        if self._phase_steps > 1 and now - self._phase_shown < PHASE_UPDATE_S and self._phase_steps != batches:
            return
        self._phase_shown = now
        done = min(total, self._phase_steps * args.per_device_eval_batch_size) if total else None
        self.reporter.update(phase=self.phase_name, phase_done=done, phase_total=total,
                             message=f"{self.phase_name} ({done} / {total})" if total else self.phase_name)

    def end_phase(self, message: str | None = None) -> None:
        self._phase_steps = 0
        self.reporter.update(phase=None, phase_done=None, phase_total=None,
                             **({"message": message} if message else {}))

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        metrics = metrics or {}
        self._phase_steps = 0
        values = {k: v for k, v in metrics.items() if isinstance(v, (int, float))}
        extra = {"val_metric": values[f"eval_{self.metric}"], "val_metric_name": self.metric_name} \
            if self.metric and f"eval_{self.metric}" in values else {}
        self.reporter.update(val_metrics=values, phase=None, phase_done=None, phase_total=None,
                             message=f"training{'' if self.n_stages == 1 else f' ({self.stage})'}", **extra)

    def on_predict(self, args, state, control, metrics=None, **kwargs):
        self._phase_steps = 0

    def on_save(self, args, state, control, **kwargs):
        self._last_save = time.monotonic()
        path = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if path.is_dir():
            self.reporter.mark_checkpoint_complete(path)
