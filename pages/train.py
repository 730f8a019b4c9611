"""Train: pick task, dataset and model; tune the recipe in a form generated from TrainConfig; see the memory
estimate and the equivalent command; launch a background job and follow it on the Jobs page."""

from __future__ import annotations

import streamlit as st

from app import ui
from medtune.errors import MedtuneError


def main() -> None:
    st.title("Train")
    st.caption("Fine-tune a model on a healthcare task. The job runs in its own process: you can close this page.")
    task, dataset, model, method = pick_basics()
    if not (task and dataset and model):
        return
    from medtune.train.config import default_recipe
    from medtune.train.form import config_from_values

    try:
        recipe = default_recipe(task, dataset, model, method)
    except MedtuneError as err:
        ui.error_box(err)
        return
    verdict = st.container()  # what this machine can do: said once, above the form, before anyone fills it in
    values = recipe_form(recipe, key=f"{task}.{dataset}.{model}.{method}")
    try:
        cfg = config_from_values(recipe, values)
    except MedtuneError as err:
        ui.error_box(err)
        return
    est = memory_estimate(cfg)
    with verdict:
        feasibility = machine_check(cfg, dataset, est)
    launch(cfg, feasibility)


def pick_basics() -> tuple[str | None, str | None, str | None, str]:
    from medtune.data.registry import list_datasets
    from medtune.data.tasks import TASKS
    from medtune.models.registry import list_models

    cols = st.columns(4)
    tasks = [t for t, spec in TASKS.items() if spec.offered_for_training]
    task = cols[0].selectbox("Task", tasks, format_func=lambda t: f"{t} — {TASKS[t].description}", key="train_task")
    datasets = [d.name for d in list_datasets() if task in d.tasks and not d.bring_your_own]
    dataset = cols[1].selectbox("Dataset", datasets, key="train_dataset", help="Datasets that serve this task.")
    kinds = ("causal", "seq2seq") if TASKS[task].is_generation else ("encoder", "causal", "seq2seq")
    models = [m.name for m in list_models() if m.tunable and m.kind in kinds] + ["other (hub id or folder)"]
    model = cols[2].selectbox("Model", models, key="train_model")
    if model.startswith("other"):
        model = cols[2].text_input("Hub id or local folder", key="train_model_custom").strip() or None
    default = task_default_method(task, model)
    if st.session_state.get("train_method_for") != (task, model):  # a new task or model starts from its default
        st.session_state["train_method_for"] = (task, model)
        st.session_state["train_method"] = default
    method = cols[3].radio("Method", ["lora", "qlora", "full"], horizontal=True, key="train_method",
                           help="LoRA trains small adapters; QLoRA does so on a 4-bit model (needs a CUDA GPU); "
                                f"full updates every weight. This task's default for this model: {default}.")
    return task, dataset, model, method


def task_default_method(task: str, model: str | None) -> str:
    from medtune.train.config import default_method

    if not model:
        return "lora"
    try:
        return default_method(task, model)
    except MedtuneError:  # an unknown model is reported once, by the recipe below
        return "lora"


def recipe_form(recipe, key: str) -> dict:
    """One widget per TrainConfig field, defaults from the task's recipe, grouped by section."""
    from medtune.train.form import form_fields

    values: dict = {}
    sections: dict[str, list] = {}
    for field in form_fields(recipe):
        sections.setdefault(field.section, []).append(field)
    for section, fields in sections.items():
        with st.expander(section, expanded=section == "Training"):
            grid = st.columns(3)
            for i, field in enumerate(fields):
                with grid[i % 3]:
                    values[field.name] = ui.field_widget(field, f"train.{key}.{field.name}")
    return values


def memory_estimate(cfg) -> None:
    from medtune.models.memory import estimate
    from medtune.models.registry import get_model

    try:
        spec = get_model(cfg.model)
    except MedtuneError as err:
        ui.error_box(err)
        return
    with ui.heavy_section("torch"):
        est = estimate(spec, cfg.method, seq_len=cfg.max_length, batch_size=cfg.batch_size, lora_r=cfg.lora.r,
                       lora_targets=cfg.lora.target_modules, gradient_checkpointing=cfg.gradient_checkpointing)
    cols = st.columns(4)
    cols[0].metric("Memory needed", f"{est.total_gb:.1f} GB", help="weights + optimizer state + activations")
    cols[1].metric(f"This machine ({est.device})", f"{est.available_gb} GB" if est.available_gb else "unknown")
    cols[2].metric("Trainable parameters", f"{est.trainable_params:,}")
    cols[3].metric("Weights", f"{est.weights_gb:.2f} GB")
    return est


def machine_check(cfg, dataset: str, est):
    """One plain statement of what this machine can and cannot do with this config (medtune.train.feasibility)."""
    from medtune.models.registry import get_model
    from medtune.train.feasibility import assess

    try:
        spec = get_model(cfg.model)
        splits = ui.dataset_summary(dataset)["splits"]
    except MedtuneError as err:
        ui.error_box(err)
        return None
    train_rows = next((s["rows"] for s in splits if s["split"] == "train"), None)
    result = assess(cfg, spec, train_rows=train_rows, memory=est)
    body = "\n".join(f"- {fact}" for fact in result.facts)
    if result.can_launch:
        st.success(f"**This machine can run this job.**\n\n{body}", icon=":material/check_circle:")
    else:
        st.warning(f"**This machine cannot run this job:** {result.blocker}.\n\n{body}", icon=":material/block:")
    return result


def launch(cfg, feasibility=None) -> None:
    from medtune.train.config import dump_yaml, equivalent_command

    with st.expander("Show the equivalent command", expanded=feasibility is not None and not feasibility.can_launch):
        st.code(equivalent_command(cfg, background=True), language="bash")
        st.download_button("Download config.yaml", dump_yaml(cfg).encode("utf-8"), file_name="train_config.yaml",
                           mime="application/x-yaml", key="train_export", icon=":material/download:",
                           on_click="ignore", help="Run it anywhere with `medtune train --config train_config.yaml`.")
    blocked = feasibility is not None and not feasibility.can_launch
    if st.button("Launch training job", type="primary", key="train_launch", disabled=blocked,
                 help=f"Disabled: {feasibility.blocker}." if blocked else None):
        from medtune.jobs import manager

        with ui.errors_shown():
            job_id = manager.submit(cfg.to_dict(), background=True)
            st.session_state["train_last_job"] = job_id
    if blocked:
        st.caption(f"Launch is disabled here: {feasibility.blocker}. The config and command above run unchanged "
                   "on a GPU machine.")
    job_id = st.session_state.get("train_last_job")
    if job_id:
        st.success(f"Started job `{job_id}`. Follow its curves on the Jobs page.")
        ui.page_link("jobs.py", "Open the Jobs page", ":material/work_history:")
        run_result(job_id)


def run_result(job_id: str) -> None:
    """The finished run's validation figure, and in plain words whether it beats the majority class."""
    from medtune.io import read_json
    from medtune.jobs import manager

    with ui.errors_shown():
        evaluation = read_json(manager.get_job(job_id).dir / "eval.json", None)
    if not evaluation or evaluation.get("primary") is None:
        return
    st.metric(f"Validation {evaluation['primary_metric']} of `{job_id}`", f"{evaluation['primary']:.3f}")
    check = evaluation.get("majority") or {}
    if check.get("beats") is False:
        st.warning(f"**Not a usable model.** {check['message']}", icon=":material/warning:")
    elif check.get("beats"):
        st.caption(check["message"])


main()
