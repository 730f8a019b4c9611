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


# ---------------------------------------------------------------------------------------------- uploads

REVIEWS_A = b"review\nThe nurses were kind and quick.\nWaited four hours in a cold corridor.\n"
REVIEWS_B = b"review\nParking was impossible.\n"


def upload_reviews(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="sentiment_upload").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    return at


def test_uploads_are_stored_once_under_new_names_never_overwritten(medtune_home: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    upload_reviews(at, "reviews.csv", REVIEWS_A)
    assert at.selectbox(key="sentiment_text_column").options == ["review"]
    at.number_input(key="sentiment_limit").set_value(5).run()  # a rerun must not store the file again
    upload_reviews(at, "reviews.csv", REVIEWS_B)  # same name, other content
    uploads = medtune_home / "uploads"
    stored = sorted(p.name for p in uploads.iterdir() if p.is_file())
    assert stored == ["reviews-2.csv", "reviews.csv"]
    assert (uploads / "reviews.csv").read_bytes() == REVIEWS_A  # the first upload is intact
    assert (uploads / "reviews-2.csv").read_bytes() == REVIEWS_B


def test_an_upload_over_the_size_limit_is_refused_and_not_stored(medtune_home: Path, monkeypatch) -> None:
    from medtune.settings import get_settings

    monkeypatch.setenv("MEDTUNE_UPLOAD_LIMIT_MB", "1")
    get_settings.cache_clear()
    big = b"review\n" + b"A long wait and a rude receptionist.\n" * 30_000  # 1.1 MB
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    upload_reviews(at, "big.csv", big)
    errors = [e.value for e in at.error]
    assert errors == ["**Problem with the data** · upload 'big.csv' is 1.1 MB, over the limit of 1 MB"], errors
    assert not at.get("selectbox") or all(s.key != "sentiment_text_column" for s in at.selectbox)
    uploads = medtune_home / "uploads"
    assert not uploads.exists() or [p.name for p in uploads.iterdir()] == []
