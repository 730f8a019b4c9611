"""Calibration: expected calibration error, reliability-diagram bins, and the risk–coverage curve.

ECE follows Guo et al., "On Calibration of Modern Neural Networks" (ICML 2017): M equal-width confidence
bins (lo, hi] — the first bin also holds 0 — and ECE = Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|.
The risk–coverage curve (Geifman & El-Yaniv, "Selective Classification for Deep Neural Networks",
NeurIPS 2017) keeps the k most confident items for k = 1 … n; AURC is the mean selective risk over k.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from medtune.eval.classification import ClsData

DEFAULT_BINS = 10


def _bin_index(conf: np.ndarray, n_bins: int) -> np.ndarray:
    return np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)


def reliability(data: ClsData, n_bins: int = DEFAULT_BINS) -> list[dict[str, Any]] | None:
    """One row per bin: edges, item count, accuracy and mean confidence (None for an empty bin)."""
    if data.confidence is None:
        return None
    bins = _bin_index(data.confidence, n_bins)
    correct = data.correct.astype(float)
    rows = []
    for m in range(n_bins):
        mask = bins == m
        count = int(mask.sum())
        rows.append({
            "lo": m / n_bins, "hi": (m + 1) / n_bins, "count": count,
            "accuracy": float(correct[mask].mean()) if count else None,
            "confidence": float(data.confidence[mask].mean()) if count else None,
        })
    return rows


def ece(data: ClsData, n_bins: int = DEFAULT_BINS) -> float | None:
    rows = reliability(data, n_bins)
    if rows is None:
        return None
    return float(sum(r["count"] / data.n * abs(r["accuracy"] - r["confidence"]) for r in rows if r["count"]))


def _selective(data: ClsData) -> tuple[np.ndarray, np.ndarray] | None:
    """Coverage k/n and accuracy of the k most confident items (stable order for ties)."""
    if data.confidence is None:
        return None
    order = np.argsort(-data.confidence, kind="stable")
    correct = data.correct[order].astype(float)
    k = np.arange(1, data.n + 1)
    return k / data.n, np.cumsum(correct) / k


def risk_coverage(data: ClsData, max_points: int = 101) -> dict[str, list[float]] | None:
    """Accuracy and risk (1 − accuracy) when only the most confident fraction `coverage` is answered."""
    sel = _selective(data)
    if sel is None:
        return None
    coverage, acc = sel
    keep = np.unique(np.linspace(0, data.n - 1, min(max_points, data.n)).astype(int))
    return {"coverage": coverage[keep].round(6).tolist(), "accuracy": acc[keep].round(6).tolist(),
            "risk": (1 - acc[keep]).round(6).tolist()}


def aurc(data: ClsData) -> float | None:
    """Area under the risk–coverage curve (mean selective risk); lower is better."""
    sel = _selective(data)
    return None if sel is None else float(np.mean(1 - sel[1]))


# ---------------------------------------------------------------- the same figures on B resamples at once
def ece_from_indices(data: ClsData, idx: np.ndarray, n_bins: int = DEFAULT_BINS) -> np.ndarray:
    """ECE of each resample (rows of `idx`, shape (B, n)) in one pass: per-bin counts and sums by `bincount`."""
    assert data.confidence is not None
    b, n = idx.shape
    conf = data.confidence[idx]
    correct = data.correct.astype(float)[idx]
    codes = (_bin_index(conf, n_bins) + (np.arange(b) * n_bins)[:, None]).ravel()
    count = np.bincount(codes, minlength=b * n_bins).reshape(b, n_bins)
    hits = np.bincount(codes, weights=correct.ravel(), minlength=b * n_bins).reshape(b, n_bins)
    confs = np.bincount(codes, weights=conf.ravel(), minlength=b * n_bins).reshape(b, n_bins)
    safe = np.maximum(count, 1)
    gaps = np.where(count > 0, count / n * np.abs(hits / safe - confs / safe), 0.0)
    return gaps.sum(axis=1)


def aurc_from_indices(data: ClsData, idx: np.ndarray) -> np.ndarray:
    """AURC of each resample: a stable sort by confidence per row, then the mean selective risk."""
    assert data.confidence is not None
    conf = data.confidence[idx]
    correct = data.correct.astype(float)[idx]
    order = np.argsort(-conf, axis=1, kind="stable")
    ranked = np.take_along_axis(correct, order, axis=1)
    k = np.arange(1, idx.shape[1] + 1)
    return np.mean(1 - np.cumsum(ranked, axis=1) / k, axis=1)
