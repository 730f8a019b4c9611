"""The learned reader (medtune/sentiment/reader.py, rounds 9 and 9b): shipped heads, clear reviews, the structure
gate, refit, LOWO."""

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
    assert default is not None and default.aspect is not None and default.overall is not None
    assert default.gate in rd.GATES  # round 9b: the overall head is the default, behind a structure gate
    both = rd.LearnedReader.load(parts=("overall", "aspect"))
    assert both.overall is not None and both.names[:2] == ("staff", "wait_time")
    for model, base, text in ((both.overall, OVERALL_BASE, TEXT), (both.aspect, ASPECT_BASE, ASPECT_TEXT)):
        assert model.text_head.coef.shape == (3, text)
        assert model.head.coef.shape == (3, base + 3)  # + log P(class) of the text head
        assert model.head.classes == rd.LABELS
    assert rd.LearnedReader.load(parts=()) is None
    assert rd.LearnedReader.load(Path("/nonexistent")) is None


def test_the_default_analyser_uses_both_heads_behind_the_gate(analyzer: Any) -> None:
    reader = analyzer.reader
    assert reader is not None and reader.aspect is not None and reader.overall is not None
    assert reader.gate in rd.GATES


SEED = ("The nurses were great, but I had to wait over six hours in the ER before seeing a doctor. "
        "It was a frustrating experience.")


@pytest.fixture(scope="module")
def rules_only(analyzer: Any) -> Any:
    from medtune.sentiment.analyze import Analyzer

    return Analyzer(taxonomy=analyzer.taxonomy, encoder=analyzer.encoder, polarity=analyzer.polarity, reader=None)


def test_the_gate_keeps_the_rules_verdict_on_the_seed_example(analyzer: Any, rules_only: Any) -> None:
    """The closing verdict and the contrast are structure the rules read: their label and score stand, where the
    ungated head reads the two sides as a mixed (not negative) review."""
    result, rules = analyzer.analyze(SEED), rules_only.analyze(SEED)
    assert rd.rules_stand(result.structure, analyzer.reader.gate)
    assert result.structure["verdict"] >= rd.STRENGTH and result.structure["contrast"] >= rd.STRENGTH
    assert result.overall == rules.overall == "negative" and result.score == rules.score
    reading = rd.read_reviews([SEED], ["seed"], rules_only)[0]
    assert analyzer.reader.overall_label(reading)[0] != "negative"  # what the gate protects against


def test_a_review_without_structure_is_decided_by_the_head(analyzer: Any, rules_only: Any) -> None:
    """No verdict clause, no contrast: the head decides, and where it changes the rules' label the score is its
    P(positive) − P(negative)."""
    text = "Started on 50mg sertraline in March, increased to 100mg in May."
    result, rules = analyzer.analyze(text), rules_only.analyze(text)
    assert result.structure["verdict"] == 0.0 and result.structure["contrast"] == 0.0
    assert not rd.rules_stand(result.structure, analyzer.reader.gate)
    label, score = analyzer.reader.overall_label(rd.read_reviews([text], ["x"], rules_only)[0])
    assert result.overall == label == "neutral" != rules.overall
    assert result.score == pytest.approx(score, abs=1e-3)


@pytest.mark.parametrize(("structure", "kept"), [
    ({"verdict": 0.8, "contrast": 0.0, "mixed": 0.0, "rule": -0.6},
     {"verdict": True, "verdict_or_contrast": True, "structure_confident": True, "structure_or_mixed": True}),
    ({"verdict": 0.0, "contrast": 0.9, "mixed": 0.0, "rule": 0.2},
     {"verdict": False, "verdict_or_contrast": True, "structure_confident": False, "structure_or_mixed": True}),
    ({"verdict": 0.0, "contrast": 0.0, "mixed": 1.0, "rule": 0.0},
     {"verdict": False, "verdict_or_contrast": False, "structure_confident": False, "structure_or_mixed": True}),
    ({"verdict": 0.3, "contrast": 0.4, "mixed": 0.0, "rule": 0.5},
     {"verdict": False, "verdict_or_contrast": False, "structure_confident": False, "structure_or_mixed": False}),
])
def test_each_gate_keeps_the_rules_where_it_says(structure: dict, kept: dict) -> None:
    assert {g: rd.rules_stand(structure, g) for g in rd.GATES} == kept
    assert not rd.rules_stand(structure, None)


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


def test_the_gated_lowo_chooses_a_gate_per_writer_and_keeps_the_rules_where_the_mask_says(small: Any) -> None:
    rows, readings = small
    settings = (rd.Setting(None, 1.0), rd.Setting(0.01, 1.0))
    gate = run(rows, readings, settings=settings, gates=True)["overall"]["gate"]
    assert list(gate["writers"]) == ["own", "dev2", "fresh"]
    assert set(gate["gates"]) == {*rd.GATES, "none"} and all(len(v) == 3 for v in gate["gates"].values())
    for row in gate["writers"].values():
        assert row["chosen"].split(";")[0] in rd.GATES and 0.0 <= row["kept"] <= 1.0 and 0.0 <= row["gated"] <= 1.0
    # a gate that keeps every rules' label scores exactly the rules, one that keeps none the ungated head
    y = np.array([r["overall"] for r in rows], dtype=object)
    group = np.array([r["writer"] for r in rows])
    rule = np.array([g.rule_overall for g in readings], dtype=object)
    base = np.array([rd.overall_base(g) for g in readings])
    text = np.array([rd.overall_text(g) for g in readings])
    every = rd.lowo_gated(base, text, y, group, rule, {"all": np.ones(len(y), dtype=bool)}, settings)
    assert [r["gated"] for r in every["writers"].values()] == [r["rule"] for r in every["writers"].values()]
    none = rd.lowo_gated(base, text, y, group, rule, {"none": np.zeros(len(y), dtype=bool)}, settings)
    plain = rd.lowo(base, text, y, group, rule, settings)
    assert [r["gated"] for r in none["writers"].values()] == pytest.approx(
        [r["learned"] for r in plain["writers"].values()])
