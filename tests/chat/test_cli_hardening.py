"""Invalid text given to `medtune chat` / `medtune check` is a one-line error, never a traceback (issue 20.3).

Run against a real knowledge base: without one the commands stop earlier (no knowledge base), which would hide
the crash these tests guard against.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_hardening_cli import assert_one_line_error, medtune


@pytest.mark.parametrize("command", ["chat", "check"])
def test_undecodable_text_on_the_command_line_is_a_one_line_error(command: str, tmp_path: Path, built_kb: Path) -> None:
    # Bytes that are not UTF-8 reach Python as lone surrogates ('\udcff'): they must not crash the answer.
    proc = medtune(command, b"does ibuprofen \xff hurt?", home=tmp_path, MEDTUNE_KB_DIR=str(built_kb))
    assert_one_line_error(proc, "DATA", mentions="surrogate")


def test_a_batch_line_with_a_lone_surrogate_becomes_an_error_row(tmp_path: Path, built_kb: Path) -> None:
    src, dest = tmp_path / "q.jsonl", tmp_path / "a.jsonl"
    src.write_text('{"id": "bad", "question": "why \\ud800?"}\n', encoding="utf-8")
    proc = medtune("chat", "--input", str(src), "--output", str(dest), home=tmp_path, MEDTUNE_KB_DIR=str(built_kb))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    row = dest.read_text(encoding="utf-8")
    assert '"id": "bad"' in row and "surrogate" in row and '"reason": "DATA"' in row
