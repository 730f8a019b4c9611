"""The default heads' training set-up: all of Druglib, source-balanced sample weights."""

from __future__ import annotations

import pytest

from medtune.errors import ConfigError
from medtune.sentiment import fit


def test_source_weights_balance_the_sources_and_keep_mean_one() -> None:
    sources = ["druglib/train"] * 80 + ["tweets"] * 15 + ["drugs.com"] * 5
    w = fit.source_weights(sources, "equal")
    assert abs(w.mean() - 1.0) < 1e-9
    totals = {s: w[[i for i, x in enumerate(sources) if x == s]].sum() for s in set(sources)}
    assert max(totals.values()) - min(totals.values()) < 1e-9
    sq = fit.source_weights(sources, "sqrt")
    assert sq[0] < sq[80] < sq[95]  # a bigger source weighs less per unit
    assert (fit.source_weights(sources, "none") == 1.0).all()
    with pytest.raises(ConfigError, match="source weighting"):
        fit.source_weights(sources, "proportional")


def test_training_units_name_their_source_and_reuse_review_clauses() -> None:
    review = {"id": "d1", "label": "positive", "level": 4,
              "text": "Benefits: My pain went away within days.\nSide effects: Mild nausea, but it passed.",
              "fields": {"Benefits": "positive", "Side effects": "positive"}}
    units = fit.training_units({"druglib/train": [review], "tweets": [{"id": "t", "text": "so happy", "label":
                                                                       "positive", "level": 5}]})
    assert [u["source"] for u in units] == ["druglib/train"] * 3 + ["tweets"]
    whole, benefits, side = units[:3]
    assert benefits["clauses"] and set(benefits["clauses"]) <= set(whole["clauses"])
    assert side["label"] == "positive" and side["level"] is None


def test_all_of_druglib_train_is_used_by_default() -> None:
    assert fit.DRUGLIB_TRAIN_CAP is None


def test_compare_heads_reads_its_set_ups() -> None:
    from medtune.sentiment.compare_heads import GRID, _parse

    assert _parse("all,0.25,equal") == (None, 0.25, "equal")
    assert _parse("500,1,none") == (500, 1.0, "none")
    assert (None, 0.25, "equal") in GRID  # the shipped heads' set-up
