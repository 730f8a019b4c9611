"""From verifier probabilities to a sentence label, a claim verdict, a trust score in [0, 1] and a band.

Per sentence, over its evidence passages: s = max P(supported), c = max P(refuted). Its label is
supported (s ≥ τ > c), contradicted (c ≥ τ > s), conflicting (both ≥ τ: some sources agree, others refute)
or not_enough_info. Its raw score r = s·(1 − c) is high only for support without contradiction: silent,
refuting *and conflicting* evidence all give a low r — so conflicting evidence lowers the confidence, as it
should (a score such as ½ + ½·(s − c) would put silent and conflicting evidence in the middle, where the
share of supported claims is not monotone in the score and Platt scaling cannot fit it).
The trust score is r recalibrated by Platt scaling (Platt 1999: P(y=1) = σ(a·logit r + b)) on labelled pairs,
so that a trust of 0.8 means "supported about 80% of the time" (reported as ECE, Guo et al. 2017).

A claim's verdict combines its sentences:
- any contradicted and any supported sentence, or any conflicting one → **misleading** (partly supported,
  partly contradicted);
- contradicted, nothing supported → **false**;
- supported (at least half of the sentences, the rest silent) → **true**, but **misleading** when the claim
  overstates (absolutist cure language: "completely cures", "100% effective", "miracle");
- otherwise → **unverifiable**.
Advice to drop proven treatment ("you don't need medications", "stop taking your insulin") that the evidence
does not support makes the claim **false**: "quick fix", "miracle cure" and "no need for your doctor's
treatment" are the FDA's tip-offs of health fraud (FDA, "6 Tip-offs to Rip-offs: Don't Fall for Health Fraud
Scams", 2013/2021). The claim's trust is its weakest sentence's trust; rule verdicts cap it below their
band (a misleading claim is never green, a false one always red).

Bands: green when trust ≥ thresholds.green, yellow when ≥ thresholds.yellow, else red. `calibrate` picks
both thresholds on labelled data so that each outer band reaches a target precision (green: share truly
supported; red: share not supported) and writes a report with ECE and each band's precision.
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
VERDICTS = ("true", "false", "misleading", "unverifiable")
SENTENCE_LABELS = ("supported", "contradicted", "conflicting", "not_enough_info")
BANDS = {
    "green": {"label": "Supported by trusted sources", "icon": "✔"},
    "yellow": {"label": "Mixed or limited evidence: check with a clinician", "icon": "⚠"},
    "red": {"label": "Not supported or contradicted by trusted sources", "icon": "✖"},
}
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Calibration:
    a: float
    b: float
    green: float
    yellow: float
    tau: float = TAU
    source: str = "default"
    report: dict[str, Any] = field(default_factory=dict)

    def trust(self, raw: float) -> float:
        r = min(max(raw, 1e-4), 1 - 1e-4)
        return 1.0 / (1.0 + math.exp(-(self.a * math.log(r / (1 - r)) + self.b)))

    def band(self, trust: float | None) -> str:
        if trust is None:
            return "red"
        return "green" if trust >= self.green else "yellow" if trust >= self.yellow else "red"

    def thresholds(self) -> dict[str, Any]:
        return {"green": self.green, "yellow": self.yellow, "path": self.source}


# --- sentences ----------------------------------------------------------------------------------------------
def raw_score(support: float, contradiction: float) -> float:
    return support * (1.0 - contradiction)


def sentence_label(support: float, contradiction: float, tau: float = TAU) -> str:
    if support >= tau and contradiction >= tau:
        return "conflicting"
    if support >= tau:
        return "supported"
    if contradiction >= tau:
        return "contradicted"
    return "not_enough_info"


def judge_sentence(text: str, probs: Any, cal: Calibration, start: int = 0, end: int = 0,
                   evidence_ids: list[int] | None = None) -> SentenceVerdict:
    """A sentence's verdict from its evidence's (k, 3) probabilities [supported, refuted, not_enough_info]."""
    import numpy as np

    probs = np.asarray(probs, dtype=float).reshape(-1, 3)
    ids = evidence_ids if evidence_ids is not None else list(range(len(probs)))
    if len(probs) == 0:
        s = c = 0.0
        decisive: list[int] = []
    else:
        s, c = float(probs[:, 0].max()), float(probs[:, 1].max())
        decisive = [ids[i] for i in np.argsort(-np.maximum(probs[:, 0], probs[:, 1]), kind="stable")]
    label = sentence_label(s, c, cal.tau)
    return SentenceVerdict(text=text, label=label, trust=round(cal.trust(raw_score(s, c)), 4), support=round(s, 4),
                           contradiction=round(c, 4), start=start, end=end, evidence=decisive, flags=flags_of(text))


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


def judge_claim(sentences: list[SentenceVerdict], cal: Calibration, claim_text: str = "") -> ClaimJudgement:
    """The claim's verdict, trust and band from its sentences (rules in the module docstring)."""
    if not sentences:
        return ClaimJudgement("unverifiable", 0.0, "red", ["the claim has no checkable sentence"])
    labels = [s.label for s in sentences]
    flags = {f for s in sentences for f in s.flags} | set(flags_of(claim_text))
    trust = min(s.trust for s in sentences)
    n_sup, n_con = labels.count("supported"), labels.count("contradicted")
    reasons: list[str] = []
    if "conflicting" in labels or (n_sup and n_con):
        verdict = "misleading"
        reasons.append("partly supported and partly contradicted by the evidence")
    elif n_con:
        verdict = "false"
        reasons.append("contradicted by the evidence")
    elif n_sup and n_sup * 2 >= len(labels):
        verdict = "true"
        reasons.append("supported by the evidence")
    else:
        verdict = "unverifiable"
        reasons.append("the trusted sources found do not settle it")
    unsupported_advice = any("drops_treatment" in s.flags and s.label != "supported" for s in sentences) or (
        "drops_treatment" in flags and verdict != "true")
    if unsupported_advice:
        verdict = "false"
        reasons = ["advises against proven treatment without support (an FDA health-fraud tip-off)",
                   f"the evidence check alone: {reasons[0]}"]
    elif "overstated" in flags and verdict in ("true", "unverifiable"):
        verdict = "misleading" if verdict == "true" else "unverifiable"
        reasons.append("overstates: absolute or cure language that the evidence does not bear out")
        trust *= 0.5
    trust = _cap(trust, verdict, cal)
    return ClaimJudgement(verdict, round(trust, 4), cal.band(trust), reasons)


def _cap(trust: float, verdict: str, cal: Calibration) -> float:
    """Rule verdicts keep their band: misleading is never green, false always red."""
    if verdict == "false":
        return min(trust, max(0.0, cal.yellow - 0.01))
    if verdict == "misleading":
        return min(trust, max(0.0, cal.green - 0.01))
    return trust


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
                       tau=float(data.get("tau", TAU)), source=source, report=data.get("report") or {})


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
              test: tuple[list[float], list[int]] | None = None) -> Calibration:
    """Fit Platt scaling and the band thresholds on (raw score, supported?) items; write the JSON report to
    `out` (default MEDTUNE_HOME/verify/calibration.json). `test` items, when given, are reported apart."""
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
                             "tau": tau, "report": report})
    cal.source = str(path)
    return cal
