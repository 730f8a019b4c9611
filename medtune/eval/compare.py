"""Before vs after: two evaluations on the same items → paired deltas, significance and flipped examples.

Classification: accuracy, macro F1 and weighted F1 of A and B with paired-bootstrap deltas (the same
resampled items for both), McNemar's test on per-item correctness (exact binomial for few discordant
pairs), and the items that flipped right→wrong and wrong→right. Generation: a paired bootstrap of each
per-item score both evaluations have. Item sets that differ are refused unless `intersection=True`, in
which case only shared items are compared and the result says so. Deltas are B − A.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from medtune.errors import DataError
from medtune.eval import stats
from medtune.eval.classification import (
    ClsData,
    accuracy_from_cm,
    bootstrap_confusions,
    macro_f1_from_cm,
    make_data,
    weighted_f1_from_cm,
)
from medtune.eval.metrics import METRICS
from medtune.eval.records import load_evaluation

PAIRED_METRICS = {"accuracy": accuracy_from_cm, "macro_f1": macro_f1_from_cm, "weighted_f1": weighted_f1_from_cm}


def compare(a_dir: str | Path, b_dir: str | Path, *, intersection: bool = False, n_boot: int = stats.DEFAULT_N_BOOT,
            seed: int = stats.DEFAULT_SEED, alpha: float = stats.DEFAULT_ALPHA) -> dict[str, Any]:
    """Compare evaluation B against evaluation A (deltas are B − A); returns a plain dict."""
    a, b = load_evaluation(a_dir), load_evaluation(b_dir)
    rows_a, rows_b, item_info = align(a["predictions"], b["predictions"], intersection)
    notes = item_info.pop("notes")
    fa, fb = a["eval"].get("items_fingerprint"), b["eval"].get("items_fingerprint")
    if item_info["item_set"] == "identical" and fa and fb and fa != fb:
        notes.append("the item ids match but the item texts differ (fingerprints differ): check both used the same copy")
    result: dict[str, Any] = {"a": _side(a, len(rows_a)), "b": _side(b, len(rows_b)), **item_info, "notes": notes,
                              "alpha": alpha, "n_boot": n_boot, "seed": seed}
    if all(r.get("scores") for r in rows_a) and all(r.get("scores") for r in rows_b):
        return {**result, "kind": "generation", "metrics": compare_scores(rows_a, rows_b, n_boot, seed, alpha)}
    return {**result, "kind": "classification", **compare_classification(rows_a, rows_b, a, b, n_boot, seed, alpha)}


def _side(evaluation: dict[str, Any], n: int) -> dict[str, Any]:
    ev = evaluation["eval"]
    split = ev.get("split") if isinstance(ev.get("split"), dict) else {"split": ev.get("split")}
    return {"dir": evaluation["dir"], "model_ref": ev.get("model_ref"), "kind": ev.get("baseline_kind"),
            "dataset": split.get("dataset"), "split": split.get("split"), "n_items": n,
            "timestamp": ev.get("timestamp")}


def align(rows_a: list[dict[str, Any]], rows_b: list[dict[str, Any]],
          intersection: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Rows of A and B in the same item order; refuse differing item sets unless asked for the intersection."""
    by_a, by_b = _index(rows_a, "A"), _index(rows_b, "B")
    only_a, only_b = sorted(set(by_a) - set(by_b)), sorted(set(by_b) - set(by_a))
    notes = []
    if only_a or only_b:
        detail = f"{len(only_a)} items only in A (e.g. {only_a[:3]}), {len(only_b)} only in B (e.g. {only_b[:3]})"
        if not intersection:
            raise DataError(f"the two evaluations cover different items: {detail}",
                            hint="evaluate both on the same split, or compare on the shared items (--intersection)")
        notes.append(f"compared on the {len(set(by_a) & set(by_b))} shared items only; {detail}")
    ids = [i for i in by_a if i in by_b]
    if not ids:
        raise DataError("the two evaluations share no items")
    differ = [i for i in ids if by_a[i].get("gold") != by_b[i].get("gold")]
    if differ:
        raise DataError(f"{len(differ)} shared items have different gold labels in A and B (e.g. {differ[:3]}): "
                        "these are not evaluations of the same data")
    item_set = "intersection" if (only_a or only_b) else "identical"
    return [by_a[i] for i in ids], [by_b[i] for i in ids], {"item_set": item_set, "n_items": len(ids), "notes": notes}


def _index(rows: list[dict[str, Any]], name: str) -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["id"] in index:
            raise DataError(f"evaluation {name} lists item {row['id']!r} twice")
        index[row["id"]] = row
    return index


def _cls_data(rows: list[dict[str, Any]], labels: list[str]) -> ClsData:
    if any(r.get("gold") is None for r in rows):
        raise DataError("an evaluation without gold labels (predictions only) cannot be compared")
    return make_data([r["gold"] for r in rows], [r.get("pred") for r in rows], labels)


def compare_classification(rows_a: list[dict[str, Any]], rows_b: list[dict[str, Any]], a: dict[str, Any],
                           b: dict[str, Any], n_boot: int, seed: int, alpha: float) -> dict[str, Any]:
    labels = list(dict.fromkeys([*(a["eval"].get("labels") or []), *(b["eval"].get("labels") or [])]))
    labels += sorted({r["gold"] for r in rows_a if r.get("gold") is not None} - set(labels))
    da, db = _cls_data(rows_a, labels), _cls_data(rows_b, labels)
    idx = stats.resample_indices(da.n, n_boot, seed) if n_boot > 0 else None
    metrics = {name: _paired_cm(name, fn, da, db, idx, alpha) for name, fn in PAIRED_METRICS.items()}
    test = stats.mcnemar(da.correct, db.correct)
    return {"metrics": metrics, "mcnemar": test, "significant": test["p_value"] < alpha,
            "verdict": _verdict(metrics["accuracy"]["delta"], test["p_value"], alpha),
            "flips": flips(rows_a, rows_b)}


def _paired_cm(name: str, fn: Any, da: ClsData, db: ClsData, idx: np.ndarray | None, alpha: float) -> dict[str, Any]:
    full = np.arange(da.n)[None, :]
    va, vb = float(fn(bootstrap_confusions(da, full))[0]), float(fn(bootstrap_confusions(db, full))[0])
    entry = {"a": va, "b": vb, "delta": vb - va, "higher_is_better": METRICS[name].higher_is_better,
             "test": "paired bootstrap"}
    if idx is None:
        return {**entry, "ci": None, "p_value": None}
    deltas = fn(bootstrap_confusions(db, idx)) - fn(bootstrap_confusions(da, idx))
    summary = stats.paired_summary(vb - va, deltas, idx.shape[0], 0, alpha)
    return {**entry, "ci": summary["ci"], "p_value": summary["p_value"]}


def _verdict(delta: float, p_value: float, alpha: float) -> str:
    if p_value >= alpha or delta == 0:
        return f"no significant difference (p = {p_value:.3g})"
    better = "B" if delta > 0 else "A"
    return f"{better} is significantly more accurate (p = {p_value:.3g})"


def flips(rows_a: list[dict[str, Any]], rows_b: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Items A got right and B wrong, and the reverse, with both predictions and confidences."""
    out: dict[str, list[dict[str, Any]]] = {"right_to_wrong": [], "wrong_to_right": []}
    for ra, rb in zip(rows_a, rows_b):
        ca, cb = ra.get("pred") == ra["gold"], rb.get("pred") == rb["gold"]
        if ca == cb:
            continue
        row = {"id": ra["id"], "gold": ra["gold"], "pred_a": ra.get("pred"), "pred_b": rb.get("pred"),
               "confidence_a": ra.get("confidence"), "confidence_b": rb.get("confidence")}
        out["right_to_wrong" if ca else "wrong_to_right"].append(row)
    return out


def compare_scores(rows_a: list[dict[str, Any]], rows_b: list[dict[str, Any]], n_boot: int, seed: int,
                   alpha: float) -> dict[str, Any]:
    """Paired bootstrap of each per-item generation score both sides have (items scored on both sides)."""
    names = set(rows_a[0]["scores"]) & set(rows_b[0]["scores"])
    out = {}
    for name in sorted(names):
        va = np.array([_num(r["scores"].get(name)) for r in rows_a])
        vb = np.array([_num(r["scores"].get(name)) for r in rows_b])
        both = np.isfinite(va) & np.isfinite(vb)
        if not both.any():
            continue
        test = stats.paired_bootstrap_mean(va[both], vb[both], n_boot, seed, alpha)
        spec = METRICS.get(name)
        out[name] = {"a": float(va[both].mean()), "b": float(vb[both].mean()), "n": int(both.sum()),
                     "higher_is_better": spec.higher_is_better if spec else None, **test}
    return out


def _num(value: Any) -> float:
    return float("nan") if value is None else float(value)
