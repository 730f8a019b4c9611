"""Sentiment page (AppTest): analyse a dataset, see the charts and heatmap, filter, drill down, compare
models, edit the taxonomy. Uses drug_reviews_explabox from ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "pages" / "sentiment.py")
N = 30


def charts(at: AppTest) -> dict[str, dict[str, Any]]:
    """Plotly figures on the page by title."""
    out = {}
    for el in at.get("plotly_chart"):
        fig = json.loads(el.proto.spec)
        title = (fig["layout"].get("title") or {}).get("text", "")
        out[title] = fig
    return out


@pytest.fixture
def analysed(shared_data: Path) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.run()
    assert not at.exception, at.exception
    at.radio(key="sentiment_source").set_value("Dataset").run()
    at.selectbox(key="sentiment_dataset").set_value("drug_reviews_explabox").run()
    at.selectbox(key="sentiment_split").set_value("train").run()
    at.number_input(key="sentiment_limit").set_value(N).run()
    at.button(key="sentiment_run").click().run()
    assert not at.exception, at.exception
    return at


def test_analysis_shows_distribution_intensity_and_heatmap(analysed: AppTest) -> None:
    metrics = {m.label: m.value for m in analysed.metric}
    assert metrics["Reviews"] == str(N)
    figures = charts(analysed)
    overall = figures["Overall sentiment"]["data"][0]
    assert overall["x"] == ["negative", "neutral", "positive"] and sum(overall["y"]) == N
    intensity = figures["Intensity (1 very negative … 5 very positive)"]["data"][0]
    assert sum(intensity["y"]) == N
    heat = figures["Aspect × polarity (mentions)"]["data"][0]
    assert heat["type"] == "heatmap" and heat["x"] == ["negative", "neutral", "positive"]
    assert "Treatment / effectiveness" in heat["y"] and "Side effects" in heat["y"]
    assert sum(map(sum, heat["z"])) >= N // 2  # drug reviews mention effectiveness / side effects
    drill = analysed.dataframe[0].value
    assert len(drill) == N and {"overall", "intensity", "aspects", "drug", "condition", "text"} <= set(drill.columns)
    assert any("<mark" in m.value for m in analysed.markdown)  # the highlighted review
    assert [b.proto.label for b in analysed.get("download_button")][:2] == ["Download CSV", "Download JSONL"]


def test_filters_narrow_the_reviews(analysed: AppTest) -> None:
    drugs = analysed.selectbox(key="sentiment_filter_drug").options
    assert drugs[0] == "(all)" and len(drugs) > 2
    analysed.selectbox(key="sentiment_filter_drug").set_value(drugs[1]).run()
    metrics = {m.label: m.value for m in analysed.metric}
    assert 0 < int(metrics["Reviews"]) < N


def test_compare_models_shows_agreement_and_kappa(analysed: AppTest) -> None:
    analysed.button(key="sentiment_compare").click().run()
    assert not analysed.exception, analysed.exception
    metrics = {m.label: m.value for m in analysed.metric}
    assert metrics["Agreement"].endswith("%")
    assert metrics["Cohen's kappa"] != "n/a"
    pairs = analysed.dataframe[-1].value
    assert len(pairs) == 3  # built-in, unweighted, dataset labels: three pairs
    assert {"rater_a", "rater_b", "agreement", "cohen_kappa"} <= set(pairs.columns)


def test_taxonomy_edit_is_validated_and_saved(shared_data: Path, medtune_home: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    at.text_area(key="sentiment_taxonomy").set_value("aspects:\n  - name: food\n    description: x\n").run()
    at.button(key="sentiment_save_taxonomy").click().run()
    assert any("aspect 'food' field description" in e.value for e in at.error)
    good = "aspects:\n  - name: food\n    description: The hospital food and meals.\n    lexicon: [food, meal*]\n"
    at.text_area(key="sentiment_taxonomy").set_value(good).run()
    at.button(key="sentiment_save_taxonomy").click().run()
    assert not at.error
    assert (medtune_home / "sentiment" / "aspects.yaml").is_file()
