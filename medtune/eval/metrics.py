"""The metric registry: one declarative `MetricSpec` per metric, as lm-evaluation-harness declares its metrics.

Each entry names its function ("module:function", imported on use), whether higher is better (None: neither,
e.g. answer length), how it aggregates over items ("corpus" — computed on the whole set; "mean" — a mean of
per-item values; "table" / "curve" — structured output without an interval), and how its bootstrap interval
is drawn ("confusion" — vectorised from resampled confusion matrices; "counts" — vectorised from each
item's multiplicity in each resample; "indices" — vectorised from the (B, n) resampled indices; "mean" —
resampled per-item values; "resample" — the function re-run on each resample; None — no interval).

`evaluate_classification`, `evaluate_generation` and `evaluate_agreement` return plain dicts:
`{name: {"value", "ci": [lo, hi] | None, "higher_is_better", "aggregation", "family", ...}}`; a metric that
cannot be computed here has `"value": None` and `"unavailable": <reason>`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from medtune.errors import ConfigError
from medtune.eval import stats
from medtune.eval.agreement import RatingsData, make_ratings
from medtune.eval.classification import ClsData, bootstrap_confusions, bootstrap_counts, make_data
from medtune.eval.faithfulness import ScorerUnavailable
from medtune.eval.generation import GenData, make_gen_data

M = "medtune.eval."


@dataclass(frozen=True)
class MetricSpec:
    name: str
    family: str  # classification | calibration | generation | faithfulness | agreement
    fn: str  # "module:function" taking the family's data object
    higher_is_better: bool | None
    aggregation: str  # corpus | mean | table | curve
    ci: str | None = None  # confusion | counts | indices | mean | resample | None
    boot_fn: str | None = None  # vectorised: f(cms (B, K+1, K+1)), f(data, counts (B, n)) or f(data, idx (B, n))
    needs: tuple[str, ...] = ()  # "probs" | "confidence" | "evidence"
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k not in ("fn", "boot_fn")}


C, CAL, G, A = M + "classification:", M + "calibration_metrics:", M + "generation:", M + "agreement:"
NEEDS_WHY = {"probs": "the model gave no class probabilities",
             "confidence": "the model gave no confidence scores",
             "evidence": "no evidence was given with the answers"}

METRICS: dict[str, MetricSpec] = {m.name: m for m in (
    MetricSpec("accuracy", "classification", C + "accuracy", True, "corpus", "confusion", C + "accuracy_from_cm",
               description="Share of items predicted correctly."),
    MetricSpec("macro_f1", "classification", C + "macro_f1", True, "corpus", "confusion", C + "macro_f1_from_cm",
               description="Unweighted mean of per-class F1 over classes present in gold or predictions."),
    MetricSpec("weighted_f1", "classification", C + "weighted_f1", True, "corpus", "confusion",
               C + "weighted_f1_from_cm", description="Per-class F1 weighted by gold support (CONSTRAINT 2021's metric)."),
    MetricSpec("per_class", "classification", C + "per_class", None, "table",
               description="Precision, recall, F1, support, false positive and false negative rate per class."),
    MetricSpec("confusion_matrix", "classification", C + "confusion", None, "table",
               description="Rows gold, columns predicted; unparseable predictions counted apart."),
    MetricSpec("roc_auc", "classification", C + "roc_auc", True, "corpus", "counts", C + "roc_auc_from_counts",
               needs=("probs",),
               description="Macro one-vs-rest ROC-AUC from class probabilities."),
    MetricSpec("pr_auc", "classification", C + "pr_auc", True, "corpus", "counts", C + "pr_auc_from_counts",
               needs=("probs",),
               description="Macro one-vs-rest average precision (area under the precision–recall curve)."),
    MetricSpec("pr_curves", "classification", C + "pr_curves", None, "curve", needs=("probs",),
               description="Precision–recall curve per class."),
    MetricSpec("ece", "calibration", CAL + "ece", False, "corpus", "indices", CAL + "ece_from_indices",
               needs=("confidence",),
               description="Expected calibration error, 10 equal-width bins (Guo et al. 2017)."),
    MetricSpec("reliability", "calibration", CAL + "reliability", None, "curve", needs=("confidence",),
               description="Reliability-diagram bins: accuracy vs mean confidence."),
    MetricSpec("risk_coverage", "calibration", CAL + "risk_coverage", None, "curve", needs=("confidence",),
               description="Accuracy when abstaining on the least confident items, by coverage."),
    MetricSpec("aurc", "calibration", CAL + "aurc", False, "corpus", "indices", CAL + "aurc_from_indices",
               needs=("confidence",),
               description="Area under the risk–coverage curve (mean selective risk)."),
    MetricSpec("rouge1", "generation", G + "rouge1", True, "mean", "mean", description="ROUGE-1 F-measure."),
    MetricSpec("rouge2", "generation", G + "rouge2", True, "mean", "mean", description="ROUGE-2 F-measure."),
    MetricSpec("rougeL", "generation", G + "rougeL", True, "mean", "mean", description="ROUGE-L F-measure."),
    MetricSpec("bertscore_f1", "generation", G + "bertscore_f1", True, "mean", "mean",
               description="BERTScore F1 with the embedded MiniLM (6 layers, no baseline rescaling)."),
    MetricSpec("answer_length", "generation", G + "answer_length", None, "mean", "mean",
               description="Words per answer."),
    MetricSpec("readability_grade", "generation", G + "readability_grade", False, "mean", "mean",
               description="Flesch–Kincaid grade level; lower reads more easily (patient-friendliness)."),
    MetricSpec("faithfulness", "faithfulness", M + "faithfulness:faithfulness", True, "mean", "mean",
               needs=("evidence",), description="Support probability of each answer given its evidence (verifier)."),
    MetricSpec("hallucination_rate", "faithfulness", M + "faithfulness:hallucination_rate", False, "mean", "mean",
               needs=("evidence",), description="Share of answers the verifier judges unsupported by their evidence."),
    MetricSpec("pairwise_agreement", "agreement", A + "pairwise_agreement", True, "corpus", "resample",
               description="Mean share of items on which two raters agree."),
    MetricSpec("cohen_kappa", "agreement", A + "cohen_kappa", True, "corpus", "resample",
               description="Cohen's kappa (mean over rater pairs when there are more than two)."),
    MetricSpec("fleiss_kappa", "agreement", A + "fleiss_kappa", True, "corpus", "resample",
               description="Fleiss' kappa over all raters."),
)}

CLASSIFICATION_METRICS = tuple(n for n, m in METRICS.items() if m.family in ("classification", "calibration"))
GENERATION_METRICS = ("rouge1", "rouge2", "rougeL", "bertscore_f1", "answer_length", "readability_grade",
                      "faithfulness", "hallucination_rate")
AGREEMENT_METRICS = tuple(n for n, m in METRICS.items() if m.family == "agreement")


def get_metric(name: str) -> MetricSpec:
    try:
        return METRICS[name]
    except KeyError:
        raise ConfigError(f"unknown metric {name!r}; metrics are: {', '.join(METRICS)}") from None


def list_metrics(family: str | None = None) -> list[dict[str, Any]]:
    return [m.to_dict() for m in METRICS.values() if family is None or m.family == family]


def _load(path: str) -> Callable[..., Any]:
    module, _, func = path.partition(":")
    return getattr(importlib.import_module(module), func)


def _missing(spec: MetricSpec, data: Any) -> str | None:
    for need in spec.needs:
        if getattr(data, need, None) is None:
            return NEEDS_WHY[need]
    return None


def compute_metric(name: str, data: ClsData | GenData | RatingsData, *, n_boot: int = stats.DEFAULT_N_BOOT,
                   seed: int = stats.DEFAULT_SEED, alpha: float = stats.DEFAULT_ALPHA) -> dict[str, Any]:
    """One metric with its seeded bootstrap interval. Mean metrics also return `per_item` values."""
    spec = get_metric(name)
    entry: dict[str, Any] = {"family": spec.family, "higher_is_better": spec.higher_is_better,
                             "aggregation": spec.aggregation, "n": data.n}
    why = _missing(spec, data)
    if why:
        return {**entry, "value": None, "ci": None, "unavailable": why}
    try:
        raw = _load(spec.fn)(data)
    except ScorerUnavailable as exc:
        return {**entry, "value": None, "ci": None, "unavailable": str(exc)}
    if spec.aggregation == "mean":
        return {**entry, **_mean_entry(np.asarray(raw, dtype=float), n_boot, seed, alpha)}
    if raw is None:
        return {**entry, "value": None, "ci": None,
                "unavailable": "undefined on these items (for example, only one class in the gold labels)"}
    if spec.aggregation in ("table", "curve"):
        return {**entry, "value": raw, "ci": None}
    ci = _corpus_ci(spec, data, n_boot, seed, alpha) if n_boot > 0 and spec.ci else None
    return {**entry, "value": float(raw), "ci": list(ci) if ci else None,
            "ci_level": 1 - alpha, "n_boot": n_boot, "seed": seed}


def _mean_entry(values: np.ndarray, n_boot: int, seed: int, alpha: float) -> dict[str, Any]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"value": None, "ci": None, "unavailable": "no item had a score", "per_item": values.tolist()}
    ci = stats.bootstrap_mean(finite, n_boot, seed, alpha) if n_boot > 0 else None
    return {"value": float(finite.mean()), "ci": list(ci) if ci else None, "ci_level": 1 - alpha,
            "n_boot": n_boot, "seed": seed, "n_scored": int(finite.size),
            "per_item": [None if not np.isfinite(v) else float(v) for v in values]}


def _corpus_ci(spec: MetricSpec, data: Any, n_boot: int, seed: int, alpha: float) -> tuple[float, float] | None:
    if spec.ci == "confusion":
        idx = stats.resample_indices(data.n, n_boot, seed)
        return stats.percentile_interval(_load(spec.boot_fn)(bootstrap_confusions(data, idx)), alpha)
    if spec.ci == "counts":
        idx = stats.resample_indices(data.n, n_boot, seed)
        return stats.percentile_interval(_load(spec.boot_fn)(data, bootstrap_counts(data.n, idx)), alpha)
    if spec.ci == "indices":
        return stats.percentile_interval(_load(spec.boot_fn)(data, stats.resample_indices(data.n, n_boot, seed)), alpha)
    fn = _load(spec.fn)
    return stats.bootstrap_statistic(lambda idx: fn(data.take(idx)), data.n, n_boot, seed, alpha)


def _compute_all(names: Sequence[str], data: Any, **kw: Any) -> dict[str, dict[str, Any]]:
    return {name: compute_metric(name, data, **kw) for name in names}


def evaluate_classification(gold: list[str], pred: list[str | None], labels: Sequence[str],
                            probs: list[dict[str, float] | None] | None = None,
                            confidence: list[float | None] | None = None, *,
                            metrics: Sequence[str] = CLASSIFICATION_METRICS, n_boot: int = stats.DEFAULT_N_BOOT,
                            seed: int = stats.DEFAULT_SEED, alpha: float = stats.DEFAULT_ALPHA) -> dict[str, Any]:
    """Classification and calibration metrics of label strings (None / unknown prediction = unparseable)."""
    data = make_data(gold, pred, labels, probs, confidence)
    return _compute_all(metrics, data, n_boot=n_boot, seed=seed, alpha=alpha)


def evaluate_generation(preds: list[str | None], refs: list[str], evidence: list[str] | None = None, *,
                        metrics: Sequence[str] = GENERATION_METRICS, n_boot: int = stats.DEFAULT_N_BOOT,
                        seed: int = stats.DEFAULT_SEED, alpha: float = stats.DEFAULT_ALPHA) -> dict[str, Any]:
    """Generation metrics; each entry carries `per_item` values (the runner moves them to predictions.jsonl)."""
    data = make_gen_data(preds, refs, evidence)
    return _compute_all(metrics, data, n_boot=n_boot, seed=seed, alpha=alpha)


def evaluate_agreement(ratings: list[dict[str, Hashable]] | dict[str, list[Hashable]], *,
                       metrics: Sequence[str] = AGREEMENT_METRICS, n_boot: int = stats.DEFAULT_N_BOOT,
                       seed: int = stats.DEFAULT_SEED, alpha: float = stats.DEFAULT_ALPHA) -> dict[str, Any]:
    """Agreement among raters; `ratings` is one {rater: label} dict per item, or {rater: [labels]} columns."""
    data = make_ratings(ratings)
    result = _compute_all(metrics, data, n_boot=n_boot, seed=seed, alpha=alpha)
    from medtune.eval.agreement import pairwise_table

    result["pairs"] = {"family": "agreement", "aggregation": "table", "value": pairwise_table(data), "ci": None}
    return result


def summary(metrics: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """{name: value} for the scalar metrics — a leaderboard row."""
    return {name: m.get("value") for name, m in metrics.items()
            if m.get("aggregation") in ("corpus", "mean") and not isinstance(m.get("value"), (dict, list))}
