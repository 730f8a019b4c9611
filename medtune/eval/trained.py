"""Predictions of a trained run directory (the "after" side of a before/after comparison).

The training area owns how a run is loaded: when `medtune.train.predict.predict_examples(run_dir, examples,
batch_size=...)` exists it is used (rows of {"label", "confidence", "probs"}). Until then the saved output is
loaded here from what the trainer wrote beside it (`medtune.json`: head, task, labels, base model,
max length) — a classification head on the base model, with its LoRA adapter when the run saved one.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from medtune.data.schemas import Example
from medtune.errors import ConfigError, NotAvailableError
from medtune.eval.predictors import Cancel, Prediction, Progress, classify_probs, from_probs

OUTPUT_INFO = "medtune.json"


def run_output(run_dir: Path) -> tuple[Path, dict[str, Any]]:
    """The saved model (merged/full first) or adapter directory of a run, with its medtune.json."""
    if not run_dir.is_dir():
        raise ConfigError(f"run directory {run_dir} does not exist")
    for name in ("model", "adapter"):
        info_file = run_dir / name / OUTPUT_INFO
        if info_file.is_file():
            return run_dir / name, json.loads(info_file.read_text(encoding="utf-8"))
    raise NotAvailableError(f"run {run_dir} has no saved model or adapter (no model/ or adapter/ with {OUTPUT_INFO})",
                            hint="wait for the training job to finish, or check `medtune jobs show ID`")


class TrainedRunPredictor:
    kind = "trained"

    def __init__(self, run_dir: Path, task: str, labels: tuple[str, ...], batch_size: int = 32):
        self.run_dir = Path(run_dir)
        self.output_dir, self.info = run_output(self.run_dir)
        if self.info.get("task") != task:
            raise ConfigError(f"run {run_dir} was trained for task {self.info.get('task')!r}, not {task!r}")
        if self.info.get("head", "classification") != "classification":
            raise NotAvailableError(f"run {run_dir}: evaluating a {self.info.get('head')!r} run is not supported here yet")
        self.labels = tuple(self.info.get("labels") or labels)
        missing = set(labels) - set(self.labels)
        if missing and not set(self.labels) <= set(labels):
            raise ConfigError(f"run {run_dir} predicts {list(self.labels)}; the dataset's labels are {list(labels)}")
        self.batch_size = batch_size
        self._model: Any = None

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": str(self.run_dir), "run_dir": str(self.run_dir.resolve()),
                "base_model": self.info.get("base_model"), "method": self.info.get("method"),
                "format": self.output_dir.name, "labels": list(self.labels)}

    def predict(self, examples: list[Example], progress: Progress | None = None,
                cancel: Cancel | None = None) -> list[Prediction]:
        own = _training_predict()
        if own is not None:
            rows = own(self.run_dir, examples, batch_size=self.batch_size)
            if progress:
                progress(len(examples), len(examples))
            return [Prediction(r.get("label"), r.get("probs"), r.get("confidence")) for r in rows]
        model, tokenizer = self._load()
        probs = classify_probs(model, tokenizer, examples, max_length=int(self.info.get("max_length") or 256),
                               batch_size=self.batch_size, progress=progress, cancel=cancel)
        return [from_probs(p, self.labels) for p in probs]

    def _load(self) -> tuple[Any, Any]:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from medtune.models.loading import load_pretrained
        from medtune.models.registry import get_model

        tokenizer = AutoTokenizer.from_pretrained(str(self.output_dir))
        head = {"num_labels": len(self.labels), "id2label": dict(enumerate(self.labels)),
                "label2id": {lbl: i for i, lbl in enumerate(self.labels)}}
        if self.output_dir.name == "model":
            spec = get_model(str(self.output_dir))
            return load_pretrained(AutoModelForSequenceClassification, spec, **head), tokenizer
        from peft import PeftModel

        base = get_model(str(self.info.get("model") or self.info.get("base_model")))
        model = load_pretrained(AutoModelForSequenceClassification, base, **head)
        if model.config.pad_token_id is None:
            model.config.pad_token_id = tokenizer.pad_token_id
        return PeftModel.from_pretrained(model, str(self.output_dir)), tokenizer


def _training_predict() -> Any:
    try:
        module = importlib.import_module("medtune.train.predict")
    except ImportError:
        return None
    return getattr(module, "predict_examples", None)
