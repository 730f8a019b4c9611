"""One settings object for paths, ports and limits, read from `MEDTUNE_*` environment variables.

Example: `MEDTUNE_DATA_DIR=../shared/data medtune data list` reads full dataset copies from that folder
before the small samples bundled in `data/`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository root when medtune runs from a checkout (editable install); bundled samples live in data/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DATA_DIR = PROJECT_ROOT / "data"


class Settings(BaseSettings):
    """Where medtune keeps things and what it allows. Every field is `MEDTUNE_<NAME>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="MEDTUNE_", extra="ignore")

    home: Path = Field(Path.home() / ".medtune", description="Root of medtune's own state (runs, kb, uploads).")
    data_dir: str = Field(
        "",
        description="Extra dataset folders with full copies, separated by the OS path separator; "
        "searched before the bundled samples in data/.",
    )
    runs_dir: Path | None = Field(None, description="Training and evaluation job directories (default HOME/runs).")
    kb_dir: Path | None = Field(None, description="Knowledge-base (ChromaDB) directory (default HOME/kb).")
    uploads_dir: Path | None = Field(None, description="Where validated uploads are stored (default HOME/uploads).")
    upload_limit_mb: int = Field(200, ge=1, le=4096, description="Largest upload accepted, in MB.")
    max_text_chars: int = Field(20_000, ge=100, description="Longest text field accepted in an upload.")
    offline: bool = Field(False, description="Never try the network (hub models, datasets, PubMed).")
    host: str = Field("127.0.0.1", description="Interface the API / chat server binds to.")
    streamlit_port: int = Field(8501, ge=1, le=65535)
    api_port: int = Field(8765, ge=1, le=65535, description="Port of `medtune serve` (REST API + Gradio chat).")
    max_parallel_jobs: int = Field(1, ge=1, le=16, description="Jobs run at once per device; more wait as queued.")
    chat_scorer: str = Field(
        "embedding",
        description="How the chatbot scores answer sentences: 'embedding' (the calibrated support verifier: MiniLM "
        "similarity + lexical mismatch signals, docs/CHATBOT.md) or 'verify' (medtune.verify's trained verifier).",
    )
    chat_calibration: str = Field(
        "",
        description="The chatbot's calibrated support-verifier file (python -m medtune.chat.calibrate); empty = "
        "medtune/chat/support_calibration.json. A missing or unreadable file falls back to the uncalibrated score.",
    )
    sft_packing: Literal["auto", "on", "off"] = Field(
        "auto",
        description="Padding-free packing of causal-LM SFT batches (trl 'bfd'): 'auto' = on with CUDA, "
        "'on', or 'off' (dynamic padding).",
    )
    native_inference: bool = Field(
        True,
        description="Predict and evaluate trained classifier runs on a local plain-BERT base (the embedded MiniLM) "
        "with medtune's plain-torch encoder (the same probabilities, about 3 s less start-up, docs/EVALUATION.md); "
        "false = always transformers.",
    )
    chroma_url: str = Field("", description="A Chroma server (http://host:8000) for the knowledge base; "
                            "empty = the embedded store in KB_DIR.")
    ncbi_api_key: str = Field("", description="NCBI E-utilities API key (PubMed): 10 requests/s instead of 3.")
    eutils_url: str = Field("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/",
                            description="Base URL of NCBI E-utilities (PubMed search and fetch).")

    @property
    def data_dirs(self) -> list[Path]:
        """Configured full-copy folders first, then the bundled samples."""
        extra = [Path(p).expanduser().resolve() for p in self.data_dir.split(os.pathsep) if p.strip()]
        return [*extra, BUNDLED_DATA_DIR]

    @property
    def runs_path(self) -> Path:
        return self.runs_dir or self.home / "runs"

    @property
    def kb_path(self) -> Path:
        return self.kb_dir or self.home / "kb"

    @property
    def uploads_path(self) -> Path:
        return self.uploads_dir or self.home / "uploads"

    @property
    def is_offline(self) -> bool:
        """Offline when asked to be, or when the Hugging Face offline switches are set."""
        hf_flags = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")
        return self.offline or any(os.environ.get(f, "").lower() in ("1", "true", "yes") for f in hf_flags)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings. Tests that change the environment call `get_settings.cache_clear()`."""
    return Settings()
