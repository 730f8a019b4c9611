"""The learned reader (medtune/sentiment/reader.py, round 9): shipped heads, clear reviews, refit, LOWO."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.sentiment_lowo import run
from medtune.sentiment import reader as rd
from medtune.sentiment.combine import SIGNALS
from medtune.sentiment.heads import HEADS_DIR, Head

OVERALL_BASE = len(SIGNALS) + 3  # the rules' signals and label
ASPECT_BASE = 4 + 9 + 1  # aspect score, label, which of nine aspects, the review's rule score
TEXT = 2 * rd.EMB_DIM + 3  # mean clause VADER, mean and last clause embeddings
ASPECT_TEXT = 2 * rd.EMB_DIM + 4


@pytest.fixture(scope="module")
def full_reader(analyzer: Any) -> Any:
    """The default analyser's encoder and heads with both learned heads (the overall one is opt-in)."""
    from medtune.sentiment.analyze import Analyzer

    return Analyzer(taxonomy=analyzer.taxonomy, encoder=analyzer.encoder, polarity=analyzer.polarity,
                    reader=rd.LearnedReader.load(parts=("overall", "aspect")))


def test_the_shipped_heads_load_offline_with_their_shapes() -> None:
    default = rd.LearnedReader.load()
    assert default is not None and default.aspect is not None and default.overall is None
    both = rd.LearnedReader.load(parts=("overall", "aspect"))
    assert both.overall is not None and both.names[:2] == ("staff", "wait_time")
    for model, base, text in ((both.overall, OVERALL_BASE, TEXT), (both.aspect, ASPECT_BASE, ASPECT_TEXT)):
        assert model.text_head.coef.shape == (3, text)
        assert model.head.coef.shape == (3, base + 3)  # + log P(class) of the text head
        assert model.head.classes == rd.LABELS
    assert rd.LearnedReader.load(parts=()) is None
    assert rd.LearnedReader.load(Path("/nonexistent")) is None


def test_the_default_analyser_uses_the_aspect_head(analyzer: Any) -> None:
    assert analyzer.reader is not None and analyzer.reader.aspect is not None and analyzer.reader.overall is None


@pytest.mark.parametrize(("text", "overall"), [
    ("Absolutely brilliant GP. She listened to everything and sorted my referral the same day.", "positive"),
    ("The pharmacist was so helpful and the tablets worked within a week. Highly recommend.", "positive"),
    ("Rude receptionist, waited two hours past my slot, never again.", "negative"),
    ("The tablets did nothing for my pain and gave me awful headaches. Stopped them after a month.", "negative"),
    ("Started on 50mg sertraline in March, increased to 100mg in May.", "neutral"),
    ("Average visit, nothing special.", "neutral"),
])
def test_the_full_learned_reader_reads_clear_reviews(full_reader: Any, text: str, overall: str) -> None:
    result = full_reader.analyze(text)
    assert result.overall == overall
    assert -1.0 <= result.score <= 1.0  # P(positive) − P(negative) of the head
    if overall != "neutral":
        assert (result.score > 0) == (overall == "positive")


@pytest.mark.parametrize(("text", "aspects"), [
    ("The nurses were lovely and the ward was spotless.", {"staff": "positive", "cleanliness": "positive"}),
    ("Waited four hours to be seen and the receptionist was rude to me.",
     {"wait_time": "negative", "staff": "negative"}),
    ("No side effects at all, and my blood pressure is finally under control.",
     {"side_effects": "positive", "effectiveness": "positive"}),
])
def test_the_aspect_head_reads_clear_aspects(analyzer: Any, text: str, aspects: dict[str, str]) -> None:
    result = analyzer.analyze(text)
    for name, polarity in aspects.items():
        assert result.aspects.get(name) == polarity, (name, result.aspects)


def test_the_analyser_agrees_with_the_reader_on_cached_readings(analyzer: Any) -> None:
    """The features the analyser builds inside `_review` are those the heads were fitted on (`read_reviews`)."""
    from medtune.sentiment.analyze import Analyzer

    texts = ["The dentist was gentle but the bill was a rip-off.", "Quick, friendly, sorted. Can't fault them."]
    rules = Analyzer(taxonomy=analyzer.taxonomy, encoder=analyzer.encoder, polarity=analyzer.polarity, reader=None)
    readings = rd.read_reviews(texts, ["a", "b"], rules)
    for reading, result in zip(readings, analyzer.analyze_many(texts)):
        assert result.aspects == analyzer.reader.aspect_labels(reading)
        assert set(result.aspects) == set(reading.aspects)  # the head changes polarities, never detection


@pytest.fixture(scope="module")
def small(analyzer: Any) -> tuple[list[dict], list[Any]]:
    """30 reviews from each of three writers, read once by the rules."""
    from medtune.sentiment.analyze import Analyzer

    rows = rd.labelled_reviews(("dev", "dev2", "fresh_dev"), independent=False)
    rows = [r for w in ("own", "dev2", "fresh") for r in [x for x in rows if x["writer"] == w][:30]]
    rules = Analyzer(taxonomy=analyzer.taxonomy, encoder=analyzer.encoder, polarity=analyzer.polarity, reader=None)
    return rows, rd.read_reviews([r["text"] for r in rows], [r["id"] for r in rows], rules)


def test_the_refit_writes_heads_of_the_shipped_shape(small: Any, tmp_path: Path) -> None:
    rows, readings = small
    settings = (rd.Setting(None, 1.0), rd.Setting(0.01, 1.0))
    meta = rd.fit_reader(rows, readings, tmp_path, settings=settings)
    assert meta["reviews"] == 90 and meta["writers"] == ["dev2", "fresh", "own"]
    refit = rd.LearnedReader.load(tmp_path, parts=("overall", "aspect"))
    shipped = rd.LearnedReader.load(parts=("overall", "aspect"))
    for name in ("overall", "aspect"):
        a, b = getattr(refit, name), getattr(shipped, name)
        if a.text_head is not None:  # the stacked recipe was chosen
            assert a.head.coef.shape == b.head.coef.shape and a.text_head.coef.shape == b.text_head.coef.shape
        else:
            assert a.head.coef.shape == (3, b.head.coef.shape[1] - 3)
        assert Head.load(tmp_path / f"reader_{name}.npz").classes == rd.LABELS
    assert (HEADS_DIR / rd.READER_JSON).is_file()


def test_lowo_holds_each_writer_out_and_scores_the_rules_from_the_files(small: Any) -> None:
    rows, readings = small
    out = run(rows, readings, aspects=True, settings=(rd.Setting(None, 1.0), rd.Setting(0.01, 1.0)))
    overall = out["overall"]
    assert list(overall["writers"]) == ["own", "dev2", "fresh"]
    for w, row in overall["writers"].items():
        idx = [i for i, r in enumerate(rows) if r["writer"] == w]
        assert row["n"] == 30
        assert row["rule"] == pytest.approx(np.mean([readings[i].rule_overall == rows[i]["overall"] for i in idx]))
        assert 0.0 <= row["learned"] <= 1.0 and row["chosen"]
    assert set(overall["fixed"]) == {"rules features, C=1.0", "stacked text C=0.01, C=1.0"}
    assert all(len(v) == 3 for v in out["aspect"]["fixed"].values())
