"""`medtune data ...` as a user runs it: a subprocess, its exit code, its JSON and its one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def medtune(*args: str) -> subprocess.CompletedProcess:
    # The environment (offline flags, MEDTUNE_HOME, MEDTUNE_DATA_DIR) comes from tests/conftest.py.
    return subprocess.run([sys.executable, "-m", "medtune", "data", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300)


def test_list_json_and_table(shared_data):
    result = medtune("list", "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["covid_fake_news"]["labels"] == ["true", "false"]
    assert rows["covid_fake_news"]["availability"] == "full"
    assert rows["healthfc"]["non_commercial"] is True
    table = medtune("list")
    assert table.returncode == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["name", "default_task", "labels", "availability", "licence"]
    assert any(line.startswith("healthver ") and "claim_verification" in line for line in lines)


def test_show_json_counts_and_unknown_name(shared_data):
    result = medtune("show", "covid_fake_news", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    splits = {s["split"]: s for s in info["splits"]}
    assert splits["train"]["rows"] == 6420 and splits["train"]["labels"] == {"real": 3360, "fake": 3060}
    assert splits["test"]["labelled"] is False
    human = medtune("show", "covid_fake_news")
    assert "train  6420" in human.stdout and "real 3360, fake 3060" in human.stdout
    missing = medtune("show", "no_such_dataset")
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.splitlines()[0].startswith("error [CONFIG]: unknown dataset 'no_such_dataset'")
    assert "Traceback" not in missing.stderr


def test_validate_exit_codes_and_row_errors(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("review,rating\nHelped a lot,positive\nMade me sick,negative\n")
    ok = medtune("validate", str(good), "--task", "sentiment", "--map", "text=review", "--map", "label=rating")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith(f"valid: {good} for task sentiment (2 rows, csv)")

    bad = tmp_path / "bad.csv"
    bad.write_text("review,rating\nHelped a lot,superb\n,negative\n")
    result = medtune("validate", str(bad), "--task", "sentiment", "--map", "text=review,label=rating", "--json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["error_count"] == 2
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(1, "rating"), (2, "review")]
    assert report["unknown_labels"] == {"superb": [1]}
    human = medtune("validate", str(bad), "--task", "sentiment", "--map", "text=review,label=rating",
                    "--labels", "superb=positive")
    assert human.returncode == 2
    assert "error: row 2 (line 3), column 'review': empty text" in human.stdout and "superb" not in human.stdout


def test_validate_usage_errors_are_one_line(tmp_path):
    missing = medtune("validate", str(tmp_path / "nope.csv"), "--task", "sentiment")
    assert missing.returncode == 2 and f"file '{tmp_path / 'nope.csv'}' does not exist" in missing.stdout
    bad_task = medtune("validate", str(tmp_path / "x.csv"), "--task", "astrology")
    assert bad_task.returncode == 2 and "invalid choice: 'astrology'" in bad_task.stderr
    bad_map = medtune("validate", str(tmp_path / "x.csv"), "--task", "sentiment", "--map", "text")
    assert bad_map.returncode == 2
    assert bad_map.stderr.splitlines()[0] == "error [CONFIG]: mapping entry 'text' must look like key=value, e.g. text=review"
    assert "Traceback" not in bad_map.stderr


def test_upload_then_prepare(tmp_path):
    src = tmp_path / "claims.jsonl"
    src.write_text("".join(json.dumps({"tweet": f"Claim {i}: {['masks', 'zinc', 'garlic'][i % 3]} stops covid "
                                                f"in {i * 11} ways", "verdict": ["real", "fake"][i % 2]}) + "\n"
                           for i in range(40)))
    up = medtune("upload", str(src), "--task", "misinformation", "--map", "claim=tweet,label=verdict", "--json")
    assert up.returncode == 0, up.stdout + up.stderr
    uploaded = json.loads(up.stdout)
    assert uploaded["name"] == "upload:claims.jsonl" and uploaded["labels"] == {"true": 20, "false": 20}
    out = tmp_path / "prep"
    result = medtune("prepare", uploaded["name"], "--out", str(out), "--balance", "undersample",
                     "--validation-fraction", "0.2", "--no-near-dedup", "--seed", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"prepared upload:claims.jsonl for misinformation in {out}" in result.stdout
    assert "leakage check: ok" in result.stdout
    report = json.loads((out / "report.json").read_text())
    assert report["options"]["balance"] == "undersample" and report["options"]["seed"] == 3
    assert report["options"]["near_dedup"] is False
    assert report["splits"]["validation"]["rows"] == 8
    lines = {s: (out / f"{s}.jsonl").read_text().splitlines() for s in ("train", "validation", "test")}
    assert sum(len(v) for v in lines.values()) == 40
    assert json.loads(lines["train"][0])["label"] in ("true", "false")

    # the report's options repeat the preparation exactly; a flag still overrides the file
    again = medtune("prepare", uploaded["name"], "--out", str(tmp_path / "again"), "--config",
                    str(out / "report.json"), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["options"] == report["options"]
    assert (tmp_path / "again" / "test.jsonl").read_text() == (out / "test.jsonl").read_text()
    bad = tmp_path / "opts.yaml"
    bad.write_text("balance: sometimes\n")
    wrong = medtune("prepare", uploaded["name"], "--out", str(tmp_path / "x"), "--config", str(bad))
    assert wrong.returncode == 2 and wrong.stderr.startswith("error [CONFIG]: invalid preparation option balance:")


def test_prepare_errors_exit_non_zero_without_traceback(tmp_path):
    bad_option = medtune("prepare", "covid_fake_news", "--out", str(tmp_path), "--test-fraction", "0.9")
    assert bad_option.returncode == 2
    assert bad_option.stderr.splitlines()[0] == ("error [CONFIG]: invalid preparation option test_fraction: "
                                                 "Input should be less than or equal to 0.5")
    wrong_task = medtune("prepare", "covid_fake_news", "--task", "mcq", "--out", str(tmp_path))
    assert wrong_task.returncode == 2 and "does not serve task 'mcq'" in wrong_task.stderr
    unavailable = medtune("prepare", "drug_reviews", "--out", str(tmp_path))
    assert unavailable.returncode == 2
    assert unavailable.stderr.startswith("error [NOT_AVAILABLE]: dataset 'drug_reviews' split 'train' is not available here")
    for result in (bad_option, wrong_task, unavailable):
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "report.json").exists()
