"""Home: what medtune does, what is available on this machine, and where to start."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # a page run on its own (AppTest.from_file) still finds app.ui
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from app import ui  # noqa: E402
from app.navigation import start_links  # noqa: E402
from medtune.data.info import list_dataset_rows  # noqa: E402
from medtune.data.registry import USE_CASES  # noqa: E402
from medtune.jobs.manager import list_jobs  # noqa: E402
from medtune.models.registry import list_models  # noqa: E402

USE_CASE_TEXT = {
    "hallucination": "Fine-tune and score models on biomedical QA (PubMedQA, MedQA, MedHallu) and flag answers "
                     "their evidence does not support.",
    "misinformation": "Classify health claims as true / false / misleading and verify them against evidence "
                      "(CONSTRAINT, HealthVer, SciFact).",
    "chatbot": "A patient-facing assistant that answers from trusted sources (MedQuAD, FDA labels) and "
               "triages what it must not answer.",
    "sentiment": "Sentiment, intensity and aspects in drug reviews and patient feedback.",
}


def render_use_cases(rows: list[dict[str, Any]]) -> None:
    st.subheader("What medtune does")
    columns = st.columns(len(USE_CASES))
    for column, (key, title) in zip(columns, USE_CASES.items()):
        served = sum(1 for row in rows if key in row["use_cases"])
        with column.container(border=True):
            st.markdown(f"**{title}**")
            st.caption(USE_CASE_TEXT.get(key, ""))
            st.caption(f"{served} datasets")


def render_available(rows: list[dict[str, Any]]) -> None:
    st.subheader("Available here")
    states = Counter(row["availability"] for row in rows)
    local = states["full"] + states["sample"]
    models, jobs = list_models(), list_jobs()
    kb = ui.kb_chunks()
    on_disk = sum(1 for m in models if getattr(m, "local_path", None))
    cols = st.columns(4)
    cols[0].metric("Datasets on disk", f"{local} / {len(rows)}",
                   help=f"{states['full']} full copies, {states['sample']} bundled samples")
    cols[1].metric("Models", len(models), help=f"{on_disk} on this machine; the others load from the hub")
    cols[2].metric("Knowledge-base chunks", "—" if kb is None else f"{kb:,}",
                   help="trusted-source passages the chatbot and the claim checker retrieve from")
    job_states = Counter(job.state for job in jobs)
    cols[3].metric("Jobs", len(jobs), help=", ".join(f"{n} {s}" for s, n in job_states.items()) or
                   "training and evaluation runs in the runs directory")
    summary = " ".join(f"{ui.badge_markdown(state)} {count}" for state, count in sorted(states.items()))
    st.markdown(f"Dataset availability: {summary}")
    table = [{"dataset": r["name"], "title": r["title"], "default task": r["default_task"],
              "availability": r["availability"], "licence": r["licence"] + (" ⚠" if r["non_commercial"] else "")}
             for r in rows]
    with st.expander("All registered datasets", expanded=False):
        st.dataframe(table, hide_index=True, key="home_datasets")


def render_start() -> None:
    st.subheader("Where to start")
    cols = st.columns(2)
    for i, page in enumerate(start_links()):
        with cols[i % 2]:
            ui.page_link(page.filename, page.start or page.title, page.icon)


st.title("medtune")
st.markdown("A workbench for fine-tuning and evaluating language models on healthcare tasks — "
            "everything here runs offline on the bundled data and the embedded MiniLM model.")
dataset_rows = list_dataset_rows()
render_use_cases(dataset_rows)
render_available(dataset_rows)
render_start()
