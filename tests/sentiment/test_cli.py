"""`medtune sentiment` on real files: drug_reviews_explabox test inputs, CSV uploads, bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from medtune.cli import main

LABELS = {"negative", "neutral", "positive"}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_on_drug_reviews_test_inputs(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         analyzer: object) -> None:
    source = shared_data / "drug_reviews_explabox" / "test_inputs_unlabeled.jsonl"
    out_file = tmp_path / "out.jsonl"
    code, out, err = run(["sentiment", "--input", str(source), "--output", str(out_file), "--limit", "40",
                          "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["n"] == 40 and sum(summary["overall"].values()) == 40
    lines = [json.loads(line) for line in out_file.read_text().splitlines()]
    ids = [json.loads(line)["id"] for line in source.read_text().splitlines()[:40]]
    assert [line["id"] for line in lines] == [str(i) for i in ids]  # the file's own ids, in order
    for line in lines:
        assert set(line) == {"id", "overall", "intensity", "aspects", "evidence"}
        assert line["overall"] in LABELS and 1 <= line["intensity"] <= 5
        assert set(line["aspects"]) == set(line["evidence"])
        assert set(line["aspects"].values()) <= LABELS
    # Drug reviews talk about effectiveness and side effects: most lines must find one of them.
    medical = sum(1 for line in lines if {"effectiveness", "side_effects"} & set(line["aspects"]))
    assert medical >= 30


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_cli_csv_with_text_column_and_seed_example(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   analyzer: object) -> None:
    path = write_csv(tmp_path / "survey.csv", [
        {"ref": "a1", "comment": "The nurses were great, but I had to wait over six hours in the ER before "
                                 "seeing a doctor. It was a frustrating experience.", "ward": "ER"},
        {"ref": "a2", "comment": "Spotless rooms and a very kind surgeon.", "ward": "Ortho"},
    ])
    out_file = tmp_path / "out.jsonl"
    code, out, err = run(["sentiment", "--input", str(path), "--output", str(out_file),
                          "--text-column", "comment", "--id-column", "ref"], capsys)
    assert code == 0, err
    assert "2 reviews" in out
    first, second = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert first["id"] == "a1" and first["overall"] == "negative"
    assert first["aspects"]["staff"] == "positive" and first["aspects"]["wait_time"] == "negative"
    assert second["overall"] == "positive"


def test_cli_errors_name_the_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "bad.csv", [{"comment": "Fine."}, {"comment": ""}, {"comment": "Rude staff."}])
    code, out, err = run(["sentiment", "--input", str(path), "--output", str(tmp_path / "o.jsonl")], capsys)
    assert code == 2
    assert "bad.csv row 2: column 'comment' is empty" in err and "Traceback" not in err
    assert not (tmp_path / "o.jsonl").exists()

    code, out, err = run(["sentiment", "--input", str(path), "--output", str(tmp_path / "o.jsonl"),
                          "--text-column", "review"], capsys)
    assert code == 2 and "no column 'review'" in err and "comment" in err

    nocol = write_csv(tmp_path / "nocol.csv", [{"score": "3", "when": "2024-01-01"}])
    code, out, err = run(["sentiment", "--input", str(nocol), "--output", str(tmp_path / "o.jsonl")], capsys)
    assert code == 2 and "no review text column" in err and "score, when" in err

    code, out, err = run(["sentiment", "--input", str(tmp_path / "missing.csv"), "--output", "x"], capsys)
    assert code == 2 and "does not exist" in err


def test_cli_skip_bad_rows_lists_what_it_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 analyzer: object) -> None:
    path = write_csv(tmp_path / "bad.csv", [{"comment": "Fine."}, {"comment": ""}, {"comment": "Rude staff."}])
    out_file = tmp_path / "o.jsonl"
    code, out, err = run(["sentiment", "--input", str(path), "--output", str(out_file), "--skip-bad-rows"], capsys)
    assert code == 0
    assert "skipped bad.csv row 2" in err
    assert [json.loads(x)["id"] for x in out_file.read_text().splitlines()] == ["1", "3"]


def test_cli_text_and_aspects_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       analyzer: object) -> None:
    code, out, _ = run(["sentiment", "--text", "The doctor was not rude at all."], capsys)
    assert code == 0 and json.loads(out)["aspects"]["staff"] == "positive"
    code, out, _ = run(["sentiment", "aspects", "--export", str(tmp_path / "a.yaml")], capsys)
    assert code == 0 and (tmp_path / "a.yaml").is_file()
    (tmp_path / "broken.yaml").write_text("aspects:\n  - name: food\n    description: x\n")
    code, _, err = run(["sentiment", "aspects", "--check", str(tmp_path / "broken.yaml")], capsys)
    assert code == 2 and "aspect 'food' field description" in err
