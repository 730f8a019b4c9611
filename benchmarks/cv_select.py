"""5-fold cross-validation of the sentiment recipes on drug_reviews_explabox (issue 15): prints the figures
in docs/QUALITY.md ("Recipe selection by cross-validation").

    flock /tmp/medtune-cpu.lock python benchmarks/cv_select.py --only head-C1,head-C0.25,head-C4
    for f in 0 1 2 3 4; do flock /tmp/medtune-cpu.lock python benchmarks/cv_select.py --only recipe --folds $f; done
    python benchmarks/cv_select.py            # the full report from the finished folds (trains what is missing)

Candidates: the current default recipe (LoRA r=16 on MiniLM, 256 tokens, 6 epochs, lr 1e-3), full fine-tuning
(the recipe with method=full, lr 5e-5) and class-balanced logistic-regression heads on frozen mean-pooled
MiniLM embeddings (256 tokens) at three L2 strengths. Every candidate sees the same folds (stratified, seed 13)
of the 600 labelled reviews (the official test inputs have no labels here and are never used). Finished folds
are kept under --out, so each fold of a 9-minute training recipe can run in its own locked session.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CANDIDATES = {
    "recipe": "recipe",
    "full": "recipe:method=full",
    "head-C0.25": "frozen-head:C=0.25",
    "head-C1": "frozen-head:C=1",
    "head-C4": "frozen-head:C=4",
}


def main() -> int:
    from medtune.train.select import cross_validate, parse_candidate, report_text

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="drug_reviews_explabox")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--only", help="comma-separated candidate names to run now (default: all)")
    parser.add_argument("--folds", help="comma-separated folds to run now (default: all)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/medtune-cv-sentiment"))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(CANDIDATES)
    unknown = [n for n in names if n not in CANDIDATES]
    if unknown:
        parser.error(f"unknown candidates {unknown}; known: {list(CANDIDATES)}")
    folds = [int(f) for f in args.folds.split(",")] if args.folds else None
    started = time.time()
    report = cross_validate(args.dataset, "sentiment", [parse_candidate(f"{n}={CANDIDATES[n]}") for n in names],
                            k=args.k, seed=args.seed, out_dir=args.out, only_folds=folds,
                            log=lambda m: print(m, flush=True))
    print(report_text(report))
    print(f"wall {time.time() - started:.0f} s; report {args.out / 'cv.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
