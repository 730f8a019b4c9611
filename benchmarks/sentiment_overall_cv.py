"""Cross-validated overall accuracy of the learned overall head (medtune/sentiment/combine.py) against the
reader-weighting rule, on the tuning reviews only (data/eval/reviews dev + dev2, data/eval/independent dev half).

    flock /tmp/medtune-cpu.lock python benchmarks/sentiment_overall_cv.py [--repeats 10] [--c 0.3,1,3]
    flock /tmp/medtune-cpu.lock python benchmarks/sentiment_overall_cv.py --score-test

Prints mean ± sd over repeated stratified 5-fold splits, pooled and per source (docs/SENTIMENT.md).
`--score-test` instead fits the head (C_OVERALL) on all tuning reviews into a temporary folder and prints the
held-out test halves (data/eval/reviews/test.jsonl, the independent set's test half) for the default analyser
and for the head: run it once, at the end of a round, never to choose anything.
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
    parser.add_argument("--score-test", action="store_true", help="score the test halves once (see above)")
    args = parser.parse_args()
    if args.score_test:
        return score_test()
    report = cross_validate(Analyzer(overall_head=None), repeats=args.repeats,
                            cs=tuple(float(c) for c in args.c.split(",")))
    for key, value in report.items():
        print(f"{key:12} {json.dumps(value)}")
    return 0


def score_test() -> int:
    import tempfile

    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.combine import INDEPENDENT, OVERALL_HEAD, fit_overall_head
    from medtune.sentiment.heads import Head
    from medtune.sentiment.quality import REVIEWS_DIR, read_gold, reviews_scores

    rule = Analyzer(overall_head=None)
    with tempfile.TemporaryDirectory() as tmp:
        fit_overall_head(Path(tmp), rule)
        head = Analyzer(overall_head=Head.load(Path(tmp) / OVERALL_HEAD), encoder=rule.encoder,
                        polarity=rule.polarity)
    halves = {"own test": read_gold(REVIEWS_DIR / "test.jsonl"),
              "independent test": [r for r in read_gold(INDEPENDENT) if r["split"] == "test"]}
    for name, analyzer in (("rule (default)", rule), ("overall head", head)):
        for half, gold in halves.items():
            s = reviews_scores(gold, analyzer.analyze_many([g["text"] for g in gold], [g["id"] for g in gold]))
            print(f"{name:15} {half:17} n={s['n']:<3} overall {s['overall_accuracy']:.3f} (macro-F1 "
                  f"{s['overall_macro_f1']:.3f})  aspect F1 {s['aspects']['f1']:.3f}  aspect polarity "
                  f"{s['aspects']['polarity_accuracy']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
