"""Small shared widgets for the pages: badges, charts, tables with CSV export, error boxes, config forms.

Importing this module is cheap (streamlit only); pandas and plotly are imported inside the helpers that
draw with them, so a page's first render does not pay for them. Cached data loaders (`st.cache_data`) for
dataset summaries and previews also live here; `st.cache_resource` stays in app/main.py alone.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import streamlit as st

from medtune.errors import TITLES, MedtuneError, Reason
from medtune.jobs.report import STATE_COLOURS

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "pages"

#: Badge colours by state: the one palette of the app. Job states take theirs from medtune.jobs.report (which
#: the CLI shares); dataset availability is added here.
STATUS_COLORS = {
    "full": "green",
    "sample": "blue",
    "hub": "orange",
    "bring your own": "violet",
    "missing": "red",
    **STATE_COLOURS,
}


#: The theme's primary colour (.streamlit/config.toml), so single-series charts match the app.
PRIMARY = "#0f766e"

# ---------------------------------------------------------------------------------------------- badges


def badge_markdown(text: str, color: str | None = None) -> str:
    """Inline markdown for a coloured badge, e.g. inside a sentence or a table caption."""
    color = color or STATUS_COLORS.get(text, "gray")
    safe = str(text).replace("[", "(").replace("]", ")")
    return f":{color}-badge[{safe}]"


def status_badge(state: str, *, help: str | None = None) -> None:
    """A badge for an availability or job state ("full", "sample", "running", "failed" ...)."""
    st.badge(state, color=STATUS_COLORS.get(state, "gray"), help=help)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- errors


def error_box(err: MedtuneError) -> None:
    """A MedtuneError as the user should see it: a plain title for its reason, the message, and the hint in
    the app's terms (the CLI prints the reason code and its command-line hint instead)."""
    st.error(f"**{err.title}** · {err.message}", icon=":material/error:")
    st.caption(f"What to do: {err.ui_hint}")


def validation_error_box(exc: Exception, what: str = "options") -> None:
    """A pydantic ValidationError as one line per field (the CLI prints the same thing)."""
    lines = []
    for item in getattr(exc, "errors", lambda: [])():
        field = ".".join(str(p) for p in item.get("loc", ())) or what
        lines.append(f"- `{field}`: {item.get('msg', 'invalid')}")
    st.error(f"**{TITLES[Reason.CONFIG]}** · invalid {what}:\n" + ("\n".join(lines) or str(exc)),
             icon=":material/error:")


@contextmanager
def errors_shown() -> Iterator[None]:
    """Run a block and show a MedtuneError (or a pydantic ValidationError) as an error box, not a traceback."""
    from pydantic import ValidationError

    try:
        yield
    except MedtuneError as err:
        error_box(err)
    except ValidationError as exc:
        validation_error_box(exc)


# ---------------------------------------------------------------------------------------------- heavy work

#: One lock per server process (this module is imported once; pages are re-executed on every run).
_HEAVY_LOCK = threading.Lock()


@contextmanager
def heavy_section(*modules: str) -> Iterator[None]:
    """Run CPU-heavy work from a page one at a time per server process, importing `modules` first.

    Why: transformers 5's lazy module is not thread-safe. Two script threads (a double-clicked button, two
    browser tabs) doing their first `from transformers import AutoTokenizer` at the same moment get
    "ImportError: cannot import name 'AutoTokenizer'" (reproduced here with three plain threads). Holding
    one lock while the import completes avoids that, and two CPU-bound runs on a small machine gain nothing
    from overlapping anyway.
    """
    import importlib

    with _HEAVY_LOCK:
        for name in modules:
            module, _, attr = name.partition(":")
            loaded = importlib.import_module(module)
            if attr:
                getattr(loaded, attr)  # resolve a lazy attribute while holding the lock
        yield


# ---------------------------------------------------------------------------------------------- links


def page_link(filename: str, label: str, icon: str | None = None, *, help: str | None = None) -> bool:
    """Link to `pages/<filename>` when that page exists and is in the navigation; a caption otherwise.

    Pages arrive one issue at a time, and a page run on its own (AppTest.from_file) has no navigation, so a
    missing target must not break the page that links to it.
    """
    from streamlit.errors import StreamlitAPIException

    path = PAGES / filename
    if not path.is_file():
        st.caption(f"{label} — coming soon")
        return False
    try:
        st.page_link(str(path), label=label, icon=icon, help=help)
        return True
    except StreamlitAPIException:  # StreamlitPageNotFoundError: the page runs outside the navigation
        st.caption(f"{label} — open it from the navigation")
        return False


# ---------------------------------------------------------------------------------------------- charts


def bar_chart(
    counts: Mapping[str, int | float] | Sequence[tuple[str, int | float]],
    *,
    title: str = "",
    x_label: str = "label",
    y_label: str = "rows",
    key: str | None = None,
    color: str | None = None,
    series: str | None = None,
) -> None:
    """A plotly bar chart of label → count (one series), or of (series, label, count) rows (grouped)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    if isinstance(counts, Mapping):
        items = list(counts.items())
        fig.add_bar(x=[str(k) for k, _ in items], y=[v for _, v in items], name=series or y_label,
                    marker_color=color or PRIMARY, text=[v for _, v in items], textposition="auto")
    else:
        for name, values in _group(counts).items():
            fig.add_bar(x=list(values), y=list(values.values()), name=name, text=list(values.values()),
                        textposition="auto")
        fig.update_layout(barmode="group")
    _layout(fig, title, x_label, y_label)
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def grouped_bar_chart(groups: Mapping[str, Mapping[str, int | float]], **kwargs: Any) -> None:
    """Bars per label, one colour per group (e.g. label distribution before / after preparation)."""
    rows = [(group, label, value) for group, counts in groups.items() for label, value in counts.items()]
    bar_chart(rows, **kwargs)  # type: ignore[arg-type]


def histogram(
    values: Sequence[float] | Mapping[str, int],
    *,
    title: str = "",
    x_label: str = "value",
    y_label: str = "rows",
    nbins: int = 40,
    vline: float | None = None,
    vline_label: str = "",
    key: str | None = None,
    clip_quantile: float | None = 0.99,
) -> None:
    """A plotly histogram of raw values, or of pre-binned {bin label: count}; `vline` marks a limit.

    Raw values are binned over the range up to `clip_quantile` (a few very long texts would otherwise squeeze
    everything else into one bar); the caption under the chart says how many rows lie beyond it.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    beyond = 0
    if isinstance(values, Mapping):
        fig.add_bar(x=[str(k) for k in values], y=list(values.values()), name=y_label, marker_color=PRIMARY)
        fig.update_layout(bargap=0.05)
    else:
        data = sorted(values)
        shown = data
        if clip_quantile and len(data) > 20:
            cut = data[min(len(data) - 1, int(clip_quantile * len(data)))]
            shown = [v for v in data if v <= cut]
            beyond = len(data) - len(shown)
        top = (max(shown) if shown else 0) + 1
        fig.add_histogram(x=data, name=y_label, marker_color=PRIMARY,
                          xbins={"start": 0, "end": top, "size": max(1, -(-top // nbins))})  # whole numbers: no aliasing
        if beyond:
            fig.update_xaxes(range=[0, top])
    if vline is not None:
        fig.add_vline(x=vline, line_dash="dash", line_color="#b91c1c", annotation_text=vline_label)
    _layout(fig, title, x_label, y_label)
    st.plotly_chart(fig, key=key, config={"displaylogo": False})
    if beyond:
        st.caption(f"{beyond} of {len(values)} rows are longer than the range shown (max {max(values)}).")


def _group(rows: Sequence[tuple[str, str, int | float]]) -> dict[str, dict[str, int | float]]:
    out: dict[str, dict[str, int | float]] = {}
    for series, label, value in rows:
        out.setdefault(str(series), {})[str(label)] = value
    return out


def _layout(fig: Any, title: str, x_label: str, y_label: str) -> None:
    # The legend goes under the axis: beside a title in a half-width column it overlapped it (issue 21.4).
    fig.update_layout(title=title or None, xaxis_title=x_label, yaxis_title=y_label, height=320,
                      margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.3, "x": 0})


# ---------------------------------------------------------------------------------------------- tables


def flat_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with nested values (options, turns, aspects) turned into short readable text for a table."""
    return [{k: _cell(v) for k, v in row.items()} for row in rows]


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, Mapping) and "role" in v for v in value):
            return "\n".join(f"{v['role']}: {v.get('content', '')}" for v in value)
        return ", ".join(str(_cell(v)) for v in value)
    return json.dumps(value, default=str, ensure_ascii=False)


def dataframe_with_download(
    rows: Sequence[Mapping[str, Any]] | Any,
    *,
    filename: str,
    key: str,
    height: int | str = "auto",
    column_config: dict[str, Any] | None = None,
    missing: str | None = None,
) -> None:
    """A table of rows (dicts or a DataFrame) with a "Download CSV" button under it.

    With `missing` (e.g. "–"), empty cells show that text instead of the grid's grey "None" (a published
    reference row has no value for the metrics its paper did not report). The grid draws "None" for any null
    cell whatever a Styler says, so the shown table holds text: numbers with 3 decimals, `missing` for gaps;
    the CSV keeps the full values."""
    import pandas as pd

    from medtune.io import csv_safe_frame  # cells starting = + - @ get a leading ' (CSV injection, SECURITY.md)

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(flat_rows(list(rows)))
    shown = frame
    if missing is not None:
        shown, column_config = _as_text(frame, missing, column_config)
    st.dataframe(shown, hide_index=True, height=height, column_config=column_config, key=f"{key}_table")
    st.download_button(
        "Download CSV", csv_safe_frame(frame).to_csv(index=False).encode("utf-8"), file_name=filename, mime="text/csv",
        key=f"{key}_csv", icon=":material/download:", on_click="ignore",
    )


def _as_text(frame: Any, missing: str, column_config: dict[str, Any] | None) -> tuple[Any, dict[str, Any] | None]:
    """A copy of `frame` whose columns with gaps are text (fractions to 3 decimals, counts whole, gaps as
    `missing`); the number settings of those columns become plain text columns with the same label."""
    import pandas as pd

    shown = frame.copy()
    config = dict(column_config or {})
    for column in frame.columns:
        values = frame[column]
        if not values.isna().any():
            continue
        numbers = [v for v in values.dropna() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        counts = bool(numbers) and all(float(v).is_integer() for v in numbers)
        shown[column] = [missing if pd.isna(v) else _cell_text(v, counts) for v in values]
        if column in config:
            config[column] = st.column_config.TextColumn(str(column))
    return shown, config or None


def _cell_text(value: Any, counts: bool) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.0f}" if counts else f"{value:.3f}"
    return str(value)


# ---------------------------------------------------------------------------------------------- forms


def model_form(model_cls: type, *, key: str, exclude: Sequence[str] = (), fixed: Mapping[str, Any] | None = None,
               columns: int = 1) -> dict[str, Any]:
    """Widgets for the fields of a pydantic model (`medtune.forms`): type, default, bounds and help from the model.

    Returns the values as a dict; the caller builds the model (inside `errors_shown`) so the model's own
    validation is the only one. Fields in `exclude` or `fixed` get no widget (`fixed` values are passed on).
    `columns` lays the widgets out in a grid, in field order.
    """
    from medtune.forms import form_fields

    values: dict[str, Any] = dict(fixed or {})
    fields = [f for f in form_fields(model_cls, skip={*exclude, *values}) if "." not in f.name]
    grid = st.columns(columns) if columns > 1 else [st.container()]
    for i, field in enumerate(fields):
        with grid[i % len(grid)]:
            values[field.name] = field_widget(field, key=f"{key}.{field.name}")
    return values


def field_widget(field: Any, key: str) -> Any:
    """One widget for one `medtune.forms.FormField`; an optional field's empty widget means "not set"."""
    if field.kind == "bool":
        return st.checkbox(field.label, value=bool(field.default), help=field.help, key=key)
    if field.kind == "choice":
        options = ([None] if field.optional else []) + list(field.choices)
        index = options.index(field.default) if field.default in options else 0
        return st.selectbox(field.label, options, index=index, help=field.help, key=key,
                            format_func=lambda v: "—" if v is None else str(v))
    if field.kind == "list" and field.choices:
        return st.multiselect(field.label, list(field.choices),
                              default=[v for v in field.default or [] if v in field.choices], help=field.help, key=key)
    if field.kind == "list":
        text = st.text_input(field.label, ", ".join(field.default or []), help=f"{field.help} (comma separated)",
                             key=key)
        items = [p.strip() for p in text.split(",") if p.strip()]
        return items or (None if field.optional else [])
    if field.kind == "text":
        text = st.text_input(field.label, "" if field.default is None else str(field.default), help=field.help,
                             key=key)
        return (text.strip() or None) if field.optional else text
    number = int if field.kind == "int" else float
    low, high = (None if v is None else number(v) for v in (field.minimum, field.maximum))
    return st.number_input(field.label, min_value=low, max_value=high,
                           value=None if field.default is None else number(field.default), help=field.help, key=key,
                           step=1 if number is int else None, format=None if number is int else "%g",
                           placeholder="not set" if field.optional else None)


# ---------------------------------------------------------------------------------------------- cached data


def _data_key() -> str:
    """Part of every data cache key, so a different MEDTUNE_DATA_DIR never sees another's cached result."""
    from medtune.settings import get_settings

    return "|".join(str(d) for d in get_settings().data_dirs)


@st.cache_data(ttl=300, show_spinner=False, max_entries=64)
def _summary(name: str, data_key: str) -> dict[str, Any]:
    from medtune.data.info import dataset_summary

    return dataset_summary(name)


def dataset_summary(name: str) -> dict[str, Any]:
    """`medtune.data.info.dataset_summary`, cached for five minutes per data directory setting."""
    return _summary(name, _data_key())


@st.cache_data(ttl=300, show_spinner=False, max_entries=64)
def _preview(name: str, split: str, limit: int, data_key: str) -> list[dict[str, Any]]:
    from medtune.data.registry import load_records

    # `kind` is the same on every row of a dataset and `meta` holds source extras: both only crowd the table.
    return [r.model_dump(exclude={"meta", "kind"}) for r in load_records(name, split, limit=limit)]


def preview_rows(name: str, split: str, limit: int = 50) -> list[dict[str, Any]]:
    """The first `limit` canonical records of a split, as plain dicts."""
    return _preview(name, split, limit, _data_key())


@st.cache_data(ttl=300, show_spinner=False, max_entries=64)
def _lengths(name: str, split: str, task: str, data_key: str) -> list[int]:
    from medtune.data.examples import load_examples

    return [len(ex.text.split()) + len((ex.text_pair or "").split())
            for ex in load_examples(name, split, task)]


def input_lengths(name: str, split: str, task: str) -> list[int]:
    """Words per model input (text + text pair) of every example in a split, for the length histogram."""
    return _lengths(name, split, task, _data_key())


@st.cache_data(ttl=60, show_spinner=False)
def _kb_chunks(kb_path: str) -> int | None:
    from medtune.kb.store import KnowledgeBase

    path = Path(kb_path)
    if not path.is_dir() or not any(path.iterdir()):
        return 0  # never built: do not create an empty store (and pay for chromadb) just to count it
    try:
        return KnowledgeBase.open(path=path).count()
    except Exception:  # a broken or remote store must not take the home page down
        return None


def kb_chunks() -> int | None:
    """Chunks in the local knowledge base (0 when never built, None when unknown), cached for a minute."""
    from medtune.settings import get_settings

    return _kb_chunks(str(get_settings().kb_path))
