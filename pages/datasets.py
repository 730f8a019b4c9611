"""Datasets: browse the registry, preview a split with its label and length charts, prepare, upload."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
    # A dataset's licence warning shows with that dataset (render_about), not under the table whatever is
    # selected: a HealthFC warning beside another dataset read as if it applied to that one (issue 17).


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


def render_prepare(rows: list[dict[str, Any]]) -> None:
    from medtune.data.prepare import PrepareOptions

    st.caption("Cleans a dataset for one task and writes train / validation / test splits and report.json: "
               "label mapping, alignment filtering, exact and near-duplicate removal, official or seeded "
               "stratified splits, a leakage check, augmentation and balancing of the training split.")
    names = [r["name"] for r in rows if r["availability"] in (*LOCAL, "hub")] or [r["name"] for r in rows]
    cols = st.columns(3)
    name = cols[0].selectbox("Dataset", names, key="prep_dataset")
    tasks = next(r["tasks"] for r in rows if r["name"] == name)
    task = cols[1].selectbox("Task", tasks, key="prep_task")
    out_dir = Path(cols[2].text_input("Output folder", str(default_out_dir(name, task)), key=f"prep_out_{name}_{task}",
                                      help="train.jsonl, validation.jsonl, test.jsonl and report.json go here"))
    with st.form("prepare_form"):
        with st.expander("Options", expanded=False):
            values = ui.model_form(PrepareOptions, key="prep_opt", columns=3)
        submitted = st.form_submit_button("Prepare", type="primary", icon=":material/play_arrow:")
    if submitted:
        run_prepare(name, task, out_dir, values)
    report_file = out_dir / "report.json"
    if report_file.is_file():  # the file, not session state, is the record: a reload shows it again
        render_report(report_file)


def default_out_dir(name: str, task: str) -> Path:
    from medtune.settings import get_settings

    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    return get_settings().home / "prepared" / f"{safe}__{task}"


def run_prepare(name: str, task: str, out_dir: Path, values: dict[str, Any]) -> None:
    from medtune.data.prepare import PrepareOptions, prepare_dataset

    with ui.errors_shown():
        options = PrepareOptions(**values)
        with st.spinner(f"Preparing {name} for {task} …", show_time=True), \
                ui.heavy_section():
            report = prepare_dataset(name, task, out_dir, options)
        st.success(f"Prepared {name} for {task} in {report['elapsed_s']} s → `{out_dir}`", icon=":material/check:")


def render_report(report_file: Path) -> None:
    import json

    report = json.loads(report_file.read_text(encoding="utf-8"))
    st.markdown(f"#### Report: {report['dataset']} → {report['task']}")
    st.caption(f"`{report_file}`")
    for note in report.get("notes", []):
        st.info(note, icon=":material/info:")
    splits = report.get("splits", {})
    cols = st.columns(4)
    cols[0].metric("Rows loaded", f"{report['funnel']['loaded']:,}")
    for col, role in zip(cols[1:], ("train", "validation", "test")):
        col.metric(role.capitalize(), f"{splits.get(role, {}).get('rows', 0):,}")
    left, right = st.columns(2)
    with left:
        st.markdown("**Rows removed (−) or added (+) by each step**")
        st.dataframe(removal_steps(report), hide_index=True, key="prep_steps")
    with right:
        render_leakage(report.get("leakage", {}))
    left, right = st.columns(2)
    with left:
        balancing = report.get("balancing", {})
        ui.grouped_bar_chart({"before": balancing.get("before", {}), "after": balancing.get("after", {})},
                             title="Training labels, before / after balancing", key="prep_balance_chart")
        st.caption(f"Balancing method: {balancing.get('method', 'none')}")
    with right:
        render_tokens(report.get("tokenization"))
    render_report_details(report)
    st.download_button("Download report.json", report_file.read_bytes(), file_name="report.json",
                       mime="application/json", key="prep_report_json", on_click="ignore")


def removal_steps(report: dict[str, Any]) -> list[dict[str, Any]]:
    """What each step did to the row count, in the order prepare ran them (negative: rows removed)."""
    mapping = report.get("label_mapping", {})
    balance = report.get("balancing", {})
    added = report.get("augmentation", {}).get("added", 0)
    balanced = sum(balance.get("after", {}).values()) - sum(balance.get("before", {}).values()) - added
    steps = [
        ("label mapping (unmappable or missing labels)",
         -len(mapping.get("unmapped", [])) - len(mapping.get("missing_label", []))),
        ("alignment filter (conflicting labels)", -report.get("alignment", {}).get("dropped", 0)),
        ("exact duplicates", -report.get("duplicates", {}).get("dropped", 0)),
        ("near duplicates", -report.get("near_duplicates", {}).get("dropped", 0)),
        ("leakage between splits", -len(report.get("leakage", {}).get("dropped", []))),
        ("over max length", -len(report.get("over_length", {}).get("dropped", []))),
        ("augmentation (train)", added),
        (f"balancing: {balance.get('method', 'none')} (train)", balanced),
    ]
    rows, count = [], report["funnel"]["loaded"]
    for step, change in steps:
        count += change
        rows.append({"step": step, "change": change, "rows after": count})
    return rows


def render_leakage(leakage: dict[str, Any]) -> None:
    st.markdown("**Leakage check between splits**")
    after = leakage.get("after", {})
    table = [{"splits": pair.replace("|", " ↔ "), "shared texts before": leakage.get("before", {}).get(pair, {})
              .get("shared_texts", 0), "shared texts after": v["shared_texts"]} for pair, v in after.items()]
    st.dataframe(table, hide_index=True, key="prep_leakage")
    if leakage.get("ok"):
        st.success(f"No text appears in two splits ({len(leakage.get('dropped', []))} rows dropped to get there).")
    else:
        st.error("Some texts appear in more than one split (leakage mode: report only).")


def render_tokens(tokens: dict[str, Any] | None) -> None:
    if not tokens:
        st.info("No token statistics (see the notes above).")
        return
    train = tokens["splits"].get("train", {})
    bins = {f"{b['from']}–{b['to']}": b["rows"] for b in train.get("histogram", [])}
    ui.histogram(bins, title=f"Training tokens per row ({tokens['tokenizer']})", x_label="tokens",
                 key="prep_token_chart")
    st.caption(f"mean {train.get('mean')}, median {train.get('median')}, p95 {train.get('p95')}, max "
               f"{train.get('max')}; {train.get('over_max_length', 0)} rows over max length {tokens['max_length']}")


def render_report_details(report: dict[str, Any]) -> None:
    with st.expander("Label mapping, splits, conflicts and personal identifiers"):
        mapping = report.get("label_mapping", {})
        st.markdown("**Label mapping:** " + (", ".join(f"{k}: {v}" for k, v in mapping.get("counts", {}).items())
                                              or "labels used as they are"))
        st.dataframe([{"split": role, "rows": info["rows"], "source": info["source"],
                       **{f"label {k}": v for k, v in info.get("labels", {}).items()}}
                      for role, info in report.get("splits", {}).items()], hide_index=True, key="prep_splits")
        groups = report.get("alignment", {}).get("groups", [])
        if groups:
            st.markdown(f"**{len(groups)} texts with conflicting labels were dropped:**")
            st.dataframe(ui.flat_rows(groups[:200]), hide_index=True, key="prep_conflicts")
        phi = report.get("phi")
        if phi and phi.get("total"):
            kinds = ", ".join(f"{k} {v}" for k, v in phi.get("by_kind", {}).items())
            st.warning(f"Possible personal identifiers in {phi.get('rows_affected', 0)} rows: {kinds}. "
                       "Review before sharing or training.", icon=":material/privacy_tip:")


def render_upload() -> None:
    from medtune.data import uploads
    from medtune.data.tasks import TASKS

    st.caption("Bring your own CSV, TSV, JSONL, JSON or Parquet file (patient surveys, notes, reviews …). "
               "It is validated row by row and scanned for personal identifiers before it is stored; "
               "a stored file becomes the dataset `upload:<file>` in Browse and Prepare.")
    if stored := st.session_state.pop("upload_stored", None):
        st.success(stored, icon=":material/check:")
        if skipped := st.session_state.pop("upload_skipped", None):
            st.markdown("**Rows skipped**")
            ui.dataframe_with_download(skipped, filename="skipped_rows.csv", key="upload_skipped")
    file = st.file_uploader("File", type=[e.lstrip(".") for e in uploads.ALLOWED_EXTENSIONS], key="upload_file")
    task = st.selectbox("Task", list(TASKS), key="upload_task", format_func=lambda t: f"{t} — {TASKS[t].description}")
    if file is None:
        return
    if stored_as := st.session_state.get("upload_done", {}).get(file.file_id):
        # The uploader still holds the file after a rerun; offering to store it again would make a copy.
        st.info(f"{file.name} is stored as dataset **{stored_as}**. Choose another file to upload more.",
                icon=":material/check:")
        return
    with ui.errors_shown():
        columns = validated(file, task, {}, {}).columns
        mapping = mapping_selectors(task, columns, uploads.task_fields(task), uploads.option_keys(task))
        label_map = uploads.parse_pairs(st.text_input(
            "Label map (optional)", key="upload_labels", placeholder="e.g. 1=negative, 5=positive",
            help="raw label=task label, comma separated, for labels medtune does not recognise"), "label map")
        report = validated(file, task, mapping, label_map)
        render_validation(report)
        if report.valid and st.button("Store upload", type="primary", key="upload_store",
                                      icon=":material/save:"):
            stored = uploads.store_upload(file.name, file.getvalue())
            try:
                name = uploads.register_upload(stored, task, mapping, label_map=label_map)
            except Exception:
                stored.unlink(missing_ok=True)  # registration failed: leave no orphan file behind
                raise
            st.session_state["upload_stored"] = (f"Stored as `{stored}` and registered as dataset **{name}**: "
                                                 "choose it under Browse or Prepare.")
            st.session_state.setdefault("upload_done", {})[file.file_id] = name
            st.rerun()  # the dataset pickers above were drawn before the new dataset existed
        if report.can_skip_bad_rows:
            offer_valid_rows(file, task, mapping, label_map, report)


def offer_valid_rows(file: Any, task: str, mapping: dict[str, str], label_map: dict[str, str], report: Any) -> None:
    """One bad row need not block the rest: store the valid rows, and say which rows were left out."""
    from medtune.data import uploads

    skipped = len(report.error_rows)
    st.info(f"{report.valid_rows:,} rows are valid and {skipped:,} have problems (listed above). You can store "
            f"the valid rows only; the {skipped:,} skipped rows are listed with the stored dataset.",
            icon=":material/rule:")
    if not st.button(f"Store the {report.valid_rows:,} valid rows, skip {skipped:,}", key="upload_store_valid",
                     icon=":material/save:"):
        return
    with staged(file.name, file.getvalue()) as path:
        result = uploads.upload_valid_rows(path, task, mapping, label_map=label_map)
    rows = ", ".join(str(e.row) for e in result.skipped_errors[:20] if e.row is not None)
    more = " …" if result.skipped > 20 else ""
    st.session_state["upload_stored"] = (
        f"Stored {result.rows:,} valid rows as `{result.path}` and registered them as dataset **{result.name}**; "
        f"skipped {result.skipped:,} invalid rows (rows {rows}{more} of the file).")
    st.session_state["upload_skipped"] = [error_row(e) for e in result.skipped_errors]
    st.session_state.setdefault("upload_done", {})[file.file_id] = result.name
    st.rerun()


def validated(file: Any, task: str, mapping: dict[str, str], label_map: dict[str, str]) -> Any:
    """`validate_upload`, remembered per session for the same file and choices: any widget change reruns the
    whole page, and re-reading a large upload on every rerun would make the Browse tab sluggish."""
    key = (file.file_id, task, tuple(sorted(mapping.items())), tuple(sorted(label_map.items())))
    memo = st.session_state.setdefault("upload_validations", {})
    if key not in memo:
        if len(memo) > 8:
            memo.clear()
        memo[key] = validate_upload(file.name, file.getvalue(), task, mapping, label_map)
    return memo[key]


def validate_upload(filename: str, data: bytes, task: str, mapping: dict[str, str], label_map: dict[str, str]) -> Any:
    """Validate uploaded bytes without keeping them."""
    from medtune.data import uploads

    with staged(filename, data) as path:
        return uploads.validate_file(path, task, mapping, label_map=label_map)


@contextmanager
def staged(filename: str, data: bytes) -> Iterator[Path]:
    """Uploaded bytes as a file: a staging copy inside the uploads folder, removed after.

    The staging name is the sanitised file name (validation reads the format from its extension), so a name
    such as `../../x.csv` is rejected or flattened before anything touches the disk.
    """
    import tempfile

    from medtune.data import uploads
    from medtune.settings import get_settings

    safe = uploads.safe_filename(filename)
    root = get_settings().uploads_path.expanduser()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=".staging-") as staging:
        path = Path(staging) / safe
        path.write_bytes(data)
        yield path


def mapping_selectors(task: str, columns: list[str], fields: tuple[tuple[str, ...], tuple[str, ...]],
                      option_keys: tuple[str, ...]) -> dict[str, str]:
    """One column picker per task field; a column named like the field is preselected."""
    required, optional = fields
    wanted = [*required, *optional, *option_keys]
    none = "— none —"
    mapping: dict[str, str] = {}
    cols = st.columns(min(4, len(wanted)))
    for i, field in enumerate(wanted):
        guess = field if field in columns else ("text" if field == required[0] and "text" in columns else none)
        choices = [none, *columns]
        label = f"{field}{' *' if field in required else ''}"
        column = cols[i % len(cols)].selectbox(label, choices, index=choices.index(guess), key=f"upload_map_{field}",
                                              help="required" if field in required else "optional")
        if column != none:
            mapping[field] = column
    return mapping


def error_row(error: Any) -> dict[str, Any]:
    """A problem as a table row; a problem of the whole file (no row, no line) leaves those cells blank."""
    return {"row": "" if error.row is None else str(error.row), "line": "" if error.line is None else str(error.line),
            "column": error.column or "", "problem": error.message, "expected": error.expected or ""}


def render_validation(report: Any) -> None:
    cols = st.columns(3)
    cols[0].metric("Rows", f"{report.rows:,}")
    cols[1].metric("Errors", f"{report.error_count:,}")
    cols[2].metric("Format", report.format or "?")
    for warning in report.warnings:
        st.warning(warning, icon=":material/privacy_tip:")
    if report.valid:
        st.success(f"Valid for task {report.task}: {report.rows} rows.", icon=":material/check_circle:")
        if report.labels:
            ui.bar_chart(report.labels, title="Labels after mapping", key="upload_label_chart")
        return
    more = f" (first {len(report.errors)} shown)" if report.error_count > len(report.errors) else ""
    problems = "1 problem" if report.error_count == 1 else f"{report.error_count:,} problems"
    st.error(f"{problems} in this file{more}; nothing has been stored.", icon=":material/error:")
    ui.dataframe_with_download([error_row(e) for e in report.errors], filename="upload_errors.csv",
                               key="upload_errors")
    if report.unknown_labels:
        st.caption("Unknown labels (and their first rows): " + "; ".join(
            f"{label!r} rows {rows}" for label, rows in report.unknown_labels.items()) +
            ". Add them to the label map above (raw label=task label).")


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
