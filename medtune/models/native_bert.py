"""BERT sequence classifiers for inference in plain torch + `tokenizers`, without importing transformers.

Why: evaluating a trained MiniLM run spends its time in the forward passes, except at the start: importing
`transformers`' BERT module pulls in torch.distributed, torch._dynamo and scipy (3.0 s, one core) and
`AutoTokenizer` another 1.3 s — 15% of the 30 s budget for the 500 PubMedQA test items on 2 cores
(docs/EVALUATION.md, Speed). For a plain BERT checkpoint the inference arithmetic is small: embeddings,
post-LayerNorm blocks with exact GELU and SDPA attention, a pooler, a linear head. This module computes
exactly that, with the same module names as `BertForSequenceClassification`, so the checkpoint loads with
`load_state_dict(strict=True)` and `medtune.models.lora_merge` folds a saved adapter in unchanged.

It is only ever an optimisation: `load_classifier` returns None for anything it does not implement (another
architecture, relative positions, a non-GELU activation, a hub id instead of a local folder, missing or
extra weights, weights not in float32) and the caller loads the run with transformers as before. The tests compare its token ids
and probabilities with transformers' on real data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

WEIGHTS = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
# tokenizer classes whose fast version is the `tokenizers` pipeline in tokenizer.json and nothing more
_BERT_TOKENIZERS = {"BertTokenizer", "BertTokenizerFast"}


_SIZES = ("vocab_size", "hidden_size", "num_attention_heads", "num_hidden_layers", "intermediate_size",
          "max_position_embeddings")


def supported_config(config: dict[str, Any]) -> bool:
    """Whether this module computes exactly what transformers' BERT computes for `config` (config.json)."""
    if not all(isinstance(config.get(key), int) and config[key] > 0 for key in _SIZES):
        return False
    return (config.get("model_type") == "bert"
            and config.get("hidden_act", "gelu") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute"
            and not config.get("is_decoder") and not config.get("add_cross_attention")
            and not config.get("chunk_size_feed_forward")
            and config.get("hidden_size", 0) % max(config.get("num_attention_heads", 1), 1) == 0)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# --- tokenizer ----------------------------------------------------------------------------------------------
class NativeBertTokenizer:
    """The call signature of a transformers fast tokenizer that medtune's inference paths use, over the same
    `tokenizers` pipeline (tokenizer.json): pairs, longest-first truncation on the saved side, padding."""

    padding_side = "right"

    def __init__(self, backend: Any, pad_token_id: int, model_max_length: int, truncation_side: str) -> None:
        self._backend = backend
        self.pad_token_id = pad_token_id
        self.model_max_length = model_max_length
        self.truncation_side = truncation_side

    @classmethod
    def from_dir(cls, folder: str | Path) -> NativeBertTokenizer | None:
        """The tokenizer saved in `folder`, or None when it is not a plain BERT tokenizer with tokenizer.json."""
        folder = Path(folder)
        config = _read_json(folder / "tokenizer_config.json")
        if config is None or config.get("tokenizer_class") not in _BERT_TOKENIZERS:
            return None
        if not (folder / TOKENIZER_FILE).is_file() or config.get("padding_side", "right") != "right":
            return None
        if config.get("truncation_side", "right") not in ("left", "right"):
            return None
        from tokenizers import Tokenizer

        try:
            backend = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        except Exception:  # noqa: BLE001 - a file this version of tokenizers cannot read: use transformers
            return None
        pad_id = backend.token_to_id(str(config.get("pad_token") or "[PAD]"))
        if pad_id is None:
            return None
        backend.no_padding()
        return cls(backend, pad_id, int(config.get("model_max_length") or 512),
                   str(config.get("truncation_side", "right")))

    def __call__(self, text: str | Sequence[str], text_pair: str | Sequence[str] | None = None, *,
                 truncation: bool = True, max_length: int | None = None, padding: bool = False,
                 return_tensors: str | None = None) -> dict[str, Any]:
        single = isinstance(text, str)
        texts = [text] if single else list(text)
        pairs = None if text_pair is None else ([text_pair] if isinstance(text_pair, str) else list(text_pair))
        if truncation:
            self._backend.enable_truncation(max_length or self.model_max_length, strategy="longest_first",
                                            direction=self.truncation_side)
        else:
            self._backend.no_truncation()
        inputs = texts if pairs is None else list(zip(texts, pairs))
        encodings = self._backend.encode_batch(inputs, add_special_tokens=True)
        out = {"input_ids": [e.ids for e in encodings], "token_type_ids": [e.type_ids for e in encodings],
               "attention_mask": [e.attention_mask for e in encodings]}
        if padding or return_tensors == "pt":
            out = _pad_right(out, self.pad_token_id)
        if return_tensors == "pt":
            import torch

            return {k: torch.tensor(v, dtype=torch.long) for k, v in out.items()}
        if return_tensors is not None:
            raise ValueError(f"return_tensors={return_tensors!r} is not supported here (only 'pt' or None)")
        return {k: v[0] for k, v in out.items()} if single else out

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        return self._backend.decode(list(ids), skip_special_tokens=skip_special_tokens)


def _pad_right(enc: dict[str, list[list[int]]], pad_id: int) -> dict[str, list[list[int]]]:
    width = max((len(ids) for ids in enc["input_ids"]), default=0)
    fill = {"input_ids": pad_id, "token_type_ids": 0, "attention_mask": 0}
    return {k: [row + [fill[k]] * (width - len(row)) for row in rows] for k, rows in enc.items()}


# --- model --------------------------------------------------------------------------------------------------
class ClassifierOutput(NamedTuple):
    logits: Any


def _build_module(config: dict[str, Any], num_labels: int, pooling: str) -> Any:
    """An untrained `BertForSequenceClassification`-shaped module (weights come from load_state_dict)."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    head_dim, eps = hidden // heads, float(config.get("layer_norm_eps", 1e-12))

    class Embeddings(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word_embeddings = nn.Embedding(config["vocab_size"], hidden)
            self.position_embeddings = nn.Embedding(config["max_position_embeddings"], hidden)
            self.token_type_embeddings = nn.Embedding(config.get("type_vocab_size", 2), hidden)
            self.LayerNorm = nn.LayerNorm(hidden, eps=eps)

        def forward(self, input_ids: Any, token_type_ids: Any) -> Any:
            positions = torch.arange(input_ids.shape[1], device=input_ids.device)
            x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
            return self.LayerNorm(x + self.position_embeddings(positions))

    class SelfAttention(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))

        def forward(self, x: Any, mask: Any) -> Any:
            b, n, _ = x.shape
            q, k, v = (m(x).view(b, n, heads, head_dim).transpose(1, 2) for m in (self.query, self.key, self.value))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            return ctx.transpose(1, 2).reshape(b, n, hidden)

    class DenseNorm(nn.Module):  # BertSelfOutput / BertOutput: dense, then LayerNorm over the residual
        def __init__(self, fan_in: int) -> None:
            super().__init__()
            self.dense = nn.Linear(fan_in, hidden)
            self.LayerNorm = nn.LayerNorm(hidden, eps=eps)

        def forward(self, x: Any, residual: Any) -> Any:
            return self.LayerNorm(self.dense(x) + residual)

    class Attention(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.self = SelfAttention()
            self.output = DenseNorm(hidden)

    class Intermediate(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.dense = nn.Linear(hidden, config["intermediate_size"])

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attention = Attention()
            self.intermediate = Intermediate()
            self.output = DenseNorm(config["intermediate_size"])

        def forward(self, x: Any, mask: Any) -> Any:
            x = self.attention.output(self.attention.self(x, mask), x)
            return self.output(F.gelu(self.intermediate.dense(x)), x)

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer = nn.ModuleList(Layer() for _ in range(config["num_hidden_layers"]))

    class Pooler(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.dense = nn.Linear(hidden, hidden)

    class Bert(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embeddings = Embeddings()
            self.encoder = Encoder()
            self.pooler = Pooler() if pooling == "cls" else None

    class BertClassifier(nn.Module):
        """forward(input_ids, attention_mask, token_type_ids) → `.logits`, like the transformers model."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = Bert()
            self.classifier = nn.Linear(hidden, num_labels)
            self.pooling = pooling

        def forward(self, input_ids: Any, attention_mask: Any = None, token_type_ids: Any = None) -> ClassifierOutput:
            if token_type_ids is None:
                token_type_ids = torch.zeros_like(input_ids)
            x = self.bert.embeddings(input_ids, token_type_ids)
            # SDPA's boolean mask: True = attend. All-ones masks are dropped, as transformers does, so full
            # batches take the unmasked kernel.
            keep = None if attention_mask is None or bool(attention_mask.all()) else attention_mask.bool()
            mask = None if keep is None else keep[:, None, None, :]
            for layer in self.bert.encoder.layer:
                x = layer(x, mask)
            return ClassifierOutput(self.classifier(self._pool(x, keep)))

        def _pool(self, x: Any, keep: Any) -> Any:
            if self.pooling == "cls":
                return torch.tanh(self.bert.pooler.dense(x[:, 0]))
            if keep is None:
                return x.mean(dim=1)
            weights = keep.to(x.dtype).unsqueeze(-1)
            return (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)

    return BertClassifier()


def load_classifier(base_dir: str | Path, num_labels: int, pooling: str,
                    head_in_checkpoint: bool = False) -> Any | None:
    """A BERT classifier with `base_dir`'s weights, or None when `base_dir` is not a local plain-BERT checkpoint
    this module implements exactly.

    `head_in_checkpoint`: the folder is a whole saved classifier (a run's model/), so its head must be in it.
    Otherwise it is a base encoder and the head starts at zero until the caller copies the run's trained head
    in (the LoRA merge does: a run's adapter holds the head it trained, see `adapter_has_head`).
    """
    base_dir = Path(base_dir)
    config = _read_json(base_dir / "config.json")
    if config is None or not supported_config(config) or pooling not in ("cls", "mean"):
        return None
    if not (base_dir / WEIGHTS).is_file():
        return None
    import torch
    from safetensors.torch import load_file

    try:
        state = load_file(str(base_dir / WEIGHTS))
    except Exception:  # noqa: BLE001 - unreadable weights: transformers loads (or reports) them properly
        return None
    model = _build_module(config, num_labels, pooling)
    if head_in_checkpoint and not {"classifier.weight", "classifier.bias"} <= set(state):
        return None
    state = _as_classifier_state(state, model)
    if state is None:
        return None
    model.load_state_dict(state, strict=True)
    model.initializer_range = float(config.get("initializer_range", 0.02))  # how transformers would draw a new head
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    if not head_in_checkpoint:  # defined (all classes equal) until the trained head is copied in
        torch.nn.init.zeros_(model.classifier.weight)
        torch.nn.init.zeros_(model.classifier.bias)
    return model


def adapter_has_head(adapter_dir: str | Path) -> bool:
    """Whether a saved adapter carries its trained classification head (peft's modules_to_save)."""
    from safetensors import safe_open

    path = Path(adapter_dir) / "adapter_model.safetensors"
    if not path.is_file():
        return False
    try:
        with safe_open(str(path), framework="pt") as f:
            keys = set(f.keys())
    except Exception:  # noqa: BLE001 - an unreadable adapter: transformers + peft report it properly
        return False
    return {"base_model.model.classifier.weight", "base_model.model.classifier.bias"} <= keys


def _as_classifier_state(state: dict[str, Any], model: Any) -> dict[str, Any] | None:
    """Checkpoint keys renamed to the module's (`BertModel` saves without the `bert.` prefix); None when the
    checkpoint does not hold exactly the module's weights (a different layout: use transformers)."""
    expected = model.state_dict()
    named: dict[str, Any] = {}
    for key, tensor in state.items():
        if key.endswith("position_ids"):  # a buffer older checkpoints saved; positions are computed here
            continue
        name = key if key.startswith(("bert.", "classifier.")) else f"bert.{key}"
        if name.startswith("bert.pooler.") and "bert.pooler.dense.weight" not in expected:
            continue  # mean pooling never reads the pooler
        named[name] = tensor
    for name, tensor in expected.items():
        if name.startswith("classifier."):
            named.setdefault(name, tensor)  # the head: trained weights come from the run
    if set(named) != set(expected) or any(named[k].shape != expected[k].shape for k in expected):
        return None
    if any(named[k].dtype != expected[k].dtype for k in expected):
        return None  # e.g. a bf16 save: transformers would compute in bf16, this module in float32
    return named
