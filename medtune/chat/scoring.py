"""Sentence-level support scores and the green / yellow / red bands — the seam to medtune.verify.

The default scorer is a **calibrated support verifier** (`CalibratedSupportScorer`): a logistic regression
P(supported | sentence, evidence) over cheap features — MiniLM cosine to the nearest evidence sentence, the share
of the sentence's content words found in the evidence, and the mismatch signals of medtune.verify's lexical
verifier (a negation, an opposite effect word, a number or a drug name that the evidence does not have) — fitted
on medtune.verify's labelled pairs by `python -m medtune.chat.calibrate`. Bands follow medtune.verify's one
rule (`band_for`, via `Thresholds.band`): green when P(supported) reaches the green cut; red only when the
evidence contradicts the sentence (a mismatch signal in a sentence that otherwise restates it) and P is below the
yellow cut; yellow otherwise — a sentence the sources merely do not cover is never red. Coefficients and cuts are in `support_calibration.json` beside this module
(`MEDTUNE_CHAT_CALIBRATION` points elsewhere). It measures *support by the sources*, not truth: a sentence
the sources do not contain scores low whether it is true or not.

`MEDTUNE_CHAT_SCORER=verify` uses medtune.verify's trained verifier and its own calibrated thresholds instead.
When the calibration file is missing or unreadable, the uncalibrated `EmbeddingSupportScorer`
(0.7 · cosine + 0.3 · overlap) with DEFAULT_THRESHOLDS is used, and the thresholds' source says "default".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from medtune.chat.text import PLAIN_WORDS, apply_lexicon

# Uncalibrated defaults, chosen on the seed examples: a sentence restated from a source scores ≥ 0.8, a
# related sentence the source does not say scores 0.45–0.7, an unrelated one < 0.4.
DEFAULT_THRESHOLDS = {"green": 0.75, "yellow": 0.5}
PACKAGED_CALIBRATION = Path(__file__).resolve().parent / "support_calibration.json"
#: The features of the calibrated scorer, in the order of its coefficients (support_features computes them).
FEATURES = ("similarity", "overlap", "quoted", "negation_flip", "opposite_word", "numbers_missing", "drug_missing")

BANDS = {
    "green": {"label": "Supported by trusted sources", "icon": "✔"},
    "yellow": {"label": "Not enough or conflicting evidence: check with a pharmacist or doctor", "icon": "⚠"},
    "red": {"label": "Contradicted by trusted sources: consult a clinician", "icon": "✖"},
}

_STOP = frozenset("""a an the and or but if of to in on at for with by from as is are was were be been being it its
this that these those you your i my me we our they them their he she his her can could may might will would should
do does did not no so than then there here what which who whom how when where why also any all some such into about
up out more most other over very just only own same too each few both because while""".split())


class SentenceScorer(Protocol):
    def score_sentences(self, sentences: list[str], evidence: list[str]) -> list[float]: ...


@dataclass(frozen=True)
class Thresholds:
    """The calibrated cuts on P(supported): `green` (the sources support it) and `yellow`, below which a sentence
    the sources *contradict* is red (issue 14.1 / 18.3: the chat and the checker band by one rule)."""

    green: float
    yellow: float
    source: str  # "calibrated: <file>" or "default"

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


def prepared(sentences: list[str], evidence: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Sentences, evidence sentences and evidence texts in plain words (the patient lexicon), so the style
    rewrite of a copied sentence ("heart attack" / "myocardial infarction") is not a difference from its source."""
    from medtune.chat.extractive import units

    plain = [apply_lexicon(s, PLAIN_WORDS) for s in sentences]
    ev_sentences = list(dict.fromkeys(apply_lexicon(u, PLAIN_WORDS) for text in evidence for u in units(text)))
    return plain, ev_sentences, [apply_lexicon(e, PLAIN_WORDS) for e in evidence]


def support_features(sentences: list[str], evidence: list[str]) -> Any:
    """(n, len(FEATURES)) features of each sentence against the evidence texts:
    - similarity: max MiniLM cosine to an evidence sentence (clipped to [0, 1]);
    - overlap: share of the sentence's content words found anywhere in the evidence;
    - quoted: share of the sentence's word trigrams found in the evidence (1 for a quote — what the embedded
      generator does — also for one stitched from a heading and its bullet; a one-word change leaves the
      cosine near 1, so the cosine alone cannot tell a quote from a perturbed copy);
    - negation_flip / opposite_word: medtune.verify's lexical mismatch signals (verify/model.py), here against
      the *nearest* evidence sentence — a negation in one and not the other, an effect word whose opposite
      (verify/perturb.py) the evidence uses instead;
    - numbers_missing: share of the sentence's numbers the evidence does not contain (a changed dose);
    - drug_missing: the sentence names a drug (verify/perturb.py's list) that the evidence never names.
    The four mismatch signals are multiplied by overlap: a mismatch refutes a sentence that otherwise restates
    the evidence (the lexical verifier's gate, overlap ≥ 0.5, made continuous), and is noise in one that does not
    (on the calib split this lifts ROC-AUC from 0.88 to 0.93, docs/CHATBOT.md)."""
    import numpy as np

    from medtune.verify.model import NEGATIONS, NUMBER
    from medtune.verify.perturb import DRUG_RE, OPPOSITES

    plain, ev_sentences, ev_texts = prepared(sentences, evidence)
    out = np.zeros((len(plain), len(FEATURES)), dtype="float64")
    if not plain or not ev_sentences:
        return out
    sims = encode(plain) @ encode(ev_sentences).T
    ev_all = " ".join(ev_texts)
    ev_words, ev_lower = content_words(ev_all), ev_all.lower()
    ev_numbers = set(NUMBER.findall(ev_all))
    ev_grams = word_ngrams(_flat(ev_all).split())
    for i, sentence in enumerate(plain):
        words = content_words(sentence)
        nearest = ev_sentences[int(sims[i].argmax())].lower()
        raw_words, near_words = set(re.findall(r"[a-z]+", sentence.lower())), set(re.findall(r"[a-z]+", nearest))
        numbers = set(NUMBER.findall(sentence))
        drugs = {d.lower() for d in DRUG_RE.findall(sentence)}
        out[i] = [
            max(0.0, min(1.0, float(sims[i].max()))),
            len(words & ev_words) / len(words) if words else 0.0,
            quoted_share(_flat(sentence), ev_grams),
            float(bool(NEGATIONS.search(sentence.lower())) != bool(NEGATIONS.search(nearest))),
            float(any(OPPOSITES[w] in near_words and w not in near_words for w in raw_words if w in OPPOSITES)),
            len(numbers - ev_numbers) / len(numbers) if numbers else 0.0,
            float(any(not re.search(rf"\b{d}\b", ev_lower) for d in drugs)),
        ]
        out[i, 3:] *= out[i, 1]
    return out


QUOTE_N = 3  # word trigrams: a quote stitched from a heading and its bullet keeps nearly all of them


def word_ngrams(words: list[str], n: int = QUOTE_N) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def quoted_share(flat_sentence: str, ev_grams: set[tuple[str, ...]]) -> float:
    """Share of the sentence's word trigrams found in the evidence: 1 for a quote, also for one stitched from a
    label's heading and bullet ("Ask a doctor before use if you are" + "taking aspirin ..."), lower for each
    changed word (a one-word change removes up to three trigrams)."""
    grams = word_ngrams(flat_sentence.split())
    if not grams:  # under three words: quoted only when all of it is in the evidence
        words = flat_sentence.split()
        return float(bool(words) and all(any(w in g for g in ev_grams) for w in words))
    return len(grams & ev_grams) / len(grams)


def _flat(text: str) -> str:
    """Lower-case words and numbers joined by single spaces: punctuation and spacing do not break a quote."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def raw_support(features: Any) -> Any:
    """The uncalibrated support score: 0.7 · similarity + 0.3 · overlap, in [0, 1]."""
    import numpy as np

    return np.clip(0.7 * features[:, 0] + 0.3 * features[:, 1], 0.0, 1.0)


#: A mismatch signal (negation, opposite word, missing number or drug) this strong, in a sentence that otherwise
#: restates the evidence (the signals are scaled by overlap), reads as the sources contradicting it — the gate of
#: medtune.verify's lexical verifier (overlap ≥ 0.5 and a mismatch).
CONTRADICTION = 0.5


def contradicted_by(features: Any) -> list[bool]:
    """Whether each sentence's mismatch features say the evidence contradicts it (see CONTRADICTION)."""
    return [bool(row[3:].max() >= CONTRADICTION) for row in features] if len(features) else []


def assess_sentences(scorer: SentenceScorer, sentences: list[str], evidence: list[str]) -> tuple[list[float], list[bool]]:
    """Support scores and whether the evidence contradicts each sentence. medtune.verify's verifier gives both
    (its label contradicted / conflicting); the support scorers read the contradiction off their mismatch
    features."""
    if not sentences:
        return [], []
    if hasattr(scorer, "verify_sentences"):  # the medtune.verify module (MEDTUNE_CHAT_SCORER=verify)
        verdicts = scorer.verify_sentences(sentences, evidence)
        return ([round(float(v.trust), 3) for v in verdicts],
                [v.label in ("contradicted", "conflicting") for v in verdicts])
    features = support_features(sentences, evidence)
    if isinstance(scorer, CalibratedSupportScorer):
        scores = [round(float(p), 3) for p in scorer.probabilities(features)]
    else:
        scores = scorer.score_sentences(sentences, evidence)
    return scores, contradicted_by(features)


class EmbeddingSupportScorer:
    """support = 0.7 · max cosine(sentence, evidence sentence) + 0.3 · share of content words found in evidence
    (uncalibrated: the fallback when no calibration file can be read)."""

    def score_sentences(self, sentences: list[str], evidence: list[str]) -> list[float]:
        if not sentences:
            return []
        return [round(float(s), 3) for s in raw_support(support_features(sentences, evidence))]


@dataclass(frozen=True)
class CalibratedSupportScorer:
    """P(supported) = σ(coef · support_features + intercept), fitted by medtune.chat.calibrate."""

    coef: tuple[float, ...]
    intercept: float
    green: float
    yellow: float
    path: str

    def probabilities(self, features: Any) -> Any:
        import numpy as np

        return 1.0 / (1.0 + np.exp(-(features @ np.asarray(self.coef) + self.intercept)))

    def score_sentences(self, sentences: list[str], evidence: list[str]) -> list[float]:
        if not sentences:
            return []
        return [round(float(p), 3) for p in self.probabilities(support_features(sentences, evidence))]


def calibration_file() -> Path:
    """MEDTUNE_CHAT_CALIBRATION when set, else the file committed beside this module."""
    from medtune.settings import get_settings

    configured = get_settings().chat_calibration
    return Path(configured).expanduser() if configured else PACKAGED_CALIBRATION


def load_calibrated(path: Path | None = None) -> CalibratedSupportScorer | None:
    """The calibrated scorer stored at `path` (default calibration_file()); None when it is missing or invalid."""
    path = path or calibration_file()
    try:
        return _load_calibrated(str(path), path.stat().st_mtime)
    except (OSError, ValueError, KeyError, TypeError):
        return None


@lru_cache(maxsize=4)
def _load_calibrated(path: str, mtime: float) -> CalibratedSupportScorer:
    """Parsed once per file version (the chat asks for the scorer on every answer)."""
    import json

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if list(data["features"]) != list(FEATURES):
        raise ValueError(f"{path} was fitted on features {data['features']}, not {list(FEATURES)}")
    coef = tuple(float(c) for c in data["coef"])
    green, yellow = float(data["thresholds"]["green"]), float(data["thresholds"]["yellow"])
    finite = all(math.isfinite(v) for v in (*coef, float(data["intercept"]), green, yellow))
    if not finite or len(coef) != len(FEATURES) or not 0 <= yellow <= green <= 1:
        raise ValueError(f"{path}: coefficients or thresholds out of range")
    return CalibratedSupportScorer(coef, float(data["intercept"]), green, yellow, path)


def _verify_ready() -> Any:
    """medtune.verify when asked for (MEDTUNE_CHAT_SCORER=verify) and it has a trained (or hub) verifier; None
    otherwise. It is not the default: the committed verifier (HealthVer macro F1 0.40, docs/VERIFY.md) bands ~1%
    of supported test items green, so it marks the seed ibuprofen answer red while quoting the FDA label."""
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
    """medtune.verify's verifier when asked for, else the calibrated support verifier, else (no readable
    calibration file) the uncalibrated embedding support score."""
    return _verify_ready() or load_calibrated() or EmbeddingSupportScorer()


def load_thresholds() -> Thresholds:
    """The band thresholds fitted for the scorer get_scorer() returns (each is fitted on its own scores)."""
    verify = _verify_ready()
    if verify is not None:
        found = verify.load_thresholds()
        return Thresholds(float(found["green"]), float(found["yellow"]), f"calibrated: {found.get('path', '')}")
    calibrated = load_calibrated()
    if calibrated is not None:
        return Thresholds(calibrated.green, calibrated.yellow, f"calibrated: {calibrated.path}")
    return Thresholds(DEFAULT_THRESHOLDS["green"], DEFAULT_THRESHOLDS["yellow"], "default")


def aggregate(scores: list[float]) -> float | None:
    """Answer confidence: half the mean, half the weakest sentence — one unsupported claim should show."""
    if not scores:
        return None
    return round(0.5 * sum(scores) / len(scores) + 0.5 * min(scores), 3)
