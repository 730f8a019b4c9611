"""Read rows (dicts) from JSONL, JSON, CSV, TSV or Parquet files, with errors that name file and line."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from medtune.errors import DataError

SUPPORTED_EXTENSIONS = (".jsonl", ".json", ".csv", ".tsv", ".parquet")

# Long free-text fields (abstracts, label sections) exceed csv's 128 KiB default field limit.
csv.field_size_limit(16 * 1024 * 1024)


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _read_jsonl(path)
    if suffix == ".json":
        return _read_json(path)
    if suffix in (".csv", ".tsv"):
        return _read_delimited(path, "\t" if suffix == ".tsv" else ",")
    if suffix == ".parquet":
        return _read_parquet(path)
    raise DataError(f"{path.name}: unsupported file type {suffix!r}; use one of {', '.join(SUPPORTED_EXTENSIONS)}")


def read_jsonl_rows(path: Path) -> Iterator[dict[str, Any]]:
    """JSON objects, one a line, whatever the file's extension; errors name the line."""
    return _read_jsonl(Path(path))


def _open_text(path: Path):
    return open(path, encoding="utf-8", newline="")


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with _open_text(path) as fh:
        for lineno, line in enumerate(_decoded_lines(fh, path), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path.name} line {lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
            if not isinstance(row, dict):
                raise DataError(f"{path.name} line {lineno}: expected a JSON object, got {type(row).__name__}")
            yield row


def _decoded_lines(fh, path: Path) -> Iterator[str]:
    lineno = 0
    try:
        for lineno, line in enumerate(fh, start=1):  # noqa: B007 (read by the error below)
            yield line
    except UnicodeDecodeError as exc:
        raise DataError(f"{path.name} line {lineno + 1}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _read_json(path: Path) -> Iterator[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise DataError(f"{path.name} line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    if isinstance(data, dict):  # {id: row} as in the original PubMedQA files
        data = [{"id": k, **v} if isinstance(v, dict) else {"id": k, "value": v} for k, v in data.items()]
    if not isinstance(data, list):
        raise DataError(f"{path.name}: expected a list of objects")
    for n, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            raise DataError(f"{path.name} item {n}: expected an object, got {type(row).__name__}")
        yield row


def _read_delimited(path: Path, delimiter: str) -> Iterator[dict[str, Any]]:
    with _open_text(path) as fh:
        reader = csv.DictReader(_decoded_lines(fh, path), delimiter=delimiter)
        if not reader.fieldnames:
            raise DataError(f"{path.name}: empty file or no header row")
        for row in reader:
            if None in row:  # more cells than header columns
                raise DataError(f"{path.name} line {reader.line_num}: more cells than the {len(reader.fieldnames)} header columns")
            yield {k: v for k, v in row.items()}


def _read_parquet(path: Path) -> Iterator[dict[str, Any]]:
    try:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise DataError(f"{path.name}: not a readable Parquet file ({exc})") from exc
    yield from table.to_pylist()
