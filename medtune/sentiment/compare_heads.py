"""Compare head set-ups (Druglib cap × source weighting × C) with the whole analyser on the validation splits.

    python -m medtune.sentiment.compare_heads [CAP,C,BALANCE ...]     # default: the grid in docs/SENTIMENT.md

Prints one JSON line per set-up: 3-class and 5-level validation macro-F1, the aspect gold set (detection F1,
polarity accuracy, overall accuracy) and Druglib aspect agreement (accuracy, kappa, accuracy with undetected
= neutral). Heads go to temporary folders; the packaged heads are not touched. Clause embeddings come from
`fit.EmbeddingCache` (MEDTUNE_HOME), so after one `fit-default` a set-up costs seconds. Run it inside the
shared CPU lock.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

GRID = [(500, 1.0, "none"), (None, 1.0, "none"), (None, 0.25, "none"), (None, 4.0, "none"),
        (None, 1.0, "equal"), (None, 1.0, "sqrt"), (None, 0.25, "equal"), (None, 0.25, "sqrt")]


def _parse(arg: str) -> tuple[int | None, float, str]:
    cap, c, balance = arg.split(",")
    return (None if cap in ("all", "None") else int(cap)), float(c), balance


def main(argv: list[str] | None = None) -> None:
    from medtune.data.tasks import INTENSITY_LABELS
    from medtune.sentiment import fit
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.aspects import DEFAULT_TAXONOMY
    from medtune.sentiment.encoder import get_encoder
    from medtune.sentiment.heads import Lexicon
    from medtune.sentiment.polarity import INTENSITY_HEAD, POLARITY_HEAD, DefaultPolarity
    from medtune.sentiment.quality import druglib_agreement, gold_report, validation_report

    argv = sys.argv[1:] if argv is None else argv
    grid = [_parse(a) for a in argv] or GRID
    t0 = time.perf_counter()
    cache, lexicon = fit.EmbeddingCache(get_encoder()), Lexicon()
    features = {}
    for cap in dict.fromkeys(cap for cap, _, _ in grid):
        units = fit.training_units(fit.training_sets(cap))
        features[cap] = (units, fit.featurize(units, cache, lexicon))
        cache.save()
    for cap, c, balance in grid:
        units, x = features[cap]
        pol = [i for i, u in enumerate(units) if u["label"]]
        lev = [i for i, u in enumerate(units) if u["level"]]
        started = time.perf_counter()
        polarity = fit.fit_head(x[pol], [units[i]["label"] for i in pol], c,
                                fit.source_weights([units[i]["source"] for i in pol], balance))
        intensity = fit.fit_head(x[lev], [INTENSITY_LABELS[units[i]["level"] - 1] for i in lev], c,
                                 fit.source_weights([units[i]["source"] for i in lev], balance))
        fit_s = time.perf_counter() - started
        heads = Path(tempfile.mkdtemp(prefix="medtune-heads-"))
        polarity.save(heads / POLARITY_HEAD)
        intensity.save(heads / INTENSITY_HEAD)
        analyzer = Analyzer(taxonomy=DEFAULT_TAXONOMY, encoder=cache, polarity=DefaultPolarity(heads))
        valid, gold, druglib = validation_report(analyzer), gold_report(analyzer), druglib_agreement(analyzer)
        print(json.dumps({
            "druglib_cap": cap, "c": c, "balance": balance, "fit_s": round(fit_s, 1), "heads": str(heads),
            "sentiment": {k: m["macro_f1"] for k, m in valid["sentiment"].items()},
            "intensity": {k: m["macro_f1"] for k, m in valid["intensity"].items()},
            "gold": {k: (m["f1"], m["polarity_accuracy"], m["overall_accuracy"]) for k, m in gold.items()},
            "druglib": {k: (druglib[k].get("accuracy"), druglib[k].get("kappa"), druglib[k].get("accuracy_all"))
                        for k in ("effectiveness", "side_effects")},
        }), flush=True)
    cache.save()
    print(f"total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
