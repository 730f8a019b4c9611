"""Predictions of a trained run directory (the "after" side of a before/after comparison).

The training area owns how a run is loaded and run: `medtune.train.predict.load_run(run_dir)`, then
`classify(run, examples, batch_size)` for classification heads and `generate(run, examples)` for
generative runs. This module only feeds it in chunks, so progress is reported and a cancel request is
honoured between chunks, and turns its rows into `Prediction`s.

For speed (the same predictions up to float rounding): a classification run's LoRA adapter is merged into
its base weights once after loading, and items go to `classify` in chunks of similar length (sorted over the
whole split, not within each chunk), so its batches pad little. `quantize="int8"` (opt-in, CPU) quantises
the encoder's Linear layers; eval.json records it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medtune.data.schemas import Example
from medtune.errors import ConfigError, DataError
from medtune.eval.predictors import Cancel, Prediction, Progress, check_cancel
from medtune.models.batch_inference import check_quantize, prepare_for_inference, quantize_int8

CHUNK = 64


class TrainedRunPredictor:
    kind = "trained"

    def __init__(self, run_dir: Path, task: str, labels: tuple[str, ...], batch_size: int = 32,
                 quantize: str | None = None):
        self.run_dir = Path(run_dir)
        if not self.run_dir.is_dir():
            raise ConfigError(f"run directory {run_dir} does not exist")
        from medtune.train import predict  # torch and transformers load with it, only when a run is evaluated

        self.module = predict
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
        self.quantize = check_quantize(quantize)
        if self.quantize and self.generative:
            raise ConfigError(f"quantize applies to classification runs; run {run_dir} is generative")
        if not self.generative:
            self.run.model = prepare_for_inference(self.run.model)
            if self.quantize == "int8":
                self.run.model = quantize_int8(self.run.model)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": str(self.run_dir), "run_dir": str(self.run_dir.resolve()),
                "model": self.info.get("model"), "base_model": self.info.get("base_model"),
                "method": self.info.get("method"), "format": self.info.get("format"), "labels": list(self.labels),
                **({"quantize": self.quantize} if self.quantize else {})}

    def predict(self, examples: list[Example], progress: Progress | None = None,
                cancel: Cancel | None = None) -> list[Prediction]:
        order = list(range(len(examples)))
        if not self.generative:  # similar lengths in each chunk, so classify's batches pad little
            order.sort(key=lambda i: len(examples[i].text) + len(examples[i].text_pair or ""))
        out: list[Prediction | None] = [None] * len(examples)
        done = 0
        for start in range(0, len(order), CHUNK):
            check_cancel(cancel)
            idx = order[start:start + CHUNK]
            chunk = [examples[i] for i in idx]
            if self.generative:
                preds = [Prediction(text=r.get("output")) for r in self.module.generate(self.run, chunk)]
            else:
                rows = self.module.classify(self.run, chunk, batch_size=self.batch_size)
                preds = [Prediction(r.get("label"), r.get("probs"), r.get("confidence")) for r in rows]
            if len(preds) != len(idx):
                raise DataError(f"run {self.run_dir} returned {len(preds)} predictions for {len(idx)} items")
            for i, p in zip(idx, preds):
                out[i] = p
            done += len(idx)
            if progress:
                progress(done, len(examples))
        return out  # type: ignore[return-value]
