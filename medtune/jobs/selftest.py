"""The `selftest` job kind: a real diagnostic job that exercises everything a training job does.

It counts steps with a configurable sleep, computes a deterministic "loss" from a seeded generator, writes
metrics and checkpoints (state.json + COMPLETE marker), can print lots of output, ignore cancel requests or
fail with a chosen reason at a chosen step. The jobs tests, `medtune jobs selftest` and demos of the Jobs
page drive it; because each step depends only on the seed and the previous state, a resumed run ends in
exactly the state of an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import platform
import random
import sys
import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from medtune.errors import ConfigError, DataError, NotAvailableError
from medtune.io import atomic_write_json, read_json
from medtune.jobs.context import JobContext

TOKENS_PER_STEP = 128  # what one synthetic step "processes", for the tokens/s figure


class SelftestConfig(BaseModel):
    """Options of a selftest job (every field of its config.yaml)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["selftest"] = "selftest"
    name: str = Field("selftest", description="Label shown in job lists.")
    group: str | None = Field(None, description="Sweep or comparison group.")
    model: str | None = Field(None, description="Recorded only (sweeps set it), not loaded.")
    steps: int = Field(20, ge=1, le=1_000_000, description="Planned number of steps.")
    sleep_s: float = Field(0.05, ge=0, le=60, description="Pause per step, seconds.")
    steps_per_epoch: int = Field(10, ge=1, description="Steps per 'epoch', for the epoch counter.")
    checkpoint_every: int = Field(0, ge=0, description="Write a checkpoint every N steps (0: never).")
    checkpoint_write_s: float = Field(
        0.0, ge=0, le=60, description="Pause between a checkpoint's files and its COMPLETE marker (not when resumed)."
    )
    checkpoint_write_at: int | None = Field(None, ge=1, description="Pause only at this step's checkpoint.")
    print_bytes: int = Field(0, ge=0, le=1_000_000_000, description="Extra output to print, spread over steps.")
    fail_at: int | None = Field(None, ge=1, description="Fail when reaching this step.")
    fail_with: Literal["INTERNAL", "DATA", "CONFIG", "NOT_AVAILABLE", "OOM", "TORCH_OOM"] = Field(
        "INTERNAL", description="How to fail at `fail_at`: a typed error, a real MemoryError, or torch's OOM."
    )
    fail_message: str = Field("failure requested by the selftest config", description="Message of that failure.")
    ignore_cancel: bool = Field(False, description="Never check the cancel flag (tests the forced kill).")
    seed: int = Field(0, description="Seed of the synthetic loss.")


def validate_config(config: dict[str, Any]) -> SelftestConfig:
    try:
        return SelftestConfig.model_validate(config)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise ConfigError(
            f"selftest config field '{where}': {first['msg']} (got {first.get('input')!r})",
            hint=f"Fix '{where}' in config.yaml; see medtune.jobs.selftest.SelftestConfig for every field.",
        ) from err


def run(ctx: JobContext) -> None:
    cfg = validate_config(ctx.config)
    state, resumed_from = _initial_state(ctx)
    write_repro(ctx, cfg)
    print(f"selftest: {cfg.steps} steps, sleep {cfg.sleep_s}s, starting at step {state['step']}", flush=True)
    ctx.update(step=state["step"], total_steps=cfg.steps, epoch=state["step"] / cfg.steps_per_epoch,
               resumed_from=resumed_from)
    filler = _filler_line(cfg)
    t_last = time.time()
    steps_here = 0
    while state["step"] < cfg.steps:
        if not cfg.ignore_cancel:
            ctx.check_cancel()
        time.sleep(cfg.sleep_s)
        step = state["step"] + 1
        if cfg.fail_at == step:
            _fail(cfg)
        loss = _advance(state, cfg.seed)
        steps_here += 1
        now = time.time()
        tokens_per_s = TOKENS_PER_STEP / max(now - t_last, 1e-6)
        t_last = now
        lr = 1e-3 * (1 - step / cfg.steps)
        epoch = step / cfg.steps_per_epoch
        ctx.log_metrics({"step": step, "epoch": epoch, "loss": loss, "lr": lr, "tokens_per_s": tokens_per_s})
        print(f"step {step}/{cfg.steps} loss={loss:.5f}")
        for _ in range(filler[1]):
            print(filler[0])
        fields: dict[str, Any] = {"step": step, "epoch": epoch, "loss": loss, "lr": lr, "tokens_per_s": tokens_per_s}
        if cfg.checkpoint_every and step % cfg.checkpoint_every == 0:
            fields["val_metric"] = _save_checkpoint(ctx, cfg, state)
        ctx.update(**fields)
    result = {"steps_done": state["step"], "value": state["value"], "loss": state["loss"],
              "resumed_from": resumed_from, "steps_run_here": steps_here}
    atomic_write_json(ctx.job_dir / "result.json", result)
    print(f"selftest done: {json.dumps(result)}", flush=True)


def _initial_state(ctx: JobContext) -> tuple[dict[str, Any], int | None]:
    checkpoint = ctx.latest_complete_checkpoint() if ctx.resume else None
    if checkpoint is None:
        return {"step": 0, "value": 0.0, "loss": None}, None
    state = read_json(checkpoint / "state.json")
    print(f"selftest: resuming from {checkpoint.name} (step {state['step']})", flush=True)
    return state, int(state["step"])


def _advance(state: dict[str, Any], seed: int) -> float:
    """One deterministic step: the new state depends only on the seed, the step and the previous state."""
    step = state["step"] + 1
    rng = random.Random(seed * 1_000_003 + step)
    state["value"] = 0.9 * state["value"] + rng.random()
    state["loss"] = 2.0 / (1.0 + 0.1 * step) + 0.01 * state["value"]
    state["step"] = step
    return state["loss"]


def _save_checkpoint(ctx: JobContext, cfg: SelftestConfig, state: dict[str, Any]) -> float:
    path = ctx.new_checkpoint_dir(f"step-{state['step']:06d}")
    (path / "state.json").write_text(json.dumps(state), encoding="utf-8")
    if cfg.checkpoint_write_s and cfg.checkpoint_write_at in (None, state["step"]) and not ctx.resume:
        time.sleep(cfg.checkpoint_write_s)  # a window in which a kill leaves a checkpoint without marker
    ctx.mark_checkpoint_complete(path)
    val_metric = round(1.0 - state["loss"] / 2.0, 6)
    ctx.log_metrics({"step": state["step"], "val_metric": val_metric})
    return val_metric


def _filler_line(cfg: SelftestConfig) -> tuple[str, int]:
    """A 100-character line and how many of them to print per step to reach `print_bytes` in total."""
    line = "x" * 99
    per_step = -(-cfg.print_bytes // (100 * cfg.steps)) if cfg.print_bytes else 0
    return line, per_step


def _fail(cfg: SelftestConfig) -> None:
    if cfg.fail_with == "DATA":
        raise DataError(cfg.fail_message)
    if cfg.fail_with == "CONFIG":
        raise ConfigError(cfg.fail_message)
    if cfg.fail_with == "NOT_AVAILABLE":
        raise NotAvailableError(cfg.fail_message)
    if cfg.fail_with == "OOM":
        bytearray(1 << 62)  # a real allocation failure: no machine has 4 EiB, so malloc returns NULL
    if cfg.fail_with == "TORCH_OOM":
        import torch

        raise torch.OutOfMemoryError(f"CUDA out of memory. Tried to allocate 4.00 GiB ({cfg.fail_message})")
    raise RuntimeError(cfg.fail_message)


def write_repro(ctx: JobContext, cfg: SelftestConfig) -> None:
    config_text = json.dumps(cfg.model_dump(), sort_keys=True)
    atomic_write_json(ctx.job_dir / "repro.json", {
        "config_sha256": hashlib.sha256(config_text.encode()).hexdigest(),
        "seed": cfg.seed,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    })
