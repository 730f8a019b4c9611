"""Training on several processes (one per GPU): `gpus: N` in the config, `medtune train --gpus N` on the CLI.

The job's own process (the worker, or `run_local`) does not train: it starts `accelerate launch` with N
processes running `python -m medtune.train.distributed JOB_DIR`, waits, and turns their exit into the job's
outcome. Each process runs the ordinary trainer (`runner.train`); the Hugging Face Trainer sees the
torchrun environment and wraps the model in DDP (or FSDP / DeepSpeed ZeRO-3, `distributed:`), each process
reading its own share of every batch, so `batch_size` is per process and the global batch is N × batch_size.

Only rank 0 writes the job's files (status, metrics, checkpoints' COMPLETE markers, adapter, eval.json, repro);
the other ranks write their copies into a scratch folder that is removed at the end, and read checkpoints
from the job's `checkpoints/` (so a resume loads the same checkpoint everywhere). Decisions that must be
taken at the same step on every rank — stop for a cancel, save a time-budget checkpoint — are agreed with
one all-reduce per step (`agree`): a rank that stopped alone would leave the others waiting in the next
gradient all-reduce.

On a machine without CUDA the processes use the gloo backend (accelerate's MULTI_CPU): that is how the test
suite checks that two processes give the loss curve of one process with the doubled batch.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from medtune.errors import (
    CancelledError,
    ConfigError,
    DataError,
    MedtuneError,
    NotAvailableError,
    Reason,
)

#: Set in the launched processes' environment: they train themselves instead of launching again.
RANK_ENV = "MEDTUNE_DISTRIBUTED_RANK_OF"
#: Per-rank failure records, read by the launching process to give the job its typed reason.
ERRORS_DIR = ".distributed"
#: Seconds a launch may take to stop after SIGTERM before it is killed.
STOP_GRACE_S = 30.0


# --- the launching side --------------------------------------------------------------------------------------


def should_launch(cfg: Any) -> bool:
    """True in the job's own process for a multi-process config; False inside a launched rank."""
    return int(getattr(cfg, "gpus", 1) or 1) > 1 and RANK_ENV not in os.environ


def check_config(cfg: Any) -> None:
    """CONFIG errors for multi-process settings this machine or this run cannot use (before anything loads)."""
    gpus = int(cfg.gpus)
    if gpus <= 1:
        return
    if cfg.stages:
        raise ConfigError("gpus: staged training (stages) runs on one process; set gpus: 1 or train one stage",
                          hint="Split the stages into separate runs to train each on several GPUs.")
    import torch

    if torch.cuda.is_available():
        if gpus > torch.cuda.device_count():
            raise ConfigError(f"gpus: {gpus} processes asked for, this machine has {torch.cuda.device_count()} GPU(s)",
                              hint="Set --gpus to at most the number of GPUs (nvidia-smi lists them).")
    elif cfg.distributed != "ddp":
        raise ConfigError(f"distributed: {cfg.distributed} needs CUDA GPUs; without them only ddp runs (on CPU, gloo)",
                          hint="Use distributed: ddp here, or run on a GPU machine.")
    if cfg.distributed == "deepspeed":
        try:
            import deepspeed  # noqa: F401
        except ImportError:
            raise ConfigError("distributed: deepspeed needs the deepspeed package (pip install deepspeed)",
                              hint="Or use distributed: fsdp, which needs nothing beyond torch.") from None


def launch_command(cfg: Any, job_dir: Path, *, resume: bool, port: int,
                   cancel_after_step: int | None = None) -> list[str]:
    """The `accelerate launch` command line that trains `job_dir` on cfg.gpus processes."""
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", str(cfg.gpus),
           "--num_machines", "1", "--machine_rank", "0", "--main_process_port", str(port),
           "--mixed_precision", "no",  # the Trainer's own bf16 flag decides precision (modeling.training_kwargs)
           "--dynamo_backend", "no"]
    cmd += strategy_flags(cfg)
    cmd += ["-m", "medtune.train.distributed", str(job_dir)]
    if resume:
        cmd.append("--resume")
    if cancel_after_step is not None:
        cmd += ["--cancel-after-step", str(cancel_after_step)]
    return cmd


def strategy_flags(cfg: Any) -> list[str]:
    """accelerate's flags for DDP, FSDP (full sharding, for models that do not fit one GPU) or ZeRO-3."""
    if cfg.distributed == "fsdp":
        # use_orig_params: LoRA leaves most parameters frozen, which FSDP's flat parameters only allow this way
        # (PEFT's FSDP guide); sharded state dicts avoid gathering a 70B model on rank 0 at every checkpoint.
        return ["--use_fsdp", "--fsdp_sharding_strategy", "FULL_SHARD",
                "--fsdp_auto_wrap_policy", "TRANSFORMER_BASED_WRAP", "--fsdp_state_dict_type", "SHARDED_STATE_DICT",
                "--fsdp_use_orig_params", "true", "--fsdp_cpu_ram_efficient_loading", "true",
                "--fsdp_sync_module_states", "true"]
    if cfg.distributed == "deepspeed":
        return ["--use_deepspeed", "--zero_stage", "3", "--zero3_init_flag", "true",
                "--zero3_save_16bit_model", "true", "--gradient_accumulation_steps", str(cfg.grad_accum),
                "--gradient_clipping", "1.0"]
    return ["--multi_gpu"]  # DDP; without CUDA, ACCELERATE_USE_CPU turns it into gloo processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch(cfg: Any, reporter: Any) -> dict[str, Any]:
    """Train on cfg.gpus processes and wait; returns the result rank 0 recorded (as `runner.train` does)."""
    import torch

    job_dir = Path(reporter.job_dir).absolute()
    check_config(cfg)
    errors = job_dir / ERRORS_DIR
    shutil.rmtree(errors, ignore_errors=True)
    errors.mkdir(parents=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1", **{RANK_ENV: str(job_dir)})
    if not torch.cuda.is_available():
        env["ACCELERATE_USE_CPU"] = "true"  # accelerate's MULTI_CPU: gloo instead of NCCL
    from medtune.settings import PROJECT_ROOT

    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    cmd = launch_command(cfg, job_dir, resume=bool(reporter.resume), port=free_port(),
                         cancel_after_step=getattr(reporter, "cancel_after_step", None))
    reporter.update(message=f"starting {cfg.gpus} training processes ({cfg.distributed})", processes=cfg.gpus,
                    distributed=cfg.distributed)
    print(f"[medtune] training on {cfg.gpus} processes ({cfg.distributed}); their output goes to "
          f"{job_dir / 'log.txt'}", flush=True)
    with open(job_dir / "log.txt", "ab") as log:
        log.write(f"[medtune] launching: {' '.join(cmd)}\n".encode())
        log.flush()
        # Same process group as this worker: a forced cancel (killpg of the worker's group) takes the ranks too.
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                cwd=str(PROJECT_ROOT))
        code = wait_for(proc)
    if code != 0:
        raise rank_failure(errors, code)
    shutil.rmtree(errors, ignore_errors=True)
    from medtune.io import read_json

    return {"eval": read_json(job_dir / "eval.json", default={}) or {}, "processes": cfg.gpus}


def wait_for(proc: subprocess.Popen) -> int:
    """Wait for the launch; if this process is interrupted (Ctrl-C, SIGTERM as cancel), stop the ranks first."""
    try:
        while proc.poll() is None:
            time.sleep(0.5)
        return int(proc.returncode)
    except BaseException:
        proc.terminate()  # torchrun's agent passes SIGTERM on to every rank
        try:
            proc.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise


_ERROR_CLASSES: dict[str, type[MedtuneError]] = {
    Reason.CANCELLED.value: CancelledError, Reason.DATA.value: DataError, Reason.CONFIG.value: ConfigError,
    Reason.NOT_AVAILABLE.value: NotAvailableError,
}


def rank_failure(errors: Path, code: int) -> MedtuneError:
    """The typed error of the lowest rank that recorded one (rank 0 first), else INTERNAL with the exit code."""
    from medtune.io import read_json

    for path in sorted(errors.glob("rank-*.json"), key=lambda p: int(p.stem.split("-")[1])):
        record = read_json(path, default=None)
        if isinstance(record, dict) and record.get("reason"):
            reason = record["reason"]
            if reason == Reason.OOM.value:
                from medtune.train.runner import OutOfMemory

                return OutOfMemory(record.get("message") or "out of memory", record.get("hint"))
            cls = _ERROR_CLASSES.get(reason)
            if cls is not None:
                return cls(record.get("message") or reason, record.get("hint"))
            return MedtuneError(f"rank {path.stem.split('-')[1]}: {record.get('message')}", record.get("hint"))
    return MedtuneError(f"the training processes exited with code {code} without a recorded error",
                        "The job log (log.txt) has each process's output.")


# --- the rank side -------------------------------------------------------------------------------------------


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def agree(*flags: bool) -> tuple[bool, ...]:
    """Each flag true on any rank -> true on every rank (one all-reduce); unchanged outside a process group."""
    import torch
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() < 2:
        return tuple(bool(f) for f in flags)
    device = torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else "cpu"
    votes = torch.tensor([1 if f else 0 for f in flags], dtype=torch.int32, device=device)
    dist.all_reduce(votes, op=dist.ReduceOp.MAX)
    return tuple(bool(v) for v in votes.tolist())


def barrier() -> None:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.barrier()


class RankReporter:
    """What `runner.train` reports to on one rank: the job's JobContext on rank 0, silence elsewhere.

    Ranks other than 0 keep their outputs (prepared data, their copy of the adapter) in `scratch`, but see the
    job's `checkpoints/`, so each rank resumes from the same checkpoint. Marking a checkpoint complete waits for
    every rank first: each writes its own RNG state into the checkpoint before the marker may say it is whole.
    """

    def __init__(self, job_dir: Path, config: dict[str, Any], *, resume: bool, scratch: Path | None,
                 cancel_after_step: int | None = None):
        from medtune.jobs.context import JobContext

        self.real_dir = Path(job_dir)
        self.main = scratch is None
        self.job_dir = self.real_dir if self.main else Path(scratch)
        self.config = config
        self.resume = resume
        self.cancel_after_step = cancel_after_step
        self._ctx = JobContext(self.real_dir, config, resume=resume)
        self._step = 0

    @property
    def checkpoints_dir(self) -> Path:
        return self._ctx.checkpoints_dir

    def update(self, **fields: Any) -> None:
        if "step" in fields:
            self._step = int(fields["step"] or 0)
        if self.main:
            self._ctx.update(**fields)

    def log_metrics(self, metrics: dict[str, Any]) -> None:
        if self.main:
            self._ctx.log_metrics(metrics)

    def cancel_requested(self) -> bool:
        """This rank's view; the callback agrees it across ranks (`agree`) before acting on it."""
        if self._ctx.cancel_requested():
            return True
        return self.cancel_after_step is not None and self._step >= self.cancel_after_step

    def mark_checkpoint_complete(self, path: Path) -> None:
        barrier()
        if self.main:
            self._ctx.mark_checkpoint_complete(path)
        barrier()  # nobody resumes or rotates checkpoints before the marker is on disk

    def latest_complete_checkpoint(self) -> Path | None:
        return self._ctx.latest_complete_checkpoint()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medtune.train.distributed",
                                     description="one rank of a multi-process training job (started by accelerate)")
    parser.add_argument("job_dir", type=Path)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--cancel-after-step", type=int, default=None)
    args = parser.parse_args(argv)
    return run_rank(args.job_dir, resume=args.resume, cancel_after_step=args.cancel_after_step)


def run_rank(job_dir: Path, *, resume: bool, cancel_after_step: int | None = None) -> int:
    """Train this rank's share; a failure is recorded in `.distributed/rank-N.json` for the launcher."""
    from medtune.jobs import store
    from medtune.train import runner
    from medtune.train.config import parse_config

    me = rank()
    scratch = None if me == 0 else Path(tempfile.mkdtemp(prefix=f"medtune-rank{me}-"))
    try:
        config = store.read_config(job_dir)
        cfg = parse_config(dict(config))
        cfg = per_rank_threads(cfg)
        reporter = RankReporter(job_dir, cfg.to_dict(), resume=resume, scratch=scratch,
                                cancel_after_step=cancel_after_step)
        runner.train(cfg, reporter)
        return 0
    except BaseException as err:
        record_failure(job_dir, me, err)
        return 1
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def per_rank_threads(cfg: Any) -> Any:
    """CPU ranks share the cores: each gets cores / local ranks threads unless the config fixes a number."""
    import psutil
    import torch

    if cfg.num_threads or torch.cuda.is_available():
        return cfg
    cores = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    local = int(os.environ.get("LOCAL_WORLD_SIZE", world_size()))
    return cfg.model_copy(update={"num_threads": max(1, cores // max(1, local))})


def record_failure(job_dir: Path, me: int, err: BaseException) -> None:
    from medtune.io import atomic_write_json
    from medtune.jobs.worker import classify, report

    _, fields = classify(err)
    report(err, fields)
    try:
        atomic_write_json(Path(job_dir) / ERRORS_DIR / f"rank-{me}.json", {**fields, "rank": me})
    except OSError:
        print(f"[medtune] rank {me}: {json.dumps(fields)}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
