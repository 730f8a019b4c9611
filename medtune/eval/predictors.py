"""Model references → predictors. Every predictor returns one `Prediction` per example, in order.

| reference | predictor | "before" meaning |
|---|---|---|
| `majority` | the training split's most frequent label, probabilities = its label shares | always available |
| a trained run dir (`--run`) | the training engine's loader and predict (`medtune.train.predict`) | after |
| a causal LM (registry name, hub id, directory) | zero-shot: label options scored by log-likelihood | before |
| an encoder without a trained head (`minilm`) | a freshly initialised head: chance level by construction | speed baseline only |
| an API model (`gpt-3.5-turbo`, `gemini-…`, `openai:<model>`) | a versioned prompt, first label in the reply | before |
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from medtune.data.schemas import Example
from medtune.errors import CancelledError, ConfigError, DataError, NotAvailableError

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass
class Prediction:
    label: str | None = None  # None: the model named no label (counted wrong)
    probs: dict[str, float] | None = None
    confidence: float | None = None
    text: str | None = None  # generated answer (generation tasks) or the raw reply of an API model


class Predictor(Protocol):
    kind: str

    def describe(self) -> dict[str, Any]: ...

    def predict(self, examples: list[Example], progress: Progress | None = None,
                cancel: Cancel | None = None) -> list[Prediction]: ...


def check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise CancelledError("evaluation cancelled")


def from_probs(probs: list[float], labels: tuple[str, ...]) -> Prediction:
    best = max(range(len(labels)), key=lambda k: probs[k])
    return Prediction(labels[best], {lbl: float(p) for lbl, p in zip(labels, probs)}, float(probs[best]))


class MajorityPredictor:
    """The most frequent training label for every item; probabilities are the training label shares."""

    kind = "majority"

    def __init__(self, dataset: str, task: str, labels: tuple[str, ...], eval_split: str,
                 eval_gold: list[str | None] | None = None):
        self.labels = labels
        self.source, counts = _majority_counts(dataset, task, eval_split, eval_gold)
        total = sum(counts[lbl] for lbl in labels)
        if total == 0:
            raise DataError(f"majority baseline: no labelled items in {self.source}")
        self.shares = {lbl: counts[lbl] / total for lbl in labels}
        # Ties go to the label listed first in the task, so the baseline is deterministic.
        self.label = max(labels, key=lambda lbl: (counts[lbl], -labels.index(lbl)))

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": "majority", "label": self.label, "label_source": self.source,
                "label_shares": self.shares}

    def predict(self, examples: list[Example], progress: Progress | None = None,
                cancel: Cancel | None = None) -> list[Prediction]:
        out = [Prediction(self.label, dict(self.shares), self.shares[self.label]) for _ in examples]
        if progress:
            progress(len(examples), len(examples))
        return out


def _majority_counts(dataset: str, task: str, eval_split: str,
                     eval_gold: list[str | None] | None) -> tuple[str, Counter]:
    """Label counts of the training split when the dataset has one, else of the evaluated split itself."""
    from medtune.data.examples import load_examples
    from medtune.data.registry import get_dataset

    spec = get_dataset(dataset)
    if "train" in spec.files and eval_split != "train":
        try:
            counts = Counter(e.label for e in load_examples(dataset, "train", task) if e.label is not None)
            if counts:
                return f"{dataset}/train", counts
        except NotAvailableError:
            pass
    counts = Counter(g for g in (eval_gold or []) if g is not None)
    return f"{dataset}/{eval_split} (the evaluated split: no training split here)", counts


# ---------------------------------------------------------------- encoders with a classification head
def classify_probs(model: Any, tokenizer: Any, examples: list[Example], *, max_length: int, batch_size: int,
                   progress: Progress | None = None, cancel: Cancel | None = None) -> list[list[float]]:
    """Softmax class probabilities, without gradients: items tokenised once, batched by token length (little
    padding), each batch padded to its own longest item (`medtune.models.batch_inference`)."""
    from medtune.models.batch_inference import class_probs

    return class_probs(model, tokenizer, [e.text for e in examples], [e.text_pair for e in examples],
                       max_length=max_length, batch_size=batch_size, progress=progress,
                       check=lambda: check_cancel(cancel))


class UntrainedHeadPredictor:
    """An encoder with a freshly initialised (seeded) classification head: chance level by construction.

    It exists to time the evaluation path with the embedded model before any run exists; it is not a
    meaningful "before" figure (use `majority` or a zero-shot causal LM for that).
    """

    kind = "untrained-head"

    def __init__(self, spec: Any, labels: tuple[str, ...], *, max_length: int = 256, batch_size: int = 32,
                 seed: int = 0, quantize: str | None = None):
        import torch

        from medtune.models.batch_inference import check_quantize, prepare_for_inference, quantize_int8

        self.spec, self.labels, self.max_length, self.batch_size = spec, labels, max_length, batch_size
        self.quantize = check_quantize(quantize)
        torch.manual_seed(seed)
        self.tokenizer, model = _transformers_untrained(spec, len(labels))
        self.model = prepare_for_inference(model)
        if self.quantize == "int8":
            self.model = quantize_int8(self.model)
        self.seed = seed

    def describe(self) -> dict[str, Any]:
        info = {"kind": self.kind, "name": self.spec.name, "source": self.spec.source, "max_length": self.max_length,
                "seed": self.seed,
                "note": "untrained classification head: chance-level by construction"}
        if self.quantize:
            info["quantize"] = self.quantize
        return info

    def predict(self, examples: list[Example], progress: Progress | None = None,
                cancel: Cancel | None = None) -> list[Prediction]:
        probs = classify_probs(self.model, self.tokenizer, examples, max_length=self.max_length,
                               batch_size=self.batch_size, progress=progress, cancel=cancel)
        return [from_probs(p, self.labels) for p in probs]


def _transformers_untrained(spec: Any, num_labels: int) -> tuple[Any, Any]:
    from transformers import AutoModelForSequenceClassification

    from medtune.models.loading import load_pretrained, load_tokenizer

    tokenizer = load_tokenizer(spec)
    return tokenizer, load_pretrained(AutoModelForSequenceClassification, spec, num_labels=num_labels)


# ---------------------------------------------------------------- resolving a reference
def resolve_predictor(model_ref: str | None, *, run_dir: str | Path | None, dataset: str, task: str,
                      labels: tuple[str, ...], split: str, eval_gold: list[str | None] | None = None,
                      options: dict[str, Any] | None = None) -> Predictor:
    options = options or {}
    if run_dir is not None:
        from medtune.eval.run_predictions import TrainedRunPredictor

        return TrainedRunPredictor(Path(run_dir), task, labels, **_pick(options, "batch_size", "quantize"))
    if not model_ref:
        raise ConfigError("evaluation: give a model (--model) or a trained run directory (--run)")
    if options.get("quantize") and not _is_encoder(model_ref):
        raise ConfigError(f"quantize applies to encoder classifiers (a trained run or an encoder), not {model_ref!r}")
    if model_ref == "majority":
        return MajorityPredictor(dataset, task, labels, split, eval_gold)
    from medtune.eval.api_models import api_predictor
    from medtune.models.api_clients import is_api_ref

    if is_api_ref(model_ref):
        return api_predictor(model_ref, task, labels, **_pick(options, "template", "max_workers", "base_url"))
    from medtune.models.registry import get_model

    spec = get_model(model_ref)
    if spec.kind == "api":
        return api_predictor(spec.name, task, labels, **_pick(options, "template", "max_workers", "base_url"))
    if spec.kind == "causal":
        from medtune.eval.zeroshot import ZeroShotPredictor

        return ZeroShotPredictor(spec, task, labels, **_pick(options, "batch_size", "max_length", "max_new_tokens"))
    if spec.kind == "encoder":
        return UntrainedHeadPredictor(spec, labels, **_pick(options, "batch_size", "max_length", "seed", "quantize"))
    raise NotAvailableError(f"model {spec.name}: zero-shot evaluation of {spec.kind} models is not supported yet",
                            hint="evaluate a trained run (--run), a causal LM, an API model or `majority`")


def _is_encoder(model_ref: str) -> bool:
    from medtune.errors import MedtuneError
    from medtune.models.api_clients import is_api_ref
    from medtune.models.registry import get_model

    if model_ref == "majority" or is_api_ref(model_ref):
        return False
    try:
        return get_model(model_ref).kind == "encoder"
    except MedtuneError:  # an unknown model: resolving it below reports the error
        return True


def _pick(options: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: options[k] for k in keys if options.get(k) is not None}
