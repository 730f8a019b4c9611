"""A training run's own validation score as an evaluation the Evaluation page lists (issue 21.5).

A classification run predicts its validation split at the end anyway (predictions.jsonl, eval.json in the
run directory, read by `medtune train` and `predict`). This writes the same predictions once more in the
evaluation format (`medtune.eval.records`, schema medtune.eval/1) into `<run>/validation/`, scored by
`medtune.eval.metrics` with bootstrap intervals, so the leaderboard shows the run by its name right after
training, and "One evaluation" / "Compare" can open it — no second pass over the model.
"""

from __future__ import annotations

from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from medtune.data.schemas import Example

VALIDATION_DIR = "validation"
#: Bootstrap resamples for the run's validation intervals: fewer than `medtune eval`'s 1,000 so that scoring
#: at the end of training stays short (2,101 two-class rows, this 2-core machine under load: 2.7 s at 200,
#: 8.5 s at 1,000). `medtune eval --run DIR` gives the 1,000-resample intervals.
N_BOOT = 200


def write_validation_evaluation(cfg: Any, job_dir: Path, examples: list[Example], probs: Any,
                                labels: list[str], report: dict[str, Any] | None = None,
                                train_labels: list[str] | None = None) -> Path:
    """Score the run's validation predictions and write `<job_dir>/validation/{predictions.jsonl, eval.json}`."""
    from medtune.eval import records, splits
    from medtune.eval.majority import majority_check
    from medtune.eval.metrics import evaluate_classification, summary

    rows = []
    for ex, p in zip(examples, probs):
        best = int(p.argmax())
        rows.append({"id": ex.id, "gold": ex.label, "pred": labels[best], "confidence": round(float(p[best]), 6),
                     "probs": {lbl: round(float(v), 6) for lbl, v in zip(labels, p)},
                     "correct": labels[best] == ex.label})
    metrics = evaluate_classification([r["gold"] for r in rows], [r["pred"] for r in rows], labels,
                                      [r["probs"] for r in rows], [r["confidence"] for r in rows],
                                      n_boot=N_BOOT, seed=0)
    name = cfg.name or Path(job_dir).name
    evaluation = {
        "schema": records.SCHEMA, "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "task": cfg.task, "labels": list(labels), "model_ref": str(Path(job_dir).resolve()), "model_name": name,
        "model": {"run": str(Path(job_dir).resolve()), "name": name, "base_model": cfg.model, "method": cfg.method,
                  "note": "scored during training on the run's own validation split"},
        "baseline_kind": "trained", "stage": "after", "source": "training run validation",
        "split": {"dataset": cfg.dataset, "split": "validation (training run)", "n_items": len(rows),
                  "official": False, "labelled": True, "labels_source": "the run's prepared validation split",
                  "note": validation_note(cfg, report)},
        "items_fingerprint": splits.items_fingerprint(examples),
        "labels_fingerprint": splits.labels_fingerprint([r["id"] for r in rows], [r["gold"] for r in rows]),
        "n_boot": N_BOOT, "seed": 0, "metrics": metrics, "summary": summary(metrics), "invalid_predictions": 0,
        "references": [], "config": {"run": str(Path(job_dir).resolve()), "dataset": cfg.dataset},
        "majority": majority_check([r["gold"] for r in rows], [r["pred"] for r in rows], labels, cfg.primary_metric,
                                   train_labels),
    }
    out = Path(job_dir) / VALIDATION_DIR
    records.write_evaluation(out, evaluation, rows)
    return out


def validation_note(cfg: Any, report: dict[str, Any] | None) -> str:
    limit = f", at most {cfg.max_val_examples} examples" if cfg.max_val_examples else ""
    return (f"the validation split medtune prepared from {', '.join(cfg.all_datasets())} for this run{limit} "
            "(held out from training, not the dataset's official test split)")
