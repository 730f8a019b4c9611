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
    allowed_hosts: str = Field(
        "",
        description="Extra Host header names `medtune serve` answers to, comma-separated ('chat.hospital.org', "
        "'*.hospital.org', or '*' for any); localhost, 127.0.0.1, ::1 and MEDTUNE_HOST are always allowed.",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses (or CIDR ranges) of reverse proxies whose X-Forwarded-For / "
        "X-Forwarded-Proto headers `medtune serve` believes; empty = none (the socket peer is the client).",
    )
    max_parallel_jobs: int = Field(1, ge=1, le=16, description="Jobs run at once per device; more wait as queued.")
    jobs_backend: Literal["local", "ray"] = Field(
        "local", description="Where jobs run: 'local' = a worker process on this machine; 'ray' = a Ray cluster "
        "(MEDTUNE_RAY_ADDRESS) through Ray's job submission API, with the runs dir on a filesystem both share.")
    ray_address: str = Field("", description="The Ray cluster's dashboard address for job submission "
                             "(http://head:8265); empty = RAY_ADDRESS, else http://127.0.0.1:8265.")
    sft_packing: Literal["auto", "on", "off"] = Field(
        "auto",
        description="Padding-free packing of causal-LM SFT batches (trl 'bfd'): 'auto' = on with CUDA, "
        "'on', or 'off' (dynamic padding).",
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


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost); '' and 0.0.0.0 are not."""
    import ipaddress

    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def split_names(value: str) -> list[str]:
    """'a, b,,c' -> ['a', 'b', 'c'] (the comma-separated settings)."""
    return [part.strip() for part in value.split(",") if part.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings. Tests that change the environment call `get_settings.cache_clear()`.

    MEDTUNE_HOME is made owner-only (0700) here, the one place every command and page passes through: it holds
    the chat audit log, uploads and runs, which may carry patient data (issue 19.5). Files medtune writes
    through medtune.io are 0600 and its new folders 0700 as well, so nothing relies on this alone.
    """
    settings = Settings()
    make_private_dir(settings.home)
    return settings


def make_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) as 0700 folders; tighten it to 0700 if it exists and is ours.

    Best effort: a read-only or foreign folder is left as it is (writing into it fails later, with its name).
    """
    from medtune.io import private_mkdir

    try:
        private_mkdir(path)
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        pass
