"""Chatbot settings: which generators are configured, and the serving limits. `MEDTUNE_CHAT_<NAME>` in the env.

Example: `MEDTUNE_OPENAI_BASE_URL=http://127.0.0.1:8000/v1 MEDTUNE_CHAT_OPENAI_MODEL=llama3 medtune chat
"What is asthma?" --generator openai` asks a local vLLM / Ollama / llama.cpp server.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ChatSettings(BaseSettings):
    """Generators (a local hub model with an optional LoRA adapter, an OpenAI-compatible endpoint, Gemini) and limits."""

    model_config = SettingsConfigDict(env_prefix="MEDTUNE_CHAT_", extra="ignore")

    default_generator: str = Field("embedded", description="Generator used when a request names none.")
    style: str = Field("patient", pattern="^(patient|clinician)$", description="Default answer style.")
    k: int = Field(6, ge=1, le=20, description="Passages retrieved from the knowledge base per question.")
    local_model: str = Field("", description="Hub id or local directory of a causal LM for the 'local' generator.")
    local_adapter: str = Field("", description="LoRA adapter directory or training job id applied to local_model.")
    # Endpoints and keys of API models are medtune.models.api_clients' settings (OPENAI_API_KEY,
    # MEDTUNE_OPENAI_BASE_URL, GEMINI_API_KEY): one place for credentials.
    openai_model: str = Field("gpt-3.5-turbo", description="Model name for the 'openai' generator.")
    gemini_model: str = Field("gemini-1.5-flash", description="Model name for the 'gemini' generator.")
    max_new_tokens: int = Field(256, ge=8, le=4096, description="Longest generated answer, in tokens.")
    max_question_chars: int = Field(2000, ge=10, le=100_000, description="Longest question accepted (413 above).")
    rate_limit_per_minute: int = Field(30, ge=1, description="Requests per client per minute on the REST API (429 above).")
    audit: bool = Field(True, description="Append each question and answer, identifiers redacted, to HOME/chat/audit.jsonl.")


@lru_cache(maxsize=1)
def get_chat_settings() -> ChatSettings:
    """Process-wide chat settings; tests that change the environment call `get_chat_settings.cache_clear()`."""
    return ChatSettings()
