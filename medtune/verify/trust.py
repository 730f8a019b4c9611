"""From verifier probabilities to a sentence label, a claim verdict, a trust score in [0, 1] and a band.

Per sentence, from its decisive evidence passage (the one whose stance is strongest): s = P(supported),
c = P(refuted). Its label is supported (s ≥ τ and s − c ≥ margin), contradicted (likewise for c),
conflicting (both ≥ τ and closer than the margin) or not_enough_info. Its raw score r = s·(1 − c) is high only for support without contradiction: silent,
refuting *and conflicting* evidence all give a low r — so conflicting evidence lowers the confidence, as it
should (a score such as ½ + ½·(s − c) would put silent and conflicting evidence in the middle, where the
share of supported claims is not monotone in the score and Platt scaling cannot fit it).
The trust score is r recalibrated by Platt scaling (Platt 1999: P(y=1) = σ(a·logit r + b)) on labelled pairs,
so that a trust of 0.8 means "supported about 80% of the time" (reported as ECE, Guo et al. 2017).

A claim is judged in parts (`medtune.verify.decompose`): its cores (the facts) and its conclusions (what it
draws from them: "..., so you can stop your medication"). Its verdict:
- a core contradicted (or conflicting), no core supported → **false**; some supported, some not → **misleading**;
- cores supported (at least half, the rest silent) → **true**, unless a conclusion goes unsupported (it has an
  overreach cue, or the sources do not support it) or a core stretches itself ("cures", "completely safe")
  → **misleading**, with the supported and the unsupported parts both named;
- nothing settles the core, but the claim advises dropping treatment → **false**: "no need for your doctor's
  treatment" is one of the FDA's tip-offs of health fraud (FDA, "6 Tip-offs to Rip-offs", 2013/2021);
- otherwise → **unverifiable**.
The claim's trust is a calibrated P(the claim is true): a logistic model on the parts' support and refutation
and the verdict, fitted on labelled everyday claims (the calibration file's "claim" section); without one,
the weakest core's trust, capped by the verdict.

The band answers "can I trust this claim?" (`band_for`, one rule for the checker and the chat): green = the
sources support it (verdict true, trust ≥ green); red = the sources contradict it (false or misleading, trust
< red); yellow = not enough or conflicting evidence, or a verdict too uncertain for its colour. A missing
source is never red. `calibrate` picks the thresholds on labelled data so that each outer band reaches a
target precision and writes a report with ECE and each band's precision.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from medtune.io import atomic_write_json, read_json
from medtune.settings import get_settings

PACKAGED_CALIBRATION = Path(__file__).resolve().parent / "calibration.json"
TAU = 0.5
TARGET_PRECISION = 0.8
CONFLICT = 0.85  # another passage's opposite reading at least this confident makes the evidence conflicting
VERDICTS = ("true", "false", "misleading", "unverifiable")
SENTENCE_LABELS = ("supported", "contradicted", "conflicting", "not_enough_info")
BANDS = {
    "green": {"label": "Supported by trusted sources", "icon": "✔"},
    "yellow": {"label": "Not enough or conflicting evidence: check with a clinician", "icon": "⚠"},
    "red": {"label": "Contradicted by trusted sources (false or misleading)", "icon": "✖"},
}
#: What a band means, in words: shown on the page and returned with every check result (issue 14).
BAND_RULE = ("green = the trusted sources support the claim; red = they contradict it (false or misleading); "
             "yellow = not enough or conflicting evidence. A claim the sources do not cover is yellow, never red.")
# Uncalibrated defaults (used only when no calibration file exists): the natural cut points of r.
DEFAULT_CALIBRATION = {"platt": {"a": 1.0, "b": 0.0}, "thresholds": {"green": 0.7, "yellow": 0.4}, "tau": TAU,
                       "source": "default (uncalibrated)"}

_OVERSTATED = re.compile(
    r"\b(?:complete(?:ly)?|total(?:ly)?|permanent(?:ly)?|100 ?%|guarantee[sd]?|miracle|cure-all|always works|"
    r"never fails|instantly|definitely|proven to cure|all diseases|any disease|no side effects|"
    r"(?:completely|fully|totally|permanently|naturally|quickly) (?:cure|heal|reverse|eliminate)s?)\b", re.I)
_CURE = re.compile(r"\b(?:cures?|cured|curing)\b", re.I)
_DROP_TREATMENT = re.compile(
    r"\b(?:(?:do not|don't|no longer|never) (?:need|take|use)|(?:no need (?:for|to take))|stop (?:taking|using)|"
    r"instead of|(?:throw|give) (?:away|up)|avoid|skip|replace[sd]?)\b[^.]{0,40}?\b(?:medications?|medicines?|"
    r"drugs?|pills?|insulin|chemo(?:therapy)?|vaccines?|vaccinations?|treatments?|doctors?|antibiotics?|"
    r"prescriptions?|surgery)\b", re.I)


@dataclass
class SentenceVerdict:
    """One sentence of a claim or answer, judged against its evidence."""

    text: str
    label: str  # supported | contradicted | conflicting | not_enough_info
    trust: float  # calibrated P(supported), in [0, 1]
    support: float  # max P(supported) over the evidence
    contradiction: float  # max P(refuted) over the evidence
    start: int = 0
    end: int = 0
    evidence: list[int] = field(default_factory=list)  # indices of the evidence that decided it, best first
    flags: list[str] = field(default_factory=list)  # overstated | drops_treatment
    role: str = "core"  # core | conclusion (medtune.verify.decompose)
    cues: list[str] = field(default_factory=list)  # overreach kinds (decompose.overreach_cues)
    coverage: float = 1.0  # share of its terms (or their synonyms) in the decisive passage (evidence.term_coverage)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Calibration:
    a: float
    b: float
    green: float
    yellow: float
    tau: float = TAU
    margin: float = 0.0  # how much the stronger side must beat the other (sentence_label)
    source: str = "default"
    report: dict[str, Any] = field(default_factory=dict)
    claim: dict[str, Any] = field(default_factory=dict)  # the claim-level trust model, when fitted

    @property
    def red(self) -> float:
        """A false or misleading verdict is red when its trust (P(true)) is below this."""
        return self.yellow

    def trust(self, raw: float) -> float:
        r = min(max(raw, 1e-4), 1 - 1e-4)
        return 1.0 / (1.0 + math.exp(-(self.a * math.log(r / (1 - r)) + self.b)))

    def band(self, trust: float | None) -> str:
        """The band of a bare score with no verdict (kept for callers that have none; prefer `band_for`)."""
        if trust is None:
            return "yellow"
        return "green" if trust >= self.green else "yellow" if trust >= self.yellow else "red"

    def thresholds(self) -> dict[str, Any]:
        return {"green": self.green, "yellow": self.yellow, "path": self.source}


# --- sentences ----------------------------------------------------------------------------------------------
def raw_score(support: float, contradiction: float) -> float:
    return support * (1.0 - contradiction)


def sentence_label(support: float, contradiction: float, tau: float = TAU, margin: float = 0.0) -> str:
    """supported / contradicted when that side reaches τ and beats the other by at least `margin`; both at τ
    and closer than that → conflicting; else not_enough_info. (With several passages, a refutation read from a
    passage about another fact is weaker than the support of the one about this fact: the margin lets the
    clearly stronger side decide.)"""
    if support >= tau and support - contradiction >= margin and (margin > 0 or contradiction < tau):
        return "supported"
    if contradiction >= tau and contradiction - support >= margin and (margin > 0 or support < tau):
        return "contradicted"
    if support >= tau and contradiction >= tau:
        return "conflicting"
    return "not_enough_info"


def judge_sentence(text: str, probs: Any, cal: Calibration, start: int = 0, end: int = 0,
                   evidence_ids: list[int] | None = None, role: str = "core",
                   cues: list[str] | None = None) -> SentenceVerdict:
    """A sentence's verdict from its evidence's (k, 3) probabilities [supported, refuted, not_enough_info]."""
    import numpy as np

    probs = np.asarray(probs, dtype=float).reshape(-1, 3)
    ids = evidence_ids if evidence_ids is not None else list(range(len(probs)))
    if len(probs) == 0:
        s = c = 0.0
        decisive: list[int] = []
    else:
        # The decisive passage (the one whose stance is strongest) gives both s and c: taking the maximum of
        # each over all passages mixes a support read from this fact's passage with a refutation read from a
        # passage about another fact, and calls the sentence "conflicting" when no source conflicts.
        strength = np.maximum(probs[:, 0], probs[:, 1])
        best = int(np.argmax(strength))
        s, c = float(probs[best, 0]), float(probs[best, 1])
        # ... but a confident opposite reading from another source is a real conflict, and is kept.
        others = np.delete(probs, best, axis=0)
        if len(others) and s >= c and others[:, 1].max() >= CONFLICT:
            c = float(others[:, 1].max())
        elif len(others) and c > s and others[:, 0].max() >= CONFLICT:
            s = float(others[:, 0].max())
        decisive = [ids[i] for i in np.argsort(-strength, kind="stable")]
    label = sentence_label(s, c, cal.tau, cal.margin)
    return SentenceVerdict(text=text, label=label, trust=round(cal.trust(raw_score(s, c)), 4), support=round(s, 4),
                           contradiction=round(c, 4), start=start, end=end, evidence=decisive, flags=flags_of(text),
                           role=role, cues=list(overreach_cues(text) if cues is None else cues))


def overreach_cues(text: str) -> list[str]:
    from medtune.verify.decompose import overreach_cues as cues

    return cues(text)


def flags_of(text: str) -> list[str]:
    flags = []
    if _OVERSTATED.search(text) or (_CURE.search(text) and not re.search(r"\b(?:no|not|cannot|can't)\b[^.]{0,20}cure", text, re.I)):
        flags.append("overstated")
    if _DROP_TREATMENT.search(text):
        flags.append("drops_treatment")
    return flags


# --- claims -------------------------------------------------------------------------------------------------
@dataclass
class ClaimJudgement:
    verdict: str
    trust: float
    band: str
    reasons: list[str]
    supported: list[int] = field(default_factory=list)  # indices of the parts the sources support
    unsupported: list[int] = field(default_factory=list)  # parts they do not (the stretch of a misleading claim)


STRETCH_CUES = ("cure_claim", "absolute_safety")  # a core that says more than any source would


def judge_claim(sentences: list[SentenceVerdict], cal: Calibration, claim_text: str = "") -> ClaimJudgement:
    """The claim's verdict, trust and band from its judged parts (rules in the module docstring).

    Parts with role "core" carry the facts; "conclusion" parts are what the claim draws from them. A claim whose
    core the sources support but whose conclusion (or a stretch inside the core) they do not is misleading."""
    if not sentences:
        return ClaimJudgement("unverifiable", 0.0, band_for("unverifiable", 0.0, cal, level="claim"),
                              ["the claim has no checkable sentence"])
    cores = [i for i, s in enumerate(sentences) if s.role == "core"] or list(range(len(sentences)))
    conclusions = [i for i in range(len(sentences)) if i not in cores]
    labels = {i: sentences[i].label for i in cores}
    refuted = [i for i in cores if labels[i] in ("contradicted", "conflicting")]
    supported = [i for i in cores if labels[i] == "supported"]
    stretched = [i for i in cores if set(sentences[i].cues) & set(STRETCH_CUES)]
    # A conclusion stands when the sources support it, or when it only advises seeking care.
    unsupported = [i for i in conclusions if sentences[i].cues
                   or (sentences[i].label != "supported" and not _cautious(sentences[i]))]
    # Advice to drop treatment: the narrow FDA-tip-off pattern anywhere, the broader cue in a conclusion.
    advice = [i for i, s in enumerate(sentences) if "drops_treatment" in s.flags
              or (s.role == "conclusion" and "drops_treatment" in s.cues)]
    if refuted and not supported:
        verdict, reasons = "false", ["contradicted by the trusted sources"]
    elif refuted:
        verdict, reasons = "misleading", ["partly supported and partly contradicted by the trusted sources"]
        unsupported = sorted(set(unsupported) | set(refuted))
    elif supported and len(supported) * 2 >= len(cores):
        if unsupported or stretched:
            verdict = "misleading"
            unsupported = sorted(set(unsupported) | set(stretched))
            reasons = ["the sources support its core but not what it concludes from it"]
        else:
            verdict, reasons = "true", ["supported by the trusted sources"]
    elif advice:
        verdict, reasons = "false", ["advises against proven treatment without support (an FDA health-fraud tip-off)"]
        unsupported = sorted(set(unsupported) | set(advice))
    else:
        verdict, reasons = "unverifiable", ["the trusted sources found do not settle it"]
    trust = claim_trust(sentences, cores, unsupported, verdict, cal)
    return ClaimJudgement(verdict, round(trust, 4), band_for(verdict, trust, cal, level="claim"), reasons,
                          supported=supported, unsupported=unsupported)


def _cautious(sentence: SentenceVerdict) -> bool:
    from medtune.verify.decompose import is_cautious

    return is_cautious(sentence.text)


CLAIM_FEATURES = ("logit_support", "logit_refutation", "unsupported_part", "verdict_true", "verdict_false",
                  "verdict_misleading", "coverage")


def claim_features(sentences: list[SentenceVerdict], cores: list[int], unsupported: list[int],
                   verdict: str) -> list[float]:
    """What the claim-level trust is fitted on (`CLAIM_FEATURES`): the weakest core's support and the strongest
    refutation (as logits), whether a part goes unsupported, the verdict (one-hot, true / false / misleading),
    and the lowest share of a core's terms its decisive passage holds (a paraphrase keeps the source's terms; a
    false claim brings its own: "bacterial" where the page says "fungus")."""
    s = min(sentences[i].support for i in cores)
    c = max(sentences[i].contradiction for i in cores)
    coverage = min(float(getattr(sentences[i], "coverage", 1.0)) for i in cores)
    return [_logit(s), _logit(c), float(bool(unsupported)),
            float(verdict == "true"), float(verdict == "false"), float(verdict == "misleading"), coverage]


def claim_trust(sentences: list[SentenceVerdict], cores: list[int], unsupported: list[int], verdict: str,
                cal: Calibration) -> float:
    """Calibrated P(the claim is true): the claim model of the calibration file when fitted (a logistic
    regression on `claim_features`), else the weakest core's sentence trust capped by the verdict."""
    if cal.claim and cal.claim.get("coef"):
        values = dict(zip(CLAIM_FEATURES, claim_features(sentences, cores, unsupported, verdict)))
        x = [values[name] for name in cal.claim.get("features") or CLAIM_FEATURES[:6]]
        z = sum(w * v for w, v in zip(cal.claim["coef"], x)) + float(cal.claim["intercept"])
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
    trust = min(sentences[i].trust for i in cores)
    if verdict in ("false", "misleading"):  # not true: below the red cut, as the band rule reads it
        return min(trust, max(0.0, cal.red - 0.01))
    if verdict == "unverifiable":
        return min(trust, max(0.0, cal.green - 0.01))
    return trust


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


# --- the band rule --------------------------------------------------------------------------------------------
def verdict_for_label(label: str) -> str:
    """A sentence label read as a verdict, so one sentence (the chat's) gets its band by the same rule."""
    return {"supported": "true", "contradicted": "false", "conflicting": "misleading"}.get(label, "unverifiable")


def band_for(verdict: str, trust: float | None, cal: Calibration | None = None, level: str = "sentence") -> str:
    """The band answers "can I trust this claim?", the same way for the checker and the chat:

    - **green**: the sources support it — verdict true, with trust (calibrated P(true)) ≥ the green threshold;
    - **red**: the sources contradict it — verdict false or misleading, with trust < the red threshold;
    - **yellow**: everything else: not enough evidence (unverifiable, never red: a missing source is not a
      refutation), conflicting evidence, or a verdict the trust score does not back with enough confidence.
    """
    cal = cal or load_calibration()
    green, red = cal.green, cal.red
    if level == "claim" and cal.claim.get("coef"):  # a whole claim's trust has its own fitted thresholds
        green, red = float(cal.claim.get("green", green)), float(cal.claim.get("red", red))
    if trust is None or verdict not in VERDICTS:
        return "yellow"
    if verdict == "true" and trust >= green:
        return "green"
    if verdict in ("false", "misleading") and trust < red:
        return "red"
    return "yellow"


# --- calibration --------------------------------------------------------------------------------------------
def calibration_path() -> Path:
    return get_settings().home / "verify" / "calibration.json"


def load_calibration(path: str | Path | None = None) -> Calibration:
    """MEDTUNE_HOME/verify/calibration.json, else the packaged default, else uncalibrated defaults."""
    for candidate in ([Path(path)] if path else [calibration_path(), PACKAGED_CALIBRATION]):
        data = read_json(candidate) if candidate.is_file() else None
        if isinstance(data, dict) and "platt" in data and "thresholds" in data:
            return _from_dict(data, str(candidate))
    return _from_dict(DEFAULT_CALIBRATION, DEFAULT_CALIBRATION["source"])


def calibration_for(verifier: Any) -> Calibration:
    """The calibration fitted for this verifier; the lexical fallback gets the uncalibrated defaults, since the
    calibration files are fitted on the trained verifier's probabilities."""
    if str(getattr(verifier, "name", verifier)).startswith("lexical"):
        return _from_dict(DEFAULT_CALIBRATION, "default (uncalibrated; lexical fallback verifier)")
    return load_calibration()


def _from_dict(data: dict[str, Any], source: str) -> Calibration:
    return Calibration(a=float(data["platt"]["a"]), b=float(data["platt"]["b"]),
                       green=float(data["thresholds"]["green"]), yellow=float(data["thresholds"]["yellow"]),
                       tau=float(data.get("tau", TAU)), margin=float(data.get("margin", 0.0)), source=source,
                       report=data.get("report") or {},
                       claim=data.get("claim") or {})


def fit_platt(raw: list[float], y: list[int]) -> tuple[float, float]:
    """Platt scaling on logit(raw): a logistic regression with one feature (lightly regularised)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    r = np.clip(np.asarray(raw, dtype=float), 1e-4, 1 - 1e-4)
    x = np.log(r / (1 - r)).reshape(-1, 1)
    if len(set(y)) < 2:
        return 1.0, 0.0
    model = LogisticRegression(C=100.0).fit(x, np.asarray(y))
    return float(model.coef_[0][0]), float(model.intercept_[0])


def choose_thresholds(trust: list[float], y: list[int], target: float = TARGET_PRECISION,
                      min_count: int = 5) -> tuple[float, float]:
    """green: the lowest cut whose band (trust ≥ cut) is ≥ `target` truly supported; yellow: the highest cut
    whose band (trust < cut) is ≥ `target` not supported. Cuts are searched on a 0.01 grid."""
    import numpy as np

    t, yy = np.asarray(trust, dtype=float), np.asarray(y, dtype=int)
    green = 1.0
    for cut in np.round(np.arange(0.0, 1.0001, 0.01), 2):
        above = yy[t >= cut]
        if len(above) >= min_count and above.mean() >= target:
            green = float(cut)
            break
    yellow = 0.0
    for cut in np.round(np.arange(1.0, -0.0001, -0.01), 2):
        below = yy[t < cut]
        if len(below) >= min_count and (1 - below.mean()) >= target:
            yellow = float(cut)
            break
    return green, min(yellow, green)


def band_report(trust: list[float], y: list[int], cal: Calibration) -> dict[str, Any]:
    """Per band: items, share of items, and precision (green: supported; red: not supported; yellow: supported)."""
    bands: dict[str, list[int]] = {"green": [], "yellow": [], "red": []}
    for t, label in zip(trust, y):
        bands[cal.band(t)].append(label)
    out = {}
    for name, labels in bands.items():
        supported = sum(labels) / len(labels) if labels else None
        precision = None if supported is None else (1 - supported if name == "red" else supported)
        out[name] = {"items": len(labels), "coverage": round(len(labels) / max(1, len(y)), 4),
                     "precision": None if precision is None else round(precision, 4),
                     "supported_share": None if supported is None else round(supported, 4)}
    return out


def ece_of(trust: list[float], y: list[int]) -> dict[str, Any]:
    """ECE and reliability bins of the binary trust score, with medtune.eval's calibration metrics."""
    from medtune.eval.metrics import evaluate_classification

    gold = ["supported" if v else "not_supported" for v in y]
    pred = ["supported" if t >= 0.5 else "not_supported" for t in trust]
    conf = [max(t, 1 - t) for t in trust]
    res = evaluate_classification(gold, pred, ["supported", "not_supported"], confidence=conf,
                                  metrics=("ece", "reliability", "accuracy"), n_boot=200)
    return {"ece": res["ece"]["value"], "ece_ci": res["ece"].get("ci"), "accuracy": res["accuracy"]["value"],
            "reliability": res["reliability"]["value"]}


def calibrate(raw: list[float], y: list[int], *, target: float = TARGET_PRECISION, tau: float = TAU,
              out: str | Path | None = None, data_note: str = "", verifier: str = "",
              test: tuple[list[float], list[int]] | None = None, keep: dict[str, Any] | None = None) -> Calibration:
    """Fit Platt scaling and the band thresholds on (raw score, supported?) items; write the JSON report to
    `out` (default MEDTUNE_HOME/verify/calibration.json). `test` items, when given, are reported apart; `keep`
    entries (the margin, the claim model) are written through unchanged."""
    a, b = fit_platt(raw, y)
    cal = Calibration(a=a, b=b, green=1.0, yellow=0.0, tau=tau)
    trust = [cal.trust(r) for r in raw]
    cal.green, cal.yellow = choose_thresholds(trust, y, target)
    report: dict[str, Any] = {"items": len(y), "supported": int(sum(y)), "target_precision": target,
                              "data": data_note, "verifier": verifier,
                              "before": ece_of([min(max(r, 0.0), 1.0) for r in raw], y), "after": ece_of(trust, y),
                              "bands": band_report(trust, y, cal)}
    if test is not None and test[1]:
        test_trust = [cal.trust(r) for r in test[0]]
        report["test"] = {"items": len(test[1]), **ece_of(test_trust, test[1]),
                          "bands": band_report(test_trust, test[1], cal)}
    cal.report = report
    path = Path(out) if out else calibration_path()
    atomic_write_json(path, {"version": 1, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                             "platt": {"a": a, "b": b}, "thresholds": {"green": cal.green, "yellow": cal.yellow},
                             "tau": tau, "report": report, **(keep or {})})
    cal.margin, cal.claim = float((keep or {}).get("margin", cal.margin)), (keep or {}).get("claim") or {}
    cal.source = str(path)
    return cal
