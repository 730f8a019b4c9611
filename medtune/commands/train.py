"""`medtune train` — fine-tune from a config file or from the task's default recipe plus flags.

    medtune train --task misinformation --dataset covid_fake_news --model minilm --method lora
    medtune train --config run.yaml --max-steps 100 --background
    medtune train --config run.yaml --gpus 4                 # 4 processes (DDP) through accelerate

Every run is a job (medtune.jobs): in the foreground it runs in this process and prints the result;
with --background it starts a worker and returns at once (`medtune jobs show ID` follows it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from medtune.cli import emit
from medtune.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("train", help="fine-tune a model (LoRA / QLoRA / full)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="a YAML training config (as the Train page writes it)")
    p.add_argument("--task", help="misinformation, claim_verification, qa_decision, hallucination, sentiment, "
                                  "intensity, mcq or sft")
    p.add_argument("--dataset", help="registered dataset name (`medtune data list`)")
    p.add_argument("--model", help="registry name, hub id or local directory (default minilm)")
    p.add_argument("--method", choices=["lora", "qlora", "full"],
                   help="default: the task's recipe (full for misinformation and hallucination on an encoder, else lora)")
    p.add_argument("--epochs", type=float, help="passes over the training data")
    p.add_argument("--max-steps", type=int, help="stop after this many optimizer steps")
    p.add_argument("--gpus", type=int, help="train on N processes, one per GPU, through accelerate (config: gpus; "
                                            "batch size is per process)")
    p.add_argument("--distributed", choices=["ddp", "fsdp", "deepspeed"],
                   help="with --gpus: ddp (default), or fsdp / deepspeed (ZeRO-3) for models that do not fit one GPU")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="FIELD=VALUE",
                   help="any other config field (dotted names for nested ones, e.g. lora.r=16); repeatable")
    p.add_argument("--out", help="run directory (default: a new job directory under MEDTUNE_HOME/runs)")
    p.add_argument("--background", action="store_true", help="run as a background job and return at once")
    p.add_argument("--print-config", action="store_true", help="print the resolved config and exit")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_train)


def resolve_config(args: argparse.Namespace):
    """The TrainConfig the flags describe: a file or the recipe, then --epochs/--max-steps/--set on top."""
    from medtune.train.config import apply_sets, default_recipe, load_config_file, parse_config

    if args.config:
        data = load_config_file(args.config).to_dict()
        for flag in ("task", "dataset", "model", "method"):
            if getattr(args, flag):
                data[flag] = getattr(args, flag)
    else:
        if args.task:  # an unknown task is the first thing to say, with the list (not "give --dataset")
            from medtune.data.tasks import get_task

            get_task(args.task)
        missing = [f"--{f}" for f in ("task", "dataset") if not getattr(args, f)]
        if missing:
            raise ConfigError(f"give --config FILE.yaml, or {' and '.join(missing)}",
                              hint="e.g. medtune train --task misinformation --dataset covid_fake_news; "
                                   "`medtune data list` shows the datasets")
        data = default_recipe(args.task, args.dataset, args.model or "minilm", args.method).to_dict()
    if args.epochs is not None:
        data["epochs"] = args.epochs
    if args.max_steps is not None:
        data["max_steps"] = args.max_steps
    if args.gpus is not None:
        data["gpus"] = args.gpus
    if args.distributed is not None:
        data["distributed"] = args.distributed
    return parse_config(apply_sets(data, args.sets))


def cmd_train(args: argparse.Namespace) -> int:
    from medtune.train.config import dump_yaml

    cfg = resolve_config(args)
    if args.print_config:
        emit(cfg.to_dict(), args.json, dump_yaml(cfg).rstrip())
        return 0
    from medtune.jobs import manager

    job_id = manager.submit(cfg.to_dict(), background=args.background, job_dir=Path(args.out) if args.out else None)
    job = manager.get_job(job_id)
    if args.background:
        emit(job.to_dict(), args.json, f"started job {job_id} in {job.dir}\nfollow it: medtune jobs show {job_id}")
        return 0
    summary = {**job.to_dict(), "eval": _read_eval(job.dir)}
    if job.state != "succeeded":
        emit(summary, args.json, f"job {job_id} {job.state}: [{job.reason}] {job.status.get('message')}\n"
                                 f"hint: {job.status.get('hint')}")
        return 1
    ev = summary["eval"] or {}
    emit(summary, args.json, f"job {job_id} succeeded in {job.dir}\n"
                             f"validation {ev.get('primary_metric')}: {ev.get('primary')}  "
                             f"(accuracy {ev.get('metrics', {}).get('accuracy')})")
    return 0


def _read_eval(job_dir: Path) -> dict | None:
    from medtune.io import read_json

    return read_json(Path(job_dir) / "eval.json")
