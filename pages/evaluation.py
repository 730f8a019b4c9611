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

from app import eval_launch  # noqa: E402
from app import eval_views as ev  # noqa: E402
from app import ui  # noqa: E402
from medtune.errors import MedtuneError  # noqa: E402

VIEWS = ("Leaderboard", "One evaluation", "Compare before / after", "Launch")


def main() -> None:
    st.title("Evaluation")
    st.caption("Every evaluation is a folder with eval.json (metrics with 95% bootstrap intervals) and "
               "predictions.jsonl. Launch new ones from **Launch**; they run as background jobs.")
    found = catalog()
    view = st.radio("View", VIEWS, horizontal=True, key="eval_view", label_visibility="collapsed")
    if view == "Launch":
        eval_launch.render()
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
    columns = {**number_columns(metrics), "source": st.column_config.TextColumn("source", width="medium")}
    ui.dataframe_with_download(ev.leaderboard_table(rows, metrics), filename="medtune_leaderboard.csv", key="lb",
                               column_config=columns, missing="–")
    for row in rows:  # issue 15: a model no better than the majority class is said to be so, in words
        if row.get("below_majority"):
            st.warning(f"**{ev.short_model(row.get('model'))}** on {row.get('dataset')}/{row.get('split')}: "
                       f"{row['below_majority']}", icon=":material/warning:")
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
    facts = {"Model": ev.model_label(evaluation),
             "Kind": f"{evaluation.get('baseline_kind')} ({evaluation.get('stage')})",
             "Dataset / split": f"{split.get('dataset')}/{split.get('split')}", "Items": split.get("n_items")}
    for col, (label, value) in zip(st.columns(len(facts)), facts.items()):
        col.markdown(f"<small>{label}</small><br>**{value}**", unsafe_allow_html=True)  # long names: no truncation
    official = "official split" if split.get("official") else "not the official split"
    st.caption(f"{official}: {split.get('note', '')} · task `{evaluation.get('task')}` · "
               f"{evaluation.get('timestamp')} · `{directory}`")
    if model.get("note"):
        st.warning(model["note"], icon=":material/warning:")
    from medtune.eval.majority import below_majority

    if below_majority(evaluation):
        st.warning(below_majority(evaluation), icon=":material/warning:")
    if model.get("quantize"):
        st.info(f"Weights quantised to {model['quantize']} for speed: the probabilities are close to, not the same "
                "as, the float32 model's (agreement measured in docs/EVALUATION.md).", icon=":material/speed:")
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
    if compared and classification:
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
    ranked = sorted(peers, key=lambda d: (found[d].get("stage") != "before",
                                          rank.get(found[d].get("baseline_kind"), 2)))
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


main()
