"""Summaries of registered datasets for `medtune data list/show` and the Datasets page."""

from __future__ import annotations

from collections import Counter
from typing import Any

from medtune.data.registry import DatasetSpec, available_splits, get_dataset, is_sample, iter_records, list_datasets


def availability(spec: DatasetSpec) -> str:
    """"full", "sample", "hub" (online only), "bring your own" or "missing"."""
    found = available_splits(spec)
    if found:
        return "sample" if all(is_sample(p) for p in found.values()) else "full"
    if spec.bring_your_own:
        return "bring your own"
    return "hub" if spec.hub_id else "missing"


def dataset_row(spec: DatasetSpec) -> dict[str, Any]:
    """One line of `medtune data list`: cheap, reads no data files."""
    return {
        "name": spec.name,
        "title": spec.title,
        "tasks": list(spec.tasks),
        "default_task": spec.default_task,
        "labels": list(spec.task_labels(spec.default_task)),
        "licence": spec.licence,
        "non_commercial": spec.non_commercial,
        "availability": availability(spec),
        "use_cases": list(spec.use_cases),
    }


def list_dataset_rows() -> list[dict[str, Any]]:
    return [dataset_row(spec) for spec in list_datasets()]


def licence_warning(spec: DatasetSpec) -> str | None:
    if spec.non_commercial:
        return (f"{spec.name} is licensed {spec.licence}: non-commercial research and evaluation only; "
                "do not ship it, train commercial models on it or publish modified texts.")
    return None


def split_summary(name: str, split: str) -> dict[str, Any]:
    """Row count, raw-label distribution and the file a split is read from."""
    spec = get_dataset(name)
    path = available_splits(spec).get(split)
    labels: Counter[str] = Counter()
    rows = 0
    for record in iter_records(name, split):
        rows += 1
        label = getattr(record, "label", None)
        if label is not None:
            labels[str(label)] += 1
    return {
        "split": split,
        "rows": rows,
        "labelled": split not in spec.unlabeled_splits and bool(labels),
        "labels": dict(labels.most_common()),
        "source": str(path) if path else f"hub:{spec.hub_id}",
        "sample": bool(path and is_sample(path)),
        "official": spec.official_splits.get(split),
    }


def dataset_summary(name: str) -> dict[str, Any]:
    """Everything `medtune data show NAME` prints: splits with counts and label distributions, source, licence."""
    spec = get_dataset(name)
    row = dataset_row(spec)
    row.update(
        description=spec.description,
        citation=spec.citation,
        hub_id=spec.hub_id,
        warning=licence_warning(spec),
        label_maps=spec.label_maps,
        splits=[split_summary(name, split) for split in available_splits(spec)],
        how_to_get=spec.how_to_get,
    )
    return row
