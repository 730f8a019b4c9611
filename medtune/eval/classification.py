"""Classification metrics over `ClsData` (label indices, optional class probabilities).

Point estimates come from scikit-learn. A prediction that could not be parsed (an API answer naming no
label) has index -1: it is wrong for accuracy, a false negative for its gold class, and never a class of
its own. Macro averages run over the classes present in gold or predictions, as scikit-learn does when
no label list is given, so an absent class does not add a spurious zero.

The `*_from_cm` functions compute the same figures from a stack of confusion matrices: the bootstrap draws
a thousand resamples as a thousand confusion matrices in one `bincount` (a test checks they agree with
scikit-learn on the full sample).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from medtune.errors import DataError

INVALID = -1


def prefetch_sklearn() -> threading.Thread:
    """Start importing scikit-learn's metrics in a background thread; returns the (daemon) thread.

    Why: `import sklearn.metrics` pulls in scipy.stats and pandas — 1.3–1.7 s of one core, paid after the
    predictions when the metrics start. The evaluation runner calls this when prediction begins: the forward
    passes release the GIL inside torch's kernels, so the import runs beside them, and the metrics find
    sklearn loaded. An import that fails here fails again, with its real message, where the metric imports it.
    """

    def load() -> None:
        try:
            import sklearn.metrics  # noqa: F401
        except Exception:  # noqa: BLE001 - reported by the metric that needs it
            pass

    thread = threading.Thread(target=load, name="medtune-prefetch-sklearn", daemon=True)
    thread.start()
    return thread


@dataclass(frozen=True)
class ClsData:
    """Gold and predicted label indices into `labels`; `probs` (n, K) and `confidence` (n,) are optional."""

    labels: tuple[str, ...]
    gold: np.ndarray
    pred: np.ndarray
    probs: np.ndarray | None = None
    confidence: np.ndarray | None = None

    @property
    def n(self) -> int:
        return int(self.gold.shape[0])

    @property
    def correct(self) -> np.ndarray:
        return self.gold == self.pred

    def take(self, idx: np.ndarray) -> ClsData:
        return ClsData(self.labels, self.gold[idx], self.pred[idx],
                       None if self.probs is None else self.probs[idx],
                       None if self.confidence is None else self.confidence[idx])


def make_data(gold: list[str], pred: list[str | None], labels: list[str] | tuple[str, ...],
              probs: list[dict[str, float] | None] | None = None,
              confidence: list[float | None] | None = None) -> ClsData:
    """Validate label strings and turn them into indices. Empty input or an unknown gold label is a DataError."""
    labels = tuple(labels)
    if not gold:
        raise DataError("classification metrics: no items to score (empty input)")
    if len(pred) != len(gold):
        raise DataError(f"classification metrics: {len(gold)} gold labels but {len(pred)} predictions")
    if len(set(labels)) != len(labels) or not labels:
        raise DataError(f"classification metrics: bad label list {list(labels)}")
    index = {lbl: i for i, lbl in enumerate(labels)}
    unknown = sorted({g for g in gold if g not in index}, key=str)
    if unknown:
        raise DataError(f"classification metrics: gold labels {unknown} are not in the label set {list(labels)}")
    gold_idx = np.array([index[g] for g in gold], dtype=int)
    pred_idx = np.array([index.get(p, INVALID) if p is not None else INVALID for p in pred], dtype=int)
    prob_matrix = _prob_matrix(probs, labels) if probs is not None else None
    conf = _confidence(confidence, prob_matrix, pred_idx)
    return ClsData(labels, gold_idx, pred_idx, prob_matrix, conf)


def _prob_matrix(probs: list[dict[str, float] | None], labels: tuple[str, ...]) -> np.ndarray | None:
    """(n, K) probabilities; None unless every item has a distribution over the labels."""
    if not probs or any(p is None for p in probs):
        return None
    matrix = np.array([[float(p.get(lbl, 0.0)) for lbl in labels] for p in probs], dtype=float)
    if np.any(matrix < 0) or not np.all(np.isfinite(matrix)):
        raise DataError("classification metrics: probabilities must be finite and non-negative")
    sums = matrix.sum(axis=1, keepdims=True)
    if np.any(sums <= 0):
        raise DataError("classification metrics: an item's probabilities sum to zero")
    return matrix / sums


def _confidence(confidence: list[float | None] | None, probs: np.ndarray | None,
                pred: np.ndarray) -> np.ndarray | None:
    """Given confidences if complete; else the probability of the predicted label."""
    if confidence is not None and all(c is not None for c in confidence):
        conf = np.array(confidence, dtype=float)
        if np.any((conf < 0) | (conf > 1)):
            raise DataError("classification metrics: confidences must lie in [0, 1]")
        return conf
    if probs is None:
        return None
    return np.where(pred >= 0, probs[np.arange(len(pred)), np.clip(pred, 0, None)], 0.0)


# ---------------------------------------------------------------- scikit-learn point estimates
def _present(data: ClsData) -> list[int]:
    return sorted(set(data.gold.tolist()) | {p for p in data.pred.tolist() if p != INVALID})


def accuracy(data: ClsData) -> float:
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(data.gold, data.pred))


def macro_f1(data: ClsData) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(data.gold, data.pred, labels=_present(data), average="macro", zero_division=0))


def weighted_f1(data: ClsData) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(data.gold, data.pred, labels=_present(data), average="weighted", zero_division=0))


def confusion(data: ClsData) -> dict[str, Any]:
    """Rows are gold labels, columns predictions; unparseable predictions are counted apart."""
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(data.gold, data.pred, labels=list(range(len(data.labels))))
    return {"labels": list(data.labels), "matrix": matrix.tolist(),
            "invalid_predictions": int(np.sum(data.pred == INVALID))}


def per_class(data: ClsData) -> dict[str, dict[str, float | int | None]]:
    """Precision, recall, F1, support, and one-vs-rest false positive / false negative rates per class.

    FPR of a class is how often items of other classes are labelled with it (for "false" in
    misinformation: true statements wrongly flagged); FNR is how often its own items are missed.
    """
    from sklearn.metrics import multilabel_confusion_matrix, precision_recall_fscore_support

    ks = list(range(len(data.labels)))
    p, r, f, s = precision_recall_fscore_support(data.gold, data.pred, labels=ks, zero_division=0)
    mcm = multilabel_confusion_matrix(data.gold, data.pred, labels=ks)
    table: dict[str, dict[str, float | int | None]] = {}
    for k, label in enumerate(data.labels):
        (tn, fp), (fn, tp) = mcm[k]
        table[label] = {"precision": float(p[k]), "recall": float(r[k]), "f1": float(f[k]), "support": int(s[k]),
                        "fpr": _ratio(fp, fp + tn), "fnr": _ratio(fn, fn + tp)}
    return table


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den else None


def roc_auc(data: ClsData) -> float | None:
    """Macro one-vs-rest ROC-AUC over classes with both positives and negatives in gold."""
    from sklearn.metrics import roc_auc_score

    return _ovr_macro(data, roc_auc_score)


def pr_auc(data: ClsData) -> float | None:
    """Macro one-vs-rest average precision (area under the precision–recall curve)."""
    from sklearn.metrics import average_precision_score

    return _ovr_macro(data, average_precision_score)


def _ovr_macro(data: ClsData, score_fn: Any) -> float | None:
    if data.probs is None:
        return None
    scores = []
    for k in range(len(data.labels)):
        positives = data.gold == k
        if positives.all() or not positives.any():
            continue  # undefined for a class that is never (or always) the gold label
        scores.append(score_fn(positives.astype(int), data.probs[:, k]))
    return float(np.mean(scores)) if scores else None


def pr_curves(data: ClsData, max_points: int = 101) -> dict[str, dict[str, list[float]]] | None:
    """Precision–recall curve per class (one-vs-rest), thinned to at most `max_points` points for charts."""
    from sklearn.metrics import precision_recall_curve

    if data.probs is None:
        return None
    curves = {}
    for k, label in enumerate(data.labels):
        positives = data.gold == k
        if not positives.any():
            continue
        precision, recall, _ = precision_recall_curve(positives.astype(int), data.probs[:, k])
        keep = np.unique(np.linspace(0, len(precision) - 1, min(max_points, len(precision))).astype(int))
        curves[label] = {"precision": precision[keep].round(6).tolist(), "recall": recall[keep].round(6).tolist()}
    return curves


# ---------------------------------------------------------------- the same figures from confusion matrices
def bootstrap_confusions(data: ClsData, idx: np.ndarray) -> np.ndarray:
    """(B, K+1, K+1) confusion matrices of B resamples; index K collects unparseable predictions."""
    k1 = len(data.labels) + 1
    pred = np.where(data.pred == INVALID, k1 - 1, data.pred)
    codes = data.gold[idx] * k1 + pred[idx] + (np.arange(idx.shape[0]) * k1 * k1)[:, None]
    counts = np.bincount(codes.ravel(), minlength=idx.shape[0] * k1 * k1)
    return counts.reshape(idx.shape[0], k1, k1)


def _cm_parts(cms: np.ndarray) -> tuple[np.ndarray, ...]:
    k = cms.shape[1] - 1
    tp = np.diagonal(cms, axis1=1, axis2=2)[:, :k].astype(float)
    gold_n = cms.sum(axis=2)[:, :k].astype(float)
    pred_n = cms.sum(axis=1)[:, :k].astype(float)
    return tp, gold_n, pred_n


def accuracy_from_cm(cms: np.ndarray) -> np.ndarray:
    tp, _, _ = _cm_parts(cms)
    return tp.sum(axis=1) / cms.sum(axis=(1, 2))


def _f1_per_class(cms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tp, gold_n, pred_n = _cm_parts(cms)
    denom = gold_n + pred_n
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
    return f1, gold_n, denom > 0


def macro_f1_from_cm(cms: np.ndarray) -> np.ndarray:
    f1, _, present = _f1_per_class(cms)
    return (f1 * present).sum(axis=1) / np.maximum(present.sum(axis=1), 1)


def weighted_f1_from_cm(cms: np.ndarray) -> np.ndarray:
    f1, support, _ = _f1_per_class(cms)
    total = support.sum(axis=1)
    return np.divide((f1 * support).sum(axis=1), total, out=np.zeros_like(total), where=total > 0)


# ---------------------------------------------------------------- ROC-AUC / AP from bootstrap multiplicities
def bootstrap_counts(n: int, idx: np.ndarray) -> np.ndarray:
    """(B, n) how many times each item appears in each resample."""
    offsets = (np.arange(idx.shape[0]) * n)[:, None]
    return np.bincount((idx + offsets).ravel(), minlength=idx.shape[0] * n).reshape(idx.shape[0], n).astype(float)


def _grouped(scores: np.ndarray, positives: np.ndarray, counts: np.ndarray, descending: bool):
    """Weighted positives and negatives per distinct score, ordered by score: (B, G) each."""
    values, group = np.unique(scores, return_inverse=True)
    onehot = np.zeros((len(scores), len(values)))
    onehot[np.arange(len(scores)), group] = 1.0
    wp = (counts * positives) @ onehot
    wn = (counts * ~positives) @ onehot
    return (wp[:, ::-1], wn[:, ::-1]) if descending else (wp, wn)


def _auc_weighted(scores: np.ndarray, positives: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mann–Whitney AUC with item weights: P(score_pos > score_neg) + ½ P(tie)."""
    wp, wn = _grouped(scores, positives, counts, descending=False)
    below = np.cumsum(wn, axis=1) - wn
    num = (wp * (below + 0.5 * wn)).sum(axis=1)
    den = wp.sum(axis=1) * wn.sum(axis=1)
    return np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0)


def _ap_weighted(scores: np.ndarray, positives: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Average precision as scikit-learn defines it, Σ_n (R_n − R_{n−1}) P_n over distinct thresholds."""
    wp, wn = _grouped(scores, positives, counts, descending=True)
    tp, fp = np.cumsum(wp, axis=1), np.cumsum(wn, axis=1)
    precision = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) > 0)
    total_p, total_n = wp.sum(axis=1), wn.sum(axis=1)
    ap = np.divide((wp * precision).sum(axis=1), total_p, out=np.full_like(total_p, np.nan), where=total_p > 0)
    return np.where(total_n > 0, ap, np.nan)  # matches the point estimate: a class that is always gold is skipped


def _ovr_macro_weighted(data: ClsData, counts: np.ndarray, fn: Any) -> np.ndarray:
    per_class = [fn(data.probs[:, k], data.gold == k, counts) for k in range(len(data.labels))]
    stacked = np.vstack(per_class)  # (K, B)
    defined = np.isfinite(stacked)
    total = np.where(defined, stacked, 0.0).sum(axis=0)
    n_defined = defined.sum(axis=0)
    return np.divide(total, n_defined, out=np.full_like(total, np.nan), where=n_defined > 0)


def roc_auc_from_counts(data: ClsData, counts: np.ndarray) -> np.ndarray:
    return _ovr_macro_weighted(data, counts, _auc_weighted)


def pr_auc_from_counts(data: ClsData, counts: np.ndarray) -> np.ndarray:
    return _ovr_macro_weighted(data, counts, _ap_weighted)
