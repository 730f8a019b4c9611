"""Fitting the claim-level trust (calibrated P(the claim is true)) and its band thresholds on labelled claims.

    fitted = fit_claim_model(results, labels, groups)   # CheckResults of labelled claims, one group per fact

A logistic regression on `trust.claim_features` (weakest core support, strongest refutation, an unsupported
part, the verdict) with target "the claim is true". The green threshold is the lowest trust at which claims
judged true are ≥ 95% truly true, the red threshold the highest at which claims judged false or misleading are
≥ 90% not true — both read from out-of-fold predictions (grouped 5-fold cross-validation, so no fact's
wordings are scored by a model fitted on them), because a few dozen items would otherwise over-fit the cuts.
"""

from __future__ import annotations

from typing import Any

from medtune.verify import trust as T

GREEN_PRECISION = 0.95
RED_PRECISION = 0.90
FOLDS = 5


def _features(result: Any) -> list[float]:
    sentences = result.sentences
    cores = [i for i, s in enumerate(sentences) if s.role == "core"] or list(range(len(sentences)))
    return T.claim_features(sentences, cores, list(result.unsupported_parts), result.verdict)


def fit_claim_model(results: list[Any], labels: list[str], groups: list[str], c: float = 1.0,
                    features: tuple[str, ...] = T.CLAIM_FEATURES) -> dict[str, Any]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    keep = [i for i, r in enumerate(results) if r.sentences]
    columns = [T.CLAIM_FEATURES.index(name) for name in features]
    x = np.array([_features(results[i]) for i in keep])[:, columns]
    y = np.array([int(labels[i] == "true") for i in keep])
    verdicts = [results[i].verdict for i in keep]
    oof = np.zeros(len(keep))
    for fit_idx, held_idx in GroupKFold(n_splits=FOLDS).split(x, y, [groups[i] for i in keep]):
        model = LogisticRegression(C=c, max_iter=2000).fit(x[fit_idx], y[fit_idx])
        oof[held_idx] = model.predict_proba(x[held_idx])[:, 1]
    green = _cut(oof, y, verdicts, ("true",), above=True, target=GREEN_PRECISION)
    red = _cut(oof, y, verdicts, ("false", "misleading"), above=False, target=RED_PRECISION)
    model = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    return {"coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]), "C": c,
            "features": list(features),
            "green": green, "red": red, "items": len(keep),
            "cv": {"folds": FOLDS, "ece": round(_ece(oof, y), 4), "green": green, "red": red}}


def _cut(p: Any, y: Any, verdicts: list[str], kinds: tuple[str, ...], above: bool, target: float) -> float:
    """The loosest threshold on the 0.01 grid whose band reaches `target` precision (≥ 3 items in it)."""
    import numpy as np

    grid = np.round(np.arange(0.0, 1.0001, 0.01), 2)
    mask = np.array([v in kinds for v in verdicts])
    for cut in (grid if above else grid[::-1]):
        band = mask & ((p >= cut) if above else (p < cut))
        if band.sum() >= 3:
            precision = y[band].mean() if above else 1 - y[band].mean()
            if precision >= target:
                return float(cut)
    return 1.01 if above else 0.0


def _ece(p: Any, y: Any, bins: int = 10) -> float:

    total = 0.0
    for b in range(bins):
        m = (p >= b / bins) & ((p < (b + 1) / bins) if b < bins - 1 else (p <= 1.0))
        if m.any():
            total += m.mean() * abs(y[m].mean() - p[m].mean())
    return float(total)
