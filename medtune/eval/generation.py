"""Generation metrics: ROUGE-1/2/L, BERTScore, answer length and Flesch–Kincaid grade, one value per item.

`evaluate.load("rouge")` cannot fetch its script offline, so ROUGE comes from Google's `rouge-score`
(F-measure, Porter stemming, as the `evaluate` wrapper reports it) and BERTScore from `bert-score` with the
embedded MiniLM (all six layers; the default roberta-large is not available here). BERTScore values are
therefore comparable between medtune runs, not with papers that used roberta-large.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from medtune.errors import DataError


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


_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def answer_length(data: GenData) -> np.ndarray:
    """Words per answer."""
    return np.array([len(words(p)) for p in data.preds], dtype=float)


def count_syllables(word: str) -> int:
    """Vowel groups, minus a silent final 'e' (not '-le'), at least one — the usual heuristic."""
    w = word.lower()
    if w.isdigit():
        return max(1, len(w))  # numbers are read out; one syllable per digit keeps this simple and monotone
    groups = re.findall(r"[aeiouy]+", w)
    n = len(groups)
    if w.endswith("e") and not w.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(1, n)


def count_sentences(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text.strip()))) if text.strip() else 0


def flesch_kincaid_grade(text: str) -> float | None:
    """0.39·(words/sentences) + 11.8·(syllables/words) − 15.59 (Kincaid et al. 1975); None for no words."""
    ws = words(text)
    if not ws:
        return None
    syllables = sum(count_syllables(w) for w in ws)
    return 0.39 * len(ws) / count_sentences(text) + 11.8 * syllables / len(ws) - 15.59


def readability_grade(data: GenData) -> np.ndarray:
    """US school grade needed to read each answer; lower is more patient-friendly (NaN for empty answers)."""
    values = [flesch_kincaid_grade(p) for p in data.preds]
    return np.array([np.nan if v is None else v for v in values], dtype=float)
