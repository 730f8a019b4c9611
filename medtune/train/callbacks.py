"""Maps Hugging Face Trainer events onto a job: live status, metrics lines, checkpoints, cancellation.

Cancellation is checked after every optimizer step; when asked, the trainer saves a checkpoint and stops
at that step boundary, so `medtune jobs resume` continues exactly where it stopped.
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


class ProgressCallback(TrainerCallback):
    def __init__(self, reporter: Reporter, meter: TokenMeter, *, stage: str, stage_index: int = 0, n_stages: int = 1):
        self.reporter = reporter
        self.meter = meter
        self.stage = stage
        self.stage_index = stage_index
        self.n_stages = n_stages
        self.cancelled = False
        self._start = time.monotonic()
        self._start_step = 0
        self._last = (time.monotonic(), 0)

    def on_train_begin(self, args, state, control, **kwargs):
        self._start = time.monotonic()
        self._start_step = state.global_step  # > 0 when resuming: the ETA counts only steps run here
        self._last = (self._start, self.meter.tokens)
        self.reporter.update(step=state.global_step, total_steps=state.max_steps, stage=self.stage,
                             stage_index=self.stage_index, n_stages=self.n_stages)

    def on_step_end(self, args, state, control, **kwargs):
        done = state.global_step - self._start_step
        elapsed = time.monotonic() - self._start
        remaining = state.max_steps - state.global_step
        eta = elapsed / done * remaining if done else None
        progress = (self.stage_index + state.global_step / max(1, state.max_steps)) / self.n_stages
        self.reporter.update(step=state.global_step, total_steps=state.max_steps, epoch=round(state.epoch or 0, 3),
                             progress=round(progress, 4), eta_s=round(eta, 1) if eta is not None else None,
                             tokens_per_s=round(self.meter.tokens / elapsed, 1) if elapsed else None,
                             tokens=self.meter.tokens, memory_mb=memory_mb())
        if self.reporter.cancel_requested():
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
        self.reporter.log_metrics(record)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        metrics = metrics or {}
        self.reporter.update(val_metrics={k: v for k, v in metrics.items() if isinstance(v, (int, float))})

    def on_save(self, args, state, control, **kwargs):
        path = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if path.is_dir():
            self.reporter.mark_checkpoint_complete(path)
