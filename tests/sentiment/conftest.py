"""One analyser (MiniLM + default heads + packaged taxonomy) per test session: loading it takes seconds."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def analyzer() -> Any:
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.aspects import DEFAULT_TAXONOMY

    return Analyzer(taxonomy=DEFAULT_TAXONOMY)


@pytest.fixture(scope="session")
def encoder() -> Any:
    from medtune.sentiment.encoder import get_encoder

    return get_encoder()
