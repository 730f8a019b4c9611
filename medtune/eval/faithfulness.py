"""Faithfulness and hallucination rate of generated answers against their evidence.

The scorer is medtune.verify's one support scorer (`medtune.verify.support.faithfulness_scores(answers,
evidence) -> list[float]`: the probability that each answer is supported by its evidence, in [0, 1] — the
checker's verifier and calibration, with the chat's quote rule, so an answer is judged here as the chat judges
it) with the calibrated `HALLUCINATION_THRESHOLD`; it is imported when a metric is computed (the verifier's
model loads on first use). Items without evidence are
reported as unavailable with the reason — never a made-up number.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from medtune.eval.generation import GenData

#: An answer whose support probability is below this is counted as hallucinated (`hallucination_flags`'
#: default; the metric itself uses medtune.verify's calibrated HALLUCINATION_THRESHOLD).
DEFAULT_THRESHOLD = 0.5


class ScorerUnavailable(Exception):
    """Why faithfulness cannot be scored here; the registry turns it into an "unavailable" entry."""


def _scorer() -> tuple[Callable[[list[str], list[str]], list[float]], float]:
    from medtune.verify import HALLUCINATION_THRESHOLD
    from medtune.verify.support import faithfulness_scores

    return faithfulness_scores, float(HALLUCINATION_THRESHOLD)


def _scores(data: GenData) -> tuple[np.ndarray, float]:
    if data.evidence is None:
        raise ScorerUnavailable("no evidence was given with the answers, so faithfulness cannot be judged")
    score_fn, threshold = _scorer()
    scores = np.asarray(score_fn(list(data.preds), list(data.evidence)), dtype=float)
    if scores.shape != (data.n,):
        raise ScorerUnavailable(f"the verifier returned {scores.size} scores for {data.n} answers")
    return scores, threshold


def faithfulness(data: GenData) -> np.ndarray:
    """Support probability of each answer given its evidence (higher is better)."""
    return _scores(data)[0]


def hallucination_flags(scores: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> np.ndarray:
    """1.0 where an answer's support probability is below the threshold; NaN (not scored) where it has none."""
    scores = np.asarray(scores, dtype=float)
    return np.where(np.isfinite(scores), (scores < threshold).astype(float), np.nan)


def hallucination_rate(data: GenData) -> np.ndarray:
    """Per-item 0/1 hallucination flags; their mean is the hallucination rate (lower is better)."""
    scores, threshold = _scores(data)
    return hallucination_flags(scores, threshold)
