"""Chat test fixtures: a real knowledge base (FDA labels + a MedQuAD subset) built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
MEDQUAD_SUBSET = 40  # distractors for retrieval; small enough to build in seconds on 2 idle cores


@pytest.fixture(autouse=True)
def _fresh_chat_settings() -> Iterator[None]:
    from medtune.chat.config import get_chat_settings

    get_chat_settings.cache_clear()
    yield
    get_chat_settings.cache_clear()


@pytest.fixture(scope="session")
def built_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Chroma knowledge base of every dailymed_labels section and the first MedQuAD answers."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    from tests.chat.kbutil import build_kb

    return build_kb(tmp_path_factory.mktemp("chat_kb"), MEDQUAD_SUBSET)


@pytest.fixture
def kb_env(built_kb: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point MEDTUNE_KB_DIR at the session's knowledge base for this test."""
    from medtune.settings import get_settings

    monkeypatch.setenv("MEDTUNE_KB_DIR", str(built_kb))
    get_settings.cache_clear()
    return built_kb
