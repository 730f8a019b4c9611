"""The typed training config: one object is the Train page's form, the job's config.yaml and the CLI flags.

Every field has a default, bounds and one line of help (the page renders them as widgets). Unknown keys
are errors naming the field, so a typo never silently trains with a default. `default_recipe` gives each
task's tested defaults; `parse_config` turns a dict (YAML, JSON, form) into a `TrainConfig` or a CONFIG
error.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from medtune.data.prepare import PrepareOptions
from medtune.errors import ConfigError

Method = Literal["lora", "qlora", "full"]

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class LoraSettings(_Strict):
    """Low-rank adapter settings (Hu et al. 2021, LoRA)."""

    r: int = Field(8, ge=1, le=256, description="Adapter rank: capacity of the update (8–16 is typical).")
    alpha: int = Field(16, ge=1, le=1024, description="Scaling numerator; the update is scaled by alpha / r.")
    dropout: float = Field(0.1, ge=0.0, le=0.9, description="Dropout on the adapter input.")
    target_modules: list[str] | None = Field(
        None, description="Module names to adapt; empty = the model's registry default (e.g. q_proj, v_proj)."
    )


def _training_prepare_options() -> Any:
    """The data area's preparation options, with training defaults: no test split carved out of the training
    data (the held-out official test inputs are scored separately) and inverse-frequency class weights."""
    from medtune.data.prepare import PrepareOptions

    return PrepareOptions(test_fraction=0.0, balance="class_weights")


class Stage(_Strict):
    """One stage of staged training: trains on its datasets, starting from the previous stage's weights."""

    name: str | None = Field(None, description="Label shown in logs and metrics (default stage-N).")
    datasets: list[str] = Field(min_length=1, description="Datasets trained on in this stage (concatenated).")
    epochs: float | None = Field(None, gt=0, le=100, description="Epochs for this stage (default: the run's).")
    max_steps: int | None = Field(None, ge=1, description="Optimizer steps for this stage (overrides epochs).")
    learning_rate: float | None = Field(None, gt=0, le=1, description="Learning rate for this stage.")


class TrainConfig(_Strict):
    """A fine-tuning run. `stages` empty = one stage on `dataset`."""

    kind: Literal["train"] = Field("train", description="Job kind (always 'train').")
    name: str | None = Field(None, description="Job name shown in the Jobs list.")
    group: str | None = Field(None, description="Group for comparing runs (sweeps).")
    task: str = Field(description="Task name, e.g. misinformation, sentiment, sft.")
    dataset: str = Field(description="Registered dataset name (its labelled splits are used).")
    model: str = Field("minilm", description="Registry name, hub id or local model directory.")
    method: Method = Field("lora", description="lora: adapters; qlora: adapters on a 4-bit model (CUDA); full.")
    epochs: float = Field(3.0, gt=0, le=100, description="Passes over the training data.")
    max_steps: int = Field(-1, ge=-1, description="Stop after this many optimizer steps (-1: use epochs).")
    learning_rate: float = Field(2e-4, gt=0, le=1, description="Peak learning rate.")
    lr_scheduler: Literal["linear", "cosine", "constant"] = Field("linear", description="Learning-rate schedule.")
    warmup_ratio: float = Field(0.06, ge=0, le=0.5, description="Share of steps spent warming up.")
    weight_decay: float = Field(0.01, ge=0, le=1, description="AdamW weight decay.")
    batch_size: int = Field(16, ge=1, le=1024, description="Examples per step on the device.")
    grad_accum: int = Field(1, ge=1, le=256, description="Gradient accumulation steps (effective batch = batch × this).")
    eval_batch_size: int = Field(64, ge=1, le=4096, description="Examples per evaluation batch.")
    max_length: int = Field(128, ge=8, le=32768, description="Longest input in tokens; longer inputs are truncated.")
    lora: LoraSettings = Field(default_factory=LoraSettings, description="Adapter settings (lora / qlora).")
    pooling: Literal["cls", "mean"] = Field(
        "cls", description="Classification head input: cls = the model's own pooler (first token); mean = the "
        "average of the non-padding token states (what sentence encoders such as MiniLM were trained for; BERT-style encoders)."
    )
    truncation_side: Literal["right", "left"] = Field(
        "right", description="Which end of an over-long input is cut (the longer text of a pair): right keeps its "
        "beginning, left keeps its end (PubMedQA abstracts close with their results). Saved with the tokenizer, "
        "so predict and eval cut the same way."
    )
    head_init: Literal["random", "probe"] = Field(
        "random", description="Classifier head start: random, or probe = a class-weighted logistic regression fitted "
        "on the frozen model's pooled features of the training set (linear probe, then fine-tune)."
    )
    seed: int = Field(42, ge=0, description="Seed for data order, splits, dropout and initialisation.")
    eval_each_epoch: bool = Field(True, description="Evaluate (and checkpoint) at the end of each epoch.")
    eval_steps: int | None = Field(
        None, ge=1, description="Evaluate and checkpoint every N steps instead of each epoch."
    )
    checkpoint_minutes: float = Field(
        10.0, ge=0, le=24 * 60, description="Also save a checkpoint after this many minutes of training since the "
        "last one (0: only at evaluations), so a killed job resumes close to where it stopped."
    )
    logging_steps: int = Field(10, ge=1, le=10_000, description="Log loss / lr / tokens per second every N steps "
                               "(short runs log every step, so their curve has points).")
    group_by_length: bool = Field(True, description="Batch inputs of similar length together (less padding).")
    num_threads: int | None = Field(None, ge=1, le=256, description="CPU threads (default: physical cores).")
    gradient_checkpointing: bool = Field(False, description="Recompute activations to save memory (slower).")
    gpus: int = Field(1, ge=1, le=64, description="Processes that train together, one per GPU, launched through "
                      "accelerate (batch_size is per process; without CUDA: gloo CPU processes).")
    distributed: Literal["ddp", "fsdp", "deepspeed"] = Field(
        "ddp", description="How several processes share the model: ddp = a full copy each; fsdp / deepspeed "
        "(ZeRO-3) = sharded, for models that do not fit one GPU (CUDA only)."
    )
    merge_adapter: bool = Field(False, description="Also save a merged full model (LoRA runs).")
    prepare: PrepareOptions = Field(
        default_factory=_training_prepare_options,
        description="Data preparation (dedup, splits, balancing: class_weights weighs the loss by inverse frequency).",
    )
    max_train_examples: int | None = Field(None, ge=1, description="Train on at most this many examples (quick trials).")
    max_val_examples: int | None = Field(None, ge=1, description="Validate on at most this many examples.")
    stages: list[Stage] = Field(default_factory=list, description="Staged training, in order; empty = one stage.")

    @field_validator("task")
    @classmethod
    def _known_task(cls, value: str) -> str:
        from medtune.data.tasks import TASKS

        if value not in TASKS:
            raise ValueError(f"unknown task {value!r}; tasks are: {', '.join(TASKS)}")
        return value

    @model_validator(mode="after")
    def _datasets_serve_task(self) -> TrainConfig:
        from medtune.data.registry import get_dataset

        for name in self.all_datasets():
            try:
                spec = get_dataset(name)
            except ConfigError as err:
                raise ValueError(err.message) from None
            if self.task not in spec.tasks:
                raise ValueError(f"dataset {name!r} does not serve task {self.task!r}; it serves {list(spec.tasks)}")
        return self

    def all_datasets(self) -> list[str]:
        names = [self.dataset] + [d for stage in self.stages for d in stage.datasets]
        return list(dict.fromkeys(names))

    def stage_list(self) -> list[Stage]:
        """The stages to run: the configured ones, or one stage on `dataset`."""
        return self.stages or [Stage(name="main", datasets=[self.dataset])]

    @property
    def primary_metric(self) -> str:
        from medtune.data.tasks import get_task

        return get_task(self.task).primary_metric

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def config_hash(self) -> str:
        """sha256 of the canonical JSON (sorted keys) without the cosmetic name/group fields."""
        data = {k: v for k, v in self.to_dict().items() if k not in ("name", "group")}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def parse_config(data: dict[str, Any]) -> TrainConfig:
    """A `TrainConfig` from a dict, or a CONFIG error naming the first bad field."""
    if not isinstance(data, dict):
        raise ConfigError(f"a training config must be a mapping of fields, got {type(data).__name__}")
    try:
        return TrainConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        field = ".".join(str(p) for p in err["loc"]) or "config"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field (not a training option)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        parts.append(f"field '{field}': {msg}")
    more = f" (and {len(exc.errors()) - 3} more)" if len(exc.errors()) > 3 else ""
    return "; ".join(parts) + more


def load_config_file(path: str | Path) -> TrainConfig:
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    return parse_config(data or {})


def dump_yaml(config: TrainConfig) -> str:
    import yaml

    return yaml.safe_dump(config.to_dict(), sort_keys=False, allow_unicode=True)


# Each task's encoder recipe lives in its registry entry (`medtune.data.tasks`, `TaskSpec.recipe`).
ENCODER_LORA = {"r": 16, "alpha": 32, "dropout": 0.1, "target_modules": ["query", "key", "value", "dense"]}


def default_method(task: str, model: str = "minilm") -> Method:
    """The method a task trains with when none is asked for: for an encoder, the task recipe's `method` (full
    fine-tuning where cross-validation chose it over LoRA, docs/QUALITY.md), else LoRA; LoRA for every other kind
    of model (a 7B model does not fit in memory for full fine-tuning on the machines this targets)."""
    from medtune.data.tasks import get_task
    from medtune.models.registry import get_model

    return _method_for(get_task(task), get_model(model))


def _method_for(task_spec: Any, spec: Any) -> Method:
    if task_spec.is_generation or spec.kind != "encoder":
        return "lora"
    return task_spec.recipe.get("method", "lora")


def default_recipe(task: str, dataset: str, model: str = "minilm", method: Method | None = None) -> TrainConfig:
    """The tested defaults for a task, dataset and model; CLI flags and page fields override them. Without a
    method, the task's default (`default_method`)."""
    from medtune.data.tasks import get_task
    from medtune.models.registry import get_model

    spec = get_model(model)
    task_spec = get_task(task)
    method = method or _method_for(task_spec, spec)  # the model is resolved once (a folder or hub id reads files)
    base: dict[str, Any] = {"task": task, "dataset": dataset, "model": model, "method": method}
    if task_spec.is_generation:
        base.update(max_length=512, epochs=1, batch_size=4, grad_accum=4, learning_rate=2e-4,
                    lora={"r": 16, "alpha": 32, "dropout": 0.05}, eval_batch_size=8)
        if spec.kind == "seq2seq":
            base.update(learning_rate=3e-4)
    elif spec.kind == "encoder":
        recipe = dict(task_spec.recipe)
        recipe.pop("method", None)  # chosen above: an explicit method keeps the rest of the recipe
        if "balance" in recipe:  # a preparation option: the rest of the training defaults stay
            base["prepare"] = {**_training_prepare_options().model_dump(), "balance": recipe.pop("balance")}
        base.update(recipe)
        base["lora"] = dict(ENCODER_LORA)
        if mean_pooled(spec):
            base["pooling"] = "mean"
        else:  # the probe reads a BERT-style pooler; other encoders keep a randomly initialised head
            base.pop("head_init", None)
    else:  # a decoder or seq2seq model with a classification head
        base.update(max_length=256, epochs=2, batch_size=8, grad_accum=2, learning_rate=1e-4,
                    lora={"r": 16, "alpha": 32, "dropout": 0.05}, eval_batch_size=16)
    if method == "full":
        base["learning_rate"] = 5e-5 if spec.kind == "encoder" else 2e-5
    return parse_config(base)


def mean_pooled(spec: Any) -> bool:
    """Sentence-transformers encoders (the embedded MiniLM among them) were trained to be read by a mean over
    their tokens, not by the CLS pooler carried over from pre-training, so their classifiers default to `pooling: mean`."""
    return spec.name == "minilm" or str(spec.hub_id or "").startswith("sentence-transformers/")


CLI_FLAGS = {"epochs": "--epochs", "max_steps": "--max-steps", "gpus": "--gpus", "distributed": "--distributed"}
IDENTITY = ("kind", "task", "dataset", "model", "method")


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def equivalent_command(cfg: TrainConfig, out: str | None = None, background: bool = False) -> str:
    """The `medtune train` command line that builds this config: the recipe's flags plus --set for the rest."""
    import shlex

    recipe = flatten(default_recipe(cfg.task, cfg.dataset, cfg.model, cfg.method).to_dict())
    mine = flatten(cfg.to_dict())
    parts = ["medtune", "train", "--task", cfg.task, "--dataset", cfg.dataset, "--model", cfg.model,
             "--method", cfg.method]
    for key, value in mine.items():
        if key in IDENTITY or recipe.get(key) == value:
            continue
        if key in CLI_FLAGS:
            parts += [CLI_FLAGS[key], str(value)]
        else:
            parts += ["--set", f"{key}={json.dumps(value) if not isinstance(value, str) else value}"]
    if out:
        parts += ["--out", out]
    if background:
        parts.append("--background")
    return " ".join(shlex.quote(p) for p in parts)


def apply_sets(data: dict[str, Any], items: list[str]) -> dict[str, Any]:
    """Apply `FIELD=VALUE` overrides (YAML values; dotted names reach nested fields) to a config dict."""
    import copy

    import yaml

    data = copy.deepcopy(data)
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set {item!r}: expected FIELD=VALUE, e.g. --set lora.r=16")
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        target = data
        parts = key.strip().split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise ConfigError(f"field '{key}': {part!r} is not a group of fields")
        target[parts[-1]] = value
    return data
