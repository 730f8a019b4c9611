"""The overall verdict learned from how a review's clauses read (issue 15, item 4).

The hand-set reader weighting of `analyze.py` (a clause after "but" ×1.5, the closing sentence ×1.3, each
clause × (0.15 + |score|), a neutral band of 0.10) is one fixed way of turning clause scores into a verdict.
Patient reviews break it in ways that no single weight fixes: a mixed review that ends on no verdict is
neutral, a verdict clause ("I'm starting to look elsewhere") outweighs the praise before it, a string of
factual lines stays neutral even when one of them leans. This module describes each review by a few
signals — the rule's own score, the strongest praise and complaint, the praise and complaint mass, the
closing clause, the implicit-verdict cues, sarcasm, the whole review's head readings — and a small
multinomial logistic regression over them, fitted on the labelled patient reviews we tune on
(data/eval/reviews dev + dev2 and the dev half of data/eval/independent/reviews.jsonl; never a test half),
gives the verdict. `cross_validate` (benchmarks/sentiment_overall_cv.py) measures it against the rule.

Status: **opt-in, not shipped**. Repeated 5-fold CV on those 249 reviews gave 0.759 ± 0.010 against the
rule's 0.755, but it trades our own reviews (dev 0.925 → 0.910, dev2 0.662 → 0.622) for the independent
set's (0.490 → 0.612) — the two sets label a mixed review without a verdict differently — and on the held-out
test halves it was worse on both (own 0.755 → 0.735, independent 0.700 → 0.625), so it is not the default
(docs/SENTIMENT.md). `fit_overall_head(DIR)` writes `DIR/overall3.npz`; the analyser uses
`heads/overall3.npz` when that file is there, or a head passed as `Analyzer(overall_head=...)`.
The head is stored like the others, with the feature means and scales folded into its coefficients, so
applying it is one matrix product.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from medtune.settings import PROJECT_ROOT

OVERALL_HEAD = "overall3.npz"
#: The review-level signals, in the head's column order (`review_signals` computes them).
SIGNALS = ("rule", "mean", "min", "max", "last", "first", "pos_mass", "neg_mass", "after_contrast", "cue",
           "sarcasm", "log_clauses", "factual_share", "whole_drug", "whole_service", "vader_mean", "vader_min",
           "vader_max")
#: Inverse L2 strength: best of 0.05–3 by 10 × 5-fold CV on the tuning reviews (docs/SENTIMENT.md).
C_OVERALL = 1.0
REVIEWS = PROJECT_ROOT / "data" / "eval" / "reviews"
INDEPENDENT = PROJECT_ROOT / "data" / "eval" / "independent" / "reviews.jsonl"


def review_signals(scores: Sequence[float], eff: Sequence[float], contrast: Sequence[bool],
                   cues: Sequence[float], sarcastic: Sequence[bool], vader: Sequence[float],
                   rule: float, whole_drug: float, whole_service: float, factual: Sequence[bool]) -> list[float]:
    """One review's signals, in SIGNALS order. `scores` are the clause scores in [−1, 1] after cues,
    `eff` their reader weights, `contrast` whether a clause opened with "but"/"however", `cues` the
    implicit-verdict cue score per clause, `vader` the clause compounds, `whole_*` P(pos) − P(neg) of the
    heads on the whole review, `factual` whether a clause has no opinion word and no cue."""
    import math

    n = len(scores)
    if n == 0:
        return [0.0] * len(SIGNALS)
    total = sum(eff) or 1.0
    after = [s for s, c in zip(scores, contrast) if c]
    return [
        rule, sum(scores) / n, min(scores), max(scores), scores[-1], scores[0],
        sum(e * max(s, 0.0) for s, e in zip(scores, eff)) / total,
        sum(e * max(-s, 0.0) for s, e in zip(scores, eff)) / total,
        sum(after) / len(after) if after else 0.0,
        max(-1.0, min(1.0, sum(cues))),
        1.0 if any(sarcastic) else 0.0,
        math.log(n),
        sum(factual) / n,
        whole_drug, whole_service,
        sum(vader) / n, min(vader), max(vader),
    ]


def tuning_reviews() -> list[dict[str, Any]]:
    """The labelled reviews the head is fitted on: our dev + dev2 and the independent set's dev half."""
    from medtune.sentiment.quality import read_gold

    rows = []
    for part in ("dev", "dev2"):
        rows += [{**g, "source": part} for g in read_gold(REVIEWS / f"{part}.jsonl")]
    for line in INDEPENDENT.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("split") == "dev":  # the test half is never fitted or tuned on
                rows.append({**row, "source": "independent_dev"})
    return rows


def fit_logistic(x: Any, y: Sequence[str], c: float = C_OVERALL, balanced: bool = True) -> Any:
    """Standardised multinomial logistic regression (class-balanced unless `balanced` is false), returned as a
    `Head` over the raw signals."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from medtune.sentiment.fit import SEED
    from medtune.sentiment.heads import Head

    x = np.asarray(x, dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None, random_state=SEED)
    clf.fit((x - mean) / scale, list(y))
    coef = clf.coef_ / scale  # fold the standardisation in: w·(x − m)/s = (w/s)·x − (w/s)·m
    intercept = clf.intercept_ - coef @ mean
    return Head(tuple(str(k) for k in clf.classes_), coef, intercept)


def signals_of(analyzer: Any, rows: list[dict[str, Any]]) -> tuple[Any, list[Any]]:
    """(n, len(SIGNALS)) signals of `rows` read by `analyzer`, and its results."""
    import numpy as np

    results = analyzer.analyze_many([r["text"] for r in rows], [r["id"] for r in rows])
    return np.array([r.signals for r in results], dtype=np.float64), results


def fit_overall_head(out_dir: Path | None = None, analyzer: Any = None, c: float = C_OVERALL) -> dict[str, Any]:
    """Fit the overall head on the tuning reviews (read by the analyser without an overall head, so the
    signals are the rule's) and write it next to the default heads."""
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.heads import HEADS_DIR

    analyzer = analyzer or Analyzer(overall_head=None)
    rows = tuning_reviews()
    x, _ = signals_of(analyzer, rows)
    head = fit_logistic(x, [r["overall"] for r in rows], c)
    head.save(Path(out_dir or HEADS_DIR) / OVERALL_HEAD)
    return {"reviews": len(rows), "c": c}


def cross_validate(analyzer: Any, folds: int = 5, repeats: int = 5, cs: Sequence[float] = (0.1, 0.5, 2.0),
                   rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Overall accuracy of the rule and of the head (for each C) on held-out folds of the tuning reviews,
    repeated with `repeats` seeds, stratified by source; mean ± sd over the repeats, per source too."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    rows = rows if rows is not None else tuning_reviews()
    x, results = signals_of(analyzer, rows)
    gold = np.array([r["overall"] for r in rows])
    source = np.array([r["source"] for r in rows])
    rule = np.array([r.overall for r in results])
    out: dict[str, Any] = {"n": len(rows), "rule": _by_source(rule == gold, source)}
    for c in cs:
        accs = []
        for seed in range(repeats):
            pred = np.empty(len(rows), dtype=object)
            strata = [f"{s}:{g}" for s, g in zip(source, gold)]
            for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, strata):
                head = fit_logistic(x[train], gold[train], c)
                pred[test] = np.array(head.classes)[head.proba(x[test]).argmax(axis=1)]
            accs.append(_by_source(pred == gold, source))
        out[f"head C={c}"] = {k: (round(float(np.mean([a[k] for a in accs])), 3),
                                  round(float(np.std([a[k] for a in accs])), 3)) for k in accs[0]}
    return out


def _by_source(right: Any, source: Any) -> dict[str, float]:
    import numpy as np

    out = {"all": round(float(np.mean(right)), 3)}
    for s in sorted(set(source)):
        out[s] = round(float(np.mean(right[source == s])), 3)
    return out
