"""Grouped cross-validation of the reader-weighting settings (ReaderWeights) on the tuning reviews only:
data/eval/reviews dev, dev2, fresh_dev and fresh2_dev, and the independent set's dev half (397 reviews).

    flock /tmp/medtune-cpu.lock python benchmarks/sentiment_rules_cv.py [--repeats 10] [--folds 5]
    flock /tmp/medtune-cpu.lock python benchmarks/sentiment_rules_cv.py --sets all --grid defaults [--code DIR]

Round 8: `--sets all` uses every labelled review file of data/eval/reviews (dev, dev2, fresh_dev, fresh_test,
fresh2_dev, fresh2_test, test; every one was scored several times, so all are tuning data now) and both halves
of the independent set (682 reviews); `--sets all+fresh3` adds fresh3_dev. `--grid defaults` scores only the
analyser's default weights on the same folds (a code change with no setting to choose: main's code and the new
code are compared fold by fold); `--code DIR` imports `medtune` from another checkout (e.g. a copy of main)
while the reviews and the folds stay this checkout's. Each fold also reports aspect detection F1, and
`--by-writer` adds the figures per writer (each set family was written by a different helper). `--save FILE`
keeps the held-out fold figures; `--paired A B` compares two such files fold by fold (B − A, mean ± sd).

Every setting of the grid below analyses all tuning reviews once (clause embeddings are computed once and
reused). Then, for each of `repeats` × `folds` splits by review group, the setting with the best overall
accuracy + aspect polarity accuracy on the training folds is chosen and scored on the held-out fold, next to the
previous defaults. Prints mean ± sd of the held-out fold figures (the selection procedure, honestly scored), how
often each setting was chosen, and every setting's figures on each tuning set. Test halves are never read.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GRID = {"mixed_scale": (1.0, 0.0), "verdict_weight": (1.0, 2.0), "fact_scale": (0.4, 0.7),
        "neutral_band": (0.10, 0.15), "cue_weight": (0.7, 0.85), "aspect_band": (0.05, 0.15),
        "hedge_weight": (1.0, 0.5, 0.25)}
#: `--grid detector` (round 8): the aspect detector's cut-offs (AspectConfig), chosen by overall + aspect F1 +
#: aspect polarity on the training folds; the first setting is the default.
DETECTOR_GRID = {"sim_threshold": (0.50, 0.45, 0.55), "relative": (0.80, 0.70), "lexicon_bonus": (0.35, 0.45),
                 "learned_weight": (0.3, 0.5)}
#: `--grid detector2`: the corner the first grid chose (0.55 / 0.70 / 0.45 / 0.5, at its edges) and one step
#: beyond each, after the main defaults (first).
DETECTOR_GRID2 = {"sim_threshold": (0.55, 0.60), "relative": (0.70, 0.60), "lexicon_bonus": (0.45, 0.55),
                  "learned_weight": (0.5, 0.7)}
MAIN_DETECTOR = {"sim_threshold": 0.50, "relative": 0.80, "lexicon_bonus": 0.35, "learned_weight": 0.3}
#: `--grid reader` (round 8): a small grid around the current reader weights; the first setting is the default.
READER_GRID = {"fact_scale": (0.7, 0.4, 1.0), "side_strength": (0.5, 0.4), "neutral_band": (0.15, 0.10)}
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


#: This checkout's review files (not the imported medtune's: `--code` may point at another checkout).
REVIEWS_DIR = Path(__file__).resolve().parent.parent / "data" / "eval" / "reviews"
TUNING_PARTS = ("dev", "dev2", "fresh_dev", "fresh2_dev")
ALL_PARTS = ("dev", "dev2", "fresh_dev", "fresh2_dev", "test", "fresh_test", "fresh2_test")
#: Which helper wrote which file (README there): the unit of leave-one-writer-out.
WRITER = {"dev": "own", "test": "own", "dev2": "dev2", "fresh_dev": "fresh", "fresh_test": "fresh",
          "fresh2_dev": "fresh2", "fresh2_test": "fresh2", "fresh3_dev": "fresh3", "independent_dev": "independent",
          "independent_test": "independent"}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def tuning_reviews(sets: str = "tuning") -> list[dict]:
    parts = {"tuning": TUNING_PARTS, "all": ALL_PARTS, "all+fresh3": ALL_PARTS + ("fresh3_dev",)}[sets]
    rows = []
    for part in parts:
        rows += [{**g, "source": part, "group": f"{part}:{g.get('group', g['id'])}"}
                 for g in read_jsonl(REVIEWS_DIR / f"{part}.jsonl")]
    independent = REVIEWS_DIR.parent / "independent" / "reviews.jsonl"
    halves = ("dev",) if sets == "tuning" else ("dev", "test")
    rows += [{**g, "source": f"independent_{g['split']}", "group": f"ind:{g['id']}"}
             for g in read_jsonl(independent) if g["split"] in halves]
    return rows


def fold_split(rows: list[dict], repeats: int, folds: int):
    """Yield (train mask, test mask) for `repeats` × `folds` splits by review group (seeded by the repeat)."""
    import numpy as np

    groups = sorted({r["group"] for r in rows})
    index = {g: k for k, g in enumerate(groups)}
    group_of = np.array([index[r["group"]] for r in rows])
    for repeat in range(repeats):
        order = np.random.default_rng(repeat).permutation(len(groups))
        fold_of_group = np.empty(len(groups), dtype=int)
        fold_of_group[order] = np.arange(len(groups)) % folds
        fold = fold_of_group[group_of]
        for f in range(folds):
            yield fold != f, fold == f


def main() -> int:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--sets", choices=("tuning", "all", "all+fresh3"), default="tuning")
    parser.add_argument("--grid", choices=("full", "defaults", "detector", "detector2", "reader"), default="full")
    parser.add_argument("--code", type=Path, help="import medtune from this checkout instead (e.g. a copy of main)")
    parser.add_argument("--by-writer", action="store_true", help="also the figures per writer")
    parser.add_argument("--save", type=Path, help="write the held-out fold figures (JSON) for a paired comparison")
    parser.add_argument("--paired", nargs=2, type=Path, metavar=("A", "B"),
                        help="only compare two --save files fold by fold (B − A: mean ± sd) and exit")
    args = parser.parse_args()
    if args.paired:
        return paired(*args.paired)
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))
    from medtune.sentiment.analyze import Analyzer, ReaderWeights
    from medtune.sentiment.aspects import AspectConfig
    from medtune.sentiment.encoder import get_encoder
    from medtune.sentiment.quality import reviews_scores

    import medtune

    print(f"medtune from {Path(medtune.__file__).resolve().parent}")
    rows = tuning_reviews(args.sets)
    encoder = MemoEncoder(get_encoder())
    grid = {"full": GRID, "detector": DETECTOR_GRID, "detector2": DETECTOR_GRID2, "reader": READER_GRID,
            "defaults": {}}[args.grid]
    settings = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    if args.grid == "detector2":
        settings = [MAIN_DETECTOR, *settings]
    detector = args.grid.startswith("detector")
    right, found, polar, figures, fp, fn = [], [], [], [], [], []
    for setting in settings:
        analyzer = (Analyzer(encoder=encoder, aspect_config=AspectConfig(**setting)) if detector
                    else Analyzer(encoder=encoder, weights=ReaderWeights(**setting)))
        results = analyzer.analyze_many(
            [r["text"] for r in rows], [r["id"] for r in rows])
        right.append([res.overall == r["overall"] for res, r in zip(results, rows)])
        found.append([sum(a in res.aspects for a in r["aspects"]) for res, r in zip(results, rows)])
        polar.append([sum(res.aspects.get(a) == p for a, p in r["aspects"].items()) for res, r in zip(results, rows)])
        fp.append([sum(a not in r["aspects"] for a in res.aspects) for res, r in zip(results, rows)])
        fn.append([sum(a not in res.aspects for a in r["aspects"]) for res, r in zip(results, rows)])
        per_source = {}
        for source in dict.fromkeys(r["source"] for r in rows):
            idx = [i for i, r in enumerate(rows) if r["source"] == source]
            s = reviews_scores([rows[i] for i in idx], [results[i] for i in idx])
            per_source[source] = (s["overall_accuracy"], s["aspects"]["f1"], s["aspects"]["polarity_accuracy"])
        figures.append(per_source)
    right = np.array(right, dtype=float)  # (settings, reviews)
    found, polar = np.array(found, dtype=float), np.array(polar, dtype=float)
    fp, fn = np.array(fp, dtype=float), np.array(fn, dtype=float)

    def polarity(k, mask):  # aspect polarity accuracy on the aspects found, over the reviews in mask
        return polar[k, mask].sum() / max(found[k, mask].sum(), 1.0)

    def detection_f1(k, mask):  # micro F1 of (review, aspect) detection over the reviews in mask
        hit = found[k, mask].sum()
        return 2 * hit / max(2 * hit + fp[k, mask].sum() + fn[k, mask].sum(), 1.0)

    previous = settings.index(PREVIOUS) if PREVIOUS in settings else 0
    chosen, table = [], {"chosen": ([], [], []), "previous": ([], [], [])}
    for train, test in fold_split(rows, args.repeats, args.folds):
        objective = [right[k, train].mean() + polarity(k, train) + (detection_f1(k, train) if detector
                                                                     else 0.0) for k in range(len(settings))]
        best = int(np.argmax(objective))  # ties: the first in grid order
        chosen.append(best)
        for name, k in (("chosen", best), ("previous", previous)):
            table[name][0].append(right[k, test].mean())
            table[name][1].append(detection_f1(k, test))
            table[name][2].append(polarity(k, test))
    print(f"{len(rows)} reviews ({args.sets}), {len(settings)} settings, {args.repeats} x {args.folds}-fold grouped CV")

    def line(cells):
        return " / ".join(f"{np.mean(c):.3f} ± {np.std(c):.3f}" for c in cells)

    if args.save:
        args.save.write_text(json.dumps({"sets": args.sets, "grid": args.grid, "repeats": args.repeats,
                                         "folds": args.folds, "chosen": table["chosen"]}))
    label = "setting chosen on the training folds" if args.grid != "defaults" else "default weights"
    print(f"held-out folds, {label}: overall / aspect F1 / aspect polarity {line(table['chosen'])}")
    if args.grid != "defaults":
        print(f"held-out folds, {'previous' if args.grid == 'full' else 'the'} defaults "
              f"{PREVIOUS if args.grid == 'full' else settings[0]}: overall / aspect F1 / aspect polarity "
              f"{line(table['previous'])}")
        print("chosen (times):", ", ".join(f"{settings[k]} x{chosen.count(k)}"
                                           for k in sorted(set(chosen), key=chosen.count, reverse=True)))
    everything = np.ones(len(rows), dtype=bool)
    best_all = int(np.argmax([right[k].mean() + polarity(k, everything) + (
        detection_f1(k, everything) if detector else 0.0) for k in range(len(settings))]))
    print(f"best on all reviews: {settings[best_all]} (overall {right[best_all].mean():.3f}, aspect F1 "
          f"{detection_f1(best_all, everything):.3f}, aspect polarity {polarity(best_all, everything):.3f})")
    if args.by_writer:  # with --grid defaults nothing is chosen, so each writer's figure is a held-out one
        sources = np.array([WRITER[r["source"]] for r in rows])
        k = best_all if args.grid != "defaults" else 0
        print(f"per writer, setting {settings[k] or 'defaults'}:")
        for writer in dict.fromkeys(sources):
            mask = sources == writer
            print(f"  {writer:<12} n={mask.sum():<4} overall {right[k, mask].mean():.3f}  aspect F1 "
                  f"{detection_f1(k, mask):.3f}  polarity {polarity(k, mask):.3f}")
    print("setting: per set overall / aspect F1 / aspect polarity")
    for k, setting in enumerate(settings):
        cells = "  ".join(f"{src} {a:.3f}/{b:.3f}/{c:.3f}" for src, (a, b, c) in figures[k].items())
        print(f"  {setting or 'defaults'}  all {right[k].mean():.3f}  {cells}")
    return 0


def paired(a: Path, b: Path) -> int:
    """B − A per held-out fold (the same folds: same reviews, repeats and folds), mean ± sd, and how many folds
    B is ahead / level / behind."""
    import numpy as np

    first, second = json.loads(a.read_text()), json.loads(b.read_text())
    if {k: first[k] for k in ("sets", "repeats", "folds")} != {k: second[k] for k in ("sets", "repeats", "folds")}:
        raise SystemExit("the two files were not made on the same folds")
    for name, x, y in zip(("overall", "aspect F1", "aspect polarity"), first["chosen"], second["chosen"]):
        d = np.array(y) - np.array(x)
        print(f"{name:16} B − A {d.mean():+.3f} ± {d.std():.3f}  (B ahead on {(d > 1e-9).sum()}, level on "
              f"{(abs(d) <= 1e-9).sum()}, behind on {(d < -1e-9).sum()} of {len(d)} folds)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
