"""Datasets: browse the registry, preview a split with its label and length charts, prepare, upload."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # a page run on its own (AppTest.from_file) still finds app.ui
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from app import ui  # noqa: E402
from medtune.data.info import list_dataset_rows  # noqa: E402

LOCAL = ("full", "sample")


# ---------------------------------------------------------------------------------------------- browse


def render_registry(rows: list[dict[str, Any]]) -> None:
    st.subheader("Registry")
    table = [{"dataset": r["name"], "title": r["title"], "tasks": ", ".join(r["tasks"]),
              "default task": r["default_task"], "labels": ", ".join(r["labels"]) or "(generative)",
              "licence": r["licence"], "non-commercial": r["non_commercial"], "availability": r["availability"],
              "use cases": ", ".join(r["use_cases"])} for r in rows]
    ui.dataframe_with_download(table, filename="medtune_datasets.csv", key="registry")
    for row in rows:
        if row["non_commercial"]:
            st.warning(f"**{row['name']}** is licensed {row['licence']}: non-commercial research and "
                       "evaluation only — do not ship it or train commercial models on it.",
                       icon=":material/gavel:")


def pick_dataset(rows: list[dict[str, Any]]) -> dict[str, Any]:
    names = [r["name"] for r in rows]
    by_name = {r["name"]: r for r in rows}
    first_local = next((i for i, r in enumerate(rows) if r["availability"] in LOCAL), 0)
    name = st.selectbox("Dataset", names, index=first_local, key="browse_dataset",
                        format_func=lambda n: f"{n} — {by_name[n]['title']} ({by_name[n]['availability']})")
    return by_name[name]


def render_dataset(row: dict[str, Any]) -> None:
    with ui.errors_shown():
        summary = ui.dataset_summary(row["name"])
        render_about(summary)
        if not summary["splits"]:
            render_unavailable(summary)
            return
        splits = {s["split"]: s for s in summary["splits"]}
        split = st.selectbox("Split", list(splits), key="browse_split")
        render_split(summary, splits[split])


def render_about(summary: dict[str, Any]) -> None:
    st.markdown(f"### {summary['title']}  {ui.badge_markdown(summary['availability'])}")
    if summary.get("description"):
        st.caption(summary["description"])
    if summary.get("warning"):
        st.warning(summary["warning"], icon=":material/gavel:")
    with st.expander("Licence and citation"):
        st.markdown(f"**Licence:** {summary['licence']}")
        st.markdown(f"**Citation:** {summary['citation']}")
        if summary.get("hub_id"):
            st.markdown(f"**Hub:** `{summary['hub_id']}`")
        for task, mapping in (summary.get("label_maps") or {}).items():
            st.markdown(f"**Label map for `{task}`:** " + ", ".join(f"{k} → {v}" for k, v in mapping.items()))


def render_unavailable(summary: dict[str, Any]) -> None:
    """Say exactly why nothing can be shown, with the loader's own message and hint."""
    from medtune.data.registry import get_dataset, load_records

    spec = get_dataset(summary["name"])
    if spec.bring_your_own:
        st.info(f"{spec.name} is credentialed data that medtune never ships. Bring your own file: "
                f"{spec.how_to_get.rstrip('.')}. The **Upload** tab takes it with a column mapping.",
                icon=":material/upload_file:")
        return
    split = next(iter(spec.files or spec.hub_splits), None)
    if split is None:
        st.info(f"{spec.name} has no source configured.")
        return
    with ui.errors_shown():
        load_records(spec.name, split, limit=1)  # raises NotAvailableError naming what to do
        st.info(f"{spec.name} split {split!r} loads from the hub; its size is unknown until downloaded.")


def render_split(summary: dict[str, Any], split: dict[str, Any]) -> None:
    cols = st.columns(4)
    cols[0].metric("Rows", f"{split['rows']:,}")
    cols[1].metric("Labelled", "yes" if split["labelled"] else "no (labels withheld)")
    cols[2].metric("Copy", "bundled sample" if split["sample"] else "full copy")
    cols[3].metric("Label classes", len(split["labels"]))
    st.caption(f"Source: `{split['source']}`" + (f" · official split: {split['official']}" if split["official"] else ""))
    limit = st.slider("Rows to preview", 5, 200, 20, step=5, key="browse_limit")
    st.markdown("**Preview**")
    records = ui.preview_rows(summary["name"], split["split"], limit)
    ui.dataframe_with_download(records, filename=f"{summary['name']}_{split['split']}_preview.csv",
                               key="preview", height=300)
    left, right = st.columns(2)
    with left:
        if split["labels"]:
            ui.bar_chart(split["labels"], title="Label distribution (raw labels)", x_label="label",
                         key="label_chart")
        else:
            st.info("This split has no labels to count (labels withheld or a generative dataset).")
    with right:
        lengths = ui.input_lengths(summary["name"], split["split"], summary["default_task"])
        ui.histogram(lengths, title=f"Input length, words ({summary['default_task']} input)",
                     x_label="words", key="length_chart")


# ---------------------------------------------------------------------------------------------- prepare / upload


def module_ready(name: str) -> bool:
    """Preparation and uploads arrive in their own modules; until then the tab says so."""
    return importlib.util.find_spec(name) is not None


def render_prepare(rows: list[dict[str, Any]]) -> None:
    if not module_ready("medtune.data.prepare"):
        st.info("Dataset preparation is not installed in this checkout yet.")
        return


def render_upload() -> None:
    if not module_ready("medtune.data.uploads"):
        st.info("Uploads are not installed in this checkout yet.")
        return


# ---------------------------------------------------------------------------------------------- page

st.title("Datasets")
dataset_rows = list_dataset_rows()
browse, prepare, upload = st.tabs(["Browse", "Prepare", "Upload"])
with browse:
    render_registry(dataset_rows)
    st.divider()
    render_dataset(pick_dataset(dataset_rows))
with prepare:
    render_prepare(dataset_rows)
with upload:
    render_upload()
