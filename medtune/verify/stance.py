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
from medtune.text import NEGATION
from medtune.verify.model import NUMBER
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
BASE_FEATURES = ("log_p_supported", "log_p_refuted", "log_p_nei", "sim", "sim_mean", "overlap",
                 "negation_flip", "opposite", "absolute_vs_hedge", "number_clash", "cure_vs_no_cure",
                 "claim_negated", "sentence_negated")
#: Relation features (issue 14): what a topical paraphrase with a changed relation differs in. The head reads
#: the columns its stance.json names, so an older head (BASE_FEATURES only) still loads.
RELATION_FEATURES = ("direction_clash", "comparison_swap", "population_swap", "direction_clash_passage",
                     "sim_x_flip", "max_sim_passage")
FEATURES = BASE_FEATURES + RELATION_FEATURES
# Effect direction, by meaning rather than by exact antonym: "raises" vs "reduces" is as much a flip as
# "raises" vs "lowers" (the antonym table alone missed "blood thinners raise stroke risk").
_UP = re.compile(r"\b(?:rais(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|higher|boost(?:s|ed)?|worsen(?:s|ed)?|"
                 r"caus(?:e|es|ed|ing)|trigger(?:s|ed)?|promot(?:e|es|ed)|more likely|greater risk|"
                 r"(?:is|are) (?:a )?risk factors?|lead(?:s)? to|harm(?:s|ful)?|damag(?:e|es|ing)|weaken(?:s|ed)?)\b", re.I)
_DOWN = re.compile(r"\b(?:lower(?:s|ed|ing)?|reduc(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|cut(?:s)? (?:the|your)|"
                   r"prevent(?:s|ed|ing)?|protect(?:s|ed|ing)?|less likely|drop(?:s|ped)?|help(?:s)? (?:to )?"
                   r"(?:lower|control|prevent|reduce)|strengthen(?:s)?|improv(?:e|es|ed)|benefit(?:s)?)\b", re.I)
_MORE = re.compile(r"\b(?:more|most|higher|greater|larger|bigger|twice|three times|likelier|common(?:er)?)\b",
                   re.I)
_LESS = re.compile(r"\b(?:less|least|fewer|lower|smaller|rarer|rarely|uncommon)\b", re.I)
# People a claim can be about; swapping them is the "wrong population" falsehood.
POPULATIONS = {
    "men": "male", "man": "male", "males": "male", "boys": "male", "male": "male",
    "women": "female", "woman": "female", "females": "female", "girls": "female", "female": "female",
    "children": "child", "child": "child", "kids": "child", "kid": "child", "toddlers": "child",
    "babies": "infant", "baby": "infant", "infants": "infant", "infant": "infant", "newborns": "infant",
    "adults": "adult", "adult": "adult", "teenagers": "teen", "teens": "teen", "adolescents": "teen",
    "elderly": "older", "older": "older", "seniors": "older", "aged": "older",
    "younger": "young", "young": "young", "pregnant": "pregnant",
    "smokers": "smoker", "nonsmokers": "nonsmoker",
}


def _opposite(word: str) -> str | None:
    return EXTRA_OPPOSITES.get(word) or OPPOSITES.get(word)


def _negated(text: str) -> bool:
    # The project's one negation list (medtune.text, issue 18.2): its contractions, "nothing", "none", "hardly".
    return bool(NEGATION.search(text))


def _numbers(text: str) -> set[str]:
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in NUMBER.findall(text.replace(",", ""))}


def polarity_features(claim: str, sentence: str, passage: str = "") -> list[float]:
    """Mismatches between a claim and one evidence sentence (each 0 or 1; see the module docstring).

    An absolute counts only in a claim that does not hedge itself ("usually doesn't cause any symptoms" is
    not absolute); a number clashes only when the sentence has numbers and the whole passage lacks the
    claim's (the number often sits in the next sentence of the passage)."""
    c_words = set(re.findall(r"[a-z']+", claim.lower()))
    s_words = set(re.findall(r"[a-z']+", sentence.lower()))
    opposite = any(_opposite(w) in s_words and w not in s_words for w in c_words if _opposite(w))
    absolute = (bool(ABSOLUTES.search(claim)) and not HEDGES.search(claim) and not ABSOLUTES.search(sentence)
                and bool(HEDGES.search(sentence)))
    numbers = _numbers(claim)
    clash = bool(numbers) and bool(_numbers(sentence)) and not numbers <= _numbers(passage or sentence)
    cure = bool(CURE.search(claim)) and not NO_CURE.search(claim) and bool(NO_CURE.search(sentence))
    c_neg, s_neg = _negated(claim), _negated(sentence)
    return [float(c_neg != s_neg), float(opposite), float(absolute), float(clash), float(cure), float(c_neg),
            float(s_neg)]


def _direction(text: str) -> int:
    """+1 when the text's effect words point up (raise, cause, harm), -1 down (lower, prevent, protect),
    0 when none or both; a negated effect ("does not raise") points the other way."""
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    if up == down:
        return 0
    sign = 1 if up else -1
    return -sign if _negated(text) else sign


def _comparison(text: str) -> tuple[str, str, int] | None:
    """(first group, second group, more/less sign) of a comparison between two populations, e.g. "men get
    migraines more often than women" → ("male", "female", +1); "more common in women than men" → ("female",
    "male", +1). None without two distinct groups and a comparative word."""
    groups = [POPULATIONS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in POPULATIONS]
    distinct = list(dict.fromkeys(groups))
    more, less = bool(_MORE.search(text)), bool(_LESS.search(text))
    if len(distinct) < 2 or more == less:
        return None
    return distinct[0], distinct[1], 1 if more else -1


def relation_features(claim: str, sentence: str, passage_sents: Sequence[str]) -> list[float]:
    """Changed relations between a claim and its closest evidence sentence (each 0 or 1): opposite effect
    direction; a comparison between two groups turned round ("men ... more than women" vs "women ... more than
    men"); a population the source does not speak of while it names another; the direction clash against any
    candidate sentence of the passage."""
    c_dir, s_dir = _direction(claim), _direction(sentence)
    direction = float(c_dir != 0 and s_dir != 0 and c_dir != s_dir)
    cc, sc = _comparison(claim), _comparison(sentence)
    swap = 0.0
    if cc and sc and {cc[0], cc[1]} == {sc[0], sc[1]}:
        same_order = cc[0] == sc[0]
        swap = float(same_order != (cc[2] == sc[2]))
    c_pop = {POPULATIONS[w] for w in re.findall(r"[a-z]+", claim.lower()) if w in POPULATIONS}
    passage_text = " ".join(passage_sents).lower()
    p_pop = {POPULATIONS[w] for w in re.findall(r"[a-z]+", passage_text) if w in POPULATIONS}
    population = float(bool(c_pop) and bool(p_pop) and not (c_pop & p_pop))
    passage_dir = float(c_dir != 0 and any(_direction(s) == -c_dir for s in passage_sents)
                        and not any(_direction(s) == c_dir for s in passage_sents))
    return [direction, swap, population, passage_dir]


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
        polarity = polarity_features(claim, group[best], passage=pairs[i][1])
        relation = relation_features(claim, group[best], group)
        flip = max(polarity[0], polarity[1], relation[0], relation[1])
        rows.append([*logp, float(sims[best]), float(sims.mean()), min(overlaps[best], 1.0), *polarity,
                     *relation, float(sims[best]) * flip, float(sims.max())])
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
        names = list(model.get("features") or BASE_FEATURES)
        self.columns = [FEATURES.index(n) for n in names]
        self.mean = np.asarray(model.get("mean") or [0.0] * len(names), dtype="float64")
        self.scale = np.asarray(model.get("scale") or [1.0] * len(names), dtype="float64")
        self.name = f"stance({base.name} + similarity and polarity features)"

    def predict(self, pairs: Sequence[tuple[str, str]]) -> Any:
        import numpy as np

        if not pairs:
            return np.zeros((0, len(LABELS)), dtype="float32")
        x = (pair_features(pairs, self.base.predict(pairs), self.embed)[:, self.columns] - self.mean) / self.scale
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        return (probs / probs.sum(axis=1, keepdims=True)).astype("float32")


def fit_stance(x: Any, labels: Sequence[str], c: float = 1.0, weights: Any = None,
               names: Sequence[str] = FEATURES) -> dict[str, Any]:
    """Fit the stance head on a feature matrix (all FEATURES columns) and labels, reading the columns `names`;
    returns the JSON-able model."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(x, dtype="float64")[:, [FEATURES.index(n) for n in names]]
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    y = np.array([LABELS.index(lbl) for lbl in labels])
    model = LogisticRegression(C=c, max_iter=3000).fit((x - mean) / scale, y, sample_weight=weights)
    return {"coef": model.coef_.tolist(), "intercept": model.intercept_.tolist(), "mean": mean.tolist(),
            "scale": scale.tolist(), "classes": list(LABELS), "features": list(names), "items": int(len(y)),
            "C": c}
