"""Clients of API chat models: OpenAI (GPT-3.5-Turbo) and any OpenAI-compatible server, and Gemini.

Through the official clients — `openai` for OpenAI and every OpenAI-compatible endpoint (vLLM, Ollama,
llama.cpp server: set a base URL), `google-genai` for Gemini. Without a key or base URL a NotAvailableError
says what to set. Keys are read from the environment and never written anywhere. The evaluation's API
baselines (`medtune.eval.api_models`) and the chatbot's API generators (`medtune.chat.generators`) both use
these clients.

References: `gpt-3.5-turbo` / `gemini-1.5-flash` (registry names), `openai:<model>`, `gemini:<model>`.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from medtune.errors import ConfigError, NotAvailableError

OPENAI_HINT = ("set OPENAI_API_KEY (or MEDTUNE_OPENAI_API_KEY) for api.openai.com, or MEDTUNE_OPENAI_BASE_URL "
               "(e.g. http://127.0.0.1:8000/v1 for vLLM, http://127.0.0.1:11434/v1 for Ollama, or a llama.cpp server) "
               "for an OpenAI-compatible endpoint")
GEMINI_HINT = "set GEMINI_API_KEY (or MEDTUNE_GEMINI_API_KEY / GOOGLE_API_KEY) to a Google AI Studio key"


class ApiSettings(BaseSettings):
    """Credentials and endpoints of API models, from the environment (MEDTUNE_* first, then the vendors' names)."""

    model_config = SettingsConfigDict(extra="ignore")

    openai_api_key: str | None = Field(None, validation_alias=AliasChoices("MEDTUNE_OPENAI_API_KEY", "OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=AliasChoices("MEDTUNE_OPENAI_BASE_URL", "OPENAI_BASE_URL"))
    gemini_api_key: str | None = Field(
        None, validation_alias=AliasChoices("MEDTUNE_GEMINI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"))
    timeout_s: float = Field(60.0, gt=0, validation_alias=AliasChoices("MEDTUNE_API_TIMEOUT_S"))
    max_workers: int = Field(4, ge=1, le=64, validation_alias=AliasChoices("MEDTUNE_API_MAX_WORKERS"))


def is_api_ref(ref: str) -> bool:
    low = ref.lower()
    return low.startswith(("openai:", "gemini:", "google:", "gpt-", "gemini-"))


def parse_ref(ref: str) -> tuple[str, str]:
    """(provider, model id) of an API reference; registry names map to their pinned API ids."""
    provider, sep, name = ref.partition(":")
    if sep and provider.lower() in ("openai", "gemini", "google"):
        if not name:
            raise ConfigError(f"API model {ref!r}: give a model name after the colon, e.g. openai:gpt-3.5-turbo")
        return ("openai" if provider.lower() == "openai" else "google"), name
    try:
        from medtune.models.registry import get_model

        spec = get_model(ref)
        if spec.kind == "api":
            return spec.provider or "openai", (spec.aliases[0] if spec.aliases else spec.name)
    except (ImportError, ConfigError, NotAvailableError):
        pass
    return ("google" if ref.lower().startswith("gemini") else "openai"), ref


class OpenAIChat:
    """One chat completion per call through the official `openai` client (also for compatible servers)."""

    provider = "openai"

    def __init__(self, model: str, *, base_url: str | None = None, api_key: str | None = None,
                 settings: ApiSettings | None = None):
        settings = settings or ApiSettings()
        self.model = model
        self.base_url = base_url or settings.openai_base_url
        key = api_key or settings.openai_api_key
        if not key and not self.base_url:
            raise NotAvailableError(f"API model {model}: no OpenAI key or base URL is configured", hint=OPENAI_HINT)
        import openai

        # Local servers (vLLM, Ollama, llama.cpp) accept any key; the client insists on one.
        self.client = openai.OpenAI(api_key=key or "not-needed", base_url=self.base_url,
                                    timeout=settings.timeout_s, max_retries=2)

    def complete(self, system: str, user: str, max_tokens: int) -> str:
        import openai

        messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": user}]
        try:
            resp = self.client.chat.completions.create(model=self.model, messages=messages, temperature=0,
                                                       max_tokens=max_tokens)
        except openai.AuthenticationError as exc:
            raise NotAvailableError(f"API model {self.model}: the key was rejected ({exc.status_code})",
                                    hint=OPENAI_HINT) from exc
        except openai.APIConnectionError as exc:
            raise NotAvailableError(f"API model {self.model}: cannot reach {self.base_url or 'api.openai.com'}",
                                    hint="check the base URL and that the server is running") from exc
        except openai.APIStatusError as exc:
            raise NotAvailableError(f"API model {self.model}: the server answered {exc.status_code}: {exc.message}",
                                    hint="check the model name and the server's log") from exc
        return resp.choices[0].message.content or ""

    def describe(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model, "base_url": self.base_url or "https://api.openai.com/v1",
                "client": f"openai {_version('openai')}"}


class GeminiChat:
    provider = "google"

    def __init__(self, model: str, *, api_key: str | None = None, settings: ApiSettings | None = None):
        settings = settings or ApiSettings()
        key = api_key or settings.gemini_api_key
        if not key:
            raise NotAvailableError(f"API model {model}: no Gemini API key is configured", hint=GEMINI_HINT)
        try:
            from google import genai
        except ImportError as exc:
            raise NotAvailableError("the google-genai package is not installed",
                                    hint="pip install google-genai==3.6.1") from exc
        self.model = model
        self.client = genai.Client(api_key=key)

    def complete(self, system: str, user: str, max_tokens: int) -> str:
        from google.genai import errors, types

        config = types.GenerateContentConfig(system_instruction=system or None, temperature=0,
                                             max_output_tokens=max_tokens)
        try:
            resp = self.client.models.generate_content(model=self.model, contents=user, config=config)
        except errors.APIError as exc:
            raise NotAvailableError(f"API model {self.model}: Gemini answered {exc.code}: {exc.message}",
                                    hint=GEMINI_HINT) from exc
        return resp.text or ""

    def describe(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model, "client": f"google-genai {_version('google-genai')}"}


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def chat_model(ref: str, *, base_url: str | None = None, settings: ApiSettings | None = None) -> OpenAIChat | GeminiChat:
    provider, model = parse_ref(ref)
    if provider == "google":
        return GeminiChat(model, settings=settings)
    return OpenAIChat(model, base_url=base_url, settings=settings)
