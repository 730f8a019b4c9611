"""Reviews to analyse, from a CSV/TSV/JSONL/JSON/Parquet file or a registered dataset.

A review is an id, a text and whatever context the file has (date, site, drug, condition) — the dashboard
filters on that context. Errors name the file, the row and the column; a row with an empty text is an
error unless the caller asks to skip such rows, and then every skipped row is reported, never dropped
silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError, DataError

TEXT_COLUMNS = ("text", "review", "comment", "comments", "feedback", "content", "body", "tweet", "review_text")
ID_COLUMNS = ("id", "review_id", "uniqueid", "uniqueID")
#: Context columns the dashboard can filter on, with the names they go by in common exports.
CONTEXT_COLUMNS = {
    "date": ("date", "review_date", "created_at", "timestamp", "tweetat"),
    "site": ("site", "hospital", "clinic", "location", "department", "ward", "source"),
    "drug": ("drug", "drugname", "drug_name", "medication"),
    "condition": ("condition", "diagnosis"),
}


@dataclass
class Review:
    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReviewSet:
    reviews: list[Review]
    text_column: str
    source: str
    skipped: list[str] = field(default_factory=list)  # "row N: why" for rows left out on request

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.reviews]

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.reviews]


def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], source: str, what: str) -> str | None:
    if wanted:
        if wanted not in columns:
            raise ConfigError(f"{source}: no column {wanted!r} for the {what}; columns are: {', '.join(columns)}")
        return wanted
    lower = {c.lower(): c for c in columns}
    for name in candidates:
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def read_reviews(path: str | Path, text_column: str | None = None, id_column: str | None = None, *,
                 limit: int | None = None, skip_bad_rows: bool = False) -> ReviewSet:
    """Reviews from a file. The text column is guessed from common names when not given."""
    from medtune.data.readers import read_rows

    path = Path(path)
    if not path.is_file():
        raise DataError(f"input file {path} does not exist")
    source = path.name
    reviews: list[Review] = []
    skipped: list[str] = []
    columns: list[str] | None = None
    text_col = id_col = None
    context: dict[str, str] = {}
    for n, row in enumerate(read_rows(path), start=1):
        if columns is None:
            columns = list(row)
            text_col = _pick(columns, text_column, TEXT_COLUMNS, source, "review text")
            if text_col is None:
                raise ConfigError(f"{source}: no review text column found; columns are: {', '.join(columns)}",
                                  hint="name it with --text-column COLUMN")
            id_col = _pick(columns, id_column, ID_COLUMNS, source, "review id")
            context = {key: col for key, names in CONTEXT_COLUMNS.items()
                       if (col := _pick(columns, None, names, source, key))}
        value = row.get(text_col)
        if not isinstance(value, str) or not value.strip():
            problem = f"row {n}: column {text_col!r} is {'missing' if text_col not in row else 'empty'}"
            if value is not None and not isinstance(value, str):
                problem = f"row {n}: column {text_col!r} holds {type(value).__name__}, not text"
            if skip_bad_rows:
                skipped.append(problem)
                continue
            raise DataError(f"{source} {problem}", hint="fix the row, or pass --skip-bad-rows to leave such rows "
                                                        "out (they are listed)")
        rid = str(row.get(id_col)) if id_col and row.get(id_col) not in (None, "") else str(n)
        meta = {key: row.get(col) for key, col in context.items() if row.get(col) not in (None, "")}
        reviews.append(Review(rid, value.strip(), meta))
        if limit is not None and len(reviews) >= limit:
            break
    if columns is None:
        raise DataError(f"{source}: the file has no rows")
    return ReviewSet(reviews, text_col or "", source, skipped)


def dataset_reviews(name: str, split: str, *, limit: int | None = None) -> ReviewSet:
    """Reviews from a registered sentiment dataset (labels kept in meta for comparison)."""
    from medtune.data.registry import get_dataset, iter_records
    from medtune.data.schemas import SentimentRecord

    spec = get_dataset(name)
    if spec.record_kind != "sentiment":
        raise ConfigError(f"dataset {name!r} holds {spec.record_kind} records, not reviews; pick a sentiment dataset")
    reviews = []
    for record in iter_records(name, split, limit=limit):
        assert isinstance(record, SentimentRecord)
        meta = {k: record.meta.get(k) for k in ("drug", "condition") if record.meta.get(k)}
        if record.meta.get("location"):
            meta["site"] = record.meta["location"]
        if record.date:
            meta["date"] = record.date
        if record.label:
            meta["label"] = record.label
        if record.aspects:
            meta["gold_aspects"] = record.aspects
        reviews.append(Review(record.id, record.text, meta))
    return ReviewSet(reviews, "text", f"{name}/{split}")
