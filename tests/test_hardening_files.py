"""Files medtune writes (issue 19.4, 19.5): owner-only modes, and CSV cells no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from pathlib import Path

import pandas as pd
import pytest

from medtune.io import append_jsonl, atomic_write_json, csv_safe, csv_safe_frame, csv_unquote, write_jsonl

REPO = Path(__file__).resolve().parents[1]
HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\r=1",
           "'=quoted already"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> None:
    """The usual 022 umask, under which plain open() / mkdir() give 0644 files and 0755 folders."""
    old = os.umask(0o022)
    yield
    os.umask(old)


# ---------------------------------------------------------------------------------------------- modes


def test_jsonl_appends_and_atomic_writes_are_owner_only(tmp_path: Path, open_umask: None) -> None:
    audit = tmp_path / "home" / "chat" / "audit.jsonl"
    append_jsonl(audit, {"q": "x"})
    append_jsonl(audit, {"q": "y"})
    assert audit.read_text().count("\n") == 2
    assert mode(audit) == 0o600
    assert mode(audit.parent) == 0o700 and mode(audit.parent.parent) == 0o700
    status = tmp_path / "runs" / "job1" / "status.json"
    atomic_write_json(status, {"state": "running"})
    write_jsonl(tmp_path / "runs" / "job1" / "metrics.jsonl", [{"step": 1}])
    assert mode(status) == 0o600 and mode(status.parent) == 0o700
    assert mode(tmp_path / "runs" / "job1" / "metrics.jsonl") == 0o600


def test_medtune_home_is_made_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None) -> None:
    from medtune.settings import get_settings

    fresh, loose = tmp_path / "fresh" / ".medtune", tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    for home in (fresh, loose):
        monkeypatch.setenv("MEDTUNE_HOME", str(home))
        get_settings.cache_clear()
        assert get_settings().home == home
        assert mode(home) == 0o700, oct(mode(home))


# ------------------------------------------------------------------------------------------------ CSV


def test_csv_cells_are_neutralised_and_restored() -> None:
    for value in HOSTILE:
        safe = csv_safe(value)
        assert safe.startswith("'"), value
        assert csv_unquote(safe) == value
    assert csv_safe(-3.5) == -3.5 and csv_safe(7) == 7  # numbers stay numbers
    assert csv_safe("-3.5") == "'-3.5"  # text that looks like a number is still text (docs/SECURITY.md)
    assert csv_safe("plain text") == "plain text" and csv_unquote("'tis") == "'tis"


def test_dataframe_csv_keeps_numeric_columns_and_quotes_text() -> None:
    frame = pd.DataFrame({"text": ["=1+1", "fine", "-3.5"], "score": [-3.5, 0.25, 1.0], "=col": ["a", "b", "c"]})
    out = list(csv.reader(io.StringIO(csv_safe_frame(frame).to_csv(index=False))))
    assert out[0] == ["text", "score", "'=col"]
    assert [r[0] for r in out[1:]] == ["'=1+1", "fine", "'-3.5"]
    assert [r[1] for r in out[1:]] == ["-3.5", "0.25", "1.0"]
    assert frame["text"][0] == "=1+1"  # the caller's frame is not changed


def test_review_export_neutralises_formulas_and_round_trips(tmp_path: Path) -> None:
    from medtune.eval.review import CSV_FIELDS, ReviewStore

    src = tmp_path / "in.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for i, value in enumerate(HOSTILE):
            writer.writerow({"item_id": f"item-{i}", "reviewer": "@dr who", "factually_correct": 1,
                             "unsupported_sentences": "", "clarity": 4, "patient_friendliness": 3,
                             "comment": value, "rated_at": "", "question": value, "answer": f"Answer {value}"})
    store = ReviewStore(tmp_path / "a.sqlite")
    store.import_csv(src, redact=False)
    exported = tmp_path / "out.csv"
    assert store.export_csv(exported) == len(HOSTILE)
    rows = list(csv.DictReader(exported.open(newline="", encoding="utf-8")))
    for row in rows:
        for key, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (key, cell)
    assert {r["clarity"] for r in rows} == {"4"}  # numbers are written as numbers
    again = ReviewStore(tmp_path / "b.sqlite")
    again.import_csv(exported, redact=False)
    # Exactly what the first store held comes back (its import read "'=quoted already" as a neutralised cell).
    assert sorted(r["comment"] for r in again.ratings()) == sorted(r["comment"] for r in store.ratings())
    assert sorted(r["comment"] for r in store.ratings()) == sorted([*HOSTILE[:-1], "=quoted already"])
    assert {r["reviewer"] for r in again.ratings()} == {"@dr who"}


def test_every_csv_writer_in_medtune_and_the_app_neutralises_cells() -> None:
    """A source check: a new `.to_csv(` or csv writer must go through csv_safe / csv_safe_frame, or say with a
    `csv-exempt:` comment why its cells must stay as they are (a stored data copy, not an export)."""
    writers = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
    unguarded = []
    for folder in ("medtune", "app", "pages"):
        for path in (REPO / folder).rglob("*.py"):
            lines = path.read_text(encoding="utf-8").splitlines()
            for n, line in enumerate(lines):
                if writers.search(line):
                    window = "\n".join(lines[max(0, n - 3):n + 6])
                    if "csv_safe" not in window and "csv-exempt:" not in window:
                        unguarded.append(f"{path.relative_to(REPO)}:{n + 1}: {line.strip()}")
    assert not unguarded, unguarded


# --------------------------------------------------------------------------------------------- uploads


def test_upload_validation_warns_about_formula_cells(tmp_path: Path) -> None:
    from medtune.data.uploads import validate_file

    risky = tmp_path / "risky.csv"
    risky.write_text('text,label\n"Great staff",positive\n"=HYPERLINK(""http://x"")",negative\n'
                     '"@SUM(A1) awful",negative\n', encoding="utf-8")
    report = validate_file(risky, "sentiment")
    assert report.valid, report.errors
    warning = [w for w in report.warnings if "formula" in w]
    assert len(warning) == 1 and "2 cells" in warning[0] and "row 2" in warning[0], report.warnings
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("text,label,score\nGood care,positive,-3.5\nSlow,negative,+2\n", encoding="utf-8")
    assert not [w for w in validate_file(numbers, "sentiment").warnings if "formula" in w]
