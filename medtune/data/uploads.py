"""User files: validation before anything uses them, safe storage, and registration as `upload:<file>` datasets.

    report = validate_file("reviews.csv", "sentiment", "text=review,label=rating")
    path = store_upload("reviews.csv", data)                # always inside settings.uploads_path, never overwrites
    name = register_upload(path, "sentiment", {"text": "review", "label": "rating"})   # -> "upload:reviews.csv"
    load_examples(name, "all", "sentiment"); prepare_dataset(name, "sentiment", out_dir)

Every problem is reported with its row (1-based data row, header excluded), file line, column and what was
expected; validation collects them all instead of stopping at the first. A registered upload's mapping is
saved beside it as `<file>.mapping.json`, so the file plus that sidecar are the whole dataset.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr, computed_field

from medtune.data.registry import DatasetSpec
from medtune.data.schemas import Record
from medtune.data.tasks import TASKS, get_task, level_label
from medtune.errors import ConfigError, DataError
from medtune.io import atomic_write_json, formula_warning, read_json
from medtune.settings import get_settings

ALLOWED_EXTENSIONS = (".csv", ".tsv", ".jsonl", ".json", ".parquet")
PREFIX = "upload:"
MAX_ERRORS = 200
PHI_SCAN_ROWS = 50_000
MAX_NAME_CHARS = 120
OPTION_KEYS = ("A", "B", "C", "D", "E")

# A task's upload fields and label spellings live in its registry entry (medtune.data.tasks): "text" is
# accepted as an alias of the first field, so `text=review` works for every task.


class RowError(BaseModel):
    row: int | None = None  # 1-based data row (header excluded)
    line: int | None = None  # line in the file, where the format has lines
    column: str | None = None
    message: str
    expected: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line else ""))
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where) + (": " if where else "") + self.message
        return text + (f"; expected {self.expected}" if self.expected else "")


class ValidationReport(BaseModel):
    file: str
    task: str
    format: str = ""
    mapping: dict[str, str] = Field(default_factory=dict)
    label_map: dict[str, str] = Field(default_factory=dict)  # raw label -> task label, as observed
    columns: list[str] = Field(default_factory=list)
    rows: int = 0
    errors: list[RowError] = Field(default_factory=list)
    error_count: int = 0
    unknown_labels: dict[str, list[int]] = Field(default_factory=dict)  # raw label -> rows (first 20)
    labels: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    phi: dict[str, Any] = Field(default_factory=dict)
    error_rows: list[int] = Field(default_factory=list)  # every data row with a problem (not only the shown)
    file_errors: int = 0  # problems of the file as a whole (header, mapping, encoding): no row can be kept
    valid_rows: int = 0  # rows read without any problem: what "store the valid rows" keeps
    _bad_rows: set[int] = PrivateAttr(default_factory=set)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def valid(self) -> bool:
        return self.error_count == 0

    @property
    def can_skip_bad_rows(self) -> bool:
        """Every problem belongs to a row and some rows are fine: the valid rows can be stored on their own."""
        return self.error_count > 0 and self.file_errors == 0 and self.valid_rows > 0

    def add(self, message: str, **where: Any) -> None:
        self.error_count += 1
        row = where.get("row")
        if row is None:
            self.file_errors += 1
        elif row not in self._bad_rows:
            self._bad_rows.add(row)
            self.error_rows.append(row)
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(message=message, **where))

    def summary(self, limit: int = 5) -> str:
        lines = [str(e) for e in self.errors[:limit]]
        more = self.error_count - len(lines)
        return "; ".join(lines) + (f" (and {more} more)" if more > 0 else "")


# --- mappings -------------------------------------------------------------------------------------------
def parse_pairs(value: str | list[str] | dict[str, str] | None, what: str = "mapping") -> dict[str, str]:
    """`"text=review,label=rating"` (or a list of `field=column` items, or a dict) as a dict."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k).strip(): str(v).strip() for k, v in value.items()}
    items = value if isinstance(value, list) else [value]
    out = {}
    for item in (p for chunk in items for p in str(chunk).split(",")):
        if not item.strip():
            continue
        key, sep, val = item.partition("=")
        if not sep or not key.strip() or not val.strip():
            example = "5=positive" if what == "label map" else "text=review"
            raise ConfigError(f"{what} entry {item.strip()!r} must look like key=value, e.g. {example}")
        out[key.strip()] = val.strip()
    return out


def task_fields(task: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return get_task(task).upload_fields


def option_keys(task: str) -> tuple[str, ...]:
    """The option columns (A, B, ...) a task's uploads may carry: only tasks whose items bring their choices."""
    return OPTION_KEYS if get_task(task).per_item_choices else ()


def _canonical_mapping(task: str, mapping: dict[str, str], columns: list[str], report: ValidationReport
                       ) -> dict[str, str]:
    """field -> column for every field found; unmapped fields default to a column of the same name."""
    required, optional = task_fields(task)
    known = (*required, *optional, *option_keys(task))
    resolved: dict[str, str] = {}
    for field, column in mapping.items():
        if field == "text" and "text" not in known:
            field = required[0]
        if field not in known:
            report.add(f"unknown field {field!r} in the column mapping", expected=f"one of {', '.join(known)}")
            continue
        resolved[field] = column
    for field in known:
        if field not in resolved and field in columns:
            resolved[field] = field
    if required[0] not in resolved and "text" in columns:
        resolved[required[0]] = "text"
    if option_keys(task) and "options" not in resolved and sum(k in resolved for k in OPTION_KEYS) >= 2:
        resolved["options"] = ""  # built from the option columns A, B, ...
    return resolved


# --- labels ---------------------------------------------------------------------------------------------
def normalize_label(value: Any, task: str, label_map: dict[str, str] | None = None,
                    options: dict[str, str] | None = None) -> str | None:
    """The task label for a raw value, or None when it has none. Explicit label maps win over conventions."""
    if value is None:
        return None
    raw = str(value).strip()
    if label_map and raw in label_map:
        return label_map[raw]
    spec = get_task(task)
    if spec.per_item_choices:
        key = raw.upper()
        return key if key in (options or {}) else None
    canon = re.sub(r"[\s\-]+", "_", raw.lower())
    if canon in spec.labels:
        return canon
    if spec.numbered_levels and re.fullmatch(r"\d+(?:\.0)?", canon):
        return level_label(spec, int(float(canon)))
    return spec.label_synonyms.get(canon) or spec.label_synonyms.get(canon.replace("_", " "))


# --- reading, tolerant: collect every problem instead of stopping at the first ---------------------------
def _decode(path: Path, report: ValidationReport) -> str | None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.add(f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} cannot be decoded",
                   line=line, expected="a UTF-8 encoded file (save or export it as UTF-8)")
        return None
    return text.removeprefix("\ufeff")  # Excel writes a byte-order mark


Table = list[tuple[int, int | None, dict]]  # (data row number, file line or None, row)


def _read_delimited(text: str, delimiter: str, report: ValidationReport) -> tuple[list[str], Table]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        report.add("no header row", line=1, expected="a first line with the column names")
        return [], []
    header = [h.strip() for h in header]
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if not name:
            report.add(f"header cell {i} is empty", line=1, expected="a name for every column")
        elif name in seen:
            report.add(f"column {name!r} appears twice in the header (columns {seen[name]} and {i})", line=1,
                       column=name, expected="unique column names")
        else:
            seen[name] = i
    rows: Table = []
    row_no = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.add(f"unreadable CSV: {exc}", line=reader.line_num, expected="well-formed quoting")
            break
        if not cells or all(not c.strip() for c in cells) and len(cells) <= 1:
            continue  # blank line
        row_no += 1
        if len(cells) != len(header):
            report.add(f"{len(cells)} cells, but the header has {len(header)} columns", row=row_no,
                       line=reader.line_num, expected=f"{len(header)} cells per row (ragged rows are not read)")
            continue
        rows.append((row_no, reader.line_num, dict(zip(header, cells))))
    return header, rows


def _read_json_lines(text: str, report: ValidationReport) -> tuple[list[str], Table]:
    columns: dict[str, None] = {}
    rows: Table = []
    row_no = 0
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row_no += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            report.add(f"not valid JSON ({exc.msg} at column {exc.colno})", row=row_no, line=line_no,
                       expected="one JSON object per line")
            continue
        if not isinstance(obj, dict):
            report.add(f"a JSON {type(obj).__name__}, not an object", row=row_no, line=line_no,
                       expected='one JSON object per line, e.g. {"text": "...", "label": "..."}')
            continue
        columns.update(dict.fromkeys(obj))
        rows.append((row_no, line_no, obj))
    return list(columns), rows


def _read_json(text: str, report: ValidationReport) -> tuple[list[str], Table]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        report.add(f"not valid JSON ({exc.msg} at column {exc.colno})", line=exc.lineno,
                   expected="a JSON list of objects")
        return [], []
    if isinstance(data, dict) and all(isinstance(v, dict) for v in data.values()):
        data = [{"id": k, **v} for k, v in data.items()]  # {id: row}, as in the original PubMedQA files
    if not isinstance(data, list):
        report.add(f"the file holds a JSON {type(data).__name__}", expected="a JSON list of objects")
        return [], []
    columns: dict[str, None] = {}
    rows: Table = []
    for n, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            report.add(f"item is a JSON {type(obj).__name__}, not an object", row=n, expected="a list of objects")
            continue
        columns.update(dict.fromkeys(obj))
        rows.append((n, None, obj))
    return list(columns), rows


def _read_parquet(path: Path, report: ValidationReport) -> tuple[list[str], Table]:
    try:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        report.add(f"not a readable Parquet file ({type(exc).__name__}: {exc})", expected="a Parquet file")
        return [], []
    names = table.schema.names
    for name, n in Counter(names).items():
        if n > 1:
            report.add(f"column {name!r} appears {n} times", column=name, expected="unique column names")
    return list(dict.fromkeys(names)), [(n, None, row) for n, row in enumerate(table.to_pylist(), start=1)]


def read_table(path: Path, report: ValidationReport) -> tuple[list[str], Table]:
    """Columns and (row number, line, row) triples of the readable rows; problems go into `report`."""
    suffix = path.suffix.lower()
    report.format = suffix.lstrip(".")
    if suffix == ".parquet":
        return _read_parquet(path, report)
    text = _decode(path, report)
    if text is None:
        return [], []
    if suffix in (".csv", ".tsv"):
        return _read_delimited(text, "\t" if suffix == ".tsv" else ",", report)
    if suffix == ".jsonl":
        return _read_json_lines(text, report)
    return _read_json(text, report)


# --- validation -----------------------------------------------------------------------------------------
def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and not value.strip())


def _options(row: dict, fields: dict[str, str]) -> dict[str, str] | str:
    """An MCQ row's options from an `options` column (JSON object or list) or from A/B/C… columns."""
    if fields.get("options"):
        value = row.get(fields["options"])
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                return "options must be a JSON object or list"
        if isinstance(value, list):
            value = {OPTION_KEYS[i]: v for i, v in enumerate(value[: len(OPTION_KEYS)])}
        if not isinstance(value, dict) or len(value) < 2:
            return "options must hold at least two choices"
        return {str(k).strip().upper(): str(v) for k, v in value.items()}
    return {k: str(row[c]) for k, c in fields.items() if k in OPTION_KEYS and not _is_blank(row.get(c))}


def validate_file(path: str | Path, task: str, mapping: str | list[str] | dict[str, str] | None = None, *,
                  label_map: str | dict[str, str] | None = None, require_labels: bool = True) -> ValidationReport:
    """Check a user file for `task` after a column mapping (`field=column`); nothing is stored or changed."""
    from medtune.data.phi import scan_rows, summarize

    path = Path(path)
    task_spec = get_task(task)
    user_labels = parse_pairs(label_map, "label map")
    report = ValidationReport(file=str(path), task=task, mapping=parse_pairs(mapping))
    if not _check_file(path, report):
        return report
    columns, rows = read_table(path, report)
    report.columns = columns
    report.rows = len(rows)
    if not columns and report.error_count:
        return report
    if not rows:
        report.add("no data rows", expected="at least one row under the header")
        return report
    structural = report.error_count  # ragged rows etc.: the remaining rows are still checked
    fields = _canonical_mapping(task, report.mapping, columns, report)
    required = [f for f in task_fields(task)[0] if task_spec.is_classification or f != "label"]
    if not require_labels:
        required = [f for f in required if f != "label"]
    for field in required:
        column = fields.get(field)
        if column is None:
            hint = f"a column named {field!r}, or a column mapped to {field!r}" + (
                " (or option columns A, B, …)" if field == "options" else "")
            report.add(f"required field {field!r} has no column", column=field,
                       expected=f"{hint}; columns are: {', '.join(columns)}")
        elif column and column not in columns:
            report.add(f"mapped column {column!r} (for {field!r}) is not in the file", column=column,
                       expected=f"one of: {', '.join(columns)}")
    if report.error_count > structural:  # no usable mapping: row checks would only repeat it
        return report
    _check_rows(rows, fields, required, task, user_labels, report)
    text_columns = [c for f, c in fields.items() if f in ("claim", "evidence", "question", "context", "answer",
                                                          "text", "long_answer") and c]
    scanned = rows[:PHI_SCAN_ROWS]  # the scan warns; it need not read a 200 MB file to the end to do that
    findings = [f for n, _, row in scanned for f in scan_rows([row], text_columns, first_row=n)]
    report.phi = {**summarize(findings), "scanned_rows": len(scanned)}
    if report.phi.get("warning"):
        report.warnings.append(report.phi["warning"])
    formulas = formula_warning((n, row) for n, _, row in rows)  # CSV injection (issue 19.4): a warning, no block
    if formulas:
        report.warnings.append(formulas)
    return report


def _check_file(path: Path, report: ValidationReport) -> bool:
    if path.suffix.lower() not in ALLOWED_EXTENSIONS:
        report.add(f"file type {path.suffix or '(none)'!r} is not accepted",
                   expected=f"one of {', '.join(ALLOWED_EXTENSIONS)}")
        return False
    if not path.is_file():
        report.add(f"file {str(path)!r} does not exist", expected="a path to a readable file")
        return False
    limit_mb = get_settings().upload_limit_mb
    size = path.stat().st_size
    if size > limit_mb * 1024 * 1024:
        report.add(f"file is {size / 1024 / 1024:.1f} MB, over the upload limit of {limit_mb} MB",
                   expected=f"at most {limit_mb} MB (MEDTUNE_UPLOAD_LIMIT_MB), or split the file")
        return False
    if size == 0:
        report.add("file is empty", expected="a header and at least one row")
        return False
    return True


def _check_rows(rows: Table, fields: dict[str, str], required: list[str], task: str,
                user_labels: dict[str, str], report: ValidationReport) -> None:
    max_chars = get_settings().max_text_chars
    labels: Counter[str] = Counter()
    unknown: dict[str, list[int]] = defaultdict(list)
    ids: dict[str, int] = {}
    for n, line, row in rows:
        where = {"row": n, "line": line}
        for field in required:
            column = fields[field]
            if column and _is_blank(row.get(column)):
                report.add(f"empty {field}", column=column, expected=f"a non-empty {field}", **where)
        for column in fields.values():
            value = row.get(column) if column else None
            if isinstance(value, str) and len(value) > max_chars:
                report.add(f"text is {len(value):,} characters long", column=column,
                           expected=f"at most {max_chars:,} characters (MEDTUNE_MAX_TEXT_CHARS)", **where)
        if fields.get("id") and not _is_blank(row.get(fields["id"])):
            key = str(row[fields["id"]])
            if key in ids:
                report.add(f"duplicate id {key!r} (first on row {ids[key]})", column=fields["id"],
                           expected="a unique id per row", **where)
            ids.setdefault(key, n)
        options = _options(row, fields) if get_task(task).per_item_choices else None
        if isinstance(options, str):
            report.add(options, column=fields.get("options") or "options", expected='e.g. {"A": "...", "B": "..."}',
                       **where)
            continue
        raw = row.get(fields["label"]) if fields.get("label") else None
        if _is_blank(raw):
            continue
        label = normalize_label(raw, task, user_labels, options)
        if label is None:
            unknown[str(raw)].append(n)
            expected = (f"one of the options {', '.join(options or {})}" if get_task(task).per_item_choices else
                        f"one of {', '.join(get_task(task).labels)} (or add {raw}={get_task(task).labels[0]} "
                        "to the label map)")
            report.add(f"unknown label {raw!r}", column=fields["label"], expected=expected, **where)
        else:
            labels[label] += 1
            report.label_map[str(raw).strip()] = label
    report.labels = dict(labels.most_common())
    report.unknown_labels = {k: v[:20] for k, v in unknown.items()}
    report.error_rows.sort()
    bad = set(report.error_rows)
    report.valid_rows = sum(1 for n, _, _ in rows if n not in bad)


# --- storage --------------------------------------------------------------------------------------------
def safe_filename(name: str) -> str:
    """A plain, portable file name for an upload, or a DATA error saying what is wrong with `name`."""
    if "\x00" in name:
        raise DataError("the file name contains a NUL byte", hint="rename the file, e.g. to reviews.csv")
    base = re.split(r"[\\/]", name)[-1]
    if re.search(r"[\\/]", name) or re.match(r"^[A-Za-z]:", name) or name.strip() in (".", ".."):
        raise DataError(f"the file name {name!r} contains a directory part",
                        hint=f"give a plain file name such as {base or 'reviews.csv'!r}")
    if name.startswith("."):
        raise DataError(f"the file name {name!r} starts with a dot (a hidden file)",
                        hint=f"rename it, e.g. {'upload' + Path(name).suffix!r}")
    stem, ext = os.path.splitext(name)
    if ext.lower() not in ALLOWED_EXTENSIONS:
        raise DataError(f"file type {ext or '(none)'!r} of {name!r} is not accepted",
                        hint=f"upload one of {', '.join(ALLOWED_EXTENSIONS)}")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-") or "upload"
    return stem[: MAX_NAME_CHARS - len(ext)] + ext.lower()


def _uploads_dir() -> Path:
    directory = get_settings().uploads_path.expanduser()
    directory.mkdir(parents=True, exist_ok=True)
    return directory.resolve()


def store_upload(name: str, data: bytes) -> Path:
    """Write `data` under the uploads directory as a new file (`x.csv`, then `x-2.csv`, …); never overwrites."""
    limit_mb = get_settings().upload_limit_mb
    if len(data) > limit_mb * 1024 * 1024:
        raise DataError(f"upload {name!r} is {len(data) / 1024 / 1024:.1f} MB, over the limit of {limit_mb} MB",
                        hint="split the file or raise MEDTUNE_UPLOAD_LIMIT_MB")
    filename = safe_filename(name)
    directory = _uploads_dir()
    stem, ext = os.path.splitext(filename)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        for n in range(1, 10_000):
            target = directory / (filename if n == 1 else f"{stem}-{n}{ext}")
            if target.resolve().parent != directory:  # belt and braces: safe_filename already made it plain
                raise DataError(f"refusing to write {target} outside {directory}")
            try:
                _claim(tmp, target, data)
                return target
            except FileExistsError:
                continue
        raise DataError(f"too many uploads named {filename!r}", hint="rename the file")
    finally:
        Path(tmp).unlink(missing_ok=True)


def _claim(tmp: str, target: Path, data: bytes) -> None:
    """Give the finished temp file its final name; FileExistsError when the name is taken.

    A hard link is atomic and refuses an existing name: no overwrite and no half-written file under the final
    name. Filesystems without hard links fall back to an exclusive create, which still never overwrites.
    """
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)


# --- uploads as datasets ----------------------------------------------------------------------------------
def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".mapping.json")


def register_upload(path: str | Path, task: str, mapping: str | list[str] | dict[str, str] | None = None, *,
                    label_map: str | dict[str, str] | None = None, skipped: dict[str, Any] | None = None) -> str:
    """Validate a stored upload and save its mapping beside it; returns the dataset name `upload:<file>`.
    `skipped` ({"rows": n, "row_numbers": [...], "source_rows": n}) records rows left out of the original file."""
    path = Path(path)
    if path.resolve().parent != _uploads_dir():
        raise DataError(f"{path} is not in the uploads directory {_uploads_dir()}",
                        hint="store it first with store_upload() or `medtune data upload`")
    report = validate_file(path, task, mapping, label_map=label_map)
    if not report.valid:
        raise DataError(f"{path.name} is not valid for task {task!r}: {report.summary()}",
                        hint=f"`medtune data validate {path} --task {task}` lists every row error")
    fields = _canonical_mapping(task, report.mapping, report.columns, report)
    atomic_write_json(_sidecar(path), {
        "task": task, "fields": fields, "label_map": report.label_map, "rows": report.rows,
        "labels": report.labels, "phi_warning": report.phi.get("warning"),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **({"skipped": skipped} if skipped else {}),
    })
    return PREFIX + path.name


def _spec_for(path: Path, meta: dict[str, Any]) -> DatasetSpec:
    task = meta["task"]
    return DatasetSpec(
        name=PREFIX + path.name, title=f"Upload {path.name}", record_kind=get_task(task).record_kind, tasks=(task,),
        default_task=task, converter="medtune.data.uploads:convert_row", licence="user upload",
        citation="", files={"all": path.name},
        folder=str(path.parent),  # absolute: Path(data_dir) / "/abs" is "/abs", so the upload dir is used
        reader="medtune.data.uploads:read_upload_rows", label_maps={task: dict(meta.get("label_map") or {})},
        description=upload_description(meta),
    )


def upload_description(meta: dict[str, Any]) -> str:
    """One readable line: '28 rows uploaded 2026-12-05 08:30 UTC · columns: text ← review, label ← rating'."""
    created = str(meta.get("created_at") or "")
    when = created[:16].replace("T", " ") + " UTC" if created else ""
    fields = meta.get("fields") or {}
    columns = ", ".join(f"{field} ← {column}" if column else f"{field} ← option columns"
                        for field, column in fields.items())
    rows = meta.get("rows", "?")
    parts = [f"{rows} row{'' if rows == 1 else 's'} uploaded {when}".strip()]
    if columns:
        parts.append(f"columns: {columns}")
    skipped = (meta.get("skipped") or {}).get("rows")
    if skipped:
        parts.append(f"{skipped} invalid rows of the original file skipped")
    return " · ".join(parts)


def resolve_upload(name: str) -> DatasetSpec | None:
    filename = name.removeprefix(PREFIX)
    if not filename or re.search(r"[\\/\x00]", filename) or filename.startswith("."):
        return None
    path = _uploads_dir() / filename
    meta = read_json(_sidecar(path)) if path.is_file() else None
    return _spec_for(path, meta) if isinstance(meta, dict) and meta.get("task") in TASKS else None


def list_upload_specs() -> list[DatasetSpec]:
    """Registered uploads; a damaged sidecar hides its upload rather than breaking every dataset listing."""
    directory = get_settings().uploads_path.expanduser()
    if not directory.is_dir():
        return []
    specs = []
    for sidecar in sorted(directory.glob("*.mapping.json")):
        try:
            spec = resolve_upload(PREFIX + sidecar.name.removesuffix(".mapping.json"))
        except (ValueError, OSError):
            continue
        if spec is not None:
            specs.append(spec)
    return specs


def read_upload_rows(path: Path):
    """Rows of a registered upload in canonical field names, with the task attached for `convert_row`."""
    from medtune.data.readers import read_rows

    meta = read_json(_sidecar(Path(path))) or {}
    fields: dict[str, str] = meta.get("fields") or {}
    for n, row in enumerate(read_rows(path), start=1):
        out: dict[str, Any] = {f: row.get(c) for f, c in fields.items() if c}
        if meta.get("task") in TASKS and get_task(meta["task"]).per_item_choices:
            opts = _options(row, fields)
            out["options"] = opts if isinstance(opts, dict) else {}
        out["id"] = str(out.get("id") or f"{Path(path).name}-{n}")
        out["_task"] = meta.get("task")
        yield out


def convert_row(row: dict[str, Any]) -> Record:
    """An upload row (from `read_upload_rows`) as the record its task's registry entry builds."""
    label = None if _is_blank(row.get("label")) else str(row["label"]).strip()
    text = {k: (None if _is_blank(v) else str(v)) for k, v in row.items() if k not in ("options", "_task")}
    return get_task(row["_task"]).row_to_record(row["id"], text, label, row.get("options") or {})


def upload_file(source: str | Path, task: str, mapping: str | list[str] | dict[str, str] | None = None, *,
                label_map: str | dict[str, str] | None = None) -> tuple[str, Path]:
    """Validate a file, then store and register a copy: the CLI's `medtune data upload`. Returns (name, path)."""
    source = Path(source)
    report = validate_file(source, task, mapping, label_map=label_map)
    if not report.valid:
        raise DataError(f"{source.name} is not valid for task {task!r}: {report.summary()}",
                        hint=f"`medtune data validate {source} --task {task}` lists every row error")
    stored = store_upload(source.name, source.read_bytes())
    try:
        return register_upload(stored, task, mapping, label_map=label_map), stored
    except Exception:
        stored.unlink(missing_ok=True)
        raise


# --- storing only the valid rows --------------------------------------------------------------------------
class PartialUpload(BaseModel):
    name: str  # "upload:<file>"
    path: Path
    rows: int  # rows stored
    skipped: int  # rows left out
    skipped_errors: list[RowError] = Field(default_factory=list)  # their problems (the first MAX_ERRORS)


def upload_valid_rows(source: str | Path, task: str, mapping: str | list[str] | dict[str, str] | None = None, *,
                      label_map: str | dict[str, str] | None = None, stored_name: str | None = None) -> PartialUpload:
    """Store and register only the rows of `source` that pass validation, in the file's own format; the rows
    left out and why are returned and recorded in the sidecar. A problem with the file as a whole (header,
    mapping, encoding) still refuses everything. `stored_name` names the stored copy (default: the source's)."""
    source = Path(source)
    report = validate_file(source, task, mapping, label_map=label_map)
    if report.valid:
        name, stored = _store_and_register(stored_name or source.name, source.read_bytes(), task, mapping,
                                           label_map, None)
        return PartialUpload(name=name, path=stored, rows=report.rows, skipped=0)
    if not report.can_skip_bad_rows:
        why = "no row is valid" if report.file_errors == 0 else "a problem concerns the whole file"
        raise DataError(f"{source.name}: cannot store only the valid rows, {why}: {report.summary(3)}",
                        hint="fix the file or the column mapping, then validate it again")
    data = valid_rows_bytes(source, set(report.error_rows))
    skipped = {"rows": len(report.error_rows), "row_numbers": report.error_rows[:MAX_ERRORS],
               "source_rows": report.valid_rows + len(report.error_rows)}
    name, stored = _store_and_register(stored_name or source.name, data, task, mapping, label_map, skipped)
    return PartialUpload(name=name, path=stored, rows=report.valid_rows, skipped=len(report.error_rows),
                         skipped_errors=sorted((e for e in report.errors if e.row is not None), key=lambda e: e.row))


def _store_and_register(name: str, data: bytes, task: str, mapping: Any, label_map: Any,
                        skipped: dict[str, Any] | None) -> tuple[str, Path]:
    stored = store_upload(name, data)
    try:
        return register_upload(stored, task, mapping, label_map=label_map, skipped=skipped), stored
    except Exception:
        stored.unlink(missing_ok=True)  # registration failed: leave no orphan file behind
        raise


def valid_rows_bytes(path: Path, bad_rows: set[int]) -> bytes:
    """The file without the data rows numbered in `bad_rows`, in the same format (rows that could not be
    read at all, such as ragged CSV rows, are left out as well)."""
    scratch = ValidationReport(file=str(path), task="sentiment")
    columns, rows = read_table(path, scratch)
    kept = [(n, row) for n, _, row in rows if n not in bad_rows]
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        out = io.StringIO(newline="")
        # csv-exempt: the stored copy is data medtune reads back for training, not a spreadsheet export; its
        # cells must stay exactly as uploaded (validation already warned about formula-like cells).
        writer = csv.writer(out, delimiter="\t" if suffix == ".tsv" else ",", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[row.get(c, "") for c in columns] for _, row in kept])
        return out.getvalue().encode("utf-8")
    if suffix == ".jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for _, row in kept).encode("utf-8")
    if suffix == ".json":
        return json.dumps([row for _, row in kept], ensure_ascii=False, indent=1).encode("utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pq.read_table(path).take([n - 1 for n, _ in kept]), sink)
    return sink.getvalue().to_pybytes()
