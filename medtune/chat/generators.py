"""Answer generators, selectable per chat: a registry of names, each streaming text pieces.

- `embedded` (default, offline): the extractive answer of `medtune.chat.extractive` — never invented text.
- `local`: a causal LM from the hub or a local directory, with an optional LoRA adapter from a training run;
  `local-base` is the same model without the adapter (the arena's "before").
- `openai`: any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp server).
- `gemini`: Google's Gemini API.
Generative models get the rules as a system message and the sources as quoted data (guardrails.build_messages);
their output is checked by the pipeline like any other. All of them stream, so time to first token is measured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from medtune.chat.config import ChatSettings, get_chat_settings
from medtune.chat.evidence import Evidence
from medtune.chat.guardrails import build_messages
from medtune.errors import ConfigError, NotAvailableError


@dataclass
class GenerationRequest:
    question: str  # already redacted
    evidence: list[Evidence]
    style: str = "patient"
    history: list[dict[str, str]] = field(default_factory=list)

    def messages(self) -> list[dict[str, str]]:
        sources = [(f"{e.source}: {e.title}" if e.title else e.source, e.text) for e in self.evidence]
        return build_messages(self.question, sources, self.style, self.history)


class Generator(Protocol):
    name: str
    generative: bool

    def stream(self, request: GenerationRequest) -> Iterator[str]: ...


class EmbeddedGenerator:
    """Best evidence sentences, rewritten for the chosen style, one sentence per streamed piece."""

    name = "embedded"
    generative = False

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        from medtune.chat.extractive import compose

        for sentence in compose(request.question, request.evidence, request.style):
            yield sentence + " "


class LocalGenerator:
    """A transformers causal LM (optionally + LoRA adapter), greedy decoding, streamed by TextIteratorStreamer."""

    generative = True

    def __init__(self, model: str, adapter: str = "", max_new_tokens: int = 256, name: str = "local"):
        if not model:
            raise NotAvailableError("no local model is configured for the chatbot (MEDTUNE_CHAT_LOCAL_MODEL)",
                                    hint="set MEDTUNE_CHAT_LOCAL_MODEL to a hub id or a model directory")
        self.name, self.model, self.adapter, self.max_new_tokens = name, model, adapter, max_new_tokens

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        import threading

        from transformers import TextIteratorStreamer

        model, tok = load_local(self.model, self.adapter)
        ids = encode_prompt(tok, request.messages(), model, self.max_new_tokens)
        streamer = TextIteratorStreamer(tok, skip_prompt=True, skip_special_tokens=True)
        kwargs = dict(input_ids=ids, attention_mask=ids.new_ones(ids.shape), max_new_tokens=self.max_new_tokens,
                      do_sample=False, streamer=streamer, pad_token_id=tok.pad_token_id)
        thread = threading.Thread(target=model.generate, kwargs=kwargs, daemon=True)
        thread.start()
        yield from (piece for piece in streamer if piece)
        thread.join()


def encode_prompt(tok: Any, messages: list[dict[str, str]], model: Any, max_new_tokens: int) -> Any:
    """Token ids of the chat prompt, cut from the left to fit the model's context with room to answer."""
    if getattr(tok, "chat_template", None):
        text = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    else:
        text = "\n\n".join(f"{m['role'].upper()}: {m['content']}" for m in messages) + "\n\nASSISTANT:"
    ids = tok(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
    room = int(getattr(model.config, "max_position_embeddings", 2048) or 2048) - max_new_tokens
    return ids[:, -max(16, room):]


def resolve_adapter(adapter: str) -> tuple[Path, str | None]:
    """An adapter directory, or a training job id -> (its adapter/ folder, the base model named in its config)."""
    from medtune.settings import get_settings

    path = Path(adapter).expanduser()
    if path.is_dir():
        return path, None
    job = get_settings().runs_path / adapter
    if (job / "adapter").is_dir():
        import yaml

        config = yaml.safe_load((job / "config.yaml").read_text()) if (job / "config.yaml").is_file() else {}
        return job / "adapter", (config or {}).get("model")
    raise NotAvailableError(f"adapter {adapter!r} is neither a directory nor a training job with an adapter/ folder",
                            hint="`medtune jobs list` shows finished training runs")


@lru_cache(maxsize=2)
def load_local(model: str, adapter: str = "") -> tuple[Any, Any]:
    """Load once per (model, adapter): a chat server answers many questions with the same weights."""
    from transformers import AutoModelForCausalLM

    from medtune.models.loading import load_pretrained, load_tokenizer
    from medtune.models.registry import get_model

    adapter_dir, base = resolve_adapter(adapter) if adapter else (None, None)
    spec = get_model(model or base or "")
    tok = load_tokenizer(spec)
    lm = load_pretrained(AutoModelForCausalLM, spec)
    if adapter_dir is not None:
        from peft import PeftModel

        lm = PeftModel.from_pretrained(lm, str(adapter_dir))
    return lm.eval(), tok


def _messages_split(request: GenerationRequest) -> tuple[str, list[dict[str, str]]]:
    messages = request.messages()
    return messages[0]["content"], messages[1:]


class OpenAICompatibleGenerator:
    """Chat completions with stream=true through medtune.models.api_clients' OpenAI client (its settings: OPENAI_API_KEY,
    MEDTUNE_OPENAI_BASE_URL for vLLM, Ollama or a llama.cpp server)."""

    name = "openai"
    generative = True

    def __init__(self, model: str, max_tokens: int = 256):
        from medtune.models.api_clients import OpenAIChat

        self.chat = OpenAIChat(model)
        self.model, self.max_tokens = model, max_tokens

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        import openai

        system, turns = _messages_split(request)
        try:
            stream = self.chat.client.chat.completions.create(
                model=self.model, messages=[{"role": "system", "content": system}, *turns], temperature=0,
                max_tokens=self.max_tokens, stream=True)
            for chunk in stream:
                for choice in chunk.choices or []:
                    if choice.delta and choice.delta.content:
                        yield choice.delta.content
        except openai.APIError as exc:
            where = self.chat.base_url or "api.openai.com"
            raise NotAvailableError(f"OpenAI-compatible model {self.model} at {where} failed: {exc}",
                                    hint="check the base URL, the model name and the API key") from exc


class GeminiGenerator:
    """Gemini's streaming generate_content through medtune.models.api_clients' Gemini client (GEMINI_API_KEY)."""

    name = "gemini"
    generative = True

    def __init__(self, model: str, max_tokens: int = 256):
        from medtune.models.api_clients import GeminiChat

        self.chat = GeminiChat(model)
        self.model, self.max_tokens = model, max_tokens

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        from google.genai import errors, types

        system, turns = _messages_split(request)
        contents = [types.Content(role="model" if m["role"] == "assistant" else "user",
                                  parts=[types.Part(text=m["content"])]) for m in turns]
        config = types.GenerateContentConfig(system_instruction=system, temperature=0, max_output_tokens=self.max_tokens)
        try:
            for chunk in self.chat.client.models.generate_content_stream(model=self.model, contents=contents,
                                                                         config=config):
                if chunk.text:
                    yield chunk.text
        except errors.APIError as exc:
            raise NotAvailableError(f"Gemini model {self.model} failed: {exc.code} {exc.message}",
                                    hint="check GEMINI_API_KEY and the model name") from exc


@dataclass(frozen=True)
class GeneratorEntry:
    """One answer generator: what the selector says about it, how to build it, and whether it can run here."""

    help: str
    build: Callable[[ChatSettings], Generator]
    configured: Callable[[ChatSettings, Any], bool]  # (chat settings, API settings) -> usable as set up


#: The chat's generators, one entry each (like the dataset and model registries); the UI lists them in order.
GENERATORS: dict[str, GeneratorEntry] = {
    "embedded": GeneratorEntry(
        "Offline: best sentences from the knowledge base, in plain words, with citations (no model).",
        lambda cfg: EmbeddedGenerator(), lambda cfg, api: True),
    "local": GeneratorEntry(
        "A local or hub causal LM (MEDTUNE_CHAT_LOCAL_MODEL), with the LoRA adapter if one is set.",
        lambda cfg: LocalGenerator(cfg.local_model, cfg.local_adapter, cfg.max_new_tokens),
        lambda cfg, api: bool(cfg.local_model)),
    "local-base": GeneratorEntry(
        "The same local model without its adapter (the arena's baseline).",
        lambda cfg: LocalGenerator(cfg.local_model, "", cfg.max_new_tokens, name="local-base"),
        lambda cfg, api: bool(cfg.local_model and cfg.local_adapter)),
    "openai": GeneratorEntry(
        "OpenAI (OPENAI_API_KEY) or a compatible server (MEDTUNE_OPENAI_BASE_URL): vLLM, Ollama, llama.cpp.",
        lambda cfg: OpenAICompatibleGenerator(cfg.openai_model, cfg.max_new_tokens),
        lambda cfg, api: bool(api.openai_base_url or api.openai_api_key)),
    "gemini": GeneratorEntry(
        "Google Gemini (GEMINI_API_KEY).",
        lambda cfg: GeminiGenerator(cfg.gemini_model, cfg.max_new_tokens),
        lambda cfg, api: bool(api.gemini_api_key)),
}


def build_generator(name: str, cfg: ChatSettings | None = None) -> Generator:
    """The generator called `name`; an unknown name lists the known ones, an unconfigured one says what to set."""
    entry = GENERATORS.get(name)
    if entry is None:
        raise ConfigError(f"generator: unknown name {name!r}; known: {', '.join(GENERATORS)}")
    return entry.build(cfg or get_chat_settings())


def list_generators(cfg: ChatSettings | None = None) -> list[dict[str, Any]]:
    """Every generator with whether it is configured here (what the UI selector and /api/health show)."""
    from medtune.models.api_clients import ApiSettings

    cfg, api = cfg or get_chat_settings(), ApiSettings()
    return [{"name": n, "configured": e.configured(cfg, api), "help": e.help} for n, e in GENERATORS.items()]
