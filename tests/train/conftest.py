"""Shared fixtures: tiny models built from a config (tokenizers trained on real MedQuAD sentences) and
fast preparation options, so each training test runs in seconds on CPU."""

from __future__ import annotations

from pathlib import Path

import pytest

# Preparation without near-duplicate search and PHI scan: those are the data area's tests, and slow.
FAST_PREPARE = {"near_dedup": False, "scan_phi": False, "test_fraction": 0.0, "balance": "class_weights"}


def tiny_config(**overrides) -> dict:
    base = {"max_steps": 4, "logging_steps": 1, "batch_size": 8, "eval_batch_size": 16, "max_length": 48,
            "max_train_examples": 48, "max_val_examples": 16, "learning_rate": 1e-3, "prepare": dict(FAST_PREPARE)}
    base.update(overrides)
    return base


@pytest.fixture(scope="session")
def tiny_texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    from tests.tiny_models import sample_texts

    return sample_texts(300)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory, tiny_texts: list[str]) -> dict[str, Path]:
    from tests.tiny_models import build_tiny_model

    root = tmp_path_factory.mktemp("tiny_models")
    return {kind: build_tiny_model(kind, root / kind, tiny_texts) for kind in ("encoder", "causal", "seq2seq")}
