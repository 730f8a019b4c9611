"""Task examples from a registered dataset: the one call trainers and evaluators use."""

from __future__ import annotations

from medtune.data.registry import get_dataset, iter_records
from medtune.data.schemas import Example
from medtune.data.tasks import get_task, to_example
from medtune.errors import ConfigError


def load_examples(name: str, split: str, task: str | None = None, *, limit: int | None = None) -> list[Example]:
    """Examples of `task` (default: the dataset's default task) with labels mapped into the task's label set."""
    spec = get_dataset(name)
    task = task or spec.default_task
    if task not in spec.tasks:
        raise ConfigError(f"dataset {name!r} does not serve task {task!r}; it serves {list(spec.tasks)}")
    task_spec = get_task(task)
    label_map = spec.label_map(task)
    return [to_example(record, task_spec, label_map) for record in iter_records(name, split, limit=limit)]
