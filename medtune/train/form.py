"""The Train page's form: `TrainConfig` through the shared form generator (`medtune.forms`), with plain labels.

Each field becomes a `FormField` (dotted name, widget kind, default, bounds, choices, help) read from the
pydantic model, so a new config field appears on the page without touching the page.
"""

from __future__ import annotations

from typing import Any

from medtune.forms import FormField
from medtune.forms import form_fields as generic_form_fields
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


#: Chosen above the form (task, dataset, model, method) or not user-facing.
SKIP = frozenset({"kind", "task", "dataset", "model", "method", "stages", "prepare.tokenizer", "prepare.max_length"})
SECTIONS = {"lora": "LoRA adapters", "prepare": "Data preparation"}


def form_fields(config: TrainConfig | None = None) -> list[FormField]:
    """Every editable TrainConfig field with plain labels, defaults from `config` (e.g. a recipe) when given."""
    return generic_form_fields(TrainConfig, config, skip=SKIP, labels=LABELS, sections=SECTIONS, section="Training",
                               help_names_field=True)


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
