"""Pieces both trainers share: device and threads, 4-bit loading, LoRA wrapping, Trainer arguments."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError
from medtune.models.registry import ModelSpec
from medtune.train.config import Stage, TrainConfig


def set_threads(cfg: TrainConfig) -> int:
    """CPU threads: the physical cores, or fewer when other processes already keep them busy.

    OpenMP threads wait for each other at every parallel region; when the cores are oversubscribed a
    descheduled sibling stalls the rest (measured here: with load 16 on 2 cores, one thread ran a MiniLM
    step 3x faster than two). Hyper-threads add little to dense matmuls, so logical cores are not counted.
    """
    import psutil
    import torch

    if cfg.num_threads:
        n = cfg.num_threads
    else:
        cores = psutil.cpu_count(logical=False) or os.cpu_count() or 1
        busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        n = max(1, min(cores, int(cores - busy + 0.5)))
    torch.set_num_threads(n)
    return n


def seed_everything(seed: int) -> None:
    from transformers import set_seed

    set_seed(seed)


def cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def bf16_ok() -> bool:
    import torch

    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


def load_kwargs(cfg: TrainConfig) -> dict[str, Any]:
    """dtype / quantisation arguments for from_pretrained; QLoRA only where it can run."""
    import torch

    if cfg.method == "qlora":
        if not cuda():
            raise ConfigError("method: qlora needs a CUDA GPU (4-bit weights via bitsandbytes); use lora on this machine")
        try:
            import bitsandbytes  # noqa: F401
        except ImportError:
            raise ConfigError("method: qlora needs the bitsandbytes package; pip install bitsandbytes, or use lora") from None
        from transformers import BitsAndBytesConfig

        # NF4 + double quantisation + bf16 compute, as in Dettmers et al. 2023 (QLoRA).
        quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                                   bnb_4bit_compute_dtype=torch.bfloat16)
        return {"quantization_config": quant, "dtype": torch.bfloat16, "device_map": {"": 0}}
    if cuda() and cfg.method == "lora":
        return {"dtype": torch.bfloat16 if bf16_ok() else torch.float16}
    return {"dtype": torch.float32}


def apply_lora(model: Any, cfg: TrainConfig, spec: ModelSpec, task_type: str) -> Any:
    """Wrap `model` with fresh LoRA adapters (lora / qlora); full fine-tuning returns it unchanged."""
    if cfg.method == "full":
        return model
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if cfg.method == "qlora":
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.gradient_checkpointing)
    targets = cfg.lora.target_modules or list(spec.lora_targets) or "all-linear"
    lora = LoraConfig(task_type=task_type, r=cfg.lora.r, lora_alpha=cfg.lora.alpha, lora_dropout=cfg.lora.dropout,
                      target_modules=targets)
    try:
        return get_peft_model(model, lora)
    except ValueError as exc:
        raise ConfigError(f"lora.target_modules: {exc}".splitlines()[0]) from None


def continue_from(model_or_base: Any, saved: Path, cfg: TrainConfig) -> Any:
    """Load a previous stage's adapter onto the base model, trainable (staged training)."""
    from peft import PeftModel

    return PeftModel.from_pretrained(model_or_base, str(saved), is_trainable=True)


def training_kwargs(cfg: TrainConfig, stage: Stage, output_dir: Path, *, metric: str | None,
                    greater_is_better: bool) -> dict[str, Any]:
    """Trainer arguments for one stage (for TrainingArguments, Seq2SeqTrainingArguments or trl's SFTConfig).

    Checkpoints each epoch (or every eval_steps) and keeps the best and the last.
    """
    strategy = "steps" if cfg.eval_steps else "epoch"
    evaluate = bool(cfg.eval_steps) or cfg.eval_each_epoch
    kwargs: dict[str, Any] = dict(
        output_dir=str(output_dir),
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.eval_batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        num_train_epochs=stage.epochs or cfg.epochs,
        max_steps=stage.max_steps or cfg.max_steps,
        learning_rate=stage.learning_rate or cfg.learning_rate,
        lr_scheduler_type=cfg.lr_scheduler,
        warmup_steps=cfg.warmup_ratio,
        weight_decay=cfg.weight_decay,
        logging_steps=cfg.logging_steps,
        eval_strategy=strategy if evaluate else "no",
        save_strategy=strategy,
        eval_steps=cfg.eval_steps,
        save_steps=cfg.eval_steps,
        save_total_limit=2,
        load_best_model_at_end=evaluate and metric is not None,
        metric_for_best_model=metric if evaluate else None,
        greater_is_better=greater_is_better,
        seed=cfg.seed,
        data_seed=cfg.seed,
        report_to=[],
        disable_tqdm=True,  # the log file gets one JSON line per logging step instead of progress bars
        dataloader_num_workers=0,
        use_cpu=not cuda(),
        bf16=bf16_ok(),
        train_sampling_strategy="group_by_length" if cfg.group_by_length else "random",
        gradient_checkpointing=cfg.gradient_checkpointing,
    )
    return kwargs
