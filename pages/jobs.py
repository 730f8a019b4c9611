"""Jobs: every job with its state; one job's live curves, progress, ETA, log, config and reproducibility record.

The page only reads job directories through medtune.jobs.manager (the selected job is kept in the URL), so a
reload, a second browser or a restarted server shows the same jobs; cancel / resume / clone write to them.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # a page run on its own (AppTest.from_file) still finds app.ui
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from app import ui  # noqa: E402
from medtune.errors import MedtuneError, title_for, ui_hint_for  # noqa: E402
from medtune.jobs import manager, report  # noqa: E402

REFRESH_S = 2.0


def main() -> None:
    st.title("Jobs")
    st.caption("Jobs run in their own processes: closing or reloading this page does not affect them.")
    jobs_table()
    job_id = pick_job()
    if job_id:
        show_job(job_id)


@st.fragment(run_every=REFRESH_S)
def jobs_table() -> None:
    jobs = manager.list_jobs()
    ids = [job.id for job in jobs]
    if st.session_state.setdefault("jobs_seen", ids) != ids:
        st.session_state["jobs_seen"] = ids
        st.rerun()  # a job was added or removed elsewhere: redraw the picker too, not just this table
    if not jobs:
        st.info("No jobs yet. Launch one from the Train page, or run `medtune jobs selftest` in a terminal.")
        return
    groups = sorted({job.group for job in jobs if job.group})
    if groups:  # sweeps: show one group's jobs side by side
        group = st.selectbox("Group", ["(all jobs)", *groups], key="jobs_group")
        jobs = [job for job in jobs if group == "(all jobs)" or job.group == group]
    rows = [report.job_row(job) for job in jobs]  # the state starts with a glyph any font draws (no emoji)
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"id": st.column_config.TextColumn("id", width="medium"),
                                "val_metric": st.column_config.TextColumn("validation metric"),
                                "eta": st.column_config.TextColumn("ETA / phase")})


def pick_job() -> str | None:
    jobs = manager.list_jobs()
    if not jobs:
        return None
    ids = [job.id for job in jobs]
    names = {job.id: f"{job.id} · {job.name} · {report.state_text(job.status)}" for job in jobs}
    wanted = st.query_params.get("job")
    index = ids.index(wanted) if wanted in ids else 0
    job_id = st.selectbox("Job", ids, index=index, format_func=names.get)
    if job_id != wanted:
        st.query_params["job"] = job_id  # the URL keeps the selection across reloads
    return job_id


def show_job(job_id: str) -> None:
    job = manager.get_job(job_id)
    # Refresh only while there is something to watch; a finished job is drawn once.
    st.fragment(run_every=REFRESH_S if job.active else None)(job_detail)(job_id, job.active)


def job_detail(job_id: str, watching: bool = False) -> None:
    job = manager.get_job(job_id)
    if watching and not job.active:
        st.rerun()  # it just ended: redraw the whole page once, which also stops this refresh
    status = job.status
    colour = ui.STATUS_COLORS.get(job.state, "gray")
    st.subheader(job.name)
    st.badge(report.state_text(status), color=colour)
    if job.state == "failed":
        reason = status.get("reason")
        st.error(f"**{title_for(reason)}**: {status.get('message')}\n\n{ui_hint_for(reason, status.get('hint'))}")
    elif job.state == "cancelled":
        st.warning(status.get("message") or "cancelled")
    if job.state == "succeeded" and status.get("reconciled"):
        st.info(status.get("message"), icon=":material/build:")
    progress_line(status, job.active)
    live_numbers(status)
    validation_section(status)
    metrics = manager.metrics(job.dir)
    if report.curves(metrics):
        st.plotly_chart(report.curves_figure(metrics), width="stretch", key=f"curves-{job_id}")
    else:
        st.caption("No metrics yet.")
    actions(job)
    details(job)


def progress_line(status: dict, active: bool) -> None:
    text = f"step {report.progress_text(status)}"
    phase = report.phase_text(status)
    if phase:  # e.g. scoring thousands of validation rows after the last step: its own progress, no ETA 0 s
        st.progress(min(1.0, max(0.0, float(status.get("progress") or 0.0))), text=text + " · training done")
        st.progress(report.phase_fraction(status) or 0.0, text=phase)
        return
    if active and status.get("eta_s") is not None:
        text += f" · ETA {report.format_duration(status['eta_s'])}"
    elif not active and report.duration_s(status) is not None:
        text += f" · took {report.format_duration(report.duration_s(status))}"
    st.progress(min(1.0, max(0.0, float(status.get("progress") or 0.0))), text=text)


def live_numbers(status: dict) -> None:
    name, value, _ = report.validation_figures(status)
    fields = [("loss", "loss"), ("lr", "learning rate"), ("val_metric", f"validation {name or 'metric'}"),
              ("tokens_per_s", "tokens/s"), ("rss_mb", "memory (MB)"), ("gpu_mem_mb", "GPU memory (MB)")]
    status = {**status, "val_metric": value}
    shown = [(key, label) for key, label in fields if status.get(key) is not None]
    if not shown:
        return
    for column, (key, label) in zip(st.columns(len(shown)), shown):
        value = status[key]
        column.metric(label, f"{value:.4g}" if isinstance(value, float) else str(value))


def validation_section(status: dict) -> None:
    """Every validation figure the run computed (accuracy, F1 per class ...), not only the one in the table."""
    name, _, metrics = report.validation_figures(status)
    shown = {k.removeprefix("eval_"): v for k, v in metrics.items()
             if not k.endswith(("_runtime", "_per_second", "steps_per_second")) and k != "epoch"}
    if not shown:
        return
    st.markdown("**Validation**" + (f" · judged by `{name}`" if name else ""))
    cols = st.columns(min(6, len(shown)))
    for i, (key, value) in enumerate(shown.items()):
        cols[i % len(cols)].metric(key.replace("_", " "), f"{value:.4g}" if isinstance(value, float) else str(value))


def actions(job: manager.Job) -> None:
    left, middle, right = st.columns(3)
    if job.active and left.button("Cancel", key=f"cancel-{job.id}", icon=":material/stop:"):
        run_action(lambda: manager.cancel(job.id), "Cancel requested: the job stops at its next step.")
    resumable, note = report.resume_choice(job)
    if resumable and middle.button("Resume", key=f"resume-{job.id}", icon=":material/play_arrow:", help=note):
        run_action(lambda: manager.resume(job.id), "Resumed: it " + note.split("` ", 1)[-1])
    if note:
        middle.caption(note)
    with right.popover("Clone with one change", icon=":material/content_copy:"):
        fields = [key for key in job.config if key not in ("kind", "name")]
        field = st.selectbox("Field", fields, key=f"clone-field-{job.id}") if fields else None
        value = st.text_input("New value (YAML)", key=f"clone-value-{job.id}-{field}",
                              value=str(job.config.get(field, "")) if field else "")
        if field and st.button("Launch clone", key=f"clone-{job.id}"):
            run_action(lambda: manager.clone(job.id, manager.parse_changes([f"{field}={value}"])), "Clone launched.")


def run_action(action, done: str) -> None:
    try:
        result = action()
    except MedtuneError as err:
        ui.error_box(err)
        return
    if isinstance(result, str):
        st.query_params["job"] = result
    st.toast(done)
    st.rerun()


def details(job: manager.Job) -> None:
    log_tab, config_tab, repro_tab, status_tab = st.tabs(["Log", "Config", "Reproducibility", "Status"])
    with log_tab:
        tail, warnings = report.clean_log(manager.log_tail(job.dir, 50_000))  # no colour codes, warnings folded
        st.code("\n".join(tail.splitlines()[-40:]) or "(empty)", language=None)  # newest lines in view
        with st.expander("More of the log"):
            st.code(tail or "(empty)", language=None, height=500)
        if warnings:
            with st.expander(f"Library warnings ({sum(n for _, n in warnings)}, folded out of the log)"):
                st.code("\n".join(f"{n}× {text}" if n > 1 else text for text, n in warnings), language=None)
        st.caption(f"Full log: `{job.dir / 'log.txt'}` or `medtune jobs logs {job.id}`")
    with config_tab:
        st.json(job.config)
    with repro_tab:
        record = manager.repro(job.dir)
        if record:
            st.json(record)
        else:
            st.caption("This job wrote no reproducibility record (repro.json).")
    with status_tab:
        st.json(job.status)
        st.caption(f"Directory: `{job.dir}`")


main()
