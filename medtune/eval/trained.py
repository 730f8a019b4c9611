"""Predictions of a trained run directory (the "after" side of a before/after comparison).

The training area owns how a run is loaded and run: `medtune.train.predict.load_run(run_dir)`, then
`classify(run, examples, batch_size)` for classification heads and `generate(run, examples)` for
generative runs. This module only feeds it in chunks, so progress is reported and a cancel request is
honoured between chunks, and turns its rows into `Prediction`s.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from medtune.data.schemas import Example
from medtune.errors import ConfigError, NotAvailableError
from medtune.eval.predictors import Cancel, Prediction, Progress, check_cancel

CHUNK = 64


def _predict_module() -> Any:
    try:
        return importlib.import_module("medtune.train.predict")
    except ImportError as exc:
        raise NotAvailableError(f"evaluating a trained run needs medtune.train.predict, which is missing ({exc})") from exc


class TrainedRunPredictor:
    kind = "trained"

    def __init__(self, run_dir: Path, task: str, labels: tuple[str, ...], batch_size: int = 32):
        self.run_dir = Path(run_dir)
        if not self.run_dir.is_dir():
            raise ConfigError(f"run directory {run_dir} does not exist")
        self.module = _predict_module()
        self.run = self.module.load_run(self.run_dir)
        self.info = dict(self.run.info)
        if self.info.get("task") != task:
            raise ConfigError(f"run {run_dir} was trained for task {self.info.get('task')!r}, not {task!r}",
                              hint=f"evaluate it with --task {self.info.get('task')} on a dataset serving that task")
        self.generative = self.info.get("head") != "classification"
        self.labels = tuple(self.run.labels) if not self.generative else ()
        if not self.generative and not set(labels) <= set(self.labels):
            raise ConfigError(f"run {run_dir} predicts {list(self.labels)}; the dataset's labels are {list(labels)}")
        self.batch_size = batch_size

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": str(self.run_dir), "run_dir": str(self.run_dir.resolve()),
                "model": self.info.get("model"), "base_model": self.info.get("base_model"),
                "method": self.info.get("method"), "format": self.info.get("format"), "labels": list(self.labels)}

    def predict(self, examples: list[Example], progress: Progress | None = None,
                cancel: Cancel | None = None) -> list[Prediction]:
        out: list[Prediction] = []
        for start in range(0, len(examples), CHUNK):
            check_cancel(cancel)
            chunk = examples[start:start + CHUNK]
            if self.generative:
                out += [Prediction(text=r.get("output")) for r in self.module.generate(self.run, chunk)]
            else:
                rows = self.module.classify(self.run, chunk, batch_size=self.batch_size)
                out += [Prediction(r.get("label"), r.get("probs"), r.get("confidence")) for r in rows]
            if progress:
                progress(len(out), len(examples))
        return out
