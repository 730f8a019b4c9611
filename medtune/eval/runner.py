"""Run a model on a dataset split and write `eval.json` + `predictions.jsonl`; the `eval` job kind.

`evaluate()` reads like a recipe: load the split's examples (with user-supplied labels where the split's
labels are withheld) → resolve the model reference to a predictor → predict → metrics with seeded
bootstrap intervals → write the files. eval.json records the split and whether it is the official one,
fingerprints of the items and labels, the model and prompt template with its version, the reference
rows for the dataset, a timestamp, and the seconds each stage took (`timings`: data, model load,
prediction, metrics).
"""

from __future__ import annotations

import time
from datetime import datetime, UTC
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from medtune.data.schemas import Example
from medtune.errors import ConfigError, DataError
from medtune.eval import records, splits
from medtune.eval.classification import prefetch_sklearn
from medtune.eval.metrics import (
    CLASSIFICATION_METRICS,
    GENERATION_METRICS,
    evaluate_classification,
    evaluate_generation,
    summary,
)
from medtune.eval.predictors import Cancel, Prediction, Progress, resolve_predictor
from medtune.eval.references import references_for


class EvalConfig(BaseModel):
    """One evaluation: the eval job's config.yaml, the CLI's flags and the Evaluation page's form."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["eval"] = "eval"
    name: str | None = Field(None, description="Label shown in job lists.")
    group: str | None = Field(None, description="Group for comparing runs.")
    model: str | None = Field(None, description="majority, a registry name / hub id / directory, or an API model.")
    run: str | None = Field(None, description="A trained run directory (instead of model).")
    dataset: str = Field(description="Registered dataset name.")
    split: str = Field(description="Split to evaluate, e.g. dev, val, test.")
    task: str | None = Field(None, description="Task (default: the dataset's default task).")
    labels: str | None = Field(None, description="File of {id, label} for a split whose labels are withheld here.")
    limit: int | None = Field(None, ge=1, description="Evaluate only the first N items (smoke tests).")
    n_boot: int = Field(1000, ge=0, le=100_000, description="Bootstrap resamples for confidence intervals (0: none).")
    seed: int = Field(0, ge=0, description="Seed of the bootstrap.")
    predictions_only: bool = Field(False, description="Allow an unlabelled split: write predictions, no metrics.")
    batch_size: int | None = Field(None, ge=1, le=4096, description="Items per forward pass.")
    max_length: int | None = Field(None, ge=8, le=32768, description="Longest input in tokens.")
    quantize: Literal["int8"] | None = Field(
        None, description="int8: dynamic int8 quantisation of an encoder classifier's Linear layers for CPU "
                          "inference (faster, not exact; recorded in eval.json).")
    template: str | None = Field(None, description="Prompt template id (zero-shot / API models).")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint for openai:<model> references.")
    metrics: list[str] | None = Field(None, description="Metric names to compute (default: all for the task).")

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, value: list[str] | None) -> list[str] | None:
        from medtune.eval.metrics import METRICS

        unknown = [m for m in value or [] if m not in METRICS]
        if unknown:
            raise ValueError(f"unknown metrics {unknown}; metrics are: {', '.join(METRICS)}")
        return value

    @model_validator(mode="after")
    def _one_model(self) -> EvalConfig:
        if bool(self.model) == bool(self.run):
            raise ValueError("give exactly one of 'model' and 'run'")
        return self


def parse_config(data: dict[str, Any]) -> EvalConfig:
    try:
        return EvalConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "config"
        raise ConfigError(f"eval config field {where!r}: {first.get('msg')}") from None


def validate_config(config: dict[str, Any]) -> None:
    """Called by the job worker before queueing: a bad field fails at once with CONFIG."""
    cfg = parse_config(config)
    from medtune.data.registry import get_dataset
    from medtune.data.tasks import get_task

    spec = get_dataset(cfg.dataset)
    task = cfg.task or spec.default_task
    get_task(task)
    if task not in spec.tasks:
        raise ConfigError(f"dataset {cfg.dataset!r} does not serve task {task!r}; it serves {list(spec.tasks)}")


# ---------------------------------------------------------------- the split and its labels
def load_split(cfg: EvalConfig, task: str) -> tuple[list[Example], str]:
    """Examples of the split, with labels attached from `cfg.labels` when given; and where labels came from."""
    from medtune.data.examples import load_examples
    from medtune.data.registry import get_dataset

    examples = load_examples(cfg.dataset, cfg.split, task, limit=cfg.limit)
    if not examples:
        raise DataError(f"dataset {cfg.dataset!r} split {cfg.split!r} holds no items")
    if cfg.labels:
        return attach_labels(examples, cfg.labels, get_dataset(cfg.dataset), task), str(Path(cfg.labels).resolve())
    return examples, f"{cfg.dataset}/{cfg.split} file"


def attach_labels(examples: list[Example], labels_file: str, spec: Any, task: str) -> list[Example]:
    from medtune.data.tasks import get_task, map_label

    given = records.read_labels_file(labels_file)
    missing = [e.id for e in examples if e.id not in given]
    if missing:
        raise DataError(f"labels file {labels_file} has no label for {len(missing)} of {len(examples)} items "
                        f"(first: {missing[:3]})")
    task_spec = get_task(task)
    return [e.model_copy(update={"label": map_label(given[e.id], task_spec, spec.label_map(task),
                                                    f"labels file {labels_file} id {e.id}")}) for e in examples]


def require_labels(examples: list[Example], cfg: EvalConfig, generation: bool) -> bool:
    """True when every item has a gold label (or target); otherwise an error unless predictions_only."""
    has = [(e.target if generation else e.label) is not None for e in examples]
    if all(has):
        return True
    if cfg.predictions_only:
        return False
    from medtune.data.registry import get_dataset

    spec = get_dataset(cfg.dataset)
    labelled = [s for s in spec.files if s not in spec.unlabeled_splits]
    why = "its labels are withheld on this machine" if cfg.split in spec.unlabeled_splits else \
        f"{has.count(False)} items have no label"
    raise DataError(f"dataset {cfg.dataset!r} split {cfg.split!r} cannot be scored: {why}",
                    hint=f"supply the labels (--labels FILE with id,label) or evaluate a labelled split: {labelled}")


def split_record(cfg: EvalConfig, examples: list[Example], labelled: bool, labels_source: str) -> dict[str, Any]:
    info = {"dataset": cfg.dataset, "split": cfg.split, "n_items": len(examples), "limit": cfg.limit,
            "labelled": labelled, "labels_source": labels_source if labelled else None,
            **splits.check_official(cfg.dataset, cfg.split, [e.id for e in examples])}
    others = [s for (d, s) in splits.OFFICIAL_SPLITS if d == cfg.dataset and s != cfg.split]
    if others and not info["official"]:
        info["note"] += (f"; the official split is {cfg.dataset}/{others[0]} — its labels are withheld here, so "
                         f"this evaluation used the labelled {cfg.split} split (supply labels to score the official one)")
    return info


# ---------------------------------------------------------------- evaluation
def evaluate(model_ref: str | None, dataset: str, split: str, out_dir: str | Path, *, run_dir: str | None = None,
             progress: Progress | None = None, cancel: Cancel | None = None, **options: Any) -> dict[str, Any]:
    """Evaluate and write `out_dir/eval.json` and `out_dir/predictions.jsonl`; returns eval.json's content.

    `options` are EvalConfig fields (task, labels, limit, n_boot, seed, predictions_only, batch_size, ...).
    """
    cfg = parse_config({"model": model_ref, "run": str(run_dir) if run_dir else None, "dataset": dataset,
                        "split": split, **options})
    return run_config(cfg, Path(out_dir), progress=progress, cancel=cancel)


def run_config(cfg: EvalConfig, out_dir: Path, *, progress: Progress | None = None,
               cancel: Cancel | None = None) -> dict[str, Any]:
    from medtune.data.registry import get_dataset
    from medtune.data.tasks import get_task
    started, clock = time.time(), time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    spec = get_dataset(cfg.dataset)
    task = cfg.task or spec.default_task
    task_spec = get_task(task)
    generation = not task_spec.is_classification
    examples, labels_source = load_split(cfg, task)
    labelled = require_labels(examples, cfg, generation)
    labels = tuple(spec.task_labels(task)) if not generation else ()
    lap("data_s")
    predictor = resolve_predictor(cfg.model, run_dir=cfg.run, dataset=cfg.dataset, task=task, labels=labels,
                                  split=cfg.split, eval_gold=[e.label for e in examples],
                                  options=cfg.model_dump(include={"batch_size", "max_length", "template", "base_url",
                                                                  "quantize"}))
    labels = tuple(getattr(predictor, "labels", labels)) if not generation else ()
    lap("load_s")
    if labelled and not generation:
        prefetch_sklearn()  # imports beside the forward passes instead of after them
    preds = predictor.predict(examples, progress=progress, cancel=cancel)
    if len(preds) != len(examples):
        raise DataError(f"the model returned {len(preds)} predictions for {len(examples)} items")
    rows = prediction_rows(examples, preds, generation)
    lap("predict_s")
    metrics = score(rows, examples, labels, generation, cfg) if labelled else {}
    lap("metrics_s")
    evaluation = {
        "schema": records.SCHEMA, "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.time() - started, 3), "timings": timings, "task": task, "labels": list(labels),
        "model_ref": cfg.model or cfg.run, "model_name": run_display_name(cfg.run), "model": predictor.describe(), "baseline_kind": predictor.kind,
        "stage": "after" if predictor.kind == "trained" else "before",
        "prompt": predictor.describe().get("prompt"), "split": split_record(cfg, examples, labelled, labels_source),
        "items_fingerprint": splits.items_fingerprint(examples),
        "labels_fingerprint": splits.labels_fingerprint([r["id"] for r in rows], [r["gold"] for r in rows]),
        "n_boot": cfg.n_boot, "seed": cfg.seed, "metrics": metrics, "summary": summary(metrics),
        "invalid_predictions": sum(1 for r in rows if r["pred"] is None and not generation),
        "references": references_for(cfg.dataset, task), "config": cfg.model_dump(exclude_none=True),
        "majority": majority_of(rows, labels, task) if labelled and not generation else None,
    }
    records.write_evaluation(out_dir, evaluation, rows)
    return evaluation


def majority_of(rows: list[dict[str, Any]], labels: tuple[str, ...], task: str) -> dict[str, Any] | None:
    """The task's primary metric against always answering the split's most common label (issue 15)."""
    from medtune.data.tasks import TASKS
    from medtune.eval.majority import majority_check

    metric = TASKS[task].primary_metric if task in TASKS else None
    return majority_check([r["gold"] for r in rows], [r["pred"] for r in rows], labels, metric) if metric else None


def run_display_name(run_dir: str | None) -> str | None:
    """The name the user gave the evaluated training run, kept in eval.json so pages show it, not the run id."""
    from medtune.eval.leaderboard import run_name

    return run_name(run_dir) if run_dir else None


def prediction_rows(examples: list[Example], preds: list[Prediction], generation: bool) -> list[dict[str, Any]]:
    rows = []
    for example, p in zip(examples, preds):
        gold = example.target if generation else example.label
        row: dict[str, Any] = {"id": example.id, "gold": gold, "pred": p.text if generation else p.label,
                               "confidence": p.confidence, "probs": p.probs,
                               "correct": None if gold is None or generation else p.label == gold}
        if p.text is not None and not generation:
            row["text"] = p.text
        rows.append(row)
    return rows


def score(rows: list[dict[str, Any]], examples: list[Example], labels: tuple[str, ...], generation: bool,
          cfg: EvalConfig) -> dict[str, Any]:
    if generation:
        evidence = [e.text_pair for e in examples]
        metrics = evaluate_generation([r["pred"] for r in rows], [r["gold"] for r in rows],
                                      evidence if all(evidence) else None, n_boot=cfg.n_boot, seed=cfg.seed,
                                      metrics=_chosen(cfg, GENERATION_METRICS))
        for name, entry in metrics.items():  # per-item values go beside each prediction, not into eval.json
            for row, value in zip(rows, entry.pop("per_item", None) or []):
                row.setdefault("scores", {})[name] = value
        return metrics
    return evaluate_classification([r["gold"] for r in rows], [r["pred"] for r in rows], labels,
                                   [r["probs"] for r in rows], [r["confidence"] for r in rows],
                                   n_boot=cfg.n_boot, seed=cfg.seed, metrics=_chosen(cfg, CLASSIFICATION_METRICS))


def _chosen(cfg: EvalConfig, family: tuple[str, ...]) -> tuple[str, ...]:
    """The requested metrics of this task's family (all of them by default)."""
    if not cfg.metrics:
        return family
    chosen = tuple(m for m in cfg.metrics if m in family)
    if not chosen:
        raise ConfigError(f"none of the metrics {cfg.metrics} applies to this task; choose from {list(family)}")
    return chosen


# ---------------------------------------------------------------- the job kind
def run(ctx: Any) -> None:
    """The `eval` job kind: evaluate into the job directory, reporting progress to status.json."""
    cfg = parse_config(ctx.config)
    ctx.update(message=f"evaluating {cfg.model or cfg.run} on {cfg.dataset}/{cfg.split}")

    def progress(done: int, total: int) -> None:
        ctx.update(step=done, total_steps=total)

    evaluation = run_config(cfg, Path(ctx.job_dir), progress=progress, cancel=ctx.cancel_requested)
    ctx.log_metrics({"step": evaluation["split"]["n_items"], **{f"eval/{k}": v for k, v in evaluation["summary"].items()}})
    ctx.update(message="evaluation written to eval.json")
