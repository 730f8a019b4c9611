"""Train / validation examples for a run, prepared by `medtune.data.prepare` into the run directory.

Preparation (label mapping, conflicting-label and duplicate removal, splits, leakage check, class weights)
belongs to the data area; its report is kept with the run. This module adds what training needs on top:
example limits for quick trials, the head's label set, label checks and a fingerprint of exactly the
examples trained and validated on.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medtune.data.schemas import Example
from medtune.errors import DataError


@dataclass
class SplitData:
    train: list[Example]
    validation: list[Example]
    report: dict[str, Any] = field(default_factory=dict)
    class_weights: dict[str, float] | None = None


def load_split_data(dataset: str, task: str, cfg: Any, work_dir: Path) -> SplitData:
    """Prepare `dataset` for `task` under work_dir/data/<dataset>/ and read its train and validation examples."""
    from medtune.data.prepare import prepare_dataset
    from medtune.io import read_jsonl

    out = Path(work_dir) / "data" / dataset
    report = prepare_dataset(dataset, task, out, cfg.prepare)
    check_mapping(dataset, task, report)
    train = [Example.model_validate(r) for r in read_jsonl(out / "train.jsonl")]
    validation = [Example.model_validate(r) for r in read_jsonl(out / "validation.jsonl")]
    rng = random.Random(cfg.seed)
    if cfg.max_train_examples and len(train) > cfg.max_train_examples:
        train = rng.sample(train, cfg.max_train_examples)
    if cfg.max_val_examples and len(validation) > cfg.max_val_examples:
        validation = rng.sample(validation, cfg.max_val_examples)
    summary = {key: report.get(key) for key in ("dataset", "task", "funnel", "splits", "notes", "leakage")}
    summary["report_file"] = str(out / "report.json")
    data = SplitData(train, validation, summary, (report.get("balancing") or {}).get("class_weights"))
    data.report.update(counts(data))
    return data


def check_mapping(dataset: str, task: str, report: dict[str, Any]) -> None:
    """Rows whose label has no place in the task's label set stop the run: training without them would
    silently change what the model learns (preparation only lists them)."""
    unmapped = (report.get("label_mapping") or {}).get("unmapped") or []
    if unmapped:
        from medtune.data.tasks import get_task

        first = unmapped[0]
        raw = sorted({str(u.get("raw_label")) for u in unmapped})
        raise DataError(f"dataset {dataset!r}: {len(unmapped)} row(s) have labels with no mapping into task "
                        f"{task!r}: {raw[:5]} (first: row {first.get('id')} in split {first.get('split')}); "
                        f"expected one of {list(get_task(task).labels)}")


def counts(data: SplitData) -> dict[str, Any]:
    return {
        "train_fingerprint": fingerprint(data.train),
        "validation_fingerprint": fingerprint(data.validation),
        "train_examples": len(data.train),
        "validation_examples": len(data.validation),
        "train_labels": dict(Counter(ex.label for ex in data.train if ex.label)),
        "validation_labels": dict(Counter(ex.label for ex in data.validation if ex.label)),
    }


def fingerprint(examples: list[Example]) -> str:
    """sha256 over the examples' ids, inputs and labels, in order: the same data gives the same print."""
    digest = hashlib.sha256()
    for ex in examples:
        row = [ex.id, ex.text, ex.text_pair, ex.label, ex.target,
               [t.model_dump() for t in ex.messages] if ex.messages else None]
        digest.update(json.dumps(row, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def label_set(task: str, datasets: list[str]) -> list[str]:
    """The labels a run's head predicts: those the datasets produce for `task`, in the task's order."""
    from medtune.data.registry import get_dataset
    from medtune.data.tasks import get_task

    produced: set[str] = set()
    for name in datasets:
        produced.update(get_dataset(name).task_labels(task))
    return [lbl for lbl in get_task(task).labels if lbl in produced]


def weights_for(labels: list[str], weights: dict[str, float] | None) -> list[float] | None:
    """The preparation's per-label class weights in head order (None when balancing is not class_weights)."""
    if not weights:
        return None
    return [float(weights.get(lbl, 0.0)) for lbl in labels]


def check_labels(examples: list[Example], labels: list[str], where: str) -> None:
    """Every example's label must be one the head predicts; otherwise a DATA error naming the example."""
    allowed = set(labels)
    for ex in examples:
        if ex.label is None:
            raise DataError(f"{where}: example {ex.id} has no label; a classification run needs labelled rows")
        if ex.label not in allowed:
            raise DataError(f"{where}: example {ex.id} has label {ex.label!r}, not one of {labels}")
