"""Home: what medtune does, what is available on this machine, and where to start."""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from pathlib import Path
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # a page run on its own (AppTest.from_file) still finds app.ui
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from app import ui  # noqa: E402
from medtune.data.info import list_dataset_rows  # noqa: E402
from medtune.data.registry import USE_CASES  # noqa: E402

USE_CASE_TEXT = {
    "hallucination": "Fine-tune and score models on biomedical QA (PubMedQA, MedQA, MedHallu) and flag answers "
                     "their evidence does not support.",
    "misinformation": "Classify health claims as true / false / misleading and verify them against evidence "
                      "(CONSTRAINT, HealthVer, SciFact).",
    "chatbot": "A patient-facing assistant that answers from trusted sources (MedQuAD, FDA labels) and "
               "triages what it must not answer.",
    "sentiment": "Sentiment, intensity and aspects in drug reviews and patient feedback.",
}

START_LINKS = [
    ("datasets.py", "Browse and prepare datasets", ":material/dataset:"),
    ("train.py", "Fine-tune a model", ":material/model_training:"),
    ("jobs.py", "Follow training and evaluation jobs", ":material/work_history:"),
    ("evaluation.py", "Evaluate and compare models", ":material/analytics:"),
    ("knowledge.py", "Build the knowledge base", ":material/library_books:"),
    ("checker.py", "Check a health claim", ":material/fact_check:"),
    ("chatbot.py", "Ask the chatbot", ":material/chat:"),
    ("sentiment.py", "Analyse reviews", ":material/sentiment_satisfied:"),
]


def optional_items(*sources: tuple[str, str]) -> list[Any] | None:
    """What another area lists (the first (module, function) found), or None while it is not installed yet."""
    for module, func_name in sources:
        try:
            func = getattr(importlib.import_module(module), func_name, None)
        except ImportError:
            continue
        if callable(func):
            try:
                return list(func())
            except Exception:  # another area's listing must never take the home page down
                return None
    return None


def count(items: list[Any] | None) -> str | int:
    return "—" if items is None else len(items)


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
    models = optional_items(("medtune.models.registry", "list_models"))
    jobs = optional_items(("medtune.jobs.api", "list_jobs"), ("medtune.jobs.store", "iter_job_dirs"))
    kb = ui.kb_chunks()
    on_disk = sum(1 for m in models or [] if getattr(m, "local_path", None))
    cols = st.columns(4)
    cols[0].metric("Datasets on disk", f"{local} / {len(rows)}",
                   help=f"{states['full']} full copies, {states['sample']} bundled samples")
    cols[1].metric("Models", count(models), help=f"{on_disk} on this machine; the others load from the hub")
    cols[2].metric("Knowledge-base chunks", "—" if kb is None else f"{kb:,}",
                   help="trusted-source passages the chatbot and the claim checker retrieve from")
    job_states = Counter(str(getattr(job, "state", "?")) for job in jobs or [])
    cols[3].metric("Jobs", count(jobs), help=", ".join(f"{n} {s}" for s, n in job_states.items()) or
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
    for i, (filename, label, icon) in enumerate(START_LINKS):
        with cols[i % 2]:
            ui.page_link(filename, label, icon)


st.title("medtune")
st.markdown("A workbench for fine-tuning and evaluating language models on healthcare tasks — "
            "everything here runs offline on the bundled data and the embedded MiniLM model.")
dataset_rows = list_dataset_rows()
render_use_cases(dataset_rows)
render_available(dataset_rows)
render_start()
