"""`medtune select` — choose a recipe by k-fold cross-validation on a dataset's train + validation (issue 15).

    medtune select --dataset drug_reviews_explabox --candidate lora=recipe \
        --candidate full=recipe:method=full --candidate head=frozen-head:C=1 --k 5 --out cv-sentiment

Each candidate is trained on k−1 folds and scored on the held-out fold, for every fold; the output gives each
fold's figure, mean ± sd and the majority-class baseline per fold, flags a candidate that does not beat the
majority on every fold, and names the chosen one (OUT/cv.json). Finished folds are reused on a rerun, so
`--folds 0,1` then `--folds 2,3,4` builds the same report in two shorter runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medtune.cli import emit
from medtune.errors import ConfigError

DEFAULT_CANDIDATES = ["recipe=recipe", "frozen-head=frozen-head"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("select", help="choose a recipe by k-fold cross-validation (mean ± sd, vs majority)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", required=True, help="registered dataset name (`medtune data list`)")
    p.add_argument("--task", help="classification task (default: the dataset's default task)")
    p.add_argument("--candidate", action="append", default=[], metavar="NAME=KIND[:field=value,...]",
                   help="KIND is recipe (the task's default recipe; fields override it, e.g. method=full), "
                        "frozen-head (fields C, max_length) or majority; repeatable "
                        f"(default: {' '.join(DEFAULT_CANDIDATES)})")
    p.add_argument("--k", type=int, default=5, help="number of folds (default 5)")
    p.add_argument("--seed", type=int, default=13, help="seed of the fold assignment (default 13)")
    p.add_argument("--limit", type=int, help="use only the first N labelled rows (quick trials)")
    p.add_argument("--folds", help="run only these folds now, e.g. 0,1 (finished folds are reused)")
    p.add_argument("--out", required=True, help="output folder: cv.json and one file per candidate and fold")
    p.add_argument("--json", action="store_true", help="print cv.json instead of the table")
    p.set_defaults(func=cmd_select)


def cmd_select(args: argparse.Namespace) -> int:
    from medtune.train.select import cross_validate, parse_candidate, report_text

    candidates = [parse_candidate(c) for c in (args.candidate or DEFAULT_CANDIDATES)]
    only = None
    if args.folds:
        try:
            only = [int(f) for f in args.folds.split(",") if f.strip()]
        except ValueError:
            raise ConfigError(f"--folds {args.folds!r}: expected fold numbers such as 0,1,2") from None
    report = cross_validate(args.dataset, args.task, candidates, k=args.k, seed=args.seed, out_dir=Path(args.out),
                            limit=args.limit, only_folds=only, log=lambda m: print(m, file=sys.stderr))
    emit(report, args.json, report_text(report) + f"\nwritten: {Path(args.out) / 'cv.json'}")
    return 0
