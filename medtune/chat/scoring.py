"""Sentence-level support scores and the green / yellow / red bands — the chat's seam to the one scorer.

The chat scores each answer sentence with medtune.verify's support scorer (`medtune.verify.support`): the
stance verifier with its one calibration (calibration.json), the same scorer the misinformation checker and the
evaluation's faithfulness / hallucination rate use, with its quote rule — a sentence copied from a retrieved
passage is entailed by that passage. Quotes are recognised after the chat's own rewriting (`normalize`: the
source-text clean-up and the patient lexicon, so "heart attack" for "myocardial infarction" is still a quote).
Bands follow medtune.verify's one rule (`band_for`, via `Thresholds.band`): green = the sources support it;
red = they contradict it (label contradicted or conflicting) and the trust is below the red cut; yellow = not
enough evidence — a sentence the sources merely do not cover is never red. It measures *support by the
sources*, not truth.

`encode` (MiniLM embeddings, cached by text) is shared by the extractive generator and the relevance model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from medtune.chat.text import PLAIN_WORDS, apply_lexicon, clean_source_text

BANDS = {
    "green": {"label": "Supported by trusted sources", "icon": "✔"},
    "yellow": {"label": "Not enough or conflicting evidence: check with a pharmacist or doctor", "icon": "⚠"},
    "red": {"label": "Contradicted by trusted sources: consult a clinician", "icon": "✖"},
}

_STOP = frozenset("""a an the and or but if of to in on at for with by from as is are was were be been being it its
this that these those you your i my me we our they them their he she his her can could may might will would should
do does did not no so than then there here what which who whom how when where why also any all some such into about
up out more most other over very just only own same too each few both because while""".split())


@dataclass(frozen=True)
class Thresholds:
    """The calibrated cuts on P(supported): `green` (the sources support it) and `yellow`, below which a sentence
    the sources *contradict* is red (issue 14.1 / 18.3: the chat and the checker band by one rule)."""

    green: float
    yellow: float
    source: str  # "calibrated: <medtune.verify calibration file>"

    def label(self, score: float | None, contradicted: bool = False) -> str:
        """The sentence label a support score and a contradiction signal amount to (medtune.verify's labels)."""
        if contradicted:
            return "contradicted"
        return "supported" if score is not None and score >= self.green else "not_enough_info"

    def band(self, score: float | None, contradicted: bool = False) -> str:
        """medtune.verify's one band rule (`band_for`): green = the sources support it; red = they contradict it
        (and the support score is below `yellow`); yellow = not enough or conflicting evidence. A sentence the
        sources merely do not cover is yellow, never red."""
        from medtune.verify.trust import Calibration, band_for, verdict_for_label

        cal = Calibration(a=1.0, b=0.0, green=self.green, yellow=self.yellow, source=self.source)
        return band_for(verdict_for_label(self.label(score, contradicted)), score, cal)


_CACHE: dict[str, Any] = {}


def _encoder() -> Any:
    from medtune.kb.embedding import load_model  # the knowledge base's MiniLM: one copy per process

    return load_model()


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


def normalize(text: str) -> str:
    """A source text or an answer sentence as the chat's rewrite leaves it (clean-up, plain words), so a quote
    reworded by the patient or clinician style is still recognised as one."""
    return apply_lexicon(clean_source_text(text), PLAIN_WORDS)


def assess_sentences(sentences: list[str], evidence: list[str]) -> tuple[list[float], list[bool]]:
    """Each sentence's trust (calibrated P(supported)) and whether the evidence contradicts it (label
    contradicted or conflicting), from medtune.verify's one support scorer."""
    if not sentences:
        return [], []
    from medtune.verify.support import support_verdicts

    verdicts = support_verdicts(sentences, evidence, normalize)
    return ([round(float(v.trust), 3) for v in verdicts],
            [v.label in ("contradicted", "conflicting") for v in verdicts])


def score_sentences(sentences: list[str], evidence: list[str]) -> list[float]:
    """Just the trust of each sentence (see assess_sentences)."""
    return assess_sentences(sentences, evidence)[0]


def load_thresholds() -> Thresholds:
    """The band thresholds of medtune.verify's calibration (the checker's), and the file they come from."""
    from medtune.verify import load_thresholds as verify_thresholds

    found = verify_thresholds()
    return Thresholds(float(found["green"]), float(found["yellow"]), f"calibrated: {found.get('path', '')}")


def aggregate(scores: list[float]) -> float | None:
    """Answer confidence: half the mean, half the weakest sentence — one unsupported claim should show."""
    if not scores:
        return None
    return round(0.5 * sum(scores) / len(scores) + 0.5 * min(scores), 3)
