"""Load tokenizers and models safely: never remote code, safetensors first, clear errors when unavailable.

`trust_remote_code` is always False: a model that needs custom code is refused rather than executed.
Hub failures become `NotAvailableError` naming the model and what to do (accept a gated licence, log in,
go online, or check the id).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError, NotAvailableError
from medtune.models.registry import ModelSpec
from medtune.settings import get_settings

log = logging.getLogger(__name__)


@contextlib.contextmanager
def hub_errors(what: str) -> Iterator[None]:
    """Translate hub / loading exceptions into NotAvailableError naming `what`."""
    try:
        yield
    except NotAvailableError:
        raise
    except Exception as exc:  # the hub raises many types; classify by type name so imports stay lazy
        raise _classify(exc, what) from exc


def _classify(exc: Exception, what: str) -> Exception:
    name = type(exc).__name__
    text = str(exc)
    if name == "GatedRepoError" or "gated" in text.lower():
        return NotAvailableError(f"{what} is gated on the Hugging Face hub",
                                 hint="accept its licence on huggingface.co, then `huggingface-cli login` (or set HF_TOKEN)")
    if name in ("RepositoryNotFoundError", "RevisionNotFoundError", "EntryNotFoundError"):
        return NotAvailableError(f"{what} was not found on the hub ({name})", hint="check the model id and revision")
    offline_markers = ("OfflineModeIsEnabled", "LocalEntryNotFoundError", "offline", "ConnectionError",
                       "couldn't connect", "Cannot find the requested files")
    if name in offline_markers or any(m.lower() in text.lower() for m in offline_markers):
        return NotAvailableError(f"{what} is not in the local cache and the hub cannot be reached (offline)",
                                 hint="go online once to download it, or give a local model directory")
    if "trust_remote_code" in text:
        return ConfigError(f"{what} needs custom code from its repository, which medtune never runs",
                           hint="pick a model supported natively by transformers")
    if isinstance(exc, (OSError, ValueError)):
        return NotAvailableError(f"{what} could not be loaded: {text.splitlines()[0] if text else name}")
    return exc


def _common_kwargs(spec: ModelSpec) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"trust_remote_code": False}
    if spec.local_path is None and spec.revision:
        kwargs["revision"] = spec.revision
    if spec.local_path is None and get_settings().is_offline:
        kwargs["local_files_only"] = True
    return kwargs


def check_loadable(spec: ModelSpec) -> None:
    if spec.kind == "api":
        raise ConfigError(f"model: {spec.name} is an API model; it can be evaluated but not fine-tuned here")


def fetch_hub_file(hub_id: str, filename: str, revision: str | None = None) -> str:
    from huggingface_hub import hf_hub_download

    with hub_errors(f"model {hub_id}"):
        return hf_hub_download(hub_id, filename, revision=revision, local_files_only=get_settings().is_offline)


def load_tokenizer(spec: ModelSpec, source: str | Path | None = None):
    from transformers import AutoTokenizer

    check_loadable(spec)
    with hub_errors(f"tokenizer of {spec.name}"):
        tok = AutoTokenizer.from_pretrained(str(source or spec.source), **_common_kwargs(spec))
    if tok.pad_token is None:
        # Decoders ship without a pad token; reusing EOS is the standard choice (masked out by attention).
        tok.pad_token = tok.eos_token or tok.unk_token
    return tok


def load_pretrained(auto_class: Any, spec: ModelSpec, source: str | Path | None = None, **kwargs: Any):
    """`auto_class.from_pretrained` with safetensors preferred, remote code refused and errors translated."""
    src = str(source or spec.source)
    merged = {**_common_kwargs(spec), **kwargs}
    with hub_errors(f"model {spec.name}"):
        try:
            return auto_class.from_pretrained(src, use_safetensors=True, **merged)
        except OSError as exc:
            if "safetensors" not in str(exc).lower() and ".safetensors" not in str(exc):
                raise
            log.warning("%s has no safetensors weights; loading the PyTorch checkpoint (weights_only)", spec.name)
            return auto_class.from_pretrained(src, **merged)


def resolved_commit(model: Any) -> str | None:
    """The hub commit a model was loaded from (None for local directories)."""
    return getattr(getattr(model, "config", None), "_commit_hash", None)
