"""Tables, sentences and charts for the Evaluation page, built from what medtune.eval returns.

The shaping functions are plain (no streamlit) so the page stays thin and tests can call them; the
chart functions draw plotly figures into the page. Evaluation files are read through cached loaders
keyed by the eval.json modification time, so a re-run page does not re-read or re-score anything.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from app.ui import PRIMARY

REFERENCE_COLOUR = "#94a3b8"  # published rows: grey, so our own bars stand out
BEFORE_COLOUR, AFTER_COLOUR = "#64748b", PRIMARY
ALL = "(all)"
FLIPS = ("all", "right→wrong", "wrong→right", "any flip", "no flip")
ERRORS = ("all", "wrong", "correct", "no label predicted")

# ---------------------------------------------------------------------------------------------- loading


def _mtime(directory: str | Path) -> float:
    path = Path(directory) / "eval.json"
    return path.stat().st_mtime if path.is_file() else 0.0


@st.cache_data(show_spinner=False, max_entries=64)
def _evaluation(directory: str, mtime: float) -> dict[str, Any]:
    from medtune.eval.records import load_evaluation

    return load_evaluation(directory)


def evaluation(directory: str | Path) -> dict[str, Any]:
    """`records.load_evaluation`, cached until eval.json changes."""
    return _evaluation(str(directory), _mtime(directory))


@st.cache_data(show_spinner=False, max_entries=32)
def _examples(directory: str, before: str | None, mtimes: tuple[float, float]) -> list[dict[str, Any]]:
    from medtune.eval.leaderboard import example_rows

    rows = example_rows(directory, compare_to=before)
    if before:  # the "before" side's confidence too, so a flip can be read with both models' certainty
        conf = {r["id"]: r.get("confidence") for r in evaluation(before)["predictions"]}
        for row in rows:
            row["confidence_before"] = conf.get(row["id"])
    return rows


def examples(directory: str | Path, before: str | Path | None = None) -> list[dict[str, Any]]:
    """Per-example rows (input, gold, prediction, confidence, correct; with `before`: its prediction and the flip)."""
    return _examples(str(directory), str(before) if before else None,
                     (_mtime(directory), _mtime(before) if before else 0.0))


@st.cache_data(show_spinner=False, max_entries=32)
def _comparison(a: str, b: str, intersection: bool, mtimes: tuple[float, float]) -> dict[str, Any]:
    from medtune.eval.compare import compare

    return compare(a, b, intersection=intersection)


def comparison(a: str | Path, b: str | Path, intersection: bool = False) -> dict[str, Any]:
    """`compare.compare(A, B)` (deltas are B − A), cached until either eval.json changes."""
    return _comparison(str(a), str(b), intersection, (_mtime(a), _mtime(b)))


# ---------------------------------------------------------------------------------------------- labels


def short_model(ref: Any) -> str:
    """A model reference as a person reads it: a run directory by its last two parts."""
    text = str(ref or "?")
    if "/" in text and Path(text).is_absolute():
        parts = Path(text).parts
        return "/".join(parts[-2:]) if parts[-1] in ("adapter", "model") else parts[-1]
    return text


def model_label(ev: Mapping[str, Any]) -> str:
    """An evaluation's model as people named it: a training run by the name given to it (not its id folder)."""
    from medtune.eval.leaderboard import display_name

    return short_model(display_name(dict(ev)))


def eval_label(ev: Mapping[str, Any], directory: str | Path) -> str:
    """`model · dataset/split · n items · when · folder` for pickers."""
    split = ev.get("split") or {}
    when = (ev.get("timestamp") or "")[:16].replace("T", " ")
    return (f"{model_label(ev)} · {split.get('dataset')}/{split.get('split')} · "
            f"{split.get('n_items')} items · {when} · {Path(directory).name}")


def fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    return str(value)


def fmt_p(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3g}"


def p_text(p: float | None) -> str:
    """'p = 0.042' / 'p < 0.001' for sentences."""
    text = fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def ci_text(ci: Sequence[float] | None, digits: int = 3) -> str:
    return f"[{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]" if ci else "–"


# ---------------------------------------------------------------------------------------------- tables


def scalar_metrics(metrics: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per scalar metric: value, interval, direction; unavailable metrics say why."""
    rows = []
    for name, m in metrics.items():
        if m.get("aggregation") not in ("corpus", "mean"):
            continue
        ci = m.get("ci")
        hib = m.get("higher_is_better")
        rows.append({"metric": name, "value": m.get("value"), "ci_low": ci[0] if ci else None,
                     "ci_high": ci[1] if ci else None,
                     "better": "higher" if hib else "lower" if hib is False else "–",
                     "n": m.get("n_scored", m.get("n")), "note": m.get("unavailable") or ""})
    return rows


def per_class_rows(metrics: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    table = (metrics.get("per_class") or {}).get("value") or {}
    return [{"class": label, **values} for label, values in table.items()]


def leaderboard_metrics(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Scalar metric columns present in leaderboard rows, in first-seen order (bounds excluded)."""
    fixed = {"kind", "model", "stage", "dataset", "split", "task", "n_items", "official", "timestamp", "dir",
             "source"}
    seen: dict[str, None] = {}
    for row in rows:
        for key, value in row.items():
            if key not in fixed and not key.endswith(("_lo", "_hi")) and isinstance(value, (int, float)):
                seen.setdefault(key, None)
    return list(seen)


def leaderboard_table(rows: Sequence[Mapping[str, Any]], metrics: Sequence[str]) -> list[dict[str, Any]]:
    """Display rows: who, where, each metric with its interval, and the source of published rows."""
    out = []
    for row in rows:
        ours = row.get("kind") != "reference"
        source = row.get("source") if not ours else " · ".join(
            p for p in ("this machine", row.get("source"), Path(str(row.get("dir", ""))).name) if p)
        name = short_model(row.get("model")) + (f" ({row['quantize']} weights)" if row.get("quantize") else "")
        item: dict[str, Any] = {"model": name, "kind": row.get("kind"), "source": source,
                                "stage": row.get("stage") or "", "dataset": row.get("dataset"),
                                "split": row.get("split"), "items": row.get("n_items"),
                                "official split": row.get("official")}
        for name in metrics:
            item[name] = row.get(name)
            if ours:
                lo, hi = row.get(f"{name}_lo"), row.get(f"{name}_hi")
                item[f"{name} 95% CI"] = ci_text((lo, hi)) if lo is not None and hi is not None else "–"
            else:
                item[f"{name} 95% CI"] = "published"
        out.append(item)
    return out


def filter_examples(rows: Sequence[Mapping[str, Any]], *, error: str = "all", flip: str = "all",
                    gold: Sequence[str] | None = None, pred: Sequence[str] | None = None,
                    confidence: tuple[float, float] = (0.0, 1.0)) -> list[dict[str, Any]]:
    """Per-example rows kept by the page's filters; a row without a confidence passes the confidence filter
    only when the filter is left at its full range."""
    lo, hi = confidence
    full = lo <= 0.0 and hi >= 1.0
    kept = []
    for row in rows:
        if error == "wrong" and row.get("correct") is not False:
            continue
        if error == "correct" and row.get("correct") is not True:
            continue
        if error == "no label predicted" and row.get("pred") is not None:
            continue
        f = row.get("flip", "none")
        if (flip in ("right→wrong", "wrong→right") and f != flip) or (flip == "any flip" and f == "none") \
                or (flip == "no flip" and f != "none"):
            continue
        if gold is not None and row.get("gold") not in gold:
            continue
        if pred is not None and row.get("pred") not in pred:
            continue
        conf = row.get("confidence")
        if not full and (conf is None or not lo <= conf <= hi):
            continue
        kept.append(dict(row))
    return kept


def example_table(rows: Sequence[Mapping[str, Any]], compared: bool) -> list[dict[str, Any]]:
    """Column order for people: what happened first, the long input last."""
    cols = (["id", "flip", "gold", "pred_before", "confidence_before", "pred", "confidence", "correct", "input"]
            if compared else ["id", "gold", "pred", "confidence", "correct", "input"])
    renamed = {"pred": "prediction after" if compared else "prediction", "confidence": "confidence after"
               if compared else "confidence", "pred_before": "prediction before",
               "confidence_before": "confidence before", "correct": "correct after" if compared else "correct"}
    return [{renamed.get(c, c): row.get(c) for c in cols} for row in rows]


def paired_rows(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per compared metric: A, B, B − A with its interval and p-value, the test used."""
    rows = []
    for name, m in (result.get("metrics") or {}).items():
        rows.append({"metric": name, "A (before)": m.get("a"), "B (after)": m.get("b"), "Δ (B − A)": m.get("delta"),
                     "Δ 95% CI": ci_text(m.get("ci")), "p-value": m.get("p_value"),
                     "test": m.get("test") or "paired bootstrap",
                     "better": "higher" if m.get("higher_is_better") else "lower"
                     if m.get("higher_is_better") is False else "–"})
    return rows


def significance_sentence(result: Mapping[str, Any]) -> tuple[bool, str]:
    """(significant?, one plain sentence) for a comparison: which side is better, by how much, how sure."""
    a, b = model_label(result["a"]), model_label(result["b"])
    alpha = result.get("alpha", 0.05)
    if result.get("kind") == "classification":
        acc = result["metrics"]["accuracy"]
        test = result["mcnemar"]
        where = (f"accuracy {acc['a']:.3f} (A, {a}) → {acc['b']:.3f} (B, {b}), Δ {acc['delta']:+.3f} "
                 f"(95% CI {ci_text(acc.get('ci'))})")
        counts = (f"{test['c_a_wrong_b_right']} items went wrong→right and {test['b_a_right_b_wrong']} "
                  f"right→wrong; McNemar ({test['method']}) {p_text(test['p_value'])}")
        boot_p = acc.get("p_value")
        if result.get("significant"):
            better = "B" if acc["delta"] > 0 else "A"
            name = b if better == "B" else a
            sentence = (f"**{better} ({name}) is significantly more accurate** at the {alpha:g} level: "
                        f"{where}. {counts}.")
        else:
            sentence = (f"**No significant difference** in accuracy at the {alpha:g} level: {where}. {counts}; "
                        "the difference may be chance.")
        if boot_p is not None and (boot_p < alpha) != bool(result.get("significant")):
            # Both tests are reported; say so when they land on opposite sides of the threshold.
            sentence += (f" The paired bootstrap of accuracy gives {p_text(boot_p)}: the two tests disagree, "
                         "so treat the evidence as borderline.")
        return bool(result.get("significant")), sentence
    sig = [(n, m) for n, m in (result.get("metrics") or {}).items()
           if m.get("p_value") is not None and m["p_value"] < alpha]
    if not sig:
        return False, (f"**No significant difference** in any generation score at the {alpha:g} level "
                       "(paired bootstrap).")
    parts = [f"{n} {m['a']:.3f} → {m['b']:.3f} ({p_text(m['p_value'])})" for n, m in sig]
    return True, "**Significant differences** (paired bootstrap): " + "; ".join(parts) + "."


def flip_counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts = {"right→wrong": 0, "wrong→right": 0}
    for row in rows:
        if row.get("flip") in counts:
            counts[row["flip"]] += 1
    return counts


# ---------------------------------------------------------------------------------------------- charts


#: Room under the x axis for a horizontal legend (two rows of entries).
LEGEND_SPACE_PX = 60


def _show(fig: Any, key: str, title: str, x: str, y: str, height: int = 340) -> None:
    """Title on top, legend at the bottom of the figure (under the x-axis title): a legend placed above the
    plot, beside a long title, drew over it (issue 21.4)."""
    legend = len(fig.data) > 1 or any(getattr(trace, "showlegend", None) for trace in fig.data)
    fig.update_layout(title=title or None, xaxis_title=x, yaxis_title=y, height=height + (LEGEND_SPACE_PX if legend else 0),
                      margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10 + (LEGEND_SPACE_PX if legend else 0)},
                      showlegend=legend,
                      legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0,
                              "xanchor": "left"})
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def metric_chart(rows: Sequence[Mapping[str, Any]], metric: str, *, key: str, title: str = "") -> None:
    """Bars of one metric with bootstrap-interval error bars for our evaluations; published rows in grey."""
    import plotly.graph_objects as go

    ours = [r for r in rows if r.get("kind") != "reference" and r.get(metric) is not None]
    refs = [r for r in rows if r.get("kind") == "reference" and r.get(metric) is not None]
    fig = go.Figure()
    if ours:
        names = [f"{short_model(r.get('model'))} · {r.get('split')}" for r in ours]
        if len(set(names)) < len(names):  # the same model twice: tell the bars apart by their folders
            names = [f"{n} · {Path(str(r.get('dir'))).name}" for n, r in zip(names, ours)]
        values = [r[metric] for r in ours]
        fig.add_bar(x=names, y=values, name="this machine (95% CI)", marker_color=PRIMARY,
                    text=[f"{v:.3f}" for v in values], textposition="inside", insidetextanchor="start",
                    error_y=_errors(ours, metric))
    if refs:
        fig.add_bar(x=[f"{r['model']} (published)" for r in refs], y=[r[metric] for r in refs],
                    name="published reference (official test split)", marker_color=REFERENCE_COLOUR,
                    text=[f"{r[metric]:.3f}" for r in refs], textposition="inside", insidetextanchor="start",
                    hovertext=[f"{r.get('split')} split · {r.get('source')}" for r in refs])
    fig.update_layout(bargap=0.6 if len(fig.data) and len(ours) + len(refs) < 4 else 0.2)
    _show(fig, key, title, "", metric)


def _errors(rows: Sequence[Mapping[str, Any]], metric: str) -> dict[str, Any]:
    up = [(r.get(f"{metric}_hi") - r[metric]) if r.get(f"{metric}_hi") is not None else 0 for r in rows]
    down = [(r[metric] - r.get(f"{metric}_lo")) if r.get(f"{metric}_lo") is not None else 0 for r in rows]
    return {"type": "data", "symmetric": False, "array": up, "arrayminus": down, "color": "#0f172a"}


def metrics_ci_chart(rows: Sequence[Mapping[str, Any]], *, key: str, title: str = "") -> None:
    """Scalar metrics of one evaluation with their intervals (metrics on a 0–1 scale only)."""
    import plotly.graph_objects as go

    shown = [r for r in rows if r["value"] is not None and 0 <= r["value"] <= 1]
    fig = go.Figure()
    fig.add_bar(x=[r["metric"] for r in shown], y=[r["value"] for r in shown], marker_color=PRIMARY,
                text=[f"{r['value']:.3f}" for r in shown], textposition="inside", insidetextanchor="start",
                error_y={"type": "data", "symmetric": False, "color": "#0f172a",
                         "array": [(r["ci_high"] - r["value"]) if r["ci_high"] is not None else 0 for r in shown],
                         "arrayminus": [(r["value"] - r["ci_low"]) if r["ci_low"] is not None else 0 for r in shown]})
    fig.update_yaxes(range=[0, 1.05])
    _show(fig, key, title, "", "value (95% bootstrap CI)")


def delta_chart(rows: Sequence[Mapping[str, Any]], *, key: str) -> None:
    """Paired differences B − A with their intervals: a bar crossing zero is not a clear difference."""
    import plotly.graph_objects as go

    shown = [r for r in rows if r["Δ (B − A)"] is not None]
    ci = [_parse_ci(r["Δ 95% CI"]) for r in shown]
    fig = go.Figure()
    fig.add_bar(y=[r["metric"] for r in shown], x=[r["Δ (B − A)"] for r in shown], orientation="h",
                marker_color=[PRIMARY if r["Δ (B − A)"] >= 0 else "#b91c1c" for r in shown],
                hovertemplate="%{y}: Δ %{x:+.3f}<extra></extra>",
                error_x={"type": "data", "symmetric": False, "color": "#0f172a",
                         "array": [(c[1] - r["Δ (B − A)"]) if c else 0 for r, c in zip(shown, ci)],
                         "arrayminus": [(r["Δ (B − A)"] - c[0]) if c else 0 for r, c in zip(shown, ci)]})
    fig.add_vline(x=0, line_color="#0f172a", line_width=1)
    _show(fig, key, "Paired differences B − A (95% CI)", "difference", "", height=80 + 50 * max(1, len(shown)))


def _parse_ci(text: str) -> tuple[float, float] | None:
    if not text.startswith("["):
        return None
    lo, hi = text.strip("[]").split(",")
    return float(lo), float(hi)


def confusion_heatmap(cm: Mapping[str, Any], *, key: str, title: str = "Confusion matrix") -> None:
    import plotly.graph_objects as go

    labels = [str(x) for x in cm["labels"]]
    matrix = cm["matrix"]
    fig = go.Figure(go.Heatmap(z=matrix, x=labels, y=labels, colorscale="Teal", text=matrix,
                               texttemplate="%{text}", hovertemplate="gold %{y} → predicted %{x}: %{z}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    _show(fig, key, title, "predicted", "gold", height=120 + 45 * len(labels))
    if cm.get("invalid_predictions"):
        st.caption(f"{cm['invalid_predictions']} predictions named no label (counted wrong, not shown above).")


def reliability_chart(bins: Sequence[Mapping[str, Any]] | None, *, key: str, ece: float | None = None) -> None:
    """Accuracy against mean confidence per bin; the diagonal is perfect calibration."""
    import plotly.graph_objects as go

    if not bins:
        st.caption("No reliability diagram: the model gave no confidence scores.")
        return
    used = [b for b in bins if b["count"]]
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration",
                    line={"dash": "dash", "color": REFERENCE_COLOUR})
    fig.add_bar(x=[(b["lo"] + b["hi"]) / 2 for b in used], y=[b["accuracy"] for b in used], width=0.09,
                name="accuracy in bin", marker_color=PRIMARY, customdata=[b["count"] for b in used],
                hovertemplate="confidence %{x:.2f}: accuracy %{y:.3f} (%{customdata} items)<extra></extra>")
    fig.add_scatter(x=[b["confidence"] for b in used], y=[b["confidence"] for b in used], mode="markers",
                    name="mean confidence", marker={"color": "#0f172a", "size": 7})
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.05])
    title = "Reliability diagram" + (f" (ECE {ece:.3f})" if ece is not None else "")
    _show(fig, key, title, "confidence", "accuracy")


def risk_coverage_chart(curves: Mapping[str, Mapping[str, Sequence[float]] | None], *, key: str) -> None:
    """Accuracy when answering only the most confident share of items, one line per evaluation."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for name, curve in curves.items():
        if curve:
            fig.add_scatter(x=curve["coverage"], y=curve["accuracy"], mode="lines", name=name)
    if not fig.data:
        st.caption("No risk–coverage curve: the model gave no confidence scores.")
        return
    fig.update_xaxes(range=[0, 1])
    _show(fig, key, "Risk–coverage: accuracy on the most confident items", "coverage (share answered)",
          "accuracy")


def pr_chart(curves: Mapping[str, Mapping[str, Sequence[float]]] | None, *, key: str,
             title: str = "Precision–recall per class") -> None:
    import plotly.graph_objects as go

    if not curves:
        st.caption("No precision–recall curves: the model gave no class probabilities.")
        return
    fig = go.Figure()
    for label, curve in curves.items():
        fig.add_scatter(x=curve["recall"], y=curve["precision"], mode="lines", name=str(label))
    _show(fig, key, title, "recall", "precision")
