"""The learned overall head (medtune/sentiment/combine.py): signals from real analyses, a fit whose folded
standardisation predicts what scikit-learn predicts, and an analyser that takes its verdict from the head."""

from __future__ import annotations

from typing import Any

import numpy as np

from medtune.sentiment.analyze import Analyzer
from medtune.sentiment.combine import SIGNALS, fit_logistic, tuning_reviews


def test_tuning_reviews_never_hold_a_test_half() -> None:
    rows = tuning_reviews()
    assert {r["source"] for r in rows} == {"dev", "dev2", "independent_dev"}
    assert all(r.get("split", "dev") == "dev" for r in rows)
    assert len(rows) >= 240


def test_head_reads_the_signals_of_real_analyses(analyzer: Any) -> None:
    texts = ["The nurses were lovely and the ward was spotless.",
             "Rude receptionist, filthy toilets. Never again.",
             "Collected my prescription on Tuesday.",
             "The dentist was brilliant, but the bill was outrageous. I'm looking elsewhere.",
             "Quick, friendly and they text you when it's ready.",
             "Waited five hours and nobody told us why."]
    labels = ["positive", "negative", "neutral", "negative", "positive", "negative"]
    results = analyzer.analyze_many(texts)
    x = np.array([r.signals for r in results])
    assert x.shape == (len(texts), len(SIGNALS))
    assert x[0, SIGNALS.index("max")] > 0 > x[1, SIGNALS.index("min")]  # praise and complaint are seen
    head = fit_logistic(x, labels, c=1.0)
    # The standardisation is folded into the coefficients: the head on raw signals gives the training labels.
    assert [head.classes[k] for k in head.proba(x).argmax(axis=1)] == labels
    with_head = Analyzer(encoder=analyzer.encoder, polarity=analyzer.polarity, overall_head=head)
    assert [r.overall for r in with_head.analyze_many(texts)] == labels
    without = Analyzer(encoder=analyzer.encoder, polarity=analyzer.polarity, overall_head=None)
    assert [r.overall for r in without.analyze_many(texts)] == [r.overall for r in results]
