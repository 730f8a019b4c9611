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
    csv_button = page.get("download_button")[0]
    assert csv_button.proto.label == "Download CSV"
    # The licence warning belongs to the selected dataset: none while PubMedQA is shown (issue 17) ...
    assert page.selectbox(key="browse_dataset").value == "pubmedqa"
    assert not any("non-commercial" in w.value.lower() for w in page.warning)
    # ... and HealthFC's own when it is selected.
    select(page, "healthfc")
    assert any("non-commercial" in w.value.lower() for w in page.warning)


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
    assert any(e.startswith("**Not available here** · ") and "offline" in e for e in errors), errors
    assert any(c.value.startswith("What to do: ") and "MEDTUNE_DATA_DIR" in c.value for c in page.caption)


def test_non_commercial_dataset_shows_its_licence_warning(page: AppTest) -> None:
    select(page, "healthfc")
    assert any("CC BY-NC-ND" in w.value and "do not ship it" in w.value for w in page.warning)
    assert page.selectbox(key="browse_split").options == ["train", "dev", "test"]


def test_bring_your_own_dataset_points_to_the_upload_tab(page: AppTest) -> None:
    select(page, "patient_experience")
    assert any("Upload" in i.value and "never ships" in i.value for i in page.info)


# ---------------------------------------------------------------------------------------------- prepare


def prepare(at: AppTest, dataset: str, task: str | None = None, **options: Any) -> AppTest:
    at.selectbox(key="prep_dataset").set_value(dataset).run()
    if task:
        at.selectbox(key="prep_task").set_value(task).run()
    for name, value in options.items():
        at.get_by_key(f"prep_opt.{name}").set_value(value)  # type: ignore[union-attr]
    at.button[0].click().run()  # the form's "Prepare" submit button
    assert not at.exception, at.exception
    return at


def steps_table(at: AppTest) -> dict[str, tuple[int, int]]:
    frame = next(d.value for d in at.dataframe if "step" in d.value.columns)
    return {row["step"]: (row["change"], row["rows after"]) for row in frame.to_dict("records")}


def test_prepare_form_is_generated_from_prepare_options(page: AppTest) -> None:
    from medtune.data.prepare import PrepareOptions

    keys = {w.key for w in [*page.number_input, *page.checkbox, *page.selectbox, *page.text_input] if w.key}
    for name in PrepareOptions.model_fields:
        assert f"prep_opt.{name}" in keys, name
    seed = page.number_input(key="prep_opt.seed")
    assert seed.value == 13 and seed.min == 0
    assert page.selectbox(key="prep_opt.balance").options == ["none", "oversample", "undersample", "class_weights"]


def test_prepare_covid_fake_news_shows_the_report_it_wrote(page: AppTest, medtune_home: Path) -> None:
    prepare(page, "covid_fake_news", limit=400)
    out = medtune_home / "prepared" / "covid_fake_news__misinformation"
    report = json.loads((out / "report.json").read_text())
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Rows loaded"] == f"{report['funnel']['loaded']:,}" == "800"  # 400 from train + 400 from val
    for role in ("train", "validation", "test"):
        lines = (out / f"{role}.jsonl").read_text().splitlines()
        assert metrics[role.capitalize()] == f"{len(lines):,}" == f"{report['splits'][role]['rows']:,}"
    steps = steps_table(page)
    assert steps["exact duplicates"][0] == -report["duplicates"]["dropped"]
    assert steps["near duplicates"][0] == -report["near_duplicates"]["dropped"]
    assert list(steps.values())[-1][1] == sum(report["splits"][r]["rows"] for r in ("train", "validation", "test"))
    assert any("No text appears in two splits" in s.value for s in page.success)
    figures = {c["layout"]["title"]["text"]: c for c in charts(page)}
    balance = figures["Training labels, before / after balancing"]
    assert [t["name"] for t in balance["data"]] == ["before", "after"]
    legend = balance["layout"]["legend"]  # under the plot, never on the title's line (issue 21.4)
    assert legend["orientation"] == "h" and legend["yanchor"] == "top" and legend["y"] < 0
    assert any(c.value == "Balancing method: none" for c in page.caption)
    titles = list(figures)
    assert "Training tokens per row (minilm)" in titles


def test_prepare_rejects_fractions_that_leave_no_training_data(page: AppTest, medtune_home: Path) -> None:
    prepare(page, "healthver", validation_fraction=0.5, test_fraction=0.5)
    errors = " ".join(e.value for e in page.error)
    assert "Problem with the settings" in errors and "at least 20% for training" in errors
    assert "CONFIG" not in errors
    assert not (medtune_home / "prepared").exists()


# ---------------------------------------------------------------------------------------------- upload


def upload(at: AppTest, name: str, data: bytes, task: str, **mapping: str) -> AppTest:
    at.file_uploader(key="upload_file").set_value((name, data, "text/csv"))
    at.selectbox(key="upload_task").set_value(task).run()
    for field, column in mapping.items():
        at.selectbox(key=f"upload_map_{field}").set_value(column)
    at.run()
    assert not at.exception, at.exception
    return at


BROKEN_CSV = (b"review,rating\n"
              b"Great drug, no side effects,positive\n"             # row 1: an unquoted comma -> 3 cells
              b"Terrible headache; call me on 555-123-4567,negative\n"  # row 2: fine, but a phone number
              b"ok I guess,meh\n"                                   # row 3: unknown label
              b",positive\n")                                       # row 4: empty text


def test_upload_lists_row_errors_and_phi_and_stores_nothing(page: AppTest, medtune_home: Path) -> None:
    upload(page, "reviews.csv", BROKEN_CSV, "sentiment", text="review", label="rating")
    errors = next(d.value for d in page.dataframe if "problem" in d.value.columns)
    by_line = {int(r["line"]): r for r in errors.to_dict("records")}  # file lines; line 1 is the header
    assert "header has 2 columns" in by_line[2]["problem"]
    assert by_line[4]["problem"] == "unknown label 'meh'" and by_line[4]["column"] == "rating"
    assert by_line[5]["problem"] == "empty text" and by_line[5]["column"] == "review"
    assert 3 not in by_line
    assert any("personal identifiers" in w.value and "phone" in w.value for w in page.warning)
    assert [e.value for e in page.error] == ["3 problems in this file; nothing has been stored."]  # no "DATA ·"
    assert page.get("button") == [] or all(b.key != "upload_store" for b in page.button)
    stored = [p for p in (medtune_home / "uploads").iterdir()] if (medtune_home / "uploads").exists() else []
    assert stored == []  # the staging copy is gone too


def test_upload_label_map_fixes_unknown_labels(page: AppTest) -> None:
    upload(page, "reviews.csv", BROKEN_CSV, "sentiment", text="review", label="rating")
    page.text_input(key="upload_labels").set_value("meh=neutral").run()
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Errors"] == "2"  # the ragged row and the empty text remain


def test_upload_refuses_a_path_in_the_file_name(page: AppTest, medtune_home: Path) -> None:
    upload(page, "../../evil.csv", b"text,label\nfine,positive\n", "sentiment")
    # Issue 21.4: a plain title, not the reason code, and the hint in the app's terms.
    error = next(e.value for e in page.error if "directory part" in e.value)
    assert error == "**Problem with the data** · the file name '../../evil.csv' contains a directory part"
    assert "What to do: give a plain file name such as 'evil.csv'" in [c.value for c in page.caption]
    assert not (medtune_home.parent / "evil.csv").exists()


CONFLICTS_CSV = "text,label\n" + "\n".join([
    "The new inhaler made my breathing much easier,positive",
    "The new inhaler made my breathing much easier,negative",   # same text, conflicting label: both dropped
    "Dizzy all week after the first dose,negative",
    "Dizzy all week after the first dose,negative",             # exact duplicate: one copy dropped
    *[f"Review {i}: {word} experience with tablet batch {i * 7}, {mood}"
      for i, (word, mood) in enumerate([("an excellent", "positive"), ("a dreadful", "negative"),
                                        ("a middling", "neutral")] * 8)],
]) + "\n"


def test_uploaded_file_is_stored_then_prepared_with_conflicts_dropped(page: AppTest, medtune_home: Path) -> None:
    upload(page, "my reviews.csv", CONFLICTS_CSV.encode(), "sentiment")
    assert {m.label: m.value for m in page.metric}["Errors"] == "0"
    page.button(key="upload_store").click().run()
    assert any("upload:my_reviews.csv" in s.value for s in page.success)
    assert (medtune_home / "uploads" / "my_reviews.csv").read_text() == CONFLICTS_CSV
    # The new dataset is in the registry: browse it, then prepare it.
    select(page, "upload:my_reviews.csv")
    assert {m.label: m.value for m in page.metric}["Rows"] == "28"
    prepare(page, "upload:my_reviews.csv", near_dedup=False)
    steps = steps_table(page)
    assert steps["alignment filter (conflicting labels)"][0] == -2
    assert steps["exact duplicates"][0] == -1
    assert list(steps.values())[-1][1] == 25


def test_heavy_sections_run_one_at_a_time() -> None:
    """Two page runs never import transformers (or prepare) at once in one server process."""
    import sys
    import threading
    import time

    if str(REPO) not in sys.path:  # `app` is the Streamlit app folder, not an installed package
        sys.path.insert(0, str(REPO))
    from app import ui

    active, seen = [0], []

    def work() -> None:
        with ui.heavy_section("json:dumps"):
            active[0] += 1
            seen.append(active[0])
            time.sleep(0.05)
            active[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [1, 1, 1, 1]


def test_upload_stores_the_valid_rows_and_lists_the_skipped_ones(page: AppTest, medtune_home: Path) -> None:
    upload(page, "reviews.csv", BROKEN_CSV, "sentiment", text="review", label="rating")
    assert any("1 rows are valid and 3 have problems" in i.value for i in page.info)
    store = page.button(key="upload_store_valid")
    assert store.label == "Store the 1 valid rows, skip 3"
    store.click().run()
    assert not page.exception, page.exception
    message = next(s.value for s in page.success if "valid rows" in s.value)
    assert "registered them as dataset **upload:reviews.csv**" in message
    assert "skipped 3 invalid rows (rows 1, 3, 4 of the file)" in message
    skipped = next(d.value for d in page.dataframe if "problem" in d.value.columns)
    assert [int(r) for r in skipped["row"]] == [1, 3, 4]
    # The uploader still holds the file: it is not offered for storing a second time.
    assert any("is stored as dataset **upload:reviews.csv**" in i.value for i in page.info)
    assert not any(b.key in ("upload_store", "upload_store_valid") for b in page.button)
    assert (medtune_home / "uploads" / "reviews.csv").read_text() == (
        "review,rating\nTerrible headache; call me on 555-123-4567,negative\n")
    select(page, "upload:reviews.csv")
    assert [m.value for m in page.metric if m.label == "Rows"][0] == "1"  # Browse's metric (Upload has one too)
    about = " ".join(c.value for c in page.caption)
    assert "columns: text ← review, label ← rating · 3 invalid rows of the original file skipped" in about
    assert "{" not in about  # the description is words, not a Python dict


def test_a_problem_of_the_whole_file_shows_blank_row_and_line_and_plain_hints(page: AppTest) -> None:
    upload(page, "reviews.csv", b"review,stars\ngood,5\n", "sentiment", text="review")
    errors = next(d.value for d in page.dataframe if "problem" in d.value.columns).to_dict("records")
    assert len(errors) == 1 and errors[0]["row"] == "" and errors[0]["line"] == ""  # not "None"
    assert errors[0]["expected"].startswith("a column named 'label', or a column mapped to 'label'")
    assert not any(b.key == "upload_store_valid" for b in page.button)  # nothing can be kept


def test_unknown_label_hint_speaks_of_the_label_map(page: AppTest) -> None:
    upload(page, "reviews.csv", b"review,rating\nfine,positive\nok,meh\n", "sentiment", text="review", label="rating")
    errors = next(d.value for d in page.dataframe if "problem" in d.value.columns).to_dict("records")
    assert errors[0]["expected"] == "one of negative, neutral, positive (or add meh=negative to the label map)"
    assert "--labels" not in " ".join(str(v) for e in errors for v in e.values())
