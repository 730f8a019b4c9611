"""Shared helpers for the knowledge-base tests: small real subsets, a subprocess runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str, timeout: float = 240, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m medtune ...` in a fresh process with this test's environment (MEDTUNE_HOME etc.)."""
    return subprocess.run([sys.executable, "-m", "medtune", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture
def kb(medtune_home: Path):
    from medtune.kb.store import KnowledgeBase

    return KnowledgeBase.open()


def ibuprofen_sections():
    """The ibuprofen FDA label sections (a handful of chunks: fast to embed)."""
    from medtune.kb.sources import dailymed_documents

    return [d for d in dailymed_documents() if d.meta["drug"] == "ibuprofen"]
