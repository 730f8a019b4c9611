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
    "Busy" is the smaller of the 1-minute load average and the cores in use over the last half second: the
    load average lags by a minute, so a job started right after another one ended (the usual case when jobs
    take turns on a queue or a lock) would otherwise see the finished job's load and run on half the cores.
    """
    import psutil
    import torch

    if cfg.num_threads:
        n = cfg.num_threads
    else:
        cores = psutil.cpu_count(logical=False) or os.cpu_count() or 1
        n = max(1, min(cores, int(cores - busy_cores() + 0.5)))
    torch.set_num_threads(n)
    return n


def busy_cores(window_s: float = 0.5) -> float:
    """How many cores other processes keep busy now: min(1-minute load average, use over `window_s`)."""
    import psutil

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    now = psutil.cpu_percent(interval=window_s) / 100.0 * (psutil.cpu_count(logical=True) or 1)
    return min(load, now)


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
        # Each process of a multi-GPU run loads the 4-bit weights onto its own GPU (LOCAL_RANK; 0 alone).
        return {"quantization_config": quant, "dtype": torch.bfloat16,
                "device_map": {"": int(os.environ.get("LOCAL_RANK", "0"))}}
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


def apply_pooling(model: Any, pooling: str) -> Any:
    """Make a BERT-style classifier read the mean of its non-padding token states instead of its pooler.

    `pooling: cls` leaves the model as loaded. `pooling: mean` swaps the encoder's pooler (first token →
    dense → tanh) for a parameter-free masked mean: sentence encoders such as all-MiniLM-L6-v2 were trained
    to be read that way, and their pooler was never trained. A forward pre-hook hands the pooler the batch's
    attention mask, so padding never enters the mean and a prediction does not depend on its batch. Training
    and `medtune predict` both call this on the freshly loaded model (the run's medtune.json records it).
    """
    if pooling == "cls":
        return model
    if pooling != "mean":
        raise ConfigError(f"pooling: {pooling!r} is not one of cls, mean")
    base = getattr(model, "base_model", None)
    if base is None or getattr(base, "pooler", None) is None:
        raise ConfigError(f"pooling: mean needs a BERT-style encoder whose classifier reads a pooler; "
                          f"{type(model).__name__} has none (use pooling: cls)")
    pooler = _masked_mean_class()()
    base.pooler = pooler

    def remember_mask(module: Any, args: tuple, kwargs: dict) -> None:
        mask = kwargs.get("attention_mask")
        if mask is None and len(args) > 1:
            mask = args[1]
        pooler.mask = mask

    base.register_forward_pre_hook(remember_mask, with_kwargs=True)
    return model


_MEAN_POOL_CLASS: Any = None


def _masked_mean_class() -> Any:
    global _MEAN_POOL_CLASS
    if _MEAN_POOL_CLASS is None:
        import torch

        class MaskedMeanPooler(torch.nn.Module):
            """Mean of the token states where the attention mask is 1 (all tokens when there is no mask)."""

            def __init__(self) -> None:
                super().__init__()
                self.mask: Any = None

            def forward(self, hidden_states: Any) -> Any:
                mask, self.mask = self.mask, None
                if mask is None or mask.dim() != 2 or tuple(mask.shape) != tuple(hidden_states.shape[:2]):
                    return hidden_states.mean(dim=1)
                weights = mask.to(hidden_states.dtype).unsqueeze(-1)
                return (hidden_states * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)

        _MEAN_POOL_CLASS = MaskedMeanPooler
    return _MEAN_POOL_CLASS
