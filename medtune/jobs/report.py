"""How jobs are shown, shared by the CLI and the Jobs page: state labels, durations, table rows, curves."""

from __future__ import annotations

import time
from typing import Any

STATE_COLOURS = {
    "queued": "gray",
    "running": "blue",
    "succeeded": "green",
    "failed": "red",
    "cancelled": "orange",
}
STATE_ICONS = {"queued": "⏳", "running": "▶️", "succeeded": "✅", "failed": "❌", "cancelled": "⏹️"}
CURVE_KEYS = ("loss", "val_loss", "val_metric", "eval_loss", "lr", "tokens_per_s")


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


def job_row(job: Any) -> dict[str, Any]:
    """One row of the job table (a `medtune.jobs.api.Job`)."""
    status = job.status
    return {
        "id": job.id,
        "state": state_text(status),
        "kind": job.kind,
        "name": job.name,
        "group": job.group or "",
        "progress": progress_text(status),
        "loss": _number(status.get("loss")),
        "val_metric": _number(status.get("val_metric")),
        "eta": format_duration(status.get("eta_s")) if job.active else "",
        "created": format_time(status.get("created_at")),
    }


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
        xaxis_title="step", yaxis_title="loss", height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis2={"title": "validation metric", "overlaying": "y", "side": "right", "showgrid": False},
        legend={"orientation": "h"}, uirevision="keep",  # zoom and hidden traces survive each refresh
    )
    return fig
