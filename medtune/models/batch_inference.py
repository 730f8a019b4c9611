"""Fast inference for encoder classifiers: tokenise once, batch by token length, merge adapters, no gradients.

Evaluation reuses one loaded model for all items and spends its time in the forward passes, so:

- `encode_sorted` tokenises every item once (the fast tokenizer's batch call) and orders them by token
  length, so each batch pads only to its own longest item;
- `padded_batches` pads each batch itself (no second tokenisation);
- `prepare_for_inference` puts the model in eval mode and folds LoRA adapters into the base weights
  (`merge_and_unload`: one matrix product per layer instead of three — the same function up to float rounding);
- `reuse_freed_memory` tells glibc's malloc to keep freed memory for the next batch instead of handing each
  large activation buffer back to the kernel (batch processes only: `medtune eval`, `medtune predict`);
- `quantize_int8` (opt-in, CPU only) swaps every encoder `nn.Linear` for PyTorch's dynamically quantised int8
  version. It is not exact — the evaluation records `"quantize": "int8"` in eval.json — and the measured
  effect on predictions is in docs/EVALUATION.md (Speed).

Probabilities are the same as one tokenizer call per batch with `padding=True` (padding tokens are masked);
only float rounding differs with batch composition.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from medtune.errors import ConfigError, NotAvailableError

QUANTIZE_CHOICES = ("int8",)


def encode_sorted(tokenizer: Any, texts: Sequence[str], pairs: Sequence[str | None] | None, *,
                  max_length: int) -> tuple[list[dict[str, list[int]]], list[int]]:
    """Each item's token ids (truncated to `max_length`, unpadded), and item indices ordered by token count."""
    pair_list = list(pairs) if pairs is not None and any(pairs) else None
    if pair_list is not None:
        pair_list = [p or "" for p in pair_list]
    enc = tokenizer(list(texts), pair_list, truncation=True, max_length=max_length, padding=False)
    keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
    features = [{k: enc[k][i] for k in keys} for i in range(len(texts))]
    order = sorted(range(len(features)), key=lambda i: len(features[i]["input_ids"]))
    return features, order


def pad_features(features: Sequence[dict[str, list[int]]], pad_id: int, left: bool = False) -> dict[str, Any]:
    """Stack unpadded features into tensors padded to the longest (attention mask 0 on padding)."""
    import torch

    width = max(len(f["input_ids"]) for f in features)
    out = {}
    for key in features[0]:
        fill = pad_id if key == "input_ids" else 0
        tensor = torch.full((len(features), width), fill, dtype=torch.long)
        for row, f in enumerate(features):
            values = torch.tensor(f[key], dtype=torch.long)
            if left:
                tensor[row, width - len(values):] = values
            else:
                tensor[row, :len(values)] = values
        out[key] = tensor
    if "attention_mask" not in out:
        mask = torch.zeros((len(features), width), dtype=torch.long)
        for row, f in enumerate(features):
            n = len(f["input_ids"])
            if left:
                mask[row, width - n:] = 1
            else:
                mask[row, :n] = 1
        out["attention_mask"] = mask
    return out


def padded_batches(tokenizer: Any, features: list[dict[str, list[int]]], order: list[int],
                   batch_size: int) -> Iterator[tuple[list[int], dict[str, Any]]]:
    """(item indices, padded tensors) for consecutive batches of `order`."""
    pad_id = tokenizer.pad_token_id
    if pad_id is None:
        raise ConfigError("the tokenizer has no padding token, so items cannot be batched",
                          hint="set a pad token (e.g. the end-of-sequence token) on the model's tokenizer")
    left = getattr(tokenizer, "padding_side", "right") == "left"
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        yield idx, pad_features([features[i] for i in idx], pad_id, left)


def class_probs(model: Any, tokenizer: Any, texts: Sequence[str], pairs: Sequence[str | None] | None, *,
                max_length: int, batch_size: int, progress: Callable[[int, int], None] | None = None,
                check: Callable[[], None] | None = None) -> list[list[float]]:
    """Softmax class probabilities of every item, in input order."""
    import torch

    features, order = encode_sorted(tokenizer, texts, pairs, max_length=max_length)
    out: list[list[float] | None] = [None] * len(features)
    model.eval()
    done = 0
    with torch.inference_mode():
        for idx, batch in padded_batches(tokenizer, features, order, batch_size):
            if check is not None:
                check()
            probs = torch.softmax(model(**batch).logits.float(), dim=-1).tolist()
            for i, p in zip(idx, probs):
                out[i] = p
            done += len(idx)
            if progress:
                progress(done, len(features))
    return out  # type: ignore[return-value]


def prepare_for_inference(model: Any) -> Any:
    """Eval mode, gradients off, LoRA adapters merged into the base weights (a plain model comes back as is)."""
    merge = getattr(model, "merge_and_unload", None)
    if callable(merge) and hasattr(model, "peft_config"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # transformers' renamed-attribute notice, via peft
            model = merge()
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


_MALLOC_TUNED = False


def reuse_freed_memory() -> bool:
    """Keep freed heap memory in the process for reuse (glibc malloc; a no-op elsewhere). Returns whether set.

    Why: a batch of 32 × 256 tokens allocates activation buffers of 10–100 MB. glibc serves blocks that large
    with mmap and returns them to the kernel on free, so every batch faults in fresh zeroed pages: on the
    500-item PubMedQA evaluation that was 9 of 75 CPU seconds in the kernel, plus slower user time on cold pages
    (docs/EVALUATION.md). With mmap off and a high trim threshold the same blocks are reused from the heap.
    The cost is that the process keeps its peak memory until it exits — right for a batch command, wrong for a
    long-lived server, so only batch processes call it, once at start-up: `medtune eval` / `medtune predict`
    (`batch_process` in their parser defaults, read by medtune.cli.main) and the job worker.
    """
    global _MALLOC_TUNED
    if _MALLOC_TUNED:
        return True
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another libc: leave its defaults
        return False
    m_trim_threshold, m_mmap_max = -1, -4  # <malloc.h>
    _MALLOC_TUNED = bool(mallopt(m_mmap_max, 0)) and bool(mallopt(m_trim_threshold, 1 << 30))
    return _MALLOC_TUNED


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 quantisation of the encoder's Linear layers: weights int8 per output channel, activations
    quantised per batch (so an item's probabilities depend slightly on its batch neighbours).

    The classification head stays in float. CPU only: a model on an accelerator is refused.
    """
    import torch

    if any(p.device.type != "cpu" for p in model.parameters()):
        raise ConfigError("int8 quantisation is for CPU inference; this model is on an accelerator",
                          hint="evaluate without quantize on a GPU")
    try:
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
    except ImportError as exc:  # pragma: no cover - depends on the installed torch
        raise NotAvailableError(f"int8 quantisation is not available in this torch ({exc})",
                                hint="evaluate without quantize") from exc
    if "fbgemm" in torch.backends.quantized.supported_engines:
        torch.backends.quantized.engine = "fbgemm"
    head = {name for name, _ in model.named_modules() if name.split(".")[-1] in ("classifier", "score")}
    targets = {name for name, m in model.named_modules()
               if isinstance(m, torch.nn.Linear) and not any(name == h or name.startswith(h + ".") for h in head)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's deprecation notices; the API is present in this torch
        return quantize_dynamic(model, {name: per_channel_dynamic_qconfig for name in targets}, dtype=torch.qint8)


def check_quantize(value: str | None) -> str | None:
    if value is not None and value not in QUANTIZE_CHOICES:
        raise ConfigError(f"quantize must be one of {list(QUANTIZE_CHOICES)} (or absent), not {value!r}")
    return value
