"""Test environment: fully offline, state in a temporary MEDTUNE_HOME, full datasets from ../shared/data.

CI runs `pytest` from a clean checkout with shared/ beside it; MEDTUNE_DATA_DIR defaults to that copy.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}
for key, value in OFFLINE_ENV.items():
    os.environ.setdefault(key, value)
os.environ.setdefault("HF_HOME", str(REPO / ".cache" / "hf"))
if "MEDTUNE_DATA_DIR" not in os.environ and SHARED_DATA.is_dir():
    os.environ["MEDTUNE_DATA_DIR"] = str(SHARED_DATA)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_shared_data: needs the full datasets in ../shared/data")


@pytest.fixture(autouse=True)
def medtune_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own MEDTUNE_HOME so runs, uploads and knowledge bases never leak between tests."""
    from medtune.settings import get_settings

    home = tmp_path_factory.mktemp("medtune_home")
    monkeypatch.setenv("MEDTUNE_HOME", str(home))
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
