"""Faithfulness and hallucination rate of generated answers against their evidence.

The scorer belongs to the knowledge-base / verifier area (`medtune.verify`) and is looked up at call time.
It is expected to expose `faithfulness_scores(answers: list[str], evidence: list[str]) -> list[float]`
(probability each answer is supported by its evidence, in [0, 1]); a per-answer
`score_answer(answer, evidence) -> float | {"trust": float}` is accepted too. When neither exists the
metric is reported as unavailable with the reason — never a made-up number.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

from medtune.eval.generation import GenData

#: An answer whose support probability is below this is counted as hallucinated, unless the scorer
#: module declares its own calibrated `HALLUCINATION_THRESHOLD`.
DEFAULT_THRESHOLD = 0.5


class ScorerUnavailable(Exception):
    """Why faithfulness cannot be scored here; the registry turns it into an "unavailable" entry."""


def _scorer() -> tuple[Callable[[list[str], list[str]], list[float]], float]:
    try:
        verify = importlib.import_module("medtune.verify")
    except ImportError as exc:
        raise ScorerUnavailable(f"the verifier (medtune.verify) is not installed here: {exc}") from exc
    threshold = float(getattr(verify, "HALLUCINATION_THRESHOLD", DEFAULT_THRESHOLD))
    batch = getattr(verify, "faithfulness_scores", None)
    if callable(batch):
        return batch, threshold
    single = getattr(verify, "score_answer", None)
    if callable(single):
        return (lambda answers, evidence: [_as_score(single(a, e)) for a, e in zip(answers, evidence)]), threshold
    raise ScorerUnavailable("medtune.verify has no faithfulness scorer "
                            "(expected faithfulness_scores(answers, evidence) or score_answer(answer, evidence))")


def _as_score(result: object) -> float:
    if isinstance(result, dict):
        result = result.get("trust", result.get("score"))
    return float(result)  # type: ignore[arg-type]


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
