"""`medtune chat`: one question (text and --json) and a JSONL batch where bad lines are reported, not lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.cli import main

SEED = "Can I take ibuprofen if I'm already on aspirin for heart disease?"


def test_chat_json(kb_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", SEED, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "ibuprofen may decrease this benefit of aspirin" in out["answer"]
    assert out["safety"]["emergency"] is False and out["citations"]


def test_chat_text_shows_band_sources_and_grade(kb_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", SEED, "--style", "clinician"]) == 0
    text = capsys.readouterr().out
    assert ("GREEN" in text or "YELLOW" in text) and "confidence" in text
    assert "[1] U.S. FDA" in text and "reading grade" in text


def test_batch_keeps_every_line(kb_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, dest = tmp_path / "q.jsonl", tmp_path / "out" / "a.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "q1", "question": SEED}),
        "{not json",
        json.dumps({"id": "q3", "question": ""}),
        json.dumps({"id": "q4", "question": "i want to kill myself"}),
    ]) + "\n")
    assert main(["chat", "--input", str(src), "--output", str(dest)]) == 2  # two bad lines
    rows = [json.loads(line) for line in dest.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["q1", 2, "q3", "q4"]
    assert "ibuprofen may decrease this benefit" in rows[0]["answer"]
    assert rows[1]["error"]["reason"] == "DATA" and "line 2" in rows[1]["error"]["message"]
    assert rows[2]["error"]["reason"] == "DATA"
    assert rows[3]["safety"]["emergency"] is True and "988" in rows[3]["answer"]
    assert "answered 2, failed 2" in capsys.readouterr().out
    assert not (dest.parent / "a.jsonl.partial").exists()


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat"]) == 2
    assert main(["chat", "hi", "--input", "x.jsonl"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error" in err
