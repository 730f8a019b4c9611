"""The convention for a review with praise and complaints but no verdict: neutral (patient-experience reviews,
the default) or by balance (star-rated drug reviews), chosen on the page, the CLI and in analysis jobs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from medtune.errors import ConfigError
from medtune.sentiment.analyze import Analyzer, reader_weights

TWO_SIDED = "The surgeon was excellent and explained everything. The food was awful and the ward was filthy."


def test_a_two_sided_review_is_neutral_by_default_and_takes_the_stronger_side_by_balance(encoder: Any) -> None:
    neutral = Analyzer(encoder=encoder).analyze(TWO_SIDED)
    by_balance = Analyzer(encoder=encoder, weights=reader_weights("by_balance")).analyze(TWO_SIDED)
    assert neutral.overall == "neutral" and abs(neutral.score) < 0.05, neutral.score
    assert by_balance.overall == "negative" and by_balance.score < -0.15, by_balance.score
    # the convention decides the overall label only: each aspect keeps its own polarity
    assert neutral.aspects == by_balance.aspects and neutral.aspects.get("staff") == "positive"


def test_an_unknown_convention_is_a_config_error_naming_the_allowed_ones() -> None:
    with pytest.raises(ConfigError, match=r"\['by_balance', 'neutral'\].*'stars'"):
        reader_weights("stars")


def test_the_cli_takes_the_convention(tmp_path: Path) -> None:
    runs = {}
    for convention in ("neutral", "by_balance"):
        out = subprocess.run([sys.executable, "-m", "medtune", "sentiment", "--text", TWO_SIDED,
                              "--mixed-reviews", convention], capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        runs[convention] = json.loads(out.stdout)["overall"]
    assert runs == {"neutral": "neutral", "by_balance": "negative"}


def test_a_page_request_and_its_background_job_carry_the_convention(tmp_path: Path) -> None:
    from medtune.sentiment import dashboard as dash
    from medtune.sentiment.batch import validate_config

    reviews = tmp_path / "reviews.csv"
    reviews.write_text("id,text\n1," + json.dumps(TWO_SIDED) + "\n", encoding="utf-8")
    request = dash.AnalysisRequest(input_path=str(reviews), text_column="text", mixed_reviews="by_balance")
    config = request.job_config("mixed")
    validate_config(config)
    assert config["mixed_reviews"] == "by_balance"
    results, skipped = dash.run_request(request)
    assert not skipped and [r.overall for r in results] == ["negative"]
