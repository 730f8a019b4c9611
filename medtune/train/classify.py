"""Classification fine-tuning: an encoder or decoder with a classification head, LoRA or full.

Dynamic padding (each batch padded to its own longest input) and length-grouped batches keep padding
small, which is most of the CPU speed-up over padding every input to max_length (benchmarks/train_throughput.py).
The loss is weighted by inverse class frequency when asked; the best checkpoint by the task's primary metric
is kept and its predictions on the validation split are written.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from medtune.data.schemas import Example
from medtune.errors import ConfigError, DataError
from medtune.io import atomic_write_json, read_json, write_jsonl
from medtune.models.loading import check_loadable, load_pretrained, load_tokenizer, resolved_commit
from medtune.models.registry import ModelSpec, get_model
from medtune.train import data as tdata
from medtune.train.callbacks import ProgressCallback, TokenMeter, record_resume
from medtune.train.config import Stage, TrainConfig
from medtune.train.context import COMPLETE_MARKER, OUTPUT_INFO, Reporter, latest_complete
from medtune.train.modeling import (
    apply_lora,
    apply_pooling,
    continue_from,
    load_kwargs,
    seed_everything,
    set_threads,
    training_kwargs,
)



def encode(examples: list[Example], tokenizer: Any, max_length: int, label2id: dict[str, int] | None) -> list[dict]:
    """Tokenise without padding (the collator pads per batch). Pairs truncate the longer side first."""
    texts = [ex.text for ex in examples]
    pairs = [ex.text_pair for ex in examples]
    has_pairs = any(p is not None for p in pairs)
    enc = tokenizer(texts, [p or "" for p in pairs] if has_pairs else None, truncation=True, max_length=max_length)
    rows = []
    for i, ex in enumerate(examples):
        row = {key: enc[key][i] for key in enc.keys()}
        if label2id is not None and ex.label is not None:
            row["labels"] = label2id[ex.label]
        rows.append(row)
    return rows


def compute_metrics_fn(labels: list[str]):
    def compute(eval_pred: Any) -> dict[str, float]:
        return classification_metrics(eval_pred.label_ids, eval_pred.predictions.argmax(-1), labels)

    return compute


def classification_metrics(gold: Any, pred: Any, labels: list[str]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    ids = list(range(len(labels)))
    per_label = f1_score(gold, pred, labels=ids, average=None, zero_division=0)
    metrics = {
        "accuracy": float(accuracy_score(gold, pred)),
        "macro_f1": float(f1_score(gold, pred, labels=ids, average="macro", zero_division=0)),
        "weighted_f1": float(f1_score(gold, pred, labels=ids, average="weighted", zero_division=0)),
    }
    metrics.update({f"f1_{lbl}": float(f) for lbl, f in zip(labels, per_label)})
    return metrics


def trainer_class():
    import torch
    from transformers import Trainer

    class ClassifierTrainer(Trainer):
        """Trainer with a class-weighted cross-entropy and a count of the useful tokens trained on."""

        def __init__(self, *args: Any, class_weights: list[float] | None = None, meter: TokenMeter | None = None,
                     **kwargs: Any):
            super().__init__(*args, **kwargs)
            self.class_weights = torch.tensor(class_weights) if class_weights else None
            self.meter = meter
            # Our loss is a per-batch mean, so the Trainer must average it over accumulation steps itself.
            self.model_accepts_loss_kwargs = False

        def _get_eval_sampler(self, eval_dataset):
            # transformers 5 length-groups (and so reorders) evaluation batches when training uses
            # group_by_length; predictions must stay in dataset order to line up with their examples.
            if eval_dataset is None:
                return None
            return torch.utils.data.SequentialSampler(eval_dataset)

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            if model.training and self.meter is not None:
                self.meter.add_batch(inputs)
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            logits = outputs.logits.float()
            weight = self.class_weights.to(logits.device) if self.class_weights is not None else None
            loss = torch.nn.functional.cross_entropy(logits, labels, weight=weight)
            return (loss, outputs) if return_outputs else loss

    return ClassifierTrainer


def build_model(spec: ModelSpec, cfg: TrainConfig, labels: list[str], tokenizer: Any) -> Any:
    from transformers import AutoModelForSequenceClassification

    model = load_pretrained(
        AutoModelForSequenceClassification, spec, num_labels=len(labels),
        id2label=dict(enumerate(labels)), label2id={lbl: i for i, lbl in enumerate(labels)},
        **load_kwargs(cfg),
    )
    if model.config.pad_token_id is None:  # decoders: the head pools the last non-pad token, so it must know pad
        model.config.pad_token_id = tokenizer.pad_token_id
    return apply_pooling(model, cfg.pooling)


def stage_data(cfg: TrainConfig, stage: Stage, labels: list[str], work_dir: Path) -> tdata.SplitData:
    """All of a stage's datasets, concatenated; every label checked against the head's labels."""
    parts = [tdata.load_split_data(name, cfg.task, cfg, work_dir) for name in stage.datasets]
    merged = tdata.SplitData([ex for p in parts for ex in p.train], [ex for p in parts for ex in p.validation],
                             {"datasets": [p.report for p in parts]})
    merged.class_weights = combined_weights(parts)
    for part, name in zip(parts, stage.datasets):
        tdata.check_labels(part.train, labels, f"dataset {name} (train)")
        tdata.check_labels(part.validation, labels, f"dataset {name} (validation)")
    if not merged.train or not merged.validation:
        raise DataError(f"stage {stage.name}: no training or validation examples in {stage.datasets}")
    return merged


def combined_weights(parts: list[tdata.SplitData]) -> dict[str, float] | None:
    """One dataset: its preparation's weights; several: the same n / (k·n_c) rule over their union."""
    if any(p.class_weights is None for p in parts):
        return None
    if len(parts) == 1:
        return parts[0].class_weights
    from collections import Counter

    freq = Counter(ex.label for p in parts for ex in p.train)
    total, k = sum(freq.values()), len(freq)
    return {lbl: total / (k * n) for lbl, n in freq.items()}


def run(cfg: TrainConfig, reporter: Reporter) -> dict[str, Any]:
    """Train all stages, then evaluate the best model, write predictions and save the adapter / model."""
    spec = get_model(cfg.model)
    check_loadable(spec)
    threads = set_threads(cfg)
    job_dir = Path(reporter.job_dir)
    labels = tdata.label_set(cfg.task, cfg.all_datasets())
    if len(labels) < 2:
        raise DataError(f"task {cfg.task}: the datasets {cfg.all_datasets()} give fewer than two labels ({labels})")
    stages = cfg.stage_list()
    datasets = [stage_data(cfg, stage, labels, job_dir) for stage in stages]
    reporter.update(message=f"loading {spec.name}", labels=labels, cpu_threads=threads)
    tokenizer = load_tokenizer(spec)
    tokenizer.truncation_side = cfg.truncation_side  # saved with the tokenizer: predict and eval cut alike
    seed_everything(cfg.seed)  # the new head and the LoRA matrices are initialised from this seed
    model = build_model(spec, cfg, labels, tokenizer)
    start = 0
    if reporter.resume and (done := last_complete_stage(job_dir, len(stages))) is not None:
        if cfg.method == "full":
            model = build_model(replace(spec, local_path=str(stage_dir(job_dir, done))), cfg, labels, tokenizer)
        else:
            model = continue_from(model, stage_dir(job_dir, done), cfg)
        start = done + 1
    else:
        if cfg.head_init == "probe":
            reporter.update(message="fitting the head on frozen features (linear probe)")
            probe_head(model, tokenizer, datasets[0], labels, cfg)
        if cfg.method != "full":
            model = apply_lora(model, cfg, spec, "SEQ_CLS")
    trainer = None
    for i in range(start, len(stages)):
        trainer = train_stage(cfg, reporter, model, tokenizer, labels, stages[i], i, len(stages), datasets[i])
        if i < len(stages) - 1:
            save_stage(trainer.model, tokenizer, stage_dir(job_dir, i))
    final = datasets[-1]
    result = evaluate_and_save(cfg, spec, trainer, model, tokenizer, labels, final, job_dir)
    result["data"] = [d.report for d in datasets]
    result["model_commit"] = resolved_commit(model)
    return result


def train_stage(cfg: TrainConfig, reporter: Reporter, model: Any, tokenizer: Any, labels: list[str], stage: Stage,
                index: int, n_stages: int, data: tdata.SplitData) -> Any:
    from transformers import DataCollatorWithPadding, TrainingArguments

    label2id = {lbl: i for i, lbl in enumerate(labels)}
    out = stage_checkpoints(reporter, index)
    meter = TokenMeter()
    progress = ProgressCallback(reporter, meter, stage=stage.name or f"stage-{index + 1}", stage_index=index,
                                n_stages=n_stages, metric=cfg.primary_metric, checkpoint_minutes=cfg.checkpoint_minutes)
    args = TrainingArguments(**training_kwargs(cfg, stage, out, metric=cfg.primary_metric, greater_is_better=True))
    trainer = trainer_class()(
        model=model, args=args, train_dataset=encode(data.train, tokenizer, cfg.max_length, label2id),
        eval_dataset=encode(data.validation, tokenizer, cfg.max_length, label2id), processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer), compute_metrics=compute_metrics_fn(labels),
        callbacks=[progress], class_weights=tdata.weights_for(labels, data.class_weights), meter=meter,
    )
    resume_from = latest_complete(out) if reporter.resume else None
    if reporter.resume:
        record_resume(reporter, resume_from, progress.stage)
    trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    if progress.cancelled:
        from medtune.errors import CancelledError

        raise CancelledError(f"cancelled at step {trainer.state.global_step}; a checkpoint was saved to resume from")
    return trainer


def pooled_features(model: Any, tokenizer: Any, examples: list[Example], max_length: int,
                    batch_size: int) -> Any:
    """The frozen encoder's pooled features (what the classifier reads), in example order."""
    import numpy as np
    import torch

    encoder = model.base_model
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].text) + len(examples[i].text_pair or ""))
    feats: list[Any] = [None] * len(examples)
    was_training = model.training
    model.eval()
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        exs = [examples[i] for i in chunk]
        pairs = [e.text_pair or "" for e in exs] if any(e.text_pair for e in exs) else None
        enc = tokenizer([e.text for e in exs], pairs, truncation=True, max_length=max_length, padding=True,
                        return_tensors="pt")
        with torch.inference_mode():
            pooled = encoder(**enc).pooler_output.float().numpy()
        for i, row in zip(chunk, pooled):
            feats[i] = row
    model.train(was_training)
    return np.stack(feats)


def probe_head(model: Any, tokenizer: Any, data: tdata.SplitData, labels: list[str], cfg: TrainConfig) -> dict:
    """Linear probe, then fine-tune (Kumar et al. 2022, LP-FT): start the classifier from a logistic regression
    fitted on the frozen model's pooled training features, weighted like the training loss, so fine-tuning
    starts from a head that already separates the classes instead of a random one (which on a few hundred
    examples the adapters spend most of their steps catching up with). Needs a BERT-style model whose
    classifier is one linear layer over the pooler's output."""
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression

    head = getattr(model, "classifier", None)
    if not isinstance(head, torch.nn.Linear) or getattr(model.base_model, "pooler", None) is None:
        raise ConfigError(f"head_init: probe needs a BERT-style encoder with a linear classifier over its pooler; "
                          f"{type(model).__name__} has none (use head_init: random)")
    label2id = {lbl: i for i, lbl in enumerate(labels)}
    x = pooled_features(model, tokenizer, data.train, cfg.max_length, cfg.eval_batch_size)
    y = np.array([label2id[ex.label] for ex in data.train])
    present = sorted(set(y.tolist()))
    if len(present) < 2:
        return {"skipped": "fewer than two classes in the training data"}
    weights = tdata.weights_for(labels, data.class_weights)
    clf = LogisticRegression(C=1.0, max_iter=2000, class_weight={i: weights[i] for i in present} if weights else None)
    clf.fit(x, y)
    weight, bias = head.weight.detach().clone(), head.bias.detach().clone()
    if len(present) == 2:  # sklearn fits one logit difference: split it across the two rows
        (a, b), w, c = present, torch.tensor(clf.coef_[0], dtype=weight.dtype), float(clf.intercept_[0])
        weight[a], weight[b], bias[a], bias[b] = -w / 2, w / 2, -c / 2, c / 2
    else:
        for row, cls in enumerate(clf.classes_):
            weight[int(cls)] = torch.tensor(clf.coef_[row], dtype=weight.dtype)
            bias[int(cls)] = float(clf.intercept_[row])
    with torch.no_grad():
        head.weight.copy_(weight)
        head.bias.copy_(bias)
    return {"train_accuracy": float(clf.score(x, y))}


def stage_checkpoints(reporter: Reporter, index: int) -> Path:
    """Stage 1 checkpoints live directly in checkpoints/ (where job resume looks); later stages in subfolders."""
    base = Path(reporter.checkpoints_dir)
    return base if index == 0 else base / f"stage-{index + 1}"


def stage_dir(job_dir: Path, index: int) -> Path:
    return job_dir / "stages" / f"stage-{index + 1}"


def save_stage(model: Any, tokenizer: Any, path: Path) -> None:
    model.save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    (path / COMPLETE_MARKER).write_text("ok", encoding="utf-8")


def last_complete_stage(job_dir: Path, n_stages: int) -> int | None:
    done = [i for i in range(n_stages - 1) if (stage_dir(job_dir, i) / COMPLETE_MARKER).is_file()]
    return max(done) if done else None


def evaluate_and_save(cfg: TrainConfig, spec: ModelSpec, trainer: Any, model: Any, tokenizer: Any,
                      labels: list[str], data: tdata.SplitData, job_dir: Path) -> dict[str, Any]:
    import numpy as np

    model = trainer.model if trainer is not None else model
    label2id = {lbl: i for i, lbl in enumerate(labels)}
    progress = progress_of(trainer)
    output = trainer.predict(encode(data.validation, tokenizer, cfg.max_length, label2id))
    logits = output.predictions
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    gold = np.array([label2id[ex.label] for ex in data.validation])
    metrics = classification_metrics(gold, probs.argmax(-1), labels)
    write_jsonl(job_dir / "predictions.jsonl", prediction_rows(data.validation, probs, labels))
    if progress is not None:
        progress.end_phase(f"scoring the {len(data.validation)} validation predictions")
    from medtune.eval.majority import majority_check
    from medtune.train.validation_eval import write_validation_evaluation

    train_labels = [ex.label for ex in data.train]
    write_validation_evaluation(cfg, job_dir, data.validation, probs, labels, data.report, train_labels)
    if progress is not None:
        progress.end_phase("saving the " + ("model" if cfg.method == "full" else "adapter"))
    saved = save_outputs(cfg, spec, model, tokenizer, labels, job_dir)
    evaluation = {"split": "validation", "examples": len(data.validation), "primary_metric": cfg.primary_metric,
                  "primary": metrics[cfg.primary_metric], "metrics": metrics,
                  "best_checkpoint": getattr(trainer.state, "best_model_checkpoint", None),
                  # issue 15: is it better than always answering the training data's most common label?
                  "majority": majority_check([ex.label for ex in data.validation],
                                             [labels[i] for i in probs.argmax(-1)], labels, cfg.primary_metric,
                                             train_labels)}
    atomic_write_json(job_dir / "eval.json", evaluation)
    return {"eval": evaluation, "outputs": saved}


def progress_of(trainer: Any) -> ProgressCallback | None:
    """The trainer's ProgressCallback (it reports the final evaluation's batches as well)."""
    callbacks = getattr(getattr(trainer, "callback_handler", None), "callbacks", [])
    return next((cb for cb in callbacks if isinstance(cb, ProgressCallback)), None)


def prediction_rows(examples: list[Example], probs: Any, labels: list[str]) -> list[dict[str, Any]]:
    rows = []
    for ex, p in zip(examples, probs):
        best = int(p.argmax())
        rows.append({"id": ex.id, "label": labels[best], "confidence": round(float(p[best]), 6),
                     "probs": {lbl: round(float(v), 6) for lbl, v in zip(labels, p)}, "gold": ex.label})
    return rows


def save_outputs(cfg: TrainConfig, spec: ModelSpec, model: Any, tokenizer: Any, labels: list[str],
                 job_dir: Path) -> dict[str, str]:
    """adapter/ for LoRA runs (plus model/ when merge_adapter), model/ for full runs; each with medtune.json."""
    info = {"head": "classification", "task": cfg.task, "labels": labels, "model": cfg.model,
            "base_model": spec.source, "kind": spec.kind, "method": cfg.method, "max_length": cfg.max_length,
            "pooling": cfg.pooling}
    saved: dict[str, str] = {}
    first = "model" if cfg.method == "full" else "adapter"
    saved[first] = save_with_info(model, tokenizer, job_dir / first, {**info, "format": first}, base_id=spec.hub_id)
    if cfg.method != "full" and cfg.merge_adapter:  # merging folds the adapter in place: save the adapter first
        saved["model"] = save_with_info(model.merge_and_unload(), tokenizer, job_dir / "model", {**info, "format": "model"})
    return saved


def save_with_info(model: Any, tokenizer: Any, path: Path, info: dict[str, Any], base_id: str | None = None) -> str:
    """Save the model (or adapter) and tokenizer with medtune.json. With `base_id` (the base model's hub id), an
    adapter's config names that instead of the local directory it was loaded from (e.g. the embedded MiniLM in
    site-packages), so `PeftModel.from_pretrained` works on another machine; medtune.json keeps the local path."""
    model.save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    adapter_config = path / "adapter_config.json"
    if base_id and adapter_config.is_file():
        config = read_json(adapter_config)
        config["base_model_name_or_path"] = base_id
        atomic_write_json(adapter_config, config)
    atomic_write_json(path / OUTPUT_INFO, info)
    return str(path)
