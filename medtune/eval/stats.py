"""Significance and uncertainty: seeded percentile bootstrap, paired bootstrap, McNemar's test.

Bootstrap intervals are percentile intervals over resampled items (Efron & Tibshirani 1993). The paired
bootstrap resamples item indices once and applies them to both systems, so the item-to-item correlation
is kept (Koehn 2004, "Statistical significance tests for machine translation evaluation").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from medtune.errors import DataError

DEFAULT_N_BOOT = 1000
DEFAULT_SEED = 0
DEFAULT_ALPHA = 0.05
#: Below this many discordant pairs McNemar's chi-square approximation is poor; use the exact binomial test.
MCNEMAR_EXACT_BELOW = 25


def resample_indices(n: int, n_boot: int, seed: int) -> np.ndarray:
    """(n_boot, n) indices drawn with replacement; the same seed gives the same draws."""
    if n <= 0:
        raise DataError("bootstrap: no items to resample")
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(n_boot, n))


def percentile_interval(samples: np.ndarray, alpha: float = DEFAULT_ALPHA) -> tuple[float, float] | None:
    """The (alpha/2, 1 - alpha/2) percentiles, ignoring resamples where the metric was undefined (NaN)."""
    finite = samples[np.isfinite(samples)]
    if finite.size == 0:
        return None
    lo, hi = np.percentile(finite, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(lo), float(hi)


def bootstrap_mean(values: np.ndarray, n_boot: int = DEFAULT_N_BOOT, seed: int = DEFAULT_SEED,
                   alpha: float = DEFAULT_ALPHA) -> tuple[float, float] | None:
    """Interval of the mean of per-item values (vectorised: one gather, one mean)."""
    values = np.asarray(values, dtype=float)
    idx = resample_indices(len(values), n_boot, seed)
    return percentile_interval(values[idx].mean(axis=1), alpha)


def bootstrap_statistic(statistic: Callable[[np.ndarray], float], n: int, n_boot: int = DEFAULT_N_BOOT,
                        seed: int = DEFAULT_SEED, alpha: float = DEFAULT_ALPHA) -> tuple[float, float] | None:
    """Interval of any statistic of a resample; `statistic(indices)` returns NaN where it is undefined."""
    idx = resample_indices(n, n_boot, seed)
    samples = np.array([_safe(statistic, row) for row in idx], dtype=float)
    return percentile_interval(samples, alpha)


def _safe(statistic: Callable[[np.ndarray], float], idx: np.ndarray) -> float:
    try:
        value = statistic(idx)
    except (ValueError, ZeroDivisionError):  # e.g. ROC-AUC of a resample holding one class only
        return float("nan")
    return float("nan") if value is None else float(value)


def paired_bootstrap(statistic_a: Callable[[np.ndarray], float], statistic_b: Callable[[np.ndarray], float],
                     n: int, n_boot: int = DEFAULT_N_BOOT, seed: int = DEFAULT_SEED,
                     alpha: float = DEFAULT_ALPHA) -> dict[str, Any]:
    """Delta = B − A on the same resampled items; two-sided p = 2·min(P(δ* ≤ 0), P(δ* ≥ 0)), capped at 1."""
    all_idx = np.arange(n)
    delta = _safe(statistic_b, all_idx) - _safe(statistic_a, all_idx)
    idx = resample_indices(n, n_boot, seed)
    deltas = np.array([_safe(statistic_b, row) - _safe(statistic_a, row) for row in idx], dtype=float)
    return paired_summary(delta, deltas, n_boot, seed, alpha)


def paired_bootstrap_mean(values_a: np.ndarray, values_b: np.ndarray, n_boot: int = DEFAULT_N_BOOT,
                          seed: int = DEFAULT_SEED, alpha: float = DEFAULT_ALPHA) -> dict[str, Any]:
    """Paired bootstrap of the difference of means of per-item scores (vectorised)."""
    a, b = np.asarray(values_a, dtype=float), np.asarray(values_b, dtype=float)
    if a.shape != b.shape:
        raise DataError(f"paired bootstrap: {len(a)} scores for A but {len(b)} for B")
    diff = b - a
    idx = resample_indices(len(diff), n_boot, seed)
    return paired_summary(float(diff.mean()), diff[idx].mean(axis=1), n_boot, seed, alpha)


def paired_summary(delta: float, deltas: np.ndarray, n_boot: int, seed: int, alpha: float) -> dict[str, Any]:
    finite = deltas[np.isfinite(deltas)]
    if finite.size == 0:
        return {"delta": delta, "ci": None, "p_value": None, "n_boot": n_boot, "seed": seed,
                "test": "paired bootstrap", "note": "the metric was undefined on every resample"}
    p = min(1.0, 2 * min(float(np.mean(finite <= 0)), float(np.mean(finite >= 0))))
    return {"delta": delta, "ci": list(percentile_interval(finite, alpha) or []), "p_value": p,
            "n_boot": n_boot, "seed": seed, "test": "paired bootstrap"}


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray, exact_below: int = MCNEMAR_EXACT_BELOW) -> dict[str, Any]:
    """McNemar's test on paired correctness. b = A right & B wrong, c = A wrong & B right.

    Exact two-sided binomial test (n = b + c, p = 0.5) when b + c < `exact_below`; otherwise the
    chi-square statistic with Edwards' continuity correction, (|b − c| − 1)² / (b + c), on 1 d.o.f.
    """
    from scipy import stats

    a = np.asarray(correct_a, dtype=bool)
    bb = np.asarray(correct_b, dtype=bool)
    if a.shape != bb.shape:
        raise DataError(f"McNemar: {len(a)} items for A but {len(bb)} for B")
    if a.size == 0:
        raise DataError("McNemar: no paired items")
    b = int(np.sum(a & ~bb))
    c = int(np.sum(~a & bb))
    n = b + c
    result: dict[str, Any] = {"test": "McNemar", "b_a_right_b_wrong": b, "c_a_wrong_b_right": c,
                              "discordant": n, "n": int(a.size)}
    if n == 0:
        return {**result, "method": "no discordant pairs", "statistic": 0.0, "p_value": 1.0}
    if n < exact_below:
        p = float(stats.binomtest(min(b, c), n, 0.5, alternative="two-sided").pvalue)
        return {**result, "method": "exact binomial", "statistic": float(min(b, c)), "p_value": min(1.0, p)}
    stat = (abs(b - c) - 1) ** 2 / n
    return {**result, "method": "chi-square with continuity correction", "statistic": float(stat),
            "p_value": float(stats.chi2.sf(stat, 1))}
