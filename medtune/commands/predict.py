"""`medtune predict --run RUN_DIR --dataset NAME --input FILE.jsonl --output FILE.jsonl`."""

from __future__ import annotations

import argparse

from medtune.cli import emit


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "predict", help="predict with a trained run",
        description="Read records in the dataset's own format (label fields ignored) and write one JSON line "
                    'per record: {"id", "label", "confidence", "probs"} (generative runs: {"id", "output"}).',
    )
    p.add_argument("--run", required=True, help="a finished run (job) directory")
    p.add_argument("--dataset", required=True, help="the registered dataset whose format the input is in")
    p.add_argument("--input", required=True, help="input JSONL (or CSV/TSV/JSON) file")
    p.add_argument("--output", required=True, help="where to write the predictions (JSONL)")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(func=cmd_predict, batch_process=True)


def cmd_predict(args: argparse.Namespace) -> int:
    from medtune.train.predict import predict_file

    count = predict_file(args.run, args.dataset, args.input, args.output)
    emit({"predictions": count, "output": args.output}, args.json, f"wrote {count} predictions to {args.output}")
    return 0
