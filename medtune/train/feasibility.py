"""Can this machine run this training config? One plain answer before launch (issue 17, Train).

For Llama-2 7B on a CPU-only machine the Train page used to suggest "(Q)LoRA", and QLoRA then said it needs
CUDA: a dead end. `assess` states once what the machine can and cannot do — GPU or not, whether the weights
are on disk (and whether they can be fetched), whether the memory fits, roughly how long training would take
here — and names the one reason launching cannot work, if there is one. The config and its command can
still be exported to run on a GPU machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Effective float32 training throughput of one physical CPU core, in FLOP/s. Measured: MiniLM LoRA trained
#: at ~1,290 computed tokens/s on 2 threads of this machine (docs/THROUGHPUT.md), at 4 FLOPs per weight per
#: token over its 10.8M multiplying weights ≈ 56 GFLOP/s for two cores. A rough figure, for orders of magnitude.
CPU_FLOPS_PER_CORE = 25e9
#: FLOPs per parameter per trained token: forward 2 + backward 4 for full fine-tuning (Kaplan et al. 2020);
#: LoRA skips the frozen weights' gradients, about 4.
FLOPS_PER_PARAM_TOKEN = {"full": 6.0, "lora": 4.0, "qlora": 4.0}
#: Past this, training here is not a realistic plan: Launch is disabled and the export offered instead.
MAX_HOURS_HERE = 48.0


@dataclass
class Feasibility:
    can_launch: bool
    device: str  # "cuda" or "cpu"
    facts: list[str] = field(default_factory=list)  # what this machine can and cannot do, one sentence each
    blocker: str | None = None  # why launching here cannot work (None: it can)
    hours: float | None = None  # rough training time here

    @property
    def summary(self) -> str:
        return self.blocker or "This machine can run this training job."


def gpu_fact() -> tuple[str, bool]:
    from medtune.models.memory import cuda_available

    if cuda_available():
        import torch

        props = torch.cuda.get_device_properties(0)
        return f"GPU: {props.name} with {props.total_memory / 2**30:.0f} GB.", True
    cores = _cores()
    return f"No GPU: training runs on the CPU ({cores} core{'s' if cores != 1 else ''}).", False


def _cores() -> int:
    import psutil

    return psutil.cpu_count(logical=False) or os.cpu_count() or 1


def weights_on_disk(spec: Any) -> Path | None:
    """Where the model's weights are on this machine (a local folder or the Hugging Face cache), else None."""
    if spec.local_path:
        path = Path(spec.local_path)
        return path if path.is_dir() else None
    if not spec.hub_id:
        return None
    try:
        from huggingface_hub import try_to_load_from_cache

        config = try_to_load_from_cache(spec.hub_id, "config.json", revision=spec.revision)
    except (ValueError, OSError):  # a malformed hub id (HFValidationError is a ValueError) or cache
        return None
    if not isinstance(config, str):
        return None
    snapshot = Path(config).parent
    has_weights = any(snapshot.glob("*.safetensors")) or any(snapshot.glob("*.bin"))
    return snapshot if has_weights else None


def weights_fact(spec: Any, offline: bool) -> tuple[str, str | None]:
    """(sentence, blocker or None) about the weights."""
    size = f"{spec.params * 2 / 1e9:.0f} GB in 16-bit" if spec.params else "size unknown"
    where = weights_on_disk(spec)
    if where is not None:
        return f"Weights: on disk ({where}).", None
    if offline:
        sentence = (f"Weights: not on this machine ({spec.hub_id or spec.name}, {size}), and it is offline, so "
                    "they cannot be downloaded.")
        return sentence, f"the weights of {spec.name} are not on this machine and it is offline"
    gated = " It is gated: accept its licence on the hub and set HF_TOKEN." if spec.gated else ""
    return f"Weights: not on disk yet; downloaded on first use ({spec.hub_id}, {size}).{gated}", None


def training_tokens(cfg: Any, train_rows: int | None) -> float | None:
    """Rough tokens trained on: examples seen × half of max_length (dynamic padding keeps batches near the
    typical length, not the longest)."""
    per_example = cfg.max_length / 2
    if cfg.max_steps and cfg.max_steps > 0:
        return cfg.max_steps * cfg.batch_size * cfg.grad_accum * per_example
    if not train_rows:
        return None
    rows = min(train_rows, cfg.max_train_examples) if cfg.max_train_examples else train_rows
    return rows * cfg.epochs * per_example


def hours_on_cpu(spec: Any, cfg: Any, train_rows: int | None) -> float | None:
    tokens = training_tokens(cfg, train_rows)
    if tokens is None or not spec.params:
        return None
    flops = FLOPS_PER_PARAM_TOKEN.get(cfg.method, 6.0) * spec.params * tokens
    return flops / (CPU_FLOPS_PER_CORE * _cores()) / 3600


def format_hours(hours: float) -> str:
    if hours < 1 / 60:
        return "under a minute"
    if hours < 1:
        return f"about {hours * 60:.0f} minutes"
    if hours < 48:
        return f"about {hours:.0f} hours" if hours >= 2 else "about an hour"
    days = hours / 24
    return f"about {days:,.0f} days" if days < 730 else f"about {days / 365:,.0f} years"


def assess(cfg: Any, spec: Any, *, train_rows: int | None = None, memory: Any | None = None,
           offline: bool | None = None) -> Feasibility:
    """What this machine can do with `cfg` on model `spec` (a `ModelSpec`); `memory` is a MemoryEstimate."""
    from medtune.settings import get_settings

    offline = get_settings().is_offline if offline is None else offline
    gpu_line, has_gpu = gpu_fact()
    facts = [gpu_line]
    blockers: list[str] = []
    if cfg.method == "qlora" and not has_gpu:
        blockers.append("QLoRA (4-bit weights through bitsandbytes) needs a CUDA GPU, and this machine has none")
    line, blocker = weights_fact(spec, offline)
    facts.append(line)
    if blocker:
        blockers.append(blocker)
    if memory is not None and memory.total_gb:
        room = f"{memory.available_gb} GB" if memory.available_gb else "an unknown amount"
        facts.append(f"Memory: this config needs about {memory.total_gb:.0f} GB; the "
                     f"{'GPU' if memory.device == 'cuda' else 'machine'} has {room}.")
        if memory.fits is False and cfg.method != "qlora":
            blockers.append(f"it needs about {memory.total_gb:.0f} GB of memory and this machine has {room}")
    hours = None
    if not has_gpu:
        hours = hours_on_cpu(spec, cfg, train_rows)
        if hours is not None:
            facts.append(f"Time: {format_hours(hours)} of training on this CPU (a rough estimate from the model "
                         "size and the tokens to train on).")
            if hours > MAX_HOURS_HERE:
                blockers.append(f"training would take {format_hours(hours)} on this CPU")
    blocker = "; ".join(blockers) if blockers else None
    if blocker:
        facts.append("Export the config or the command below and run it on a machine with a suitable GPU.")
    return Feasibility(can_launch=blocker is None, device="cuda" if has_gpu else "cpu", facts=facts,
                       blocker=blocker, hours=hours)
