"""Sentiment quality on our labelled patient reviews (data/eval/reviews): prints the figures in
docs/SENTIMENT.md ("Real patient reviews").

    python benchmarks/sentiment_quality.py [--model RUN_DIR] [--parts dev,test] [--errors dev] [--json]
    python benchmarks/sentiment_quality.py --parts fresh3_test      # round 8's held-out set, scored once

Overall accuracy (and macro-F1) of negative / neutral / positive, aspect detection P / R / F1 and aspect
polarity accuracy (on the aspects found), for the dev half (what cues and settings were tuned on) and the
held-out test half, side by side so overfitting to dev shows. `--errors dev` lists the dev half's misses
(never look at the test half's misses while tuning).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.quality import REVIEWS_DIR, reviews_report, reviews_text

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a trained sentiment run directory (default: the shipped heads)")
    parser.add_argument("--dir", type=Path, default=REVIEWS_DIR)
    parser.add_argument("--errors", help="also list that part's misses (a tuning part; since round 8 every part but "
                                         "fresh3_test is tuning data)")
    parser.add_argument("--parts", default="dev,test",
                        help="which files (<part>.jsonl) to score, comma-separated: dev, dev2, fresh_dev, fresh_test, "
                             "fresh2_dev, fresh2_test, test, fresh3_dev (tuning data since round 8), fresh3_test "
                             "(held out)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.time()
    report = reviews_report(Analyzer(model=args.model), args.dir, tuple(args.parts.split(",")))
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(reviews_text(report))
    for err in report[args.errors]["errors"] if args.errors in report else []:
        print(f"  {err['id']} gold {err['overall']:<8} pred {err['pred']:<8} {err['aspects']} -> {err['pred_aspects']}"
              f"\n       {err['text'][:160]}")
    print(f"({time.time() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
