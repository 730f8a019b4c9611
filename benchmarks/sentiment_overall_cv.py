"""Cross-validated overall accuracy of the learned overall head (medtune/sentiment/combine.py) against the
reader-weighting rule, on the tuning reviews only (data/eval/reviews dev + dev2, data/eval/independent dev half).

    flock /tmp/medtune-cpu.lock python benchmarks/sentiment_overall_cv.py [--repeats 10] [--c 0.3,1,3]

Prints mean ± sd over repeated stratified 5-fold splits, pooled and per source (docs/SENTIMENT.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.combine import cross_validate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--c", default="0.3,1,3", help="inverse L2 strengths to compare")
    args = parser.parse_args()
    report = cross_validate(Analyzer(overall_head=None), repeats=args.repeats,
                            cs=tuple(float(c) for c in args.c.split(",")))
    for key, value in report.items():
        print(f"{key:12} {json.dumps(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
