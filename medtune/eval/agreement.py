"""Agreement between raters (models or human reviewers) labelling the same items.

- pairwise agreement: for each pair of raters, the share of items both rated on which they agree; the
  value is the mean over pairs.
- Cohen's kappa (Cohen 1960) for two raters (checked against scikit-learn in the tests); with more
  raters, the mean over pairs (Light's kappa, Light 1971).
- Fleiss' kappa (Fleiss 1971) for any number of raters, with a varying number of ratings per item
  allowed (items with fewer than two ratings carry no agreement information and are skipped).
Kappa is undefined when chance agreement is 1 (everyone used one category): reported as None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from medtune.errors import DataError


@dataclass(frozen=True)
class RatingsData:
    """One dict per item: rater name → category. Raters need not rate every item."""

    items: tuple[dict[str, Hashable], ...]

    @property
    def n(self) -> int:
        return len(self.items)

    @property
    def raters(self) -> list[str]:
        return sorted({r for item in self.items for r in item})

    def take(self, idx: np.ndarray) -> RatingsData:
        return RatingsData(tuple(self.items[i] for i in idx))


def make_ratings(items: list[dict[str, Hashable]] | dict[str, list[Hashable]]) -> RatingsData:
    """From per-item dicts, or from {rater: [label per item]} columns of equal length (None = not rated)."""
    if isinstance(items, dict):
        lengths = {len(v) for v in items.values()}
        if len(lengths) > 1:
            raise DataError(f"agreement: raters have different numbers of items {sorted(lengths)}")
        n = lengths.pop() if lengths else 0
        items = [{r: col[i] for r, col in items.items() if col[i] is not None} for i in range(n)]
    cleaned = tuple({r: v for r, v in item.items() if v is not None} for item in items)
    if not cleaned or not any(len(item) >= 2 for item in cleaned):
        raise DataError("agreement: no item was rated by two or more raters (empty input)")
    return RatingsData(cleaned)


def _pair_values(data: RatingsData, a: str, b: str) -> tuple[list[Hashable], list[Hashable]]:
    both = [item for item in data.items if a in item and b in item]
    return [i[a] for i in both], [i[b] for i in both]


def _pairs(data: RatingsData) -> Iterator[tuple[str, str, list[Hashable], list[Hashable]]]:
    for a, b in combinations(data.raters, 2):
        xa, xb = _pair_values(data, a, b)
        if xa:
            yield a, b, xa, xb


def pairwise_table(data: RatingsData) -> list[dict[str, Any]]:
    """Per pair of raters: items both rated, raw agreement and Cohen's kappa."""
    return [{"rater_a": a, "rater_b": b, "n": len(xa), "agreement": _agree(xa, xb), "cohen_kappa": cohen_pair(xa, xb)}
            for a, b, xa, xb in _pairs(data)]


def _agree(xa: list[Hashable], xb: list[Hashable]) -> float:
    return sum(x == y for x, y in zip(xa, xb)) / len(xa)


def cohen_pair(xa: list[Hashable], xb: list[Hashable]) -> float | None:
    """κ = (p_o − p_e) / (1 − p_e), p_e from each rater's own category shares (what scikit-learn's
    cohen_kappa_score computes; done directly because the bootstrap calls it thousands of times)."""
    n = len(xa)
    ca, cb = Counter(xa), Counter(xb)
    p_e = sum(ca[c] * cb.get(c, 0) for c in ca) / (n * n)
    if p_e >= 1.0:
        return None  # one category only: chance agreement is 1 and kappa is 0/0
    return (_agree(xa, xb) - p_e) / (1 - p_e)


def pairwise_agreement(data: RatingsData) -> float | None:
    values = [_agree(xa, xb) for _, _, xa, xb in _pairs(data)]
    return float(np.mean(values)) if values else None


def cohen_kappa(data: RatingsData) -> float | None:
    """Cohen's kappa for two raters; the mean over rater pairs (Light's kappa) for more."""
    values = [k for _, _, xa, xb in _pairs(data) if (k := cohen_pair(xa, xb)) is not None]
    return float(np.mean(values)) if values else None


def fleiss_kappa(data: RatingsData) -> float | None:
    """κ = (P̄ − P̄e) / (1 − P̄e) with P_i = (Σ_j n_ij² − n_i) / (n_i (n_i − 1)) and p_j = Σ_i n_ij / Σ_i n_i."""
    rated = [Counter(item.values()) for item in data.items if len(item) >= 2]
    if not rated:
        return None
    categories = sorted({c for counts in rated for c in counts}, key=str)
    table = np.array([[counts.get(c, 0) for c in categories] for counts in rated], dtype=float)
    n_i = table.sum(axis=1)
    p_i = ((table ** 2).sum(axis=1) - n_i) / (n_i * (n_i - 1))
    p_j = table.sum(axis=0) / n_i.sum()
    p_bar, p_e = float(p_i.mean()), float((p_j ** 2).sum())
    if np.isclose(p_e, 1.0):
        return None
    return (p_bar - p_e) / (1 - p_e)
