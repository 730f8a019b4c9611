"""Sentiment: analyse patient reviews — overall, intensity, aspect × polarity heatmap, quotes, trends,
filters, drill-down with highlighted aspects, export, and a compare-models view (agreement, kappa)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # a page run on its own (AppTest.from_file) still finds app.ui
    sys.path.insert(0, _ROOT)
# Run on its own, this page's folder is on sys.path, and pages/datasets.py would shadow the `datasets`
# package that sentence-transformers imports.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != _HERE]

import streamlit as st  # noqa: E402

from app import ui  # noqa: E402
from medtune.errors import MedtuneError  # noqa: E402
from medtune.sentiment import dashboard as dash  # noqa: E402

RESULTS = "sentiment_results"
POLARITY_COLOURS = {"negative": "#d62728", "neutral": "#7f7f7f", "positive": "#2ca02c"}


# ---------------------------------------------------------------------------------------------- source


def sentiment_datasets() -> list[str]:
    from medtune.data.registry import available_splits, list_datasets

    return [s.name for s in list_datasets() if s.record_kind == "sentiment" and available_splits(s)]


def save_upload(upload: Any) -> Path:
    """Store the uploaded file once per upload, through the shared upload path: its size limit, a plain file
    name and a new name beside a same-named file (`reviews-2.csv`), never an overwrite (issue 18.6)."""
    from medtune.data.uploads import store_upload

    stored = st.session_state.setdefault("sentiment_stored", {})
    path = stored.get(upload.file_id)
    if path is None or not Path(path).is_file():  # every widget change reruns the page: store it only once
        path = stored[upload.file_id] = str(store_upload(upload.name, upload.getvalue()))
    return Path(path)


def file_columns(path: Path) -> list[str]:
    from medtune.data.readers import read_rows

    for row in read_rows(path):
        return list(row)
    return []


def request_form() -> dash.AnalysisRequest | None:
    source = st.radio("Reviews", ["Upload a file", "Dataset", "Background job results"], horizontal=True,
                      key="sentiment_source")
    if source == "Background job results":
        render_job_loader()
        return None
    request = dash.AnalysisRequest()
    if source == "Upload a file":
        upload = st.file_uploader("CSV, TSV, JSONL or JSON with one review per row",
                                  type=["csv", "tsv", "jsonl", "json"], key="sentiment_upload")
        if upload is None:
            st.info("Upload a file of reviews, or pick a dataset.", icon=":material/upload_file:")
            return None
        try:
            path = save_upload(upload)
        except MedtuneError as err:  # over the size limit, or a file name that cannot be stored
            ui.error_box(err)
            return None
        columns = file_columns(path)
        from medtune.sentiment.reviews import TEXT_COLUMNS

        guess = next((c for c in columns if c.lower() in TEXT_COLUMNS), columns[0] if columns else None)
        request.input_path = str(path)
        request.text_column = st.selectbox("Text column", columns, index=columns.index(guess) if guess else 0,
                                           key="sentiment_text_column")
    else:
        names = sentiment_datasets()
        if not names:
            st.warning("No sentiment dataset is on disk here.")
            return None
        request.dataset = st.selectbox("Dataset", names, key="sentiment_dataset")
        from medtune.data.registry import available_splits, get_dataset

        request.split = st.selectbox("Split", list(available_splits(get_dataset(request.dataset))),
                                     key="sentiment_split")
    cols = st.columns(2)
    limit = cols[0].number_input("At most this many reviews (0 = all)", min_value=0, value=0, step=100,
                                 key="sentiment_limit")
    request.limit = int(limit) or None
    request.model = cols[1].text_input("Trained run directory (empty = built-in model)", key="sentiment_model",
                                       help="a sentiment or intensity classifier trained on the Train page")
    mixed = st.radio("Reviews with praise and complaints but no verdict", ["neutral", "by balance"], horizontal=True,
                     key="sentiment_mixed", help="neutral: how patient-experience reviews are usually read (default). "
                     "by balance: the stronger side wins, as star-rated drug reviews are labelled")
    request.mixed_reviews = mixed.replace(" ", "_")
    return request


def render_job_loader() -> None:
    with ui.errors_shown():
        jobs = dash.sentiment_jobs()
        if not jobs:
            st.info("No finished sentiment job yet: start one with “Run in background”.")
            return
        job = st.selectbox("Finished job", jobs, format_func=lambda j: f"{j['name']} ({j['id']})",
                           key="sentiment_job")
        if st.button("Load results", key="sentiment_load_job"):
            st.session_state[RESULTS] = dash.load_job_results(job["id"])


def run_analysis(request: dash.AnalysisRequest) -> None:
    bar = st.progress(0.0, text="Loading the model…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"Analysed {done} of {total} reviews")

    results, skipped = dash.run_request(request, progress=progress)
    bar.progress(1.0, text=f"Analysed {len(results)} reviews")
    if skipped:
        st.warning(f"{len(skipped)} rows had no text and were left out: " + "; ".join(skipped[:5]))
    st.session_state[RESULTS] = results


def render_actions(request: dash.AnalysisRequest) -> None:
    cols = st.columns([1, 1, 3])
    if cols[0].button("Analyse", type="primary", key="sentiment_run", icon=":material/play_arrow:"):
        with ui.errors_shown():
            run_analysis(request)
    if cols[1].button("Run in background", key="sentiment_background", icon=":material/schedule:",
                      help=f"for large files (over {dash.BACKGROUND_SUGGESTED} reviews); see the Jobs page"):
        with ui.errors_shown():
            job_id = dash.submit_job(request, name="sentiment")
            st.success(f"Started background job {job_id}; load it here under “Background job results” "
                       "when it has finished.")


# ---------------------------------------------------------------------------------------------- results


def filters(results: list[Any]) -> list[Any]:
    from medtune.sentiment.summary import facet_values, filter_results, parse_date

    chosen: dict[str, Any] = {}
    facets = {key: facet_values(results, key) for key in ("site", "drug", "condition")}
    shown = {k: v for k, v in facets.items() if 1 < len(v)}
    dates = [d for r in results if (d := parse_date(r.meta.get("date"))) is not None]
    if not shown and not dates:
        return results
    cols = st.columns(len(shown) + (1 if dates else 0))
    for col, (key, values) in zip(cols, shown.items()):
        value = col.selectbox(key.capitalize(), ["(all)", *values], key=f"sentiment_filter_{key}")
        chosen[key] = None if value == "(all)" else value
    if dates:
        lo, hi = min(dates).date(), max(dates).date()
        picked = cols[-1].date_input("Dates", (lo, hi), min_value=lo, max_value=hi, key="sentiment_filter_dates")
        if isinstance(picked, (tuple, list)) and len(picked) == 2 and (picked[0], picked[1]) != (lo, hi):
            chosen["start"], chosen["end"] = picked
    return filter_results(results, **chosen) if chosen else results


def render_overview(results: list[Any], taxonomy: Any) -> None:
    from medtune.sentiment.summary import summarize

    summary = summarize(results, taxonomy)
    cols = st.columns(4)
    cols[0].metric("Reviews", summary["n"])
    cols[1].metric("Negative", f"{summary['overall']['negative'] / max(summary['n'], 1):.0%}")
    cols[2].metric("Dissatisfied patients", summary["dissatisfied"])
    cols[3].metric("Medication complaints", sum(1 for r in results if r.flags.get("medication_negative")))
    left, right = st.columns(2)
    with left:
        ui.bar_chart(summary["overall"], title="Overall sentiment", x_label="overall", y_label="reviews",
                     key="sentiment_overall_chart")
    with right:
        ui.histogram({str(k): v for k, v in summary["intensity"].items()}, title="Intensity (1 very negative … 5 "
                     "very positive)", x_label="intensity", y_label="reviews", key="sentiment_intensity_chart")


def render_heatmap(results: list[Any], taxonomy: Any) -> None:
    import plotly.graph_objects as go

    data = dash.heatmap_matrix(results, taxonomy)
    fig = go.Figure(go.Heatmap(z=data["counts"], x=data["polarities"], y=data["aspects"], colorscale="Blues",
                               text=data["counts"], texttemplate="%{text}", hovertemplate="%{y} · %{x}: %{z}"))
    fig.update_layout(title="Aspect × polarity (mentions)", height=420, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_yaxes(autorange="reversed")  # taxonomy order, top to bottom
    st.plotly_chart(fig, key="sentiment_heatmap", config={"displaylogo": False})


def render_negative_aspects(results: list[Any], taxonomy: Any) -> None:
    from medtune.sentiment.summary import most_negative

    st.subheader("Most negative aspects")
    rows = most_negative(results, taxonomy)
    if not rows:
        st.caption("No aspect was mentioned negatively.")
    for row in rows:
        st.markdown(f"**{row['label']}** — {row['negative']} negative of {row['mentions']} mentions "
                    f"({row['negative_share']:.0%})")
        for quote in row["quotes"]:
            st.markdown(f"> {quote['quote']}  \n<small>review {quote['id']}</small>", unsafe_allow_html=True)


def render_trend(results: list[Any]) -> None:
    from medtune.sentiment.summary import trend

    rows = trend(results)
    if len(rows) < 2:
        return
    import plotly.graph_objects as go

    fig = go.Figure()
    for label, colour in POLARITY_COLOURS.items():
        fig.add_scatter(x=[r["period"] for r in rows], y=[r[label] for r in rows], name=label, mode="lines+markers",
                        line={"color": colour})
    fig.update_layout(title="Share of reviews by month", height=320, yaxis_tickformat=".0%",
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    st.plotly_chart(fig, key="sentiment_trend", config={"displaylogo": False})


def render_drilldown(results: list[Any]) -> None:
    import json

    from medtune.sentiment.summary import highlight_html

    st.subheader("Reviews")
    ui.dataframe_with_download(dash.drilldown_rows(results), filename="sentiment_reviews.csv",
                               key="sentiment_drill", height=320)
    lines = "\n".join(json.dumps(row, ensure_ascii=False, default=str) for row in dash.export_rows(results))
    st.download_button("Download JSONL", lines.encode("utf-8"), file_name="sentiment_results.jsonl",
                       mime="application/jsonl", key="sentiment_jsonl", icon=":material/download:", on_click="ignore")
    ids = [r.id for r in results]
    pick = st.selectbox("Show a review with its aspects highlighted", ids, key="sentiment_pick")
    chosen = next(r for r in results if r.id == pick)
    st.markdown(f"**{chosen.overall}**, intensity {chosen.intensity} · "
                + (", ".join(f"{a}: {p}" for a, p in chosen.aspects.items()) or "no aspect found"))
    st.markdown(highlight_html(chosen), unsafe_allow_html=True)


def render_compare(results: list[Any]) -> None:
    st.caption("Sentiment consistency across models on the reviews above: raw agreement and Cohen's / "
               "Fleiss' kappa.")
    options = ["built-in (reader-weighted clauses)", "built-in, clauses unweighted"]
    has_labels = any(r.meta.get("label") for r in results)
    if has_labels:
        options.append("dataset labels")
    run = st.text_input("Also compare a trained run directory", key="sentiment_compare_run")
    if run:
        options.append(f"run: {run}")
    chosen = st.multiselect("Models", options, default=options[:2 + has_labels], key="sentiment_compare_models")
    if not st.button("Compare", key="sentiment_compare"):
        return
    with ui.errors_shown():
        labels = {}
        texts, ids = [r.text for r in results], [r.id for r in results]
        for name in chosen:
            if name == "dataset labels":
                labels[name] = [r.meta.get("label") for r in results]
            elif name.startswith("built-in"):
                analyzer = dash.get_analyzer(reader_weights=name.startswith("built-in (reader"))
                labels[name] = [r.overall for r in analyzer.analyze_many(texts, ids)]
            else:
                analyzer = dash.get_analyzer(model=name.removeprefix("run: "))
                labels[name] = [r.overall for r in analyzer.analyze_many(texts, ids)]
        report = dash.compare(labels)
        cols = st.columns(3)
        cols[0].metric("Agreement", f"{report['agreement']:.1%}")
        cols[1].metric("Cohen's kappa", "n/a" if report["cohen_kappa"] is None else f"{report['cohen_kappa']:.3f}")
        cols[2].metric("Fleiss' kappa", "n/a" if report["fleiss_kappa"] is None else f"{report['fleiss_kappa']:.3f}")
        ui.dataframe_with_download(report["pairs"], filename="sentiment_agreement.csv", key="sentiment_pairs")


def render_taxonomy() -> None:
    from medtune.sentiment.aspects import load_taxonomy, parse_taxonomy, save_taxonomy, user_taxonomy_path

    import yaml

    taxonomy = load_taxonomy()
    st.caption(f"Edit the aspects (YAML). Saved to {user_taxonomy_path()}; new analyses use it.")
    text = st.text_area("Aspect taxonomy", yaml.safe_dump(taxonomy.model_dump(mode="json"), sort_keys=False,
                                                          width=110), height=400, key="sentiment_taxonomy")
    if st.button("Save taxonomy", key="sentiment_save_taxonomy"):
        with ui.errors_shown():
            path = save_taxonomy(parse_taxonomy(text, source="the edited taxonomy"))
            st.success(f"Saved {len(load_taxonomy(path).aspects)} aspects to {path}")


# ---------------------------------------------------------------------------------------------- page


st.title("Sentiment")
st.caption("Patient reviews → overall sentiment, intensity 1–5, and what they praise or criticise (staff, wait "
           "time, communication, cost, cleanliness, treatment, side effects, facilities, appointment access).")
analyse_tab, compare_tab, taxonomy_tab = st.tabs(["Analyse", "Compare models", "Aspect taxonomy"])
with analyse_tab:
    with ui.errors_shown():
        request = request_form()
        if request is not None:
            render_actions(request)
    results = st.session_state.get(RESULTS)
    if results:
        taxonomy = dash.get_analyzer().taxonomy
        shown = filters(results)
        if not shown:
            st.warning("No review matches these filters.")
        else:
            render_overview(shown, taxonomy)
            render_heatmap(shown, taxonomy)
            render_negative_aspects(shown, taxonomy)
            render_trend(shown)
            render_drilldown(shown)
with compare_tab:
    if st.session_state.get(RESULTS):
        render_compare(st.session_state[RESULTS])
    else:
        st.info("Analyse some reviews first (Analyse tab).")
with taxonomy_tab:
    with ui.errors_shown():
        render_taxonomy()
