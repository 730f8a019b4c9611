"""The Evaluation page's Launch view: dataset, split and model → an `eval` background job; live progress.

Model choices mirror what `medtune.eval.predictors.resolve_predictor` accepts: the majority baseline, a
finished training run, a base model (zero-shot for causal LMs), or an API model when a key or base URL is
configured (otherwise the view says what to set). The job is submitted with `medtune.jobs.manager.submit`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import eval_views as ev
from app import ui
from medtune.errors import MedtuneError, title_for, ui_hint_for

REFRESH_S = 2.0


def render() -> None:
    st.subheader("Launch an evaluation")
    st.caption("Runs as a background job (kind `eval`): you can leave this page. The result appears in the "
               "leaderboard when it finishes.")
    dataset, split, task, labels_file = pick_data()
    if not dataset:
        return
    model, run = pick_model(task)
    with st.expander("Options"):
        from medtune.eval.runner import EvalConfig

        shown = ("name", "limit", "n_boot", "seed", "batch_size", "max_length", "template")
        options = ui.model_form(EvalConfig, key="launch_opt", columns=3,
                                exclude=[f for f in EvalConfig.model_fields if f not in shown])
    if (model or run) and st.button("Launch evaluation", type="primary", key="eval_launch",
                                    icon=":material/play_arrow:"):
        submit({"kind": "eval", "model": model, "run": run, "dataset": dataset, "split": split, "task": task,
                "labels": labels_file, **options})
    job_monitor()


def pick_data() -> tuple[str | None, str | None, str | None, str | None]:
    from medtune.data.registry import list_datasets

    names = [d.name for d in list_datasets() if d.files and not d.bring_your_own]
    cols = st.columns(3)
    dataset = cols[0].selectbox("Dataset", names, key="launch_dataset",
                                index=names.index("pubmedqa") if "pubmedqa" in names else 0)
    try:
        summary = ui.dataset_summary(dataset)
    except MedtuneError as err:
        ui.error_box(err)
        return None, None, None, None
    splits = {s["split"]: s for s in summary["splits"]}
    if not splits:
        st.info(f"{dataset} has no split on this machine.")
        return None, None, None, None
    # Default to a labelled split other than train: scoring the training data says little.
    held_out = [s for s, info in splits.items() if info["labelled"] and s != "train"]
    split = cols[1].selectbox("Split", list(splits), key=f"launch_split_{dataset}",
                              index=list(splits).index(held_out[0]) if held_out else 0,
                              format_func=lambda s: f"{s} ({splits[s]['rows']:,} rows"
                                                    f"{'' if splits[s]['labelled'] else ', labels withheld'})")
    task = cols[2].selectbox("Task", summary["tasks"], key=f"launch_task_{dataset}",
                             index=summary["tasks"].index(summary["default_task"]))
    labels_file = None
    if not splits[split]["labelled"]:
        labels_file = st.text_input("Labels file (id,label as CSV / JSONL)", key="launch_labels",
                                    help="this split's labels are withheld here; supply them to score it, "
                                         "e.g. the official test labels").strip() or None
        if not labels_file:
            st.warning("Without a labels file this split cannot be scored.")
    return dataset, split, task, labels_file


def pick_model(task: str) -> tuple[str | None, str | None]:
    """(model reference, run directory): exactly one is set when the choice is complete."""
    source = st.radio("Model", ["Majority baseline", "Trained run", "Base model", "API model"], horizontal=True,
                      key="launch_source")
    if source == "Majority baseline":
        st.caption("Predicts the training split's most frequent label for every item: the floor any model must beat.")
        return "majority", None
    if source == "Trained run":
        return None, pick_run(task)
    if source == "Base model":
        return pick_base_model(), None
    return pick_api_model(), None


def pick_run(task: str) -> str | None:
    from medtune.jobs import manager

    runs = [j for j in manager.list_jobs(kind="train", state="succeeded") if j.config.get("task") == task]
    choices = {str(j.dir): f"{j.name} · {j.config.get('model')} on {j.config.get('dataset')} · {j.id}" for j in runs}
    other = "another folder…"
    picked = st.selectbox("Trained run", [*choices, other], key="launch_run",
                          format_func=lambda d: choices.get(d, d))
    if not runs:
        st.caption(f"No finished training run for task `{task}` yet (train one on the Train page).")
    if picked == other:
        return st.text_input("Run folder (with adapter/ or model/)", key="launch_run_dir").strip() or None
    return picked


def pick_base_model() -> str | None:
    from medtune.models.registry import list_models

    models = {m.name: m for m in list_models() if m.kind != "api"}
    other = "hub id or folder…"
    name = st.selectbox("Base model", [*models, other], key="launch_base",
                        format_func=lambda n: f"{n} ({models[n].kind})" if n in models else n)
    if name == other:
        return st.text_input("Hub id or local folder", key="launch_base_custom").strip() or None
    kind = models[name].kind
    if kind == "causal":
        st.caption("Zero-shot: the label options are scored by log-likelihood (as lm-evaluation-harness does).")
    elif kind == "encoder":
        st.caption("An encoder without a trained head is at chance level by construction: useful to time the "
                   "evaluation path, not as a \"before\" figure (use the majority baseline or a causal LM).")
    return name


def pick_api_model() -> str | None:
    from medtune.models.api_clients import GEMINI_HINT, OPENAI_HINT, ApiSettings

    settings = ApiSettings()
    choices = []
    if settings.openai_api_key or settings.openai_base_url:
        choices += ["gpt-3.5-turbo", "openai:…"]
    if settings.gemini_api_key:
        choices += ["gemini-1.5-flash", "gemini:…"]
    if not choices:
        st.warning(f"No API model is configured. To evaluate GPT-3.5-Turbo or an OpenAI-compatible server, "
                   f"{OPENAI_HINT}. For Gemini, {GEMINI_HINT}. Then restart the app.", icon=":material/key:")
        return None
    name = st.selectbox("API model", choices, key="launch_api")
    if name.endswith(":…"):
        model = st.text_input("Model name", key="launch_api_name").strip()
        return f"{name[:-2]}:{model}" if model else None
    return name


def submit(config: dict[str, Any]) -> None:
    from medtune.eval.runner import parse_config
    from medtune.jobs import manager

    config = {k: v for k, v in config.items() if v is not None}
    with ui.errors_shown():
        cfg = parse_config(config)
        job_id = manager.submit(cfg.model_dump(exclude_none=True), background=True)
        st.session_state["eval_last_job"] = job_id
        st.toast(f"Evaluation job {job_id} started.")


def job_monitor() -> None:
    from medtune.jobs import manager

    jobs = manager.list_jobs(kind="eval", limit=10)
    if not jobs:
        return
    st.subheader("Evaluation jobs")
    active = any(j.active for j in jobs)
    st.fragment(run_every=REFRESH_S if active else None)(job_rows)(active)


def job_rows(watching: bool) -> None:
    from medtune.jobs import manager, report

    jobs = manager.list_jobs(kind="eval", limit=10)
    if watching and not any(j.active for j in jobs):
        st.rerun()  # the last one just ended: redraw the page once (lists and leaderboard), then stop refreshing
    for job in jobs:
        status = job.status
        cfg = job.config
        model = ev.model_label({"model_ref": cfg.get("model") or cfg.get("run")})
        line = (f"{report.STATE_ICONS.get(job.state, '')} `{job.id}` · {model}"
                f" on {cfg.get('dataset')}/{cfg.get('split')} · {report.state_text(status)}")
        if job.active:
            bar, stop = st.columns([6, 1], vertical_alignment="bottom")
            bar.progress(min(1.0, float(status.get("progress") or 0.0)),
                         text=f"{line} · {report.progress_text(status)}"
                              + (f" · ETA {report.format_duration(status['eta_s'])}" if status.get("eta_s") else ""))
            if stop.button("Cancel", key=f"eval_cancel_{job.id}", icon=":material/stop:"):
                with ui.errors_shown():
                    manager.cancel(job.id)  # the worker stops at its next batch (killed after 30 s)
        else:
            st.markdown(line)
            if job.state == "failed":
                st.caption(f"{title_for(status.get('reason'))}: {status.get('message')} — "
                           f"{ui_hint_for(status.get('reason'), status.get('hint'))}")
    ui.page_link("jobs.py", "Logs and details on the Jobs page", ":material/work_history:")
