"""Fold a saved LoRA adapter into a loaded base model without importing peft (inference only).

Why: importing peft pulls in accelerate, torch._dynamo and boto3 — about 2 s of a 30 s budget for evaluating
500 items on 2 cores (docs/EVALUATION.md). For the plain LoRA that medtune's classification recipes train,
merging is W ← W + (alpha / r) · B·A on each adapted Linear, plus copying the fully trained modules (the
classifier head), exactly what `PeftModel.merge_and_unload()` computes. Anything else in the adapter
(DoRA, rsLoRA, per-layer rank or alpha patterns, bias training, fan-in/fan-out layouts, unknown keys or
shapes) returns False *before any weight changes*, and the caller loads the adapter with peft as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PREFIX = "base_model.model."
# adapter_config.json settings this merge implements; any other value means "let peft do it"
_PLAIN = {"peft_type": "LORA", "use_dora": False, "use_rslora": False, "bias": "none", "lora_bias": False,
          "fan_in_fan_out": False}
_EMPTY = ("alpha_pattern", "rank_pattern", "layer_replication", "trainable_token_indices", "target_parameters")


def plain_lora_scale(config: dict[str, Any]) -> float | None:
    """alpha / r when the adapter config is plain LoRA this module can merge, else None."""
    if any(config.get(key, default) != default for key, default in _PLAIN.items()):
        return None
    if any(config.get(key) for key in _EMPTY):
        return None
    r, alpha = config.get("r"), config.get("lora_alpha")
    if not isinstance(r, int) or r <= 0 or not isinstance(alpha, (int, float)):
        return None
    return float(alpha) / r


def merge_saved_lora(model: Any, adapter_dir: str | Path) -> bool:
    """Merge `adapter_dir` (adapter_config.json + adapter_model.safetensors) into `model` in place.

    Returns True when merged; False, with `model` untouched, when the adapter is not plain LoRA or does not
    match the model's modules and shapes.
    """
    import torch
    from safetensors.torch import load_file

    adapter_dir = Path(adapter_dir)
    weights_file = adapter_dir / "adapter_model.safetensors"
    try:
        config = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    scale = plain_lora_scale(config)
    if scale is None or not weights_file.is_file():
        return False
    state = load_file(str(weights_file))
    modules = dict(model.named_modules())
    params = dict(model.named_parameters())
    deltas: dict[str, torch.Tensor] = {}
    copies: dict[str, torch.Tensor] = {}
    for key, tensor in state.items():
        if not key.startswith(PREFIX):
            return False
        name = key[len(PREFIX):]
        if name.endswith(".lora_A.weight"):
            module_name = name[: -len(".lora_A.weight")]
            b = state.get(f"{PREFIX}{module_name}.lora_B.weight")
            layer = modules.get(module_name)
            if b is None or not isinstance(layer, torch.nn.Linear):
                return False
            delta = (b.float() @ tensor.float()) * scale
            if delta.shape != layer.weight.shape:
                return False
            deltas[module_name] = delta
        elif name.endswith(".lora_B.weight"):
            if f"{PREFIX}{name[: -len('.lora_B.weight')]}.lora_A.weight" not in state:
                return False
        elif name in params and params[name].shape == tensor.shape:  # a fully trained module (the head)
            copies[name] = tensor
        else:
            return False
    with torch.no_grad():  # checked everything first: from here on the merge cannot stop halfway
        for module_name, delta in deltas.items():
            weight = modules[module_name].weight
            weight.add_(delta.to(weight.dtype))
        for name, tensor in copies.items():
            params[name].copy_(tensor.to(params[name].dtype))
    return True
