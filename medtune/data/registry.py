"""The dataset registry: one declarative `DatasetSpec` per dataset, looked up by name.

A spec holds names and strings only (the row converter is a "module:function" path imported on use), so
listing datasets never imports pandas or datasets. Local files are searched in the configured data
directories (full copies) before the bundled samples in `data/`; a hub id is the fallback when online.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medtune.data.schemas import Record
from medtune.data.tasks import TASKS, get_task
from medtune.errors import ConfigError, DataError, NotAvailableError
from medtune.settings import BUNDLED_DATA_DIR, get_settings

USE_CASES = {
    "hallucination": "Hallucination detection in biomedical QA",
    "misinformation": "Medical misinformation detection",
    "chatbot": "Patient-facing chatbot grounded in trusted sources",
    "sentiment": "Healthcare sentiment analytics",
}


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    title: str
    record_kind: str
    tasks: tuple[str, ...]
    default_task: str
    converter: str  # "module:function" turning one source row into a Record
    licence: str
    citation: str
    use_cases: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=dict)  # split -> file name inside the dataset folder
    folder: str = ""  # folder in a data directory; defaults to the name
    hub_id: str | None = None
    hub_config: str | None = None
    hub_splits: dict[str, str] = field(default_factory=dict)  # our split -> hub split
    label_maps: dict[str, dict[str, str]] = field(default_factory=dict)  # task -> {raw label: task label}
    official_splits: dict[str, str] = field(default_factory=dict)  # split -> what makes it official
    unlabeled_splits: tuple[str, ...] = ()  # splits whose labels are withheld on purpose
    non_commercial: bool = False
    shippable: bool = True  # False: never copied into data/ (licence or credentials)
    bring_your_own: bool = False  # credentialed data: the user supplies a file and a column mapping
    description: str = ""
    how_to_get: str = ""
    reader: str | None = None  # "module:function(path) -> rows" instead of read_rows (uploads apply their mapping)

    def __post_init__(self) -> None:
        unknown = [t for t in self.tasks if t not in TASKS]
        if unknown or self.default_task not in self.tasks:
            raise ValueError(f"dataset {self.name}: bad tasks {unknown} or default {self.default_task!r}")

    @property
    def folder_name(self) -> str:
        return self.folder or self.name

    def label_map(self, task: str) -> dict[str, str]:
        return self.label_maps.get(task, {})

    def task_labels(self, task: str) -> tuple[str, ...]:
        """The labels this dataset can produce for `task` (after mapping)."""
        mapped = self.label_map(task)
        labels = get_task(task).labels
        if not mapped:
            return labels
        produced = set(mapped.values())
        return tuple(lbl for lbl in labels if lbl in produced)


_REGISTRY: dict[str, DatasetSpec] = {}

# Datasets outside the catalog, found by name prefix: (resolver "module:function(name) -> DatasetSpec | None",
# lister "module:function() -> list[DatasetSpec]"). Strings, so listing stays import-light.
DYNAMIC_SOURCES: dict[str, tuple[str, str]] = {
    "upload:": ("medtune.data.uploads:resolve_upload", "medtune.data.uploads:list_upload_specs"),
}


def _load_callable(path: str) -> Callable[..., Any]:
    module, _, func = path.partition(":")
    return getattr(importlib.import_module(module), func)


def _dynamic_specs() -> list[DatasetSpec]:
    return [spec for _, lister in DYNAMIC_SOURCES.values() for spec in _load_callable(lister)()]


def _resolve_dynamic(name: str) -> DatasetSpec | None:
    for prefix, (resolver, _) in DYNAMIC_SOURCES.items():
        if name.startswith(prefix):
            return _load_callable(resolver)(name)
    return None


def register(spec: DatasetSpec, *, replace: bool = False) -> DatasetSpec:
    """Add a dataset. `replace=True` is for generated datasets whose folder moves (e.g. each verifier
    build writes new pairs); a catalog entry registered twice by accident is an error."""
    if spec.name in _REGISTRY and not replace:
        raise ValueError(f"dataset {spec.name!r} registered twice")
    _REGISTRY[spec.name] = spec
    return spec


def _ensure_catalog() -> None:
    if not _REGISTRY:
        importlib.import_module("medtune.data.catalog")


def list_datasets() -> list[DatasetSpec]:
    _ensure_catalog()
    return list(_REGISTRY.values()) + _dynamic_specs()


def get_dataset(name: str) -> DatasetSpec:
    _ensure_catalog()
    try:
        return _REGISTRY[name]
    except KeyError:
        dynamic = _resolve_dynamic(name)
        if dynamic is not None:
            return dynamic
        raise ConfigError(f"unknown dataset {name!r}; registered: {', '.join(sorted(_REGISTRY))}") from None


def find_local_file(spec: DatasetSpec, split: str) -> Path | None:
    """The first data directory holding this split's file: full copies first, bundled samples last."""
    filename = spec.files.get(split)
    if not filename:
        return None
    for directory in get_settings().data_dirs:
        candidate = directory / spec.folder_name / filename
        if candidate.is_file():
            return candidate
    return None


def is_sample(path: Path) -> bool:
    """True when a file comes from the small samples bundled in data/ rather than a full copy."""
    try:
        path.resolve().relative_to(BUNDLED_DATA_DIR.resolve())
        return True
    except ValueError:
        return False


def available_splits(spec: DatasetSpec) -> dict[str, Path]:
    return {split: path for split in spec.files if (path := find_local_file(spec, split))}


def converter(spec: DatasetSpec) -> Callable[[dict[str, Any]], Record]:
    module, _, func = spec.converter.partition(":")
    return getattr(importlib.import_module(module), func)


def _how_to_get(spec: DatasetSpec, split: str) -> str:
    parts = []
    if spec.files.get(split):
        parts.append(
            f"put {spec.folder_name}/{spec.files[split]} in a data directory (MEDTUNE_DATA_DIR, now "
            f"{[str(d) for d in get_settings().data_dirs]})"
        )
    if spec.hub_id:
        parts.append(f"or go online to load the hub dataset {spec.hub_id}")
    if spec.how_to_get:
        parts.append(spec.how_to_get)
    return "; ".join(parts) or "this dataset has no source configured"


def iter_records(name: str, split: str, *, limit: int | None = None) -> Iterator[Record]:
    """Records of one split, validated. Malformed rows raise a DATA error naming the file and line."""
    from medtune.data.readers import read_rows

    spec = get_dataset(name)
    path = find_local_file(spec, split)
    if path is not None:
        rows = _load_callable(spec.reader)(path) if spec.reader else read_rows(path)
        source = str(path)
    elif spec.hub_id and split in spec.hub_splits:
        from medtune.data.hub import iter_hub_rows

        rows = iter_hub_rows(spec, split)
        source = f"hub:{spec.hub_id}"
    else:
        known = sorted(set(spec.files) | set(spec.hub_splits))
        if split not in known:
            raise ConfigError(f"dataset {name!r} has no split {split!r}; splits: {known}")
        raise NotAvailableError(f"dataset {name!r} split {split!r} is not available here", hint=_how_to_get(spec, split))
    convert = converter(spec)
    produced = 0
    for n, row in enumerate(rows, start=1):
        try:
            result = convert(row)
        except DataError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{source} row {n}: {_short(exc)}") from exc
        for record in result if isinstance(result, list) else [result]:
            if limit is not None and produced >= limit:
                return
            produced += 1
            yield record


def load_records(name: str, split: str, *, limit: int | None = None) -> list[Record]:
    return list(iter_records(name, split, limit=limit))


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()
    return " ".join(line.strip() for line in text[:4])
