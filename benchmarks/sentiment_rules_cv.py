"""Grouped cross-validation of the reader-weighting settings (ReaderWeights) on the tuning reviews only:
data/eval/reviews dev, dev2, fresh_dev and fresh2_dev, and the independent set's dev half (397 reviews).

    flock /tmp/medtune-cpu.lock python benchmarks/sentiment_rules_cv.py [--repeats 10] [--folds 5]

Every setting of the grid below analyses all tuning reviews once (clause embeddings are computed once and
reused). Then, for each of `repeats` × `folds` splits by review group, the setting with the best overall
accuracy + aspect polarity accuracy on the training folds is chosen and scored on the held-out fold, next to the
previous defaults. Prints mean ± sd of the held-out fold figures (the selection procedure, honestly scored), how
often each setting was chosen, and every setting's figures on each tuning set. Test halves are never read.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GRID = {"mixed_scale": (1.0, 0.0), "verdict_weight": (1.0, 2.0), "fact_scale": (0.4, 0.7),
        "neutral_band": (0.10, 0.15), "cue_weight": (0.7, 0.85), "aspect_band": (0.05, 0.15),
        "hedge_weight": (1.0, 0.5, 0.25)}
#: The settings before round 6 (mixed_scale 1, verdict_weight 1 and hedge_weight 1 leave those rules out).
PREVIOUS = {"mixed_scale": 1.0, "verdict_weight": 1.0, "fact_scale": 0.7, "neutral_band": 0.10, "cue_weight": 0.7,
            "aspect_band": 0.15, "hedge_weight": 1.0}


class MemoEncoder:
    """The shared encoder with a per-process memory: each clause is encoded once for the whole grid."""

    def __init__(self, inner):
        self.inner, self.memo, self.dim = inner, {}, inner.dim

    def encode(self, texts):
        import numpy as np

        new = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if new:
            self.memo.update(zip(new, self.inner.encode(new)))
        return np.array([self.memo[t] for t in texts], dtype=np.float32).reshape(len(texts), self.dim)


def tuning_reviews() -> list[dict]:
    from medtune.sentiment.quality import REVIEWS_DIR, read_gold

    rows = []
    for part in ("dev", "dev2", "fresh_dev", "fresh2_dev"):
        rows += [{**g, "source": part, "group": f"{part}:{g.get('group', g['id'])}"}
                 for g in read_gold(REVIEWS_DIR / f"{part}.jsonl")]
    independent = REVIEWS_DIR.parent / "independent" / "reviews.jsonl"
    rows += [{**g, "source": "independent_dev", "group": f"ind:{g['id']}"}
             for g in read_gold(independent) if g["split"] == "dev"]
    return rows


def main() -> int:
    import numpy as np

    from medtune.sentiment.analyze import Analyzer, ReaderWeights
    from medtune.sentiment.encoder import get_encoder
    from medtune.sentiment.quality import reviews_scores

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = tuning_reviews()
    encoder = MemoEncoder(get_encoder())
    settings = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    right, found, polar, figures = [], [], [], []
    for setting in settings:
        results = Analyzer(encoder=encoder, weights=ReaderWeights(**setting)).analyze_many(
            [r["text"] for r in rows], [r["id"] for r in rows])
        right.append([res.overall == r["overall"] for res, r in zip(results, rows)])
        found.append([sum(a in res.aspects for a in r["aspects"]) for res, r in zip(results, rows)])
        polar.append([sum(res.aspects.get(a) == p for a, p in r["aspects"].items()) for res, r in zip(results, rows)])
        per_source = {}
        for source in dict.fromkeys(r["source"] for r in rows):
            idx = [i for i, r in enumerate(rows) if r["source"] == source]
            s = reviews_scores([rows[i] for i in idx], [results[i] for i in idx])
            per_source[source] = (s["overall_accuracy"], s["aspects"]["f1"], s["aspects"]["polarity_accuracy"])
        figures.append(per_source)
    right = np.array(right, dtype=float)  # (settings, reviews)
    found, polar = np.array(found, dtype=float), np.array(polar, dtype=float)

    def polarity(k, mask):  # aspect polarity accuracy on the aspects found, over the reviews in mask
        return polar[k, mask].sum() / max(found[k, mask].sum(), 1.0)

    groups = sorted({r["group"] for r in rows})
    group_of = np.array([groups.index(r["group"]) for r in rows])
    previous = settings.index(PREVIOUS)
    chosen_acc, previous_acc, chosen, chosen_pol, previous_pol = [], [], [], [], []
    for repeat in range(args.repeats):
        order = np.random.default_rng(repeat).permutation(len(groups))
        fold_of_group = np.empty(len(groups), dtype=int)
        fold_of_group[order] = np.arange(len(groups)) % args.folds
        fold = fold_of_group[group_of]
        for f in range(args.folds):
            train, test = fold != f, fold == f
            objective = [right[k, train].mean() + polarity(k, train) for k in range(len(settings))]
            best = int(np.argmax(objective))  # ties: the first in grid order
            chosen.append(best)
            chosen_acc.append(right[best, test].mean())
            previous_acc.append(right[previous, test].mean())
            chosen_pol.append(polarity(best, test))
            previous_pol.append(polarity(previous, test))
    print(f"{len(rows)} tuning reviews, {len(settings)} settings, {args.repeats} x {args.folds}-fold grouped CV")
    print(f"held-out folds, setting chosen on the training folds: overall accuracy "
          f"{np.mean(chosen_acc):.3f} ± {np.std(chosen_acc):.3f}, aspect polarity {np.mean(chosen_pol):.3f} ± "
          f"{np.std(chosen_pol):.3f}")
    print(f"held-out folds, previous defaults {PREVIOUS}: overall accuracy "
          f"{np.mean(previous_acc):.3f} ± {np.std(previous_acc):.3f}, aspect polarity {np.mean(previous_pol):.3f} ± "
          f"{np.std(previous_pol):.3f}")
    print("chosen (times):", ", ".join(f"{settings[k]} x{chosen.count(k)}" for k in sorted(set(chosen),
                                                                                         key=chosen.count,
                                                                                         reverse=True)))
    everything = np.ones(len(rows), dtype=bool)
    best_all = int(np.argmax([right[k].mean() + polarity(k, everything) for k in range(len(settings))]))
    print(f"best on all tuning reviews: {settings[best_all]} (overall {right[best_all].mean():.3f}, aspect "
          f"polarity {polarity(best_all, everything):.3f})")
    print("setting: per tuning set overall / aspect F1 / aspect polarity")
    for k, setting in enumerate(settings):
        cells = "  ".join(f"{src} {a:.3f}/{b:.3f}/{c:.3f}" for src, (a, b, c) in figures[k].items())
        print(f"  {setting}  all {right[k].mean():.3f}  {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
