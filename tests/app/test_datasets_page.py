"""Datasets page (AppTest): registry table, preview, label and length charts, prepare and upload tabs.

Numbers are those of each dataset's PROVENANCE.md in ../shared/data, so these tests need that copy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from medtune.data.registry import list_datasets

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "pages" / "datasets.py")


def charts(at: AppTest) -> list[dict[str, Any]]:
    """The plotly figures on the page, as the JSON Streamlit sends to the browser."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def bar_counts(figure: dict[str, Any]) -> dict[str, int]:
    trace = figure["data"][0]
    return dict(zip(trace["x"], trace["y"]))


@pytest.fixture
def page(shared_data: Path) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


def select(at: AppTest, dataset: str, split: str | None = None) -> AppTest:
    at.selectbox(key="browse_dataset").set_value(dataset).run()
    if split is not None:
        at.selectbox(key="browse_split").set_value(split).run()
    assert not at.exception, at.exception
    return at


def test_registry_table_lists_every_dataset_and_warns_on_non_commercial(page: AppTest) -> None:
    table = page.dataframe[0].value
    specs = list_datasets()
    assert len(table) == len(specs)
    by_name = table.set_index("dataset")
    assert by_name.loc["healthfc", "non-commercial"]
    assert by_name.loc["healthfc", "licence"] == "CC BY-NC-ND 4.0"
    assert by_name.loc["pubmedqa", "availability"] == "full"
    assert by_name.loc["pubhealth", "availability"] in ("hub", "missing")
    warnings = [w.value for w in page.warning]
    assert any("healthfc" in w and "non-commercial" in w for w in warnings)
    assert not any("pubmedqa" in w for w in warnings)
    csv_button = page.get("download_button")[0]
    assert csv_button.proto.label == "Download CSV"


def test_pubmedqa_train_preview_and_label_chart_match_provenance(page: AppTest) -> None:
    # PubMedQA is the first available dataset, so it is the default; its first split is train.
    assert page.selectbox(key="browse_dataset").value == "pubmedqa"
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Rows"] == "449"
    assert metrics["Copy"] == "full copy"
    preview = page.dataframe[1].value
    assert len(preview) == 20
    assert {"id", "question", "context", "label"} <= set(preview.columns)
    figures = charts(page)
    assert bar_counts(figures[0]) == {"yes": 248, "no": 152, "maybe": 49}  # PROVENANCE.md, train.jsonl
    lengths = figures[1]["data"][0]["x"]
    assert len(lengths) == 449 and min(lengths) > 20  # question + abstract, in words


def test_preview_size_follows_the_slider(page: AppTest) -> None:
    page.slider(key="browse_limit").set_value(60).run()
    assert len(page.dataframe[1].value) == 60


def test_covid_fake_news_val_split(page: AppTest) -> None:
    select(page, "covid_fake_news", "val")
    assert {m.label: m.value for m in page.metric}["Rows"] == "2,140"
    assert bar_counts(charts(page)[0]) == {"real": 1120, "fake": 1020}
    label_map = " ".join(m.value for m in page.markdown)
    assert "real → true" in label_map and "fake → false" in label_map


def test_unlabeled_split_says_labels_are_withheld(page: AppTest) -> None:
    select(page, "covid_fake_news", "test")
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Labelled"] == "no (labels withheld)"
    assert any("no labels to count" in i.value for i in page.info)
    assert len(charts(page)) == 1  # the length histogram only


def test_dialogues_preview_as_readable_turns(page: AppTest) -> None:
    select(page, "covid_dialogue_en")
    preview = page.dataframe[1].value
    assert preview.loc[0, "turns"].startswith("user: ")
    assert "\nassistant: " in preview.loc[0, "turns"]


def test_hub_only_dataset_explains_how_to_get_it(page: AppTest) -> None:
    select(page, "pubhealth")
    errors = [e.value for e in page.error]
    assert any("NOT_AVAILABLE" in e and "offline" in e for e in errors), errors
    assert any(c.value.startswith("Hint: ") and "MEDTUNE_DATA_DIR" in c.value for c in page.caption)


def test_non_commercial_dataset_shows_its_licence_warning(page: AppTest) -> None:
    select(page, "healthfc")
    assert any("CC BY-NC-ND" in w.value and "do not ship it" in w.value for w in page.warning)
    assert page.selectbox(key="browse_split").options == ["train", "dev", "test"]


def test_bring_your_own_dataset_points_to_the_upload_tab(page: AppTest) -> None:
    select(page, "patient_experience")
    assert any("Upload" in i.value and "never ships" in i.value for i in page.info)
