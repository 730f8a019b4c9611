"""Job kinds: name -> "module:function" of `run(ctx: JobContext) -> None`, imported only when a job runs.

A kind's module may also define `validate_config(config: dict) -> None`; the worker calls it before the job
waits in the queue, so a broken config fails at once with CONFIG instead of after the jobs ahead of it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from medtune.errors import ConfigError, NotAvailableError

JOB_KINDS: dict[str, str] = {
    "train": "medtune.train.runner:run",
    "eval": "medtune.eval.runner:run",
    "kb_build": "medtune.kb.build:run_job",
    "sentiment": "medtune.sentiment.batch:run_job",
    "selftest": "medtune.jobs.selftest:run",
}


def kind_of(config: dict[str, Any]) -> str:
    kind = config.get("kind")
    if kind not in JOB_KINDS:
        raise ConfigError(
            f"job config field 'kind' is {kind!r}; expected one of: {', '.join(sorted(JOB_KINDS))}",
            hint="Set `kind:` in the job config to one of the listed job kinds.",
        )
    return kind


def resolve(kind: str) -> tuple[Callable[[Any], None], Callable[[dict[str, Any]], None] | None]:
    """(run function, optional validate_config) for a kind; NotAvailableError when its code is missing."""
    target = JOB_KINDS[kind]
    module_name, func_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name and module_name.startswith(err.name):
            raise NotAvailableError(f"job kind {kind!r} needs {module_name}, which is not installed here") from err
        raise
    run = getattr(module, func_name, None)
    if run is None:
        raise NotAvailableError(f"job kind {kind!r}: {module_name} has no function {func_name!r}")
    return run, getattr(module, "validate_config", None)
