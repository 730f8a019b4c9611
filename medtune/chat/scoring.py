"""Sentence-level support scores and the green / yellow / red bands — the seam to medtune.verify.

`get_scorer()` returns medtune.verify's trained, calibrated verifier when one is installed (its
`score_sentences(sentences, evidence) -> list[float]`); otherwise the default below. The default is an honest,
entailment-free *support* score, not a fact check: it measures how closely a sentence restates the evidence
(MiniLM cosine to the nearest evidence sentence, plus how many of its content words the evidence contains).
A sentence copied from a source scores near 1; a sentence the sources do not contain scores low, whether it
is true or not. Bands use medtune.verify's calibrated thresholds with its scores, else DEFAULT_THRESHOLDS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from medtune.chat.text import PLAIN_WORDS, apply_lexicon

# Uncalibrated defaults, chosen on the seed examples: a sentence restated from a source scores ≥ 0.8, a
# related sentence the source does not say scores 0.45–0.7, an unrelated one < 0.4.
DEFAULT_THRESHOLDS = {"green": 0.75, "yellow": 0.5}

BANDS = {
    "green": {"label": "Supported by trusted sources", "icon": "✔"},
    "yellow": {"label": "Partly supported: check with a pharmacist or doctor", "icon": "⚠"},
    "red": {"label": "Not sure: consult a clinician", "icon": "✖"},
}

_STOP = frozenset("""a an the and or but if of to in on at for with by from as is are was were be been being it its
this that these those you your i my me we our they them their he she his her can could may might will would should
do does did not no so than then there here what which who whom how when where why also any all some such into about
up out more most other over very just only own same too each few both because while""".split())


class SentenceScorer(Protocol):
    def score_sentences(self, sentences: list[str], evidence: list[str]) -> list[float]: ...


@dataclass(frozen=True)
class Thresholds:
    green: float
    yellow: float
    source: str  # "calibrated: <file>" or "default"

    def band(self, score: float | None) -> str:
        if score is None:
            return "red"
        return "green" if score >= self.green else "yellow" if score >= self.yellow else "red"


def _encoder() -> Any:
    from medtune.kb.embedding import load_model  # the knowledge base's MiniLM: one copy per process

    return load_model()


_CACHE: dict[str, Any] = {}


def encode(texts: list[str]) -> Any:
    """Unit-normalised MiniLM embeddings, cached by text (answers reuse the evidence sentences they quote)."""
    import numpy as np

    missing = list(dict.fromkeys(t for t in texts if t not in _CACHE))
    if missing:
        vectors = _encoder().encode(missing, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        if len(_CACHE) > 50_000:  # a long-running server must not grow without bound
            _CACHE.clear()
        _CACHE.update(zip(missing, vectors))
    if not texts:
        return np.zeros((0, 384), dtype="float32")
    return np.stack([_CACHE[t] for t in texts])


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2}


class EmbeddingSupportScorer:
    """support = 0.7 · max cosine(sentence, evidence sentence) + 0.3 · share of content words found in evidence.

    Both sides are first put in plain words (the patient lexicon), so the style rewrite of a copied sentence
    ("heart attack" / "myocardial infarction") does not count as a difference from its source."""

    def score_sentences(self, sentences: list[str], evidence: list[str]) -> list[float]:
        from medtune.chat.extractive import units

        sentences = [apply_lexicon(s, PLAIN_WORDS) for s in sentences]
        ev_sentences = list(dict.fromkeys(apply_lexicon(u, PLAIN_WORDS) for text in evidence for u in units(text)))
        evidence = [apply_lexicon(e, PLAIN_WORDS) for e in evidence]
        if not sentences:
            return []
        if not ev_sentences:
            return [0.0] * len(sentences)
        sims = encode(sentences) @ encode(ev_sentences).T
        ev_words = content_words(" ".join(evidence))
        scores = []
        for i, sentence in enumerate(sentences):
            words = content_words(sentence)
            overlap = len(words & ev_words) / len(words) if words else 0.0
            scores.append(round(float(max(0.0, min(1.0, 0.7 * sims[i].max() + 0.3 * overlap))), 3))
        return scores


def _verify_ready() -> Any:
    """medtune.verify when asked for (MEDTUNE_CHAT_SCORER=verify) and it has a trained (or hub) verifier; None
    otherwise. The default stays the embedding support score: the extractive answers quote their evidence
    verbatim, and the committed verifier (HealthVer macro F1 0.40, docs/VERIFY.md) bands ~1% of supported test
    items green, so it would mark the seed ibuprofen answer red while quoting the FDA label word for word."""
    from medtune.settings import get_settings

    if get_settings().chat_scorer != "verify":
        return None
    try:
        import medtune.verify as verify
        from medtune.verify.model import resolved_spec
    except ImportError:
        return None
    return verify if resolved_spec() != "lexical" and hasattr(verify, "score_sentences") else None


def get_scorer() -> SentenceScorer:
    """medtune.verify's trained verifier when there is one, else the embedding support score."""
    return _verify_ready() or EmbeddingSupportScorer()


def load_thresholds() -> Thresholds:
    """The verifier's calibrated thresholds when its scores are used (they are fitted on its probabilities),
    else DEFAULT_THRESHOLDS for the embedding support score."""
    verify = _verify_ready()
    if verify is not None:
        found = verify.load_thresholds()
        return Thresholds(float(found["green"]), float(found["yellow"]), f"calibrated: {found.get('path', '')}")
    return Thresholds(DEFAULT_THRESHOLDS["green"], DEFAULT_THRESHOLDS["yellow"], "default")


def aggregate(scores: list[float]) -> float | None:
    """Answer confidence: half the mean, half the weakest sentence — one unsupported claim should show."""
    if not scores:
        return None
    return round(0.5 * sum(scores) / len(scores) + 0.5 * min(scores), 3)
