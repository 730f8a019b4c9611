"""Memory needed to fine-tune a model (LoRA / QLoRA / full) at a sequence length and batch, vs this machine.

The estimate is a sum of four parts, each from the model's shape:
- weights: params × bytes per weight (fp32 on CPU, bf16 on GPU, ~0.56 byte for 4-bit NF4 incl. its constants);
- trainable state: trainable params × 16 bytes (fp32 gradient, Adam's two moments, fp32 master copy);
- activations: 34·s·b·h bytes per layer in 16-bit (Korthikanti et al. 2022, "Reducing Activation
  Recomputation in Large Transformer Models", eq. 1, without the attention-score term that SDPA/flash
  attention never materialises); doubled in fp32;
- LoRA inputs: each adapted projection keeps its (dropped-out) input again for the adapter's backward,
  ~h per projection (~3h for down projections, whose input is the MLP's inner width);
- logits: b·s·vocab in fp32, twice (values and gradient), for generative models.
Checked against the one measurement we have: Llama-2-7B, LoRA r=16 on all linear layers, bf16, SDPA,
2048 × 4 tokens peaked at 83 GB on an H200; the parts above sum to 68 GB, so the total carries a 1.2 factor for
allocator caching, temporary buffers and fragmentation (giving ~82 GB).
It is meant to say "fits / does not fit" before launch, not to predict the peak to the megabyte.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from medtune.models.registry import ModelSpec

Method = Literal["lora", "qlora", "full"]
GB = 1024**3
ATTENTION_TARGETS = {"q_proj", "k_proj", "v_proj", "o_proj", "query", "key", "value", "q", "k", "v", "o",
                     "query_key_value", "dense"}
ALLOCATOR_FACTOR = 1.2
DOWN_TARGETS = {"down_proj", "dense_4h_to_h", "wo", "w2"}


@dataclass(frozen=True)
class MemoryEstimate:
    method: str
    device: str
    weights_gb: float
    trainable_params: int
    trainable_state_gb: float
    activations_gb: float
    logits_gb: float
    total_gb: float
    available_gb: float | None
    fits: bool | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def lora_params(spec: ModelSpec, r: int, targets: tuple[str, ...] | list[str] | None = None) -> int:
    """r·(d_in + d_out) per adapted matrix: 2h for attention projections, ~3.7h for MLP ones (Llama's 2.7h + h)."""
    h, layers = spec.hidden_size, spec.num_layers
    total = 0
    for target in targets or spec.lora_targets:
        width = 2 * h if target in ATTENTION_TARGETS else int(3.7 * h)
        total += r * width * layers
    return total


def estimate(
    spec: ModelSpec,
    method: Method,
    *,
    seq_len: int,
    batch_size: int,
    device: str | None = None,
    lora_r: int = 16,
    lora_targets: list[str] | None = None,
    gradient_checkpointing: bool = False,
) -> MemoryEstimate:
    device = device or ("cuda" if cuda_available() else "cpu")
    half = device == "cuda"
    weight_bytes = {"qlora": 0.56, "lora": 2.0 if half else 4.0, "full": 2.0 if half else 4.0}[method]
    params = spec.params
    trainable = params if method == "full" else lora_params(spec, lora_r, lora_targets)
    # Full tuning in bf16 keeps an fp32 master copy inside the 16 bytes; on CPU weights are already fp32.
    state_bytes = 16 if half or method != "full" else 12
    act_per_layer = 34 * seq_len * batch_size * spec.hidden_size * (1 if half else 2)
    if method != "full":
        widths = sum(3 if t in DOWN_TARGETS else 1 for t in (lora_targets or spec.lora_targets))
        act_per_layer += 2 * seq_len * batch_size * spec.hidden_size * widths * (1 if half else 2)
    if gradient_checkpointing:  # only each layer's input is kept, plus one layer being recomputed
        activations = 2 * seq_len * batch_size * spec.hidden_size * spec.num_layers + act_per_layer
    else:
        activations = act_per_layer * spec.num_layers
    logits = 0 if spec.kind == "encoder" else 2 * 4 * batch_size * seq_len * spec.vocab_size
    overhead = 1.0 * GB if device == "cuda" else 0.5 * GB  # CUDA context / framework
    total = (params * weight_bytes + trainable * state_bytes + activations + logits) * ALLOCATOR_FACTOR + overhead
    available = available_memory_gb(device)
    fits = None if available is None else total / GB <= available
    if method == "qlora" and device != "cuda":
        fits = False
    note = _note(method, device, fits)
    return MemoryEstimate(
        method=method, device=device, weights_gb=round(params * weight_bytes / GB, 2), trainable_params=trainable,
        trainable_state_gb=round(trainable * state_bytes / GB, 2), activations_gb=round(activations / GB, 2),
        logits_gb=round(logits / GB, 2), total_gb=round(total / GB, 2), available_gb=available, fits=fits, note=note,
    )


def _note(method: str, device: str, fits: bool | None) -> str:
    if method == "qlora" and device != "cuda":
        return "QLoRA needs a CUDA GPU with bitsandbytes; not possible on this machine."
    if fits is False:
        return "Likely out of memory: lower batch size or max length, enable gradient checkpointing, or use (Q)LoRA."
    return "Should fit." if fits else ""


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def available_memory_gb(device: str) -> float | None:
    """Total memory of the device training would use: GPU memory for cuda, system RAM otherwise."""
    if device == "cuda":
        if not cuda_available():
            return None
        import torch

        _free, total = torch.cuda.mem_get_info()
        return round(total / GB, 1)
    import psutil

    return round(psutil.virtual_memory().total / GB, 1)


def estimate_all(spec: ModelSpec, *, seq_len: int, batch_size: int, lora_r: int = 16) -> list[MemoryEstimate]:
    return [estimate(spec, m, seq_len=seq_len, batch_size=batch_size, lora_r=lora_r) for m in ("lora", "qlora", "full")]
