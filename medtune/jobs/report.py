"""How jobs are shown, shared by the CLI and the Jobs page: state labels, durations, table rows, curves, the
log as a person reads it, and what a resume would do."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

STATE_COLOURS = {
    "queued": "gray",
    "running": "blue",
    "succeeded": "green",
    "failed": "red",
    "cancelled": "orange",
}
#: Plain Unicode glyphs that DejaVu Sans (Debian's default font) draws: colour emoji (⏳ ✅ ❌ ...) need an emoji
#: font that an offline machine often lacks, and then render as empty boxes. No U+FE0F variation selector
#: either, which would ask for the emoji form again.
STATE_ICONS = {"queued": "○", "running": "▶", "succeeded": "✓", "failed": "✗", "cancelled": "■"}
CURVE_KEYS = ("loss", "val_loss", "val_metric", "eval_loss", "lr", "tokens_per_s")
#: Failures a resume cannot fix: the config is immutable, and data / model problems happen before step 1.
NOT_RESUMABLE = {"CONFIG": "the job's config is invalid, and a resume reuses it unchanged",
                 "DATA": "the data failed its checks before training started",
                 "NOT_AVAILABLE": "the model or data was not available before training started"}


def state_text(status: dict[str, Any]) -> str:
    """`running`, `succeeded`, `failed: OOM` ... — the state with its reason when there is one."""
    state = str(status.get("state"))
    reason = status.get("reason")
    return f"{state}: {reason}" if reason and state == "failed" else state


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(round(float(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def format_time(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp)) if stamp else "-"


def progress_text(status: dict[str, Any]) -> str:
    step, total = status.get("step"), status.get("total_steps")
    if total:
        return f"{step or 0}/{total} ({100 * float(status.get('progress') or 0):.0f}%)"
    return str(step or 0)


def phase_text(status: dict[str, Any]) -> str | None:
    """`evaluating validation (640 / 2101)` while a job is in a phase other than its training steps."""
    phase = status.get("phase")
    if not phase or status.get("state") not in ("queued", "running"):
        return None
    done, total = status.get("phase_done"), status.get("phase_total")
    return f"{phase} ({done} / {total})" if total else str(phase)


def phase_fraction(status: dict[str, Any]) -> float | None:
    done, total = status.get("phase_done"), status.get("phase_total")
    if phase_text(status) and total:
        return min(1.0, max(0.0, float(done or 0) / float(total)))
    return None


def duration_s(status: dict[str, Any], now: float | None = None) -> float | None:
    """Seconds the job ran (so far, while it runs)."""
    started = status.get("started_at")
    if not started:
        return None
    end = status.get("ended_at") or (now or time.time())
    return max(0.0, float(end) - float(started))


def validation_figures(status: dict[str, Any]) -> tuple[str | None, float | None, dict[str, float]]:
    """(metric name, value, every scalar validation metric) from the status; older runs kept them in `result`."""
    result = status.get("result") if isinstance(status.get("result"), dict) else {}
    name = status.get("val_metric_name") or result.get("primary_metric")
    value = status.get("val_metric")
    if value is None and isinstance(result.get("primary"), (int, float)):
        value = result["primary"]
    metrics = status.get("val_metrics") or {k: v for k, v in (result.get("metrics") or {}).items()
                                             if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return name, value, {k: v for k, v in metrics.items() if not str(k).startswith("eval_runtime")}


def last_loss(job_dir: Path) -> float | None:
    """The last training loss in metrics.jsonl (jobs that finished before the status kept it)."""
    from medtune.jobs.store import read_metrics

    losses = [row["loss"] for row in read_metrics(job_dir) if isinstance(row.get("loss"), (int, float))]
    return losses[-1] if losses else None


def job_row(job: Any) -> dict[str, Any]:
    """One row of the job table (a `medtune.jobs.manager.Job`)."""
    status = job.status
    loss = status.get("loss")
    if loss is None and not job.active and job.kind == "train":
        loss = last_loss(job.dir)
    name, value, _ = validation_figures(status)
    if job.active:
        eta = phase_text(status) or format_duration(status.get("eta_s"))
    else:
        eta = "done" if job.state == "succeeded" else ""
    return {
        "id": job.id,
        "state": f"{STATE_ICONS.get(job.state, '?')} {state_text(status)}",
        "kind": job.kind,
        "name": job.name,
        "group": job.group or "",
        "progress": progress_text(status),
        "loss": _number(loss),
        "val_metric": f"{_number(value)} ({name})" if value is not None and name else _number(value),
        "eta": eta,
        "duration": format_duration(duration_s(status)) if status.get("started_at") else "",
        "created": format_time(status.get("created_at")),
    }


def resume_choice(job: Any) -> tuple[bool, str]:
    """(offer Resume?, what it would do, or why not) for a failed or cancelled job."""
    from medtune.jobs.store import resume_hint

    status = job.status
    if job.state not in ("failed", "cancelled"):
        return False, ""
    if status.get("incomplete"):
        return False, "Nothing ran in this folder, so there is nothing to resume: " + str(status.get("hint") or "")
    why = NOT_RESUMABLE.get(str(job.reason))
    if why:
        return False, (f"Resume would fail the same way: {why}. Fix the cause (see the hint), then launch a new "
                       "job, or clone this one with a change.")
    return True, resume_hint(job.dir)


# --- the log as a person reads it -------------------------------------------------------------------------

# CSI sequences (colours, cursor moves: ESC [ ... final byte) and OSC sequences (ESC ] ... BEL or ESC \).
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_WARNING = re.compile(r"^(?P<where>\S.*?:\d+): (?P<category>\w*Warning): (?P<message>.*)$")


def strip_ansi(text: str) -> str:
    """The text without terminal colour and cursor codes; a carriage-return progress line keeps its last state."""
    text = _ANSI.sub("", text)
    return "\n".join(line.rsplit("\r", 1)[-1] if "\r" in line.rstrip("\r") else line.rstrip("\r")
                     for line in text.split("\n"))


def clean_log(text: str) -> tuple[str, list[tuple[str, int]]]:
    """(the log without colour codes and library warnings, [(warning, times seen)]).

    Python prints a warning as `file.py:123: FutureWarning: message` followed by the indented source line that
    raised it; both are folded out of the log and counted, so the job's own lines are what remains."""
    kept: list[str] = []
    warnings: Counter[str] = Counter()
    skip_source = False
    for line in strip_ansi(text).split("\n"):
        match = _WARNING.match(line)
        if match:
            warnings[f"{match['category']}: {match['message']} ({Path(match['where'].rsplit(':', 1)[0]).name})"] += 1
            skip_source = True
            continue
        if skip_source and line.startswith((" ", "\t")):
            skip_source = False
            continue
        skip_source = False
        kept.append(line)
    return "\n".join(kept), warnings.most_common()


def _number(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def curves(metrics: list[dict[str, Any]]) -> dict[str, tuple[list[float], list[float]]]:
    """{metric: (steps, values)} for the numeric metrics worth plotting, in step order."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    for row in metrics:
        step = row.get("step")
        if step is None:
            continue
        for key in CURVE_KEYS:
            value = row.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                xs, ys = out.setdefault(key, ([], []))
                xs.append(step)
                ys.append(value)
    return out


def curves_figure(metrics: list[dict[str, Any]], keys: tuple[str, ...] = ("loss", "val_loss", "val_metric")):
    """A plotly figure of the training curves (loss on the left axis, validation metric on the right)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for key, (xs, ys) in curves(metrics).items():
        if key in keys:
            axis = "y2" if key == "val_metric" else "y"
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers" if len(xs) < 50 else "lines",
                                     name=key, yaxis=axis))
    fig.update_layout(
        xaxis_title="step", yaxis_title="loss", height=380, margin={"l": 10, "r": 10, "t": 30, "b": 70},
        yaxis2={"title": "validation metric", "overlaying": "y", "side": "right", "showgrid": False},
        # at the bottom of the figure, under the x-axis title: never over a title or the curves
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        uirevision="keep",  # zoom and hidden traces survive each refresh
    )
    return fig
