"""A form description generated from `TrainConfig`: what the Train page renders, with no UI imports here.

Each field becomes a `FormField` (dotted name, widget kind, default, bounds, choices, help) read from the
pydantic model, so a new config field appears on the page without touching the page.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from medtune.train.config import TrainConfig

#: Plain labels for the form (issue 21.4: "max steps -1" and "head init" said nothing to an analyst); the config
#: name stays in each field's help, for the YAML file and `--set FIELD=VALUE`. A field missing here falls back
#: to its config name with spaces.
LABELS = {
    "name": "Run name", "group": "Comparison group", "epochs": "Epochs (passes over the data)",
    "max_steps": "Stop after N steps (-1 = use epochs)", "learning_rate": "Learning rate",
    "lr_scheduler": "Learning-rate schedule", "warmup_ratio": "Warm-up share of steps", "weight_decay": "Weight decay",
    "batch_size": "Batch size", "grad_accum": "Gradient accumulation steps", "eval_batch_size": "Evaluation batch size",
    "max_length": "Longest input (tokens)", "lora.r": "Adapter rank", "lora.alpha": "Adapter scaling (alpha)",
    "lora.dropout": "Adapter dropout", "lora.target_modules": "Layers to adapt",
    "pooling": "How the classifier reads the text", "truncation_side": "Which end of long inputs to cut",
    "head_init": "Classifier starting point", "seed": "Random seed", "eval_each_epoch": "Evaluate after each epoch",
    "eval_steps": "Evaluate every N steps", "checkpoint_minutes": "Checkpoint every N minutes",
    "logging_steps": "Log every N steps", "group_by_length": "Batch similar lengths together",
    "num_threads": "CPU threads", "gpus": "GPUs (training processes)", "distributed": "Multi-GPU strategy",
    "gradient_checkpointing": "Save memory (recompute activations)",
    "merge_adapter": "Also save a merged model", "max_train_examples": "Use at most N training examples",
    "max_val_examples": "Use at most N validation examples", "prepare.seed": "Data split seed",
    "prepare.validation_fraction": "Validation share", "prepare.test_fraction": "Test share",
    "prepare.respect_official_splits": "Keep the official splits", "prepare.alignment_filter":
    "Drop texts with conflicting labels", "prepare.dedup": "Remove exact duplicates",
    "prepare.near_dedup": "Remove near duplicates", "prepare.near_dup_threshold": "Near-duplicate similarity",
    "prepare.leakage": "Texts found in two splits", "prepare.balance": "Class balancing",
    "prepare.balance_max_factor": "Largest oversampling factor", "prepare.augment": "Augmentation",
    "prepare.augment_copies": "Variants per row", "prepare.drop_over_length": "Drop over-long rows",
    "prepare.scan_phi": "Scan for personal identifiers", "prepare.limit": "Read at most N rows per split",
}


def label_for(dotted: str) -> str:
    return LABELS.get(dotted, dotted.rsplit(".", 1)[-1].replace("_", " "))


def help_for(dotted: str, description: str) -> str:
    """The field's help with its config name, so the YAML / CLI spelling is one hover away."""
    return f"{description} (config: `{dotted}`)".strip()


#: Chosen above the form (task, dataset, model, method) or not user-facing.
SKIP = {"kind", "task", "dataset", "model", "method", "stages", "prepare.tokenizer", "prepare.max_length"}
SECTIONS = {"lora": "LoRA adapters", "prepare": "Data preparation"}


@dataclass(frozen=True)
class FormField:
    name: str  # dotted: "lora.r"
    label: str
    kind: Literal["int", "float", "bool", "choice", "text", "list"]
    default: Any
    help: str
    section: str = "Training"
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()
    optional: bool = False


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) for `X | None`."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return inner[0], True
    return annotation, False


def _bounds(info: Any) -> tuple[float | None, float | None]:
    low = high = None
    for meta in info.metadata:
        low = getattr(meta, "ge", getattr(meta, "gt", low)) if low is None else low
        high = getattr(meta, "le", getattr(meta, "lt", high)) if high is None else high
    return low, high


def form_fields(config: BaseModel | None = None, model: type[BaseModel] = TrainConfig, prefix: str = "",
                section: str = "Training") -> list[FormField]:
    """Every editable field of `model`, with defaults taken from `config` (e.g. a recipe) when given."""
    fields: list[FormField] = []
    for name, info in model.model_fields.items():
        dotted = f"{prefix}{name}"
        if dotted in SKIP:
            continue
        annotation, optional = _unwrap(info.annotation)
        value = getattr(config, name) if config is not None else info.get_default(call_default_factory=True)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields += form_fields(value, annotation, f"{dotted}.", SECTIONS.get(name, name))
            continue
        low, high = _bounds(info)
        kind, choices = _kind(annotation)
        if kind is None:
            continue  # free-form mappings (prepare.options) stay in YAML configs
        fields.append(FormField(name=dotted, label=label_for(dotted), kind=kind, default=value,
                                help=help_for(dotted, info.description or ""), section=section, minimum=low, maximum=high,
                                choices=choices, optional=optional))
    return fields


def _kind(annotation: Any) -> tuple[str | None, tuple[Any, ...]]:
    if typing.get_origin(annotation) is Literal:
        return "choice", typing.get_args(annotation)
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is float:
        return "float", ()
    if annotation is str:
        return "text", ()
    if typing.get_origin(annotation) is list:
        return "list", ()
    return None, ()


def set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    target = data
    *parents, last = dotted.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def config_from_values(base: TrainConfig, values: dict[str, Any]) -> TrainConfig:
    """The recipe `base` with the form's values applied (dotted names); validated, CONFIG error on a bad one."""
    from medtune.train.config import parse_config

    data = base.to_dict()
    for dotted, value in values.items():
        set_dotted(data, dotted, value)
    return parse_config(data)
