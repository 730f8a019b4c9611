"""A stance head over the cross-encoder: paraphrase similarity plus explicit polarity features.

Everyday claims paraphrase their source ("kids" for "children", "doesn't cause symptoms" for "usually has no
symptoms"), and their falsehoods are mostly polarity changes: a negation, an opposite effect word, an absolute
("never", "always", "everyone") where the source hedges ("may", "most", "usually"), a changed number, "cures"
where the source says there is no cure. The briefly trained MiniLM cross-encoder reads neither well, so the
verifier is the cross-encoder's log-probabilities plus, for the evidence sentence closest to the claim:

- `sim`: cosine similarity of MiniLM sentence embeddings (all-MiniLM-L6-v2 was trained on paraphrase pairs,
  so a lay rewording of a source sentence stays close; Reimers & Gurevych 2019);
- `overlap`: share of the claim's content words (with lay/clinical synonyms) in that sentence;
- polarity mismatches between claim and sentence: negation, opposite word, absolute vs hedge, number, cure;

combined by a multinomial logistic regression (`fit_stance`, coefficients in `stance.json` beside the
verifier). Features are computed against the sentence of the passage most similar to the claim, since a
passage may hold the deciding sentence among others (FEVER-style sentence selection, Thorne et al. 2018).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from medtune.verify.evidence import expanded_words
from medtune.verify.model import NEGATIONS, NUMBER
from medtune.verify.pairs import LABELS, content_words
from medtune.verify.perturb import OPPOSITES
from medtune.verify.sentences import split_sentences

STANCE_FILE = "stance.json"
ABSOLUTES = re.compile(r"\b(?:never|always|all|every(?:one|body|thing)?|only|none|nothing|nobody|no one|"
                       r"completely|totally|entirely|guarantee[sd]?|any)\b", re.I)
HEDGES = re.compile(r"\b(?:may|might|can|could|some|most|many|often|usually|sometimes|generally|likely|"
                    r"possibly|probably|about|almost|nearly|rarely)\b", re.I)
CURE = re.compile(r"\bcur(?:e|es|ed|ing)\b", re.I)
NO_CURE = re.compile(r"\b(?:no|not|cannot|can't|never)\b[^.]{0,25}\bcur(?:e|ed)\b", re.I)
EXTRA_OPPOSITES = {
    "safe": "dangerous", "harmless": "dangerous", "mild": "serious", "women": "men", "men": "women",
    "protect": "harm", "protects": "harms", "helps": "hurts", "worse": "better", "better": "worse",
    "weakens": "strengthens", "strengthens": "weakens", "rare": "common", "less": "more", "fewer": "more",
    "below": "above", "under": "over", "spread": "contagious", "normal": "emergency",
}
FEATURES = ("log_p_supported", "log_p_refuted", "log_p_nei", "sim", "sim_mean", "overlap",
            "negation_flip", "opposite", "absolute_vs_hedge", "number_clash", "cure_vs_no_cure",
            "claim_negated", "sentence_negated")


def _opposite(word: str) -> str | None:
    return EXTRA_OPPOSITES.get(word) or OPPOSITES.get(word)


def _negated(text: str) -> bool:
    return bool(NEGATIONS.search(text)) or bool(re.search(r"\b(?:isn't|aren't|can't|won't|doesn't|don't|dont|"
                                                           r"shouldn't|shouldnt|cannot|nothing to do)\b", text, re.I))


def polarity_features(claim: str, sentence: str) -> list[float]:
    """Mismatches between a claim and one evidence sentence (each 0 or 1; see the module docstring)."""
    c_words = set(re.findall(r"[a-z']+", claim.lower()))
    s_words = set(re.findall(r"[a-z']+", sentence.lower()))
    opposite = any(_opposite(w) in s_words and w not in s_words for w in c_words if _opposite(w))
    absolute = bool(ABSOLUTES.search(claim)) and not ABSOLUTES.search(sentence) and bool(HEDGES.search(sentence))
    numbers = set(NUMBER.findall(claim))
    clash = bool(numbers) and not numbers <= set(NUMBER.findall(sentence))
    cure = bool(CURE.search(claim)) and not NO_CURE.search(claim) and bool(NO_CURE.search(sentence))
    c_neg, s_neg = _negated(claim), _negated(sentence)
    return [float(c_neg != s_neg), float(opposite), float(absolute), float(clash), float(cure), float(c_neg),
            float(s_neg)]


def pair_features(pairs: Sequence[tuple[str, str]], base_probs: Any, embed: Any) -> Any:
    """The feature matrix (len(pairs) x len(FEATURES)) of (claim, passage) pairs.

    `base_probs` are the cross-encoder's (n, 3) probabilities; `embed(texts) -> (m, d)` unit-norm embeddings.
    Only each passage's `CANDIDATES` sentences sharing most words with the claim are embedded (and each claim
    once): the embedding calls are most of a check's cost."""
    import numpy as np

    claims = list(dict.fromkeys(c for c, _ in pairs))
    candidates = [_candidates(c, p) for c, p in pairs]
    flat = [s for group in candidates for s in group]
    vectors = np.asarray(embed(claims + flat), dtype="float32")
    claim_vec = dict(zip(claims, vectors[:len(claims)]))
    sent_vecs = vectors[len(claims):]
    rows, offset = [], 0
    for i, (claim, _) in enumerate(pairs):
        group = candidates[i]
        sims = sent_vecs[offset:offset + len(group)] @ claim_vec[claim]
        offset += len(group)
        want = expanded_words(claim)
        overlaps = [len(want & content_words(s)) / max(1, len(content_words(claim))) for s in group]
        best = int(np.argmax(sims + 0.5 * np.asarray(overlaps)))
        logp = np.log(np.clip(base_probs[i], 1e-6, 1.0))
        rows.append([*logp, float(sims[best]), float(sims.mean()), min(overlaps[best], 1.0),
                     *polarity_features(claim, group[best])])
    return np.asarray(rows, dtype="float64").reshape(-1, len(FEATURES))


CANDIDATES = 3


def _candidates(claim: str, passage: str) -> list[str]:
    sents = split_sentences(passage, split_conjunctions=False) or [passage]
    want = expanded_words(claim)
    return sorted(sents, key=lambda s: -len(want & content_words(s)))[:CANDIDATES]


def minilm_embed(texts: list[str]) -> Any:
    """Unit-norm MiniLM sentence embeddings (the knowledge base's model, loaded once)."""
    from medtune.kb.embedding import embed

    return embed(list(texts))


class StanceVerifier:
    """The cross-encoder's probabilities and the similarity / polarity features, combined by a fitted
    multinomial logistic regression. Same `predict(pairs) -> (n, 3)` as every verifier."""

    def __init__(self, base: Any, model: dict[str, Any], embed: Any = None):
        import numpy as np

        self.base, self.embed = base, embed or minilm_embed
        self.coef = np.asarray(model["coef"], dtype="float64")
        self.intercept = np.asarray(model["intercept"], dtype="float64")
        self.mean = np.asarray(model.get("mean") or [0.0] * len(FEATURES), dtype="float64")
        self.scale = np.asarray(model.get("scale") or [1.0] * len(FEATURES), dtype="float64")
        self.name = f"stance({base.name} + similarity and polarity features)"

    def predict(self, pairs: Sequence[tuple[str, str]]) -> Any:
        import numpy as np

        if not pairs:
            return np.zeros((0, len(LABELS)), dtype="float32")
        x = (pair_features(pairs, self.base.predict(pairs), self.embed) - self.mean) / self.scale
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        return (probs / probs.sum(axis=1, keepdims=True)).astype("float32")


def fit_stance(x: Any, labels: Sequence[str], c: float = 1.0, weights: Any = None) -> dict[str, Any]:
    """Fit the stance head on a feature matrix and labels; returns the JSON-able model."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(x, dtype="float64")
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    y = np.array([LABELS.index(lbl) for lbl in labels])
    model = LogisticRegression(C=c, max_iter=3000).fit((x - mean) / scale, y, sample_weight=weights)
    return {"coef": model.coef_.tolist(), "intercept": model.intercept_.tolist(), "mean": mean.tolist(),
            "scale": scale.tolist(), "classes": list(LABELS), "features": list(FEATURES), "items": int(len(y)),
            "C": c}
