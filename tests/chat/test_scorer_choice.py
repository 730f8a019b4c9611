"""Which sentence scorer the chatbot uses: the calibrated support verifier by default, medtune.verify on request."""

from __future__ import annotations

import pytest

from medtune.chat import scoring
from medtune.settings import get_settings


def test_default_is_the_calibrated_support_verifier() -> None:
    assert isinstance(scoring.get_scorer(), scoring.CalibratedSupportScorer)
    assert scoring.load_thresholds().source == f"calibrated: {scoring.PACKAGED_CALIBRATION}"


def test_the_calibrated_verifier_is_used_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from medtune.verify.model import resolved_spec

    monkeypatch.setenv("MEDTUNE_CHAT_SCORER", "verify")
    get_settings.cache_clear()
    if resolved_spec() == "lexical":
        pytest.skip("no trained verifier is installed")
    assert scoring.get_scorer().__name__ == "medtune.verify"
    assert scoring.load_thresholds().source.startswith("calibrated")
    assert scoring.PACKAGED_CALIBRATION.name not in scoring.load_thresholds().source  # the verifier's own file
