"""Review → overall sentiment, intensity 1–5, aspect polarities with evidence spans.

    analyzer = Analyzer()                      # default heads + packaged taxonomy
    result = analyzer.analyze("The nurses were great, but I had to wait six hours...")
    result.overall, result.intensity, result.aspects, result.evidence

The overall judgement weighs clauses the way a reader does: the clause after "but"/"however" counts more
and the one before it less, a concession ("although …") counts less, a closing sentence ("It was a
frustrating experience.") counts more, and factual clauses with no opinion barely count. A whole-text
classifier reads the seed example as positive because "great" is its strongest word; the weighted clauses
read it as negative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medtune.errors import CancelledError
from medtune.sentiment.aspects import (
    AspectConfig,
    AspectDetector,
    Taxonomy,
    load_taxonomy,
)
from medtune.sentiment.combine import OVERALL_HEAD, review_signals
from medtune.sentiment.cues import (
    ReviewCues,
    apply_sarcasm,
    has_opinion_words,
    is_consolation,
    is_elliptic_denial,
    is_hedged,
    sarcasm_markers,
)
from medtune.sentiment.detectors import review_flags
from medtune.sentiment.polarity import PolarityModel, load_polarity, score
from medtune.sentiment.text import Clause, clauses

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]


@dataclass
class ReaderWeights:
    """How much a clause counts towards the overall and aspect judgements (VADER's but-rule, ICWSM 2014)."""

    after_contrast: float = 1.5
    before_contrast: float = 0.5
    concession: float = 0.5
    closing_sentence: float = 1.3  # the last sentence of a multi-sentence review often sums it up
    opinion_floor: float = 0.15  # weight of a clause with no opinion (|score| = 0) relative to a strong one
    # |overall score| below this is neutral. 0.10 gave the best macro-F1 of 0.10 / 0.15 / 0.22 on the training
    # reviews (druglib, drug reviews, tweets); with the mixed-review rule below, grouped CV on the patient-review
    # tuning halves chose 0.15 (benchmarks/sentiment_rules_cv.py; docs/SENTIMENT.md, round 6).
    neutral_band: float = 0.15
    # |aspect score| below this is neutral, and the share of an aspect-specific cue ("six hours" of waiting) in
    # the clause score: 0.15 / 0.7 before round 6; grouped CV on the patient-review tuning halves chose 0.05 / 0.85
    # (benchmarks/sentiment_rules_cv.py): an aspect a reviewer mentions is rarely neutral to them.
    aspect_band: float = 0.05
    cue_weight: float = 0.85
    complaint_band: float = 0.15  # a clause below −this is a complaint (it makes a weak sarcasm marker count)
    # A clause with no opinion word (VADER) and no cue keeps this share of the model's score. It was 0.4 when
    # the drug-review head read such lines (it leans positive on "I switched to the liquid form"); the service
    # head (wording.py) reads them now, and 0.7 was best of 0.4 / 0.7 / 1.0 on data/eval/reviews dev + dev2.
    fact_scale: float = 0.7
    # ...and a lukewarm verdict ("nothing special", issue 17) this share: the heads read "Fine." as +0.7.
    lukewarm_scale: float = 0.1
    # A two-sided review (a clause at least `side_strength` positive and one as negative) with no verdict of its
    # own (no implicit-verdict cue, no opening or closing sentence about no aspect: "Worth it in the end.") is
    # read as mixed: its score is multiplied by `mixed_scale`, so it falls in the neutral band. Both reviewers'
    # conventions agree on this (data/eval/reviews README; data/eval/independent). A verdict clause counts
    # `verdict_weight` times. Chosen by grouped CV on the tuning halves (docs/SENTIMENT.md, round 6).
    side_strength: float = 0.5
    mixed_scale: float = 0.0
    verdict_weight: float = 2.0
    hedge_weight: float = 0.5  # a minimised clause ("a bit old", "only downside is …") counts this much


@dataclass
class ClauseResult:
    text: str
    start: int
    end: int
    polarity: str
    score: float
    weight: float
    aspects: list[str] = field(default_factory=list)


@dataclass
class ReviewResult:
    id: str
    text: str
    overall: str
    intensity: int
    score: float
    aspects: dict[str, str]
    evidence: dict[str, str]
    spans: dict[str, list[int]]  # aspect -> [start, end] of its evidence in `text`
    clauses: list[ClauseResult]
    aspect_scores: dict[str, float] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)  # the detectors' verdicts (detectors.py)
    signals: list[float] = field(default_factory=list)  # combine.SIGNALS: what the overall head reads
    structure: dict[str, float] = field(default_factory=dict)  # review_structure: what the reader's gate reads
    meta: dict[str, Any] = field(default_factory=dict)  # the review's context: date, site, drug, condition

    def to_line(self) -> dict[str, Any]:
        """The CLI's one JSON line per review."""
        return {"id": self.id, "overall": self.overall, "intensity": self.intensity,
                "aspects": self.aspects, "evidence": self.evidence}


def label_of(value: float, band: float) -> str:
    return "positive" if value > band else "negative" if value < -band else "neutral"


#: How a two-sided review with no verdict of its own is read (`ReaderWeights.mixed_scale`). "neutral" is the
#: patient-experience convention both review sets were labelled by (data/eval/reviews, data/eval/independent);
#: "by_balance" is the star-rating convention of drug reviews (Druglib, Drugs.com): a 9/10 review that names a
#: side effect is positive, so the stronger side decides (docs/SENTIMENT.md, round 6: Druglib macro-F1 0.456
#: with "neutral", 0.543 by balance).
MIXED_REVIEW_CONVENTIONS: dict[str, float] = {"neutral": 0.0, "by_balance": 1.0}


def reader_weights(mixed_reviews: str = "neutral") -> ReaderWeights:
    """The default reader weights with the given convention for two-sided reviews without a verdict."""
    from medtune.errors import ConfigError

    if mixed_reviews not in MIXED_REVIEW_CONVENTIONS:
        raise ConfigError(f"mixed_reviews must be one of {sorted(MIXED_REVIEW_CONVENTIONS)}, got {mixed_reviews!r}")
    return ReaderWeights(mixed_scale=MIXED_REVIEW_CONVENTIONS[mixed_reviews])


def clause_weights(parts: Sequence[Clause], weights: ReaderWeights) -> list[float]:
    """Structural weight of each clause (before opinion strength is taken into account)."""
    out = [1.0] * len(parts)
    last_sentence = parts[-1].sentence if parts else 0
    for i, c in enumerate(parts):
        if c.is_contrast and is_consolation(c.text):  # "…but at least it was clean": a consolation, not a verdict
            out[i] *= weights.concession
        elif c.is_contrast:
            out[i] *= weights.after_contrast
            if i > 0:
                out[i - 1] *= weights.before_contrast
        if c.is_concessive:
            out[i] *= weights.concession
        if last_sentence > 0 and c.sentence == last_sentence:
            out[i] *= weights.closing_sentence
    return out


def verdict_clauses(parts: Sequence[Clause], scores: Sequence[float], detected: Sequence[Sequence[int]],
                    general: Sequence[float], strength: float) -> list[int]:
    """The clauses that judge the whole review: an implicit-verdict cue ("never again", "worth it"), or an
    opinionated opening or closing sentence of a longer review that is about no aspect ("Good practice overall.",
    "Not sure it's worth it.")."""
    last = parts[-1].sentence if parts else 0
    return [i for i, c in enumerate(parts)
            if general[i] or (last > 0 and c.sentence in (0, last) and not detected[i] and abs(scores[i]) >= strength)]


def own_score(model: float, values: dict[int, float], detected: Sequence[int]) -> float:
    """The clause's score: that of the first detected aspect (best first) whose cue changed it, else the main
    aspect's, else the model's."""
    for k in detected:
        if values[k] != model:
            return values[k]
    return values[detected[0]] if detected else model


def review_structure(parts: Sequence[Clause], scores: Sequence[float], verdicts: Sequence[int],
                     hedged: Sequence[bool], mixed: bool, rule: float) -> dict[str, float]:
    """How the rules read the review's structure (the learned reader's gate reads it, reader.GATES):

    * ``verdict``: the strongest |score| of a verdict clause (`verdict_clauses`: a review cue, an opinionated
      opening or closing sentence about no aspect), 0 without one;
    * ``contrast``: the strongest |score| of a contrast's weighted side, 0 without a contrast. The weighted side
      is the clause opened by "but" / "however" / … (not a consolation: "but at least it was clean"), or, for a
      concession ("although X, Y"), the rest of its sentence; a minimised clause ("a bit old") is no side;
    * ``mixed``: 1 when the two-sided / lukewarm rule made the review mixed (its score × `mixed_scale`);
    * ``rule``: the rules' overall score.
    """
    sides: list[float] = []
    for i, c in enumerate(parts):
        if not c.is_contrast or is_consolation(c.text):
            continue
        rest = [j for j, d in enumerate(parts) if d.sentence == c.sentence and j != i] if c.is_concessive else [i]
        sides += [abs(scores[j]) for j in rest if not hedged[j]]
    return {"verdict": max((abs(scores[i]) for i in verdicts), default=0.0), "contrast": max(sides, default=0.0),
            "mixed": float(mixed), "rule": float(rule)}


def two_sided(scores: Sequence[float], strength: float) -> bool:
    """Some clause is at least `strength` positive and another at least as negative."""
    return max(scores, default=0.0) >= strength and min(scores, default=0.0) <= -strength


class Analyzer:
    """Loads the encoder, polarity model and taxonomy once; analyses reviews in batches."""

    def __init__(self, taxonomy: Taxonomy | str | Path | None = None, model: str | Path | None = None,
                 encoder: Any = None, aspect_config: AspectConfig | None = None,
                 weights: ReaderWeights | None = None, polarity: PolarityModel | None = None,
                 overall_head: Any = "default", reader: Any = "default"):
        from medtune.sentiment.encoder import get_encoder

        self.taxonomy = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
        self.encoder = encoder or get_encoder()
        self.polarity = polarity or load_polarity(model)
        self.detector = AspectDetector(self.taxonomy, self.encoder, aspect_config)
        self.weights = weights or ReaderWeights()
        self.cues = ReviewCues(self.taxonomy)
        self._vader = getattr(self.polarity, "lexicon", None)
        # The learned overall verdict (combine.py); None keeps the reader-weighting rule alone.
        self.overall_head = _default_overall_head() if overall_head == "default" else overall_head
        # The learned reader (reader.py, round 9): heads over the rules' signals and the clause embeddings that
        # give the overall verdict and aspect polarities; None keeps the rules' verdicts.
        self.reader = _default_reader() if reader == "default" else reader

    @property
    def model_name(self) -> str:
        return self.polarity.name

    def analyze(self, text: str, id: str = "0") -> ReviewResult:
        return self.analyze_many([text], ids=[id])[0]

    def analyze_many(self, texts: Sequence[str], ids: Sequence[str] | None = None, *,
                     progress: Progress | None = None, should_stop: ShouldStop | None = None,
                     chunk_size: int = 256) -> list[ReviewResult]:
        """Analyse reviews in chunks; `progress(done, total)` after each chunk, `should_stop()` before it.

        All clauses of a chunk go to the encoder in one call (it sorts them by length and batches them), so a
        chunk is a few dozen model batches; larger chunks pad less but report progress less often.
        """
        ids = [str(i) for i in (ids if ids is not None else range(1, len(texts) + 1))]
        results: list[ReviewResult] = []
        for start in range(0, len(texts), chunk_size):
            if should_stop is not None and should_stop():
                raise CancelledError(f"sentiment analysis stopped after {start} of {len(texts)} reviews")
            chunk = [str(t or "") for t in texts[start:start + chunk_size]]
            results.extend(self._analyze_chunk(chunk, ids[start:start + chunk_size]))
            if progress is not None:
                progress(len(results), len(texts))
        return results

    def _analyze_chunk(self, texts: list[str], ids: list[str]) -> list[ReviewResult]:
        import numpy as np

        parts = [clauses(t) or ([Clause(t.strip(), 0, len(t), 0)] if t.strip() else []) for t in texts]
        flat = [c.text for p in parts for c in p]
        emb = self.encoder.encode(flat)
        probs = self.polarity.clause_proba(flat, emb) if flat else np.zeros((0, 3))
        det_scores = self.detector.scores(emb, flat) if flat else np.zeros((0, len(self.taxonomy.aspects)))
        detected = [self._cued_aspects(t, d) for t, d in zip(flat, self.detector.detect(det_scores))]
        vader = self._vader_scores(flat)
        review_emb, offsets = [], 0
        for p in parts:
            n = len(p)
            vec = emb[offsets:offsets + n].mean(axis=0) if n else np.zeros(emb.shape[1] if emb.size else 384)
            review_emb.append(vec / (np.linalg.norm(vec) or 1.0))
            offsets += n
        review_emb = np.array(review_emb, dtype=np.float32)
        intensity = self.polarity.intensity_proba(texts, review_emb)
        whole = self._whole_review_readings(parts, review_emb, vader)
        out, offsets = [], 0
        for i, (text, p) in enumerate(zip(texts, parts)):
            n = len(p)
            sl = slice(offsets, offsets + n)
            out.append(self._review(ids[i], text, p, probs[sl], det_scores[sl], detected[sl], intensity[i],
                                    vader[sl], whole[i], emb[sl]))
            offsets += n
        return out

    def _cued_aspects(self, text: str, found: list[int]) -> list[int]:
        """A clause that names a member of staff and judges something else about them ("the doctor explained the
        X-ray": communication) is not about staff attitude: staff is dropped when it has no cue in the clause and
        another aspect found there has one (round 8, by CV on all labelled reviews; dropping every cue-less aspect
        so cost more detection F1 than it gained polarity)."""
        staff = self._staff_index
        if staff is None or staff not in found or len(found) < 2:
            return found
        if self.detector.compiled[staff].cue_score(text) != 0.0:
            return found
        if any(self.detector.compiled[k].cue_score(text) != 0.0 for k in found if k != staff):
            return [k for k in found if k != staff]
        return found

    @property
    def _staff_index(self) -> int | None:
        names = [a.name for a in self.taxonomy.aspects]
        return names.index("staff") if "staff" in names else None

    def _whole_review_readings(self, parts: list[list[Clause]], review_emb: Any,
                               vader: list[tuple[float, float, float]]) -> list[tuple[float, float]]:
        """P(pos) − P(neg) of the default drug-review head and of the service head on each whole review (mean
        clause embedding, mean clause VADER: no second VADER pass); zeros for a model without those heads."""
        import numpy as np

        from medtune.sentiment.heads import features
        from medtune.sentiment.polarity import LABELS, _ordered

        drug, service = getattr(self.polarity, "polarity", None), getattr(self.polarity, "service", None)
        if drug is None or not len(parts):
            return [(0.0, 0.0)] * len(parts)
        lex, offsets = [], 0
        for p in parts:
            rows = vader[offsets:offsets + len(p)]
            lex.append(np.mean(rows, axis=0) if rows else np.zeros(3))
            offsets += len(p)
        x = features(review_emb, np.array(lex, dtype=np.float32))
        d = score(_ordered(drug, LABELS, drug.proba(x)))
        s = score(_ordered(service, LABELS, service.proba(x))) if service is not None else d
        return [(float(a), float(b)) for a, b in zip(d, s)]

    def _vader_scores(self, texts: list[str]) -> list[tuple[float, float, float]]:
        if not texts:
            return []
        if self._vader is None:  # a polarity model without VADER: every clause counts as opinionated
            return [(0.0, 1.0, 0.0)] * len(texts)
        return [tuple(map(float, row)) for row in self._vader.scores(texts)]

    def _clause_scores(self, parts: list[Clause], probs: Any, detected: list[list[int]],
                       vader: list[tuple[float, float, float]]) -> tuple[list[float], list[bool], list[float],
                                                                         list[bool]]:
        """The model's clause scores corrected by review-level cues, factual shrinkage and sarcasm (cues.py);
        also which clauses were read as sarcastic, their implicit-verdict cue scores and which are factual."""
        w = self.weights
        texts = [c.text for c in parts]
        base = [float(v) for v in score(probs)] if len(parts) else []
        general = [self.cues.score(t) for t in texts]
        aspect_cues = [[self.detector.compiled[k].cue_score(t) for k in detected[i]] for i, t in enumerate(texts)]
        model, factual = [], []
        for i, value in enumerate(base):
            factual.append(False)
            if general[i]:
                value = (1 - w.cue_weight) * value + w.cue_weight * general[i]
            elif is_elliptic_denial(texts[i]):  # "The wait was not.": a complaint with its opinion word elided
                value = (1 - w.cue_weight) * value - w.cue_weight
            elif self.cues.is_lukewarm(texts[i]):
                value *= w.lukewarm_scale
            elif not any(aspect_cues[i]) and not has_opinion_words(vader[i]):
                value *= w.fact_scale
                factual[-1] = True
            model.append(value)
        markers = sarcasm_markers(texts)
        complaint = [general[i] < 0 or model[i] < -w.complaint_band or any(c < 0 for c in aspect_cues[i])
                     for i in range(len(texts))]
        read = apply_sarcasm(model, markers, complaint)
        return read, [r != m for r, m in zip(read, model)], general, factual

    def _review(self, rid: str, text: str, parts: list[Clause], probs: Any, det: Any,
                detected: list[list[int]], intensity_probs: Any,
                vader: list[tuple[float, float, float]], whole: tuple[float, float] = (0.0, 0.0),
                emb: Any = None) -> ReviewResult:
        w = self.weights
        model, sarcastic, general, factual = self._clause_scores(parts, probs, detected, vader)
        # values[i][k]: clause i's polarity towards aspect k, the clause score blended with the aspect's cues
        # (a sarcastic clause's praise words are not cues: "Oh wonderful, another rude nurse").
        values = [{k: self._blend(model[i], parts[i].text, k, sarcastic[i]) for k in detected[i]}
                  for i in range(len(parts))]
        # A clause's own score follows its aspects' cues: "I waited six hours" is negative in context. The main
        # aspect's cue first; when it has none, the next detected aspect's that has one ("Gave me someone else's
        # medication": about side effects by similarity, but the staff cue says what it means; round 8).
        s = [own_score(model[i], values[i], detected[i]) for i in range(len(parts))]
        structural = clause_weights(parts, w)
        hedged = [is_hedged(c.text) for c in parts]
        for i in range(len(parts)):
            if hedged[i]:
                structural[i] *= w.hedge_weight
        # An elliptic denial ("The aftercare was not.") answers another clause: a side, never the verdict.
        verdicts = [i for i in verdict_clauses(parts, s, detected, general, w.side_strength)
                    if not is_elliptic_denial(parts[i].text)]
        for i in verdicts:
            structural[i] *= w.verdict_weight
        eff = [structural[i] * (w.opinion_floor + abs(s[i])) for i in range(len(parts))]
        total = sum(eff)
        overall_score = sum(e * v for e, v in zip(eff, s)) / total if total else 0.0
        lukewarm = any(self.cues.is_lukewarm(c.text) for c in parts)
        # A lukewarm verdict ("It's ok.") or two sides without a verdict: mixed, unless a review cue decides. A
        # minimised complaint ("the room was a bit old") is a footnote and a concession ("although the wait was
        # long, …") is conceded: neither is a side.
        sides = [v for v, h, c in zip(s, hedged, parts) if not (h or c.is_concessive)]
        mixed = not any(general[i] for i in verdicts) and (lukewarm or (not verdicts and two_sided(sides,
                                                                                                 w.side_strength)))
        if mixed:
            overall_score *= w.mixed_scale
        overall = label_of(overall_score, w.neutral_band)
        structure = review_structure(parts, s, verdicts, hedged, mixed, overall_score)
        signals = review_signals(s, eff, [c.is_contrast for c in parts], general, sarcastic,
                                 [v[0] for v in vader], overall_score, whole[0], whole[1], factual)
        if self.overall_head is not None and parts:
            import numpy as np

            head = self.overall_head
            probs3 = head.proba(np.array([signals]))[0]
            overall = head.classes[int(probs3.argmax())]
            # The review's score follows the verdict: P(positive) − P(negative) of the head.
            overall_score = float(probs3[head.classes.index("positive")] - probs3[head.classes.index("negative")])
        clause_rows = [
            ClauseResult(c.text, c.start, c.end, label_of(s[i], w.aspect_band), round(s[i], 3),
                         round(eff[i], 3), [self.taxonomy.aspects[k].name for k in detected[i]])
            for i, c in enumerate(parts)
        ]
        aspects, evidence, spans, aspect_scores = self._aspects(parts, values, structural, det)
        if self.reader is not None and parts and emb is not None:
            from medtune.sentiment.reader import Reading

            reading = Reading(signals, overall, emb, vader, [row.score for row in clause_rows],
                              [row.aspects for row in clause_rows], [row.text for row in clause_rows], aspects,
                              aspect_scores, evidence, structure)
            if w.mixed_scale == 0.0:  # the overall head was fitted on the "neutral" mixed-review convention
                # The rules' label (and score) stand where the gate says the rules read the structure; the head
                # decides elsewhere (reader.LearnedReader.overall_verdict; docs/SENTIMENT.md, round 9b).
                overall, overall_score = self.reader.overall_verdict(reading, overall, overall_score)
            aspects = self.reader.aspect_labels(reading)
        return ReviewResult(
            id=rid, text=text, overall=overall, intensity=intensity_level(intensity_probs, overall),
            score=round(overall_score, 3), aspects=aspects, evidence=evidence, spans=spans,
            clauses=clause_rows, aspect_scores=aspect_scores,
            flags=review_flags(aspects, overall, clause_rows), signals=signals, structure=structure,
        )

    def _blend(self, model_score: float, text: str, k: int, sarcastic: bool = False) -> float:
        cue = self.detector.compiled[k].cue_score(text)
        if cue == 0.0 or (sarcastic and cue > 0):
            return model_score
        return (1 - self.weights.cue_weight) * model_score + self.weights.cue_weight * cue

    def _aspects(self, parts: list[Clause], values: list[dict[int, float]], structural: list[float],
                 det: Any) -> tuple[dict, dict, dict, dict]:
        acc: dict[int, list[tuple[float, float, int]]] = {}
        for i, per_aspect in enumerate(values):
            for k, value in per_aspect.items():
                acc.setdefault(k, []).append((structural[i] * float(det[i, k]), value, i))
        aspects, evidence, spans, scores = {}, {}, {}, {}
        for k in sorted(acc):
            rows = acc[k]
            total = sum(weight for weight, _, _ in rows)
            value = sum(weight * v for weight, v, _ in rows) / total if total else 0.0
            name = self.taxonomy.aspects[k].name
            # Evidence: the clause that most supports the aspect's verdict.
            sign = 1 if value >= 0 else -1
            best = max(rows, key=lambda r: r[0] * (sign * r[1] + 1.0))
            clause = parts[best[2]]
            aspects[name], scores[name] = label_of(value, self.weights.aspect_band), round(value, 3)
            evidence[name], spans[name] = clause.text, [clause.start, clause.end]
        return aspects, evidence, spans, scores


def _default_overall_head() -> Any:
    """The shipped overall head (combine.py), or None when it is not there (the rule alone)."""
    from medtune.sentiment.heads import HEADS_DIR, Head

    path = HEADS_DIR / OVERALL_HEAD
    return Head.load(path) if path.is_file() else None


def _default_reader() -> Any:
    """The shipped learned reader (reader.py), or None when heads/reader.json is not there (the rules alone)."""
    from medtune.sentiment.reader import LearnedReader

    return LearnedReader.load()


def intensity_level(probs: Any, overall: str) -> int:
    """The most likely level 1–5 among those consistent with the overall label (negative → 1–2, …)."""
    allowed = {"negative": (0, 1), "neutral": (2,), "positive": (3, 4)}[overall]
    best = max(allowed, key=lambda k: float(probs[k]))
    return best + 1


def results_table(results: Sequence[ReviewResult], taxonomy: Taxonomy) -> list[dict[str, Any]]:
    """Flat rows for a dataframe: one per review, one column per aspect."""
    rows = []
    for r in results:
        row = {"id": r.id, "text": r.text, "overall": r.overall, "intensity": r.intensity, "score": r.score,
               **r.meta}
        for aspect in taxonomy.aspects:
            row[f"aspect:{aspect.name}"] = r.aspects.get(aspect.name)
        rows.append(row)
    return rows
