"""Evaluation: leaderboard with published references, one evaluation's charts, before/after comparison with
its significance, per-example drill-down, and launching evaluations as background jobs.

Evaluations are directories with eval.json + predictions.jsonl (medtune.eval.records), found under the runs
directory by `medtune.eval.leaderboard.find_evaluations` — an `eval` job writes into its own job directory
there. The page only reads those files and calls medtune.eval; it computes nothing itself.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # a page run on its own (AppTest.from_file) still finds app.ui
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from app import eval_views as ev  # noqa: E402
from app import ui  # noqa: E402
from medtune.errors import MedtuneError  # noqa: E402

VIEWS = ("Leaderboard", "One evaluation", "Compare before / after", "Launch")
REFRESH_S = 2.0


def main() -> None:
    st.title("Evaluation")
    st.caption("Every evaluation is a folder with eval.json (metrics with 95% bootstrap intervals) and "
               "predictions.jsonl. Launch new ones from **Launch**; they run as background jobs.")
    found = catalog()
    view = st.radio("View", VIEWS, horizontal=True, key="eval_view", label_visibility="collapsed")
    if view == "Launch":
        launch_view()
        return
    if not found:
        st.info("No evaluations yet. Start one under **Launch**, or run "
                "`medtune eval --model majority --dataset pubmedqa --split dev --out DIR` in a terminal "
                "(folders under the runs directory are found automatically).", icon=":material/info:")
        extra_folders()
        return
    if view == "Leaderboard":
        leaderboard_view(found)
    elif view == "One evaluation":
        single_view(found)
    else:
        compare_view(found)
    extra_folders()


# ---------------------------------------------------------------------------------------------- finding evaluations


def catalog() -> dict[str, dict[str, Any]]:
    """{directory: eval.json} of every evaluation under the runs directory and any folders added here, newest first."""
    from medtune.eval.leaderboard import find_evaluations
    from medtune.io import read_json

    roots: list[Any] = [None, *st.session_state.get("eval_extra_roots", [])]
    found: dict[str, dict[str, Any]] = {}
    for root in roots:
        for directory in find_evaluations(root):
            found.setdefault(str(directory), read_json(directory / "eval.json", {}) or {})
    return dict(sorted(found.items(), key=lambda kv: kv[1].get("timestamp") or "", reverse=True))


def extra_folders() -> None:
    with st.expander("Evaluations stored elsewhere"):
        st.caption("Evaluations written with `medtune eval --out DIR` outside the runs directory: add the folder "
                   "(or a folder above it) for this session.")
        folder = st.text_input("Folder", key="eval_extra_input")
        if st.button("Add folder", key="eval_extra_add") and folder.strip():
            path = Path(folder.strip()).expanduser()
            if not path.is_dir():
                st.error(f"{path} is not a folder on this machine.")
                return
            roots = st.session_state.setdefault("eval_extra_roots", [])
            if str(path) not in roots:
                roots.append(str(path))
            st.rerun()


def pick_evaluation(found: dict[str, dict[str, Any]], label: str, key: str, options: list[str] | None = None,
                    default: str | None = None) -> str:
    options = options or list(found)
    if st.session_state.get(key) not in options:  # a stale choice (folder gone, filter changed): start over
        st.session_state.pop(key, None)
    index = options.index(default) if default in options else 0
    return st.selectbox(label, options, index=index, key=key, format_func=lambda d: ev.eval_label(found[d], d))


# ---------------------------------------------------------------------------------------------- leaderboard


def leaderboard_view(found: dict[str, dict[str, Any]]) -> None:
    newest = next(iter(found.values()))
    tasks = sorted({e.get("task") for e in found.values() if e.get("task")})
    cols = st.columns(3)
    task = choose(cols[0], "Task", tasks, newest.get("task"), "lb_task")
    datasets = sorted({(e.get("split") or {}).get("dataset") for e in found.values()
                       if task in (ev.ALL, e.get("task"))} - {None})
    dataset = choose(cols[1], "Dataset", datasets, (newest.get("split") or {}).get("dataset"), "lb_dataset")
    splits = sorted({(e.get("split") or {}).get("split") for e in found.values()
                     if dataset in (ev.ALL, (e.get("split") or {}).get("dataset"))} - {None})
    split = choose(cols[2], "Split", splits, ev.ALL, "lb_split")
    rows = leaderboard_rows(None if task == ev.ALL else task, None if dataset == ev.ALL else dataset)
    rows = [r for r in rows if r.get("kind") == "reference" or split in (ev.ALL, r.get("split"))]
    if not rows:
        st.info("No evaluation matches these filters.")
        return
    metrics = ev.leaderboard_metrics(rows)
    st.subheader("Leaderboard")
    st.caption("Our evaluations with 95% bootstrap intervals; published results (grey in the chart) with their "
               "source. Published rows are on the official test split — compare with care when ours is another split.")
    ui.dataframe_with_download(ev.leaderboard_table(rows, metrics), filename="medtune_leaderboard.csv",
                               key="lb", column_config=number_columns(metrics))
    if metrics:
        default = "accuracy" if "accuracy" in metrics else metrics[0]
        metric = st.selectbox("Metric to chart", metrics, index=metrics.index(default), key="lb_metric")
        ev.metric_chart(rows, metric, key="lb_chart", title=f"{metric} by evaluation")


def choose(container: Any, label: str, values: list[str], default: Any, key: str) -> str:
    options = [ev.ALL, *values]
    return container.selectbox(label, options, index=options.index(default) if default in options else 0, key=key)


def leaderboard_rows(task: str | None, dataset: str | None) -> list[dict[str, Any]]:
    """medtune's leaderboard for the runs directory and each added folder, published rows once at the end."""
    from medtune.eval.leaderboard import leaderboard

    rows = leaderboard(None, dataset=dataset, task=task)  # the runs directory, published rows last
    ours = {r["dir"]: r for r in rows if r.get("kind") != "reference"}
    for root in st.session_state.get("eval_extra_roots", []):
        for row in leaderboard(root, dataset=dataset, task=task, include_references=False):
            ours.setdefault(row["dir"], row)
    return [*ours.values(), *(r for r in rows if r.get("kind") == "reference")]


def number_columns(names: list[str]) -> dict[str, Any]:
    return {n: st.column_config.NumberColumn(n, format="%.3f") for n in names}


# ---------------------------------------------------------------------------------------------- one evaluation


def single_view(found: dict[str, dict[str, Any]]) -> None:
    directory = pick_evaluation(found, "Evaluation", "one_eval")
    with ui.errors_shown():
        data = ev.evaluation(directory)
        header(data["eval"], directory)
        metrics = data["eval"].get("metrics") or {}
        if not metrics:
            st.info("This evaluation has predictions only (its split has no labels here): nothing to score.")
        else:
            metric_section(metrics, key="one")
            classification_section({"this evaluation": metrics}, key="one")
        st.subheader("Examples")
        example_explorer(ev.examples(directory), data["eval"].get("labels") or [], compared=False,
                         key="one", filename=f"{Path(directory).name}_examples.csv")


def header(evaluation: dict[str, Any], directory: str) -> None:
    split = evaluation.get("split") or {}
    model = evaluation.get("model") or {}
    facts = {"Model": ev.short_model(evaluation.get("model_ref")),
             "Kind": f"{evaluation.get('baseline_kind')} ({evaluation.get('stage')})",
             "Dataset / split": f"{split.get('dataset')}/{split.get('split')}", "Items": split.get("n_items")}
    for col, (label, value) in zip(st.columns(len(facts)), facts.items()):
        col.markdown(f"<small>{label}</small><br>**{value}**", unsafe_allow_html=True)  # long names: no truncation
    official = "official split" if split.get("official") else "not the official split"
    st.caption(f"{official}: {split.get('note', '')} · task `{evaluation.get('task')}` · "
               f"{evaluation.get('timestamp')} · `{directory}`")
    if model.get("note"):
        st.warning(model["note"], icon=":material/warning:")
    if evaluation.get("prompt"):
        prompt = evaluation["prompt"]
        st.caption(f"Prompt template `{prompt.get('id')}` version {prompt.get('version')}")


def metric_section(metrics: dict[str, Any], key: str) -> None:
    rows = ev.scalar_metrics(metrics)
    left, right = st.columns([3, 2])
    with left:
        ev.metrics_ci_chart(rows, key=f"{key}_ci_chart", title="Metrics with 95% bootstrap intervals")
    with right:
        ui.dataframe_with_download(rows, filename="metrics.csv", key=f"{key}_metrics",
                                   column_config=number_columns(["value", "ci_low", "ci_high"]))


def classification_section(metrics_by_name: dict[str, dict[str, Any]], key: str) -> None:
    """Per-class table, confusion matrices, reliability diagrams, risk–coverage and PR curves."""
    first = next(iter(metrics_by_name.values()))
    if "confusion_matrix" not in first:
        return  # a generation evaluation: its scores are in the metrics table
    for name, metrics in metrics_by_name.items():
        if len(metrics_by_name) > 1:
            st.markdown(f"**{name}**")
        ui.dataframe_with_download(ev.per_class_rows(metrics), filename=f"per_class_{key}.csv",
                                   key=f"{key}_{name}_per_class",
                                   column_config=number_columns(["precision", "recall", "f1", "fpr", "fnr"]))
    st.caption("fpr: how often items of other classes get this label (for misinformation's *false*: true "
               "statements wrongly flagged); fnr: how often this class's own items are missed.")
    cols = st.columns(len(metrics_by_name))
    for col, (name, metrics) in zip(cols, metrics_by_name.items()):
        with col:
            cm = (metrics.get("confusion_matrix") or {}).get("value")
            if cm:
                ev.confusion_heatmap(cm, key=f"{key}_{name}_cm", title=f"Confusion matrix · {name}")
            ev.reliability_chart((metrics.get("reliability") or {}).get("value"), key=f"{key}_{name}_rel",
                                 ece=(metrics.get("ece") or {}).get("value"))
    left, right = st.columns(2)
    with left:
        ev.risk_coverage_chart({n: (m.get("risk_coverage") or {}).get("value") for n, m in metrics_by_name.items()},
                               key=f"{key}_rc")
    with right:
        last = list(metrics_by_name)[-1]
        ev.pr_chart((metrics_by_name[last].get("pr_curves") or {}).get("value"), key=f"{key}_pr",
                    title="Precision–recall per class" + (f" · {last}" if len(metrics_by_name) > 1 else ""))


def example_explorer(rows: list[dict[str, Any]], labels: list[str], *, compared: bool, key: str,
                     filename: str) -> None:
    """The per-example table with its filters: error, flip, gold / predicted class, confidence."""
    classes = list(dict.fromkeys([*labels, *sorted({str(r["gold"]) for r in rows if r.get("gold") is not None})]))
    classification = any(r.get("correct") is not None for r in rows)
    cols = st.columns(5 if compared else 4)
    error = cols[0].selectbox("Errors", ev.ERRORS, key=f"{key}_f_error", disabled=not classification,
                              help="wrong / correct: by the gold label; 'no label predicted': the reply named none")
    flip = cols[-1].selectbox("Flip", ev.FLIPS, key=f"{key}_f_flip",
                              help="right→wrong: the before model was right, the after model wrong") \
        if compared else "all"
    gold = cols[1].multiselect("Gold class", classes if classification else [], key=f"{key}_f_gold",
                               placeholder="any", disabled=not classification)
    pred = cols[2].multiselect("Predicted class", classes if classification else [], key=f"{key}_f_pred",
                               placeholder="any", disabled=not classification)
    confidence = cols[3].slider("Confidence", 0.0, 1.0, (0.0, 1.0), step=0.05, key=f"{key}_f_conf",
                                help="of the (after) prediction")
    kept = ev.filter_examples(rows, error=error, flip=flip, gold=gold or None, pred=pred or None,
                              confidence=confidence)
    if compared:
        counts = ev.flip_counts(rows)
        st.markdown(f"**{len(kept)} of {len(rows)} examples shown** · {counts['wrong→right']} wrong→right · "
                    f"{counts['right→wrong']} right→wrong")
    else:
        st.markdown(f"**{len(kept)} of {len(rows)} examples shown**")
    ui.dataframe_with_download(ev.example_table(kept, compared), filename=filename, key=f"{key}_examples",
                               height=min(420, 40 + 35 * max(1, len(kept))), column_config={
                                   "input": st.column_config.TextColumn("input", width="large"),
                                   "confidence": st.column_config.NumberColumn(format="%.3f"),
                                   "confidence after": st.column_config.NumberColumn(format="%.3f"),
                                   "confidence before": st.column_config.NumberColumn(format="%.3f")})


# ---------------------------------------------------------------------------------------------- before / after


def compare_view(found: dict[str, dict[str, Any]]) -> None:
    if len(found) < 2:
        st.info("A comparison needs two evaluations of the same items: launch another one under **Launch**.")
        return
    a0, b0 = default_pair(found)
    cols = st.columns(2)
    with cols[0]:
        a = pick_evaluation(found, "A — before", "cmp_a", default=a0)
    dirs = list(found)
    same = [d for d in dirs if d != a and same_items(found[d], found[a])]
    others = [d for d in dirs if d != a and d not in same]
    with cols[1]:
        b = pick_evaluation(found, "B — after", "cmp_b", options=same + others, default=b0)
    if b not in same:
        st.warning("A and B are not on the same dataset and split: they can only be compared on shared items.")
    intersection = st.checkbox("Compare on the shared items only", key="cmp_intersection",
                               help="when the two evaluations cover different items (e.g. one used --limit)")
    try:
        result = ev.comparison(a, b, intersection)
    except MedtuneError as err:
        ui.error_box(err)
        return
    render_comparison(result, a, b)


def default_pair(found: dict[str, dict[str, Any]]) -> tuple[str, str | None]:
    """B: the newest trained run's evaluation (else the newest); A: the newest other "before" on its items,
    a zero-shot or API result first, then the majority baseline."""
    dirs = list(found)
    paired = [d for d in dirs if any(o != d and same_items(found[o], found[d]) for o in dirs)] or dirs
    b = next((d for d in paired if found[d].get("stage") == "after"), paired[0])
    peers = [d for d in dirs if d != b and same_items(found[d], found[b])]
    rank = {"zero-shot": 0, "api": 0, "majority": 1}  # an untrained head is chance level: a poor "before"
    ranked = sorted(peers, key=lambda d: (found[d].get("stage") != "before", rank.get(found[d].get("baseline_kind"), 2)))
    return (ranked[0], b) if ranked else (b, None)


def same_items(x: dict[str, Any], y: dict[str, Any]) -> bool:
    sx, sy = x.get("split") or {}, y.get("split") or {}
    return (sx.get("dataset"), sx.get("split"), x.get("task")) == (sy.get("dataset"), sy.get("split"), y.get("task"))


def render_comparison(result: dict[str, Any], a: str, b: str) -> None:
    significant, sentence = ev.significance_sentence(result)
    (st.success if significant else st.info)(sentence, icon=":material/science:")
    for note in result.get("notes") or []:
        st.warning(note, icon=":material/warning:")
    if result["kind"] == "classification":
        test = result["mcnemar"]
        cols = st.columns(4)
        cols[0].metric("Items compared", result["n_items"])
        cols[1].metric("wrong → right", test["c_a_wrong_b_right"])
        cols[2].metric("right → wrong", test["b_a_right_b_wrong"])
        cols[3].metric("McNemar p-value", ev.fmt_p(test["p_value"]), help=test["method"])
    rows = ev.paired_rows(result)
    left, right = st.columns([3, 2])
    with left:
        ui.dataframe_with_download(rows, filename="comparison.csv", key="cmp_metrics",
                                   column_config=number_columns(["A (before)", "B (after)", "Δ (B − A)", "p-value"]))
        st.caption(f"Paired bootstrap with {result['n_boot']} resamples (seed {result['seed']}): the same resampled "
                   "items for A and B. A p-value below 0.05 means a difference this large would be rare if the "
                   "two models were equally good.")
    with right:
        ev.delta_chart(rows, key="cmp_delta")
    metrics = {"A (before)": ev.evaluation(a)["eval"].get("metrics") or {},
               "B (after)": ev.evaluation(b)["eval"].get("metrics") or {}}
    if all(metrics.values()):
        classification_section(metrics, key="cmp")
    st.subheader("Examples")
    labels = ev.evaluation(b)["eval"].get("labels") or []
    example_explorer(ev.examples(b, a), labels, compared=True, key="cmp",
                     filename=f"compare_{Path(a).name}_vs_{Path(b).name}.csv")


# ---------------------------------------------------------------------------------------------- launch


def launch_view() -> None:
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
    from medtune.jobs import api

    runs = [j for j in api.list_jobs(kind="train", state="succeeded") if j.config.get("task") == task]
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
    from medtune.eval.api_models import GEMINI_HINT, OPENAI_HINT, ApiSettings

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
    from medtune.jobs import api

    config = {k: v for k, v in config.items() if v is not None}
    with ui.errors_shown():
        cfg = parse_config(config)
        job_id = api.submit(cfg.model_dump(exclude_none=True), background=True)
        st.session_state["eval_last_job"] = job_id
        st.toast(f"Evaluation job {job_id} started.")


def job_monitor() -> None:
    from medtune.jobs import api

    jobs = api.list_jobs(kind="eval", limit=10)
    if not jobs:
        return
    st.subheader("Evaluation jobs")
    active = any(j.active for j in jobs)
    st.fragment(run_every=REFRESH_S if active else None)(job_rows)(active)


def job_rows(watching: bool) -> None:
    from medtune.jobs import api, report

    jobs = api.list_jobs(kind="eval", limit=10)
    if watching and not any(j.active for j in jobs):
        st.rerun()  # the last one just ended: redraw the page once (lists and leaderboard), then stop refreshing
    for job in jobs:
        status = job.status
        cfg = job.config
        line = (f"{report.STATE_ICONS.get(job.state, '')} `{job.id}` · {ev.short_model(cfg.get('model') or cfg.get('run'))}"
                f" on {cfg.get('dataset')}/{cfg.get('split')} · {report.state_text(status)}")
        if job.active:
            st.progress(min(1.0, float(status.get("progress") or 0.0)),
                        text=f"{line} · {report.progress_text(status)}"
                             + (f" · ETA {report.format_duration(status['eta_s'])}" if status.get("eta_s") else ""))
        else:
            st.markdown(line)
            if job.state == "failed":
                st.caption(f"{status.get('message')} — {status.get('hint') or ''}")
    ui.page_link("jobs.py", "Logs and details on the Jobs page", ":material/work_history:")


main()
