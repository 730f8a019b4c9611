"""Small file helpers with the guarantees job directories rely on.

Status files are rewritten atomically (temp file, fsync, rename) so a reader never sees half a JSON
document — h2o-llmstudio's in-place status rewrite is the failure mode we avoid. Metrics files are
append-only JSON lines; a reader skips a trailing line that is still being written.

Everything written here is owner-only — files 0600, new folders 0700 — whatever the umask: job directories,
uploads and the chat audit log may carry patient data (issue 19.5, docs/SECURITY.md). CSV cells go through
`csv_safe` so a spreadsheet never runs them as formulas.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_mkdir(path: Path) -> None:
    """`mkdir -p` whose new folders are 0700 (Path.mkdir gives missing parents the umask's default mode)."""
    path = Path(path)
    missing = []
    while not path.exists():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:  # another process made it meanwhile
            continue
        folder.chmod(PRIVATE_DIR)  # mkdir's mode is masked by the umask


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file, fsync and rename; the file is 0600 (mkstemp's mode, kept by the rename)."""
    path = Path(path)
    private_mkdir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str))


def read_json(path: Path, default: Any = None) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def append_jsonl(path: Path, record: dict[str, Any]) -> None:
    """Append one line; a single write() of a line is what keeps concurrent readers from tearing it."""
    path = Path(path)
    private_mkdir(path.parent)
    line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)  # a new file is born owner-only
    with open(fd, "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()


def iter_jsonl(path: Path, *, skip_partial: bool = True) -> Iterator[dict[str, Any]]:
    """Yield JSON objects from a JSONL file. A final line without newline (still being written) is skipped."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n") and skip_partial:
                return
            line = line.strip()
            if line:
                yield json.loads(line)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return list(iter_jsonl(path))


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records atomically; returns how many were written."""
    lines = [json.dumps(r, ensure_ascii=False, default=str) for r in records]
    atomic_write_text(path, "\n".join(lines) + ("\n" if lines else ""))
    return len(lines)


# ------------------------------------------------------------------------------------------- text and CSV


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored or shown as UTF-8 (a lone UTF-16 surrogate such as "\\ud800", which JSON
    escapes and undecodable command-line bytes produce), or None when it is fine. Issue 20.3: such text
    crashed the chat with a traceback instead of a one-line error."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"not valid text: a lone surrogate ({text[exc.start]!r}) at character {exc.start}"
    return None


#: First characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a formula, and
#: tab / carriage return, which some of them strip before looking (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """One CSV cell that no spreadsheet runs as a formula (OWASP's rule: a leading single quote).

    Numbers (int, float) stay numbers, so numeric columns keep their values (-3.5 is written as -3.5). Text is
    quoted when it starts with = + - @ tab or CR — also text that reads as a negative number ("-3.5"): OWASP
    quotes every such text cell, because guessing which text is "just a number" is what "-2+3+cmd|..." payloads
    exploit, and the column's type, not its look, says what it holds. Text that already starts with a quote
    gets a second one, so `csv_unquote` restores every value exactly.
    """
    if isinstance(value, str) and value.startswith((*FORMULA_START, "'")):
        return "'" + value
    return value


def csv_unquote(value: str) -> str:
    """The original text of a cell `csv_safe` wrote: drops the one leading quote it adds (before = + - @ tab CR
    or a quote); other text, such as "'tis", is left alone."""
    return value[1:] if value.startswith("'") and value[1:2] in (*FORMULA_START, "'") and len(value) > 1 else value


def csv_safe_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame with `csv_safe` applied to its text cells; numeric columns are untouched."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    out = frame.copy()
    for column in out.columns:
        if not (is_numeric_dtype(out[column]) or is_bool_dtype(out[column])):  # object or string columns
            out[column] = out[column].map(csv_safe)
    out.columns = [csv_safe(str(c)) for c in out.columns]
    return out


def has_formula_start(value: Any) -> bool:
    """True for text a spreadsheet would read as a formula; numbers in text form ("-3.5", "+1") are data."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def formula_warning(rows: Iterable[tuple[int, dict[str, Any]]]) -> str | None:
    """A validation warning for uploaded rows (row number, row) with cells a spreadsheet would run as formulas."""
    hits = [(n, column) for n, row in rows for column, value in row.items() if has_formula_start(value)]
    if not hits:
        return None
    n, column = hits[0]
    return (f"{len(hits)} cell{'s' if len(hits) > 1 else ''} start with =, +, -, @, tab or CR (first: row {n}, "
            f"column {column!r}): a spreadsheet would run them as formulas. medtune keeps them as text and "
            "prefixes them with ' in every CSV it writes (docs/SECURITY.md)")
