"""The one support scorer's quote rule on the evaluation path (issue 18.3): MedHallu dev answers scored by
medtune.verify's stance verifier alone (`medtune.verify.faithfulness_scores`, the evaluation's scorer before)
and by the one support scorer (`medtune.verify.support.faithfulness_scores`: the same verifier and calibration,
a sentence copied from the evidence entailed), with the hallucination rate and F1 of "hallucinated" at
HALLUCINATION_THRESHOLD.

    python benchmarks/support_scorer.py            # MedHallu dev (102 answers), ~2 min on 2 cores
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    from sklearn.metrics import f1_score

    import medtune.verify as verify
    from medtune.data.registry import iter_records
    from medtune.verify import support
    from medtune.verify.sentences import split_sentences

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="only the first N answers (to check the script)")
    args = parser.parse_args(argv)
    records = list(iter_records("medhallu", "dev"))[: args.limit]
    answers, evidence = [r.answer for r in records], [r.context or "" for r in records]
    gold = np.array([int(r.label == "hallucinated") for r in records])
    quoted = sum(support.quote_source(s, [e]) is not None for a, e in zip(answers, evidence) for s in split_sentences(a))
    total = sum(len(split_sentences(a)) for a in answers)
    print(f"MedHallu dev: {len(records)} answers ({gold.sum()} hallucinated), {total} sentences, "
          f"{quoted} of them copied from their evidence (quote rule)")
    for name, score_fn in (("stance verifier alone (before)", verify.faithfulness_scores),
                           ("one support scorer (after)", support.faithfulness_scores)):
        t0 = time.perf_counter()
        scores = np.asarray(score_fn(answers, evidence), dtype=float)
        flags = (scores < verify.HALLUCINATION_THRESHOLD).astype(int)
        print(f"{name}: hallucination rate {flags.mean():.3f}, F1 hallucinated {f1_score(gold, flags):.3f}, "
              f"mean faithfulness {np.nanmean(scores):.3f} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
