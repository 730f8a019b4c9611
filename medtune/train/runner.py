"""The `train` job kind: `run(ctx)` validates the config, trains, evaluates and records the run.

Typed failures leave as `MedtuneError`s (CONFIG, DATA, NOT_AVAILABLE, OOM, CANCELLED); the job worker turns
them into a `failed` status with reason and hint. `run_local` runs the same in this process (foreground CLI,
tests), writing the same job-directory layout.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from medtune.data.tasks import get_task
from medtune.errors import ConfigError, MedtuneError, Reason
from medtune.io import atomic_write_text
from medtune.train.config import TrainConfig, dump_yaml, parse_config
from medtune.train.context import LocalRun, Reporter


def validate_config(config: dict[str, Any]) -> None:
    """Called by the job system before a train job queues: a broken config fails at once as CONFIG."""
    from medtune.models.registry import get_model

    cfg = parse_config(dict(config))
    check_combination(cfg, get_model(cfg.model))


def run(ctx: Reporter) -> None:
    cfg = parse_config(dict(ctx.config))
    result = train(cfg, ctx)
    ctx.update(message=f"done: {cfg.primary_metric} = {result['eval'].get('primary')}", result=result["eval"],
               **final_fields(cfg, result["eval"]))


def final_fields(cfg: TrainConfig, evaluation: dict[str, Any]) -> dict[str, Any]:
    """What the job table and page show of a finished run: its validation score and the metrics beside it."""
    primary = evaluation.get("primary")
    scalars = {k: v for k, v in (evaluation.get("metrics") or {}).items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return {"val_metric": primary if isinstance(primary, (int, float)) else None,
            "val_metric_name": cfg.primary_metric, "val_metrics": scalars, "phase": None, "phase_done": None,
            "phase_total": None}


def train(cfg: TrainConfig, ctx: Reporter) -> dict[str, Any]:
    from medtune.data.tasks import get_task
    from medtune.models.registry import get_model
    from medtune.train import repro

    spec = get_model(cfg.model)
    check_combination(cfg, spec)
    from medtune.train import distributed

    if distributed.should_launch(cfg):
        return distributed.launch(cfg, ctx)  # N processes run this function; rank 0 writes the job's files
    job_dir = Path(ctx.job_dir)
    repro.start_record(cfg, job_dir)
    with translate_oom():
        if get_task(cfg.task).is_classification:
            from medtune.train import classify

            result = classify.run(cfg, ctx)
        else:
            from medtune.train import sft

            result = sft.run(cfg, ctx)
    repro.finish_record(job_dir, result)
    return result


def check_combination(cfg: TrainConfig, spec: Any) -> None:
    """Fail fast, before loading anything, on combinations that cannot train."""
    if spec.kind == "api":
        raise ConfigError(f"model: {spec.name} is an API model; it can be evaluated but not fine-tuned")
    if get_task(cfg.task).is_generation and spec.kind == "encoder":
        raise ConfigError(f"model: {spec.name} is an encoder; task {cfg.task!r} needs a causal or seq2seq model")
    if cfg.method == "qlora":
        from medtune.train.modeling import load_kwargs

        load_kwargs(cfg)  # raises CONFIG when CUDA / bitsandbytes are missing
    if cfg.gpus > 1:
        from medtune.train.distributed import check_config

        check_config(cfg)  # GPUs present, a strategy this machine can run


class OutOfMemory(MedtuneError):
    reason = Reason.OOM


class translate_oom:
    """Turn CUDA / CPU allocation failures into an OOM error with its hint."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None or isinstance(exc, MedtuneError):
            return False
        text = str(exc).lower()
        if isinstance(exc, MemoryError) or "out of memory" in text or "can't allocate memory" in text:
            raise OutOfMemory(f"out of memory during training: {str(exc).splitlines()[0][:200]}") from exc
        return False


def new_run_dir(cfg: TrainConfig) -> Path:
    from medtune.settings import get_settings

    stamp = time.strftime("%Y%m%d-%H%M%S")
    return get_settings().runs_path / f"{stamp}-{cfg.task}-{Path(cfg.model).name}"


def run_local(cfg: TrainConfig, out: Path | None = None, *, resume: bool = False,
              cancel_after_step: int | None = None) -> tuple[Path, dict[str, Any]]:
    """Train in this process into `out` (a job-style directory); returns the directory and the result."""
    out = Path(out) if out else new_run_dir(cfg)
    ctx = LocalRun(out, cfg.to_dict(), resume=resume, cancel_after_step=cancel_after_step)
    if not (out / "config.yaml").exists():
        atomic_write_text(out / "config.yaml", dump_yaml(cfg))
    ctx.update(state="running", started_at=time.time(), pid=None, reason=None, message="starting")
    try:
        result = train(cfg, ctx)
    except MedtuneError as err:
        state = "cancelled" if err.reason == Reason.CANCELLED else "failed"
        ctx.update(state=state, ended_at=time.time(), **err.to_dict())
        raise
    except BaseException as exc:
        ctx.update(state="failed", ended_at=time.time(), reason="INTERNAL", message=str(exc)[:500])
        raise
    ctx.update(state="succeeded", ended_at=time.time(), progress=1.0, result=result["eval"],
               message=f"done: {cfg.primary_metric} = {result['eval'].get('primary')}",
               **final_fields(cfg, result["eval"]))
    return out, result
