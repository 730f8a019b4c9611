"""Generation metrics: ROUGE-1/2/L, BERTScore, answer length and Flesch–Kincaid grade, one value per item.

`evaluate.load("rouge")` cannot fetch its script offline, so ROUGE comes from Google's `rouge-score`
(F-measure, Porter stemming, as the `evaluate` wrapper reports it) and BERTScore from `bert-score` with the
embedded MiniLM (all six layers; the default roberta-large is not available here). BERTScore values are
therefore comparable between medtune runs, not with papers that used roberta-large.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from medtune.errors import DataError
from medtune.text import flesch_kincaid_grade, words


@dataclass(frozen=True)
class GenData:
    """Generated answers with their references (and optionally the evidence / question they answer)."""

    preds: tuple[str, ...]
    refs: tuple[str, ...]
    evidence: tuple[str, ...] | None = None
    questions: tuple[str, ...] | None = None

    @property
    def n(self) -> int:
        return len(self.preds)

    def take(self, idx: np.ndarray) -> GenData:
        pick = lambda xs: None if xs is None else tuple(xs[i] for i in idx)  # noqa: E731
        return GenData(pick(self.preds), pick(self.refs), pick(self.evidence), pick(self.questions))


def make_gen_data(preds: list[str | None], refs: list[str], evidence: list[str] | None = None,
                  questions: list[str] | None = None) -> GenData:
    if not preds:
        raise DataError("generation metrics: no items to score (empty input)")
    if len(preds) != len(refs):
        raise DataError(f"generation metrics: {len(preds)} answers but {len(refs)} references")
    for name, xs in (("evidence", evidence), ("questions", questions)):
        if xs is not None and len(xs) != len(preds):
            raise DataError(f"generation metrics: {len(preds)} answers but {len(xs)} {name}")
    return GenData(tuple(p or "" for p in preds), tuple(r or "" for r in refs),
                   None if evidence is None else tuple(e or "" for e in evidence),
                   None if questions is None else tuple(q or "" for q in questions))


@lru_cache(maxsize=1)
def _rouge_scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def _rouge(data: GenData, key: str) -> np.ndarray:
    scorer = _rouge_scorer()
    return np.array([scorer.score(ref, pred)[key].fmeasure for pred, ref in zip(data.preds, data.refs)])


def rouge1(data: GenData) -> np.ndarray:
    return _rouge(data, "rouge1")


def rouge2(data: GenData) -> np.ndarray:
    return _rouge(data, "rouge2")


def rougeL(data: GenData) -> np.ndarray:  # noqa: N802 - the metric's published name
    return _rouge(data, "rougeL")


@lru_cache(maxsize=1)
def _bert_scorer():
    from bert_score import BERTScorer

    from medtune.models.embedded import minilm_path

    return BERTScorer(model_type=str(minilm_path()), num_layers=6, lang="en")


def bertscore_f1(data: GenData) -> np.ndarray:
    """BERTScore F1 per item with the embedded MiniLM (loaded once per process)."""
    _, _, f1 = _bert_scorer().score(list(data.preds), list(data.refs), verbose=False)
    return f1.numpy().astype(float)




def answer_length(data: GenData) -> np.ndarray:
    """Words per answer."""
    return np.array([len(words(p)) for p in data.preds], dtype=float)


def readability_grade(data: GenData) -> np.ndarray:
    """US school grade needed to read each answer; lower is more patient-friendly (NaN for empty answers)."""
    values = [flesch_kincaid_grade(p) for p in data.preds]
    return np.array([np.nan if v is None else v for v in values], dtype=float)
