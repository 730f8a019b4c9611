"""`medtune eval` and `medtune eval compare` in a subprocess, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from medtune.io import atomic_write_json, write_jsonl


def medtune(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MEDTUNE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "medtune", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_eval_then_compare(shared_data: Path, tmp_path: Path, medtune_home: Path) -> None:
    out = tmp_path / "majority"
    done = medtune("eval", "--model", "majority", "--dataset", "pubmedqa", "--split", "dev", "--out", str(out),
                   "--n-boot", "200", "--json", home=medtune_home)
    assert done.returncode == 0, done.stderr
    ev = json.loads(done.stdout)
    assert ev["split"]["split"] == "dev" and ev["metrics"]["accuracy"]["ci"]
    assert json.loads((out / "eval.json").read_text()) == ev

    # B: the majority baseline's predictions with the first 12 wrong items corrected
    rows = [json.loads(x) for x in (out / "predictions.jsonl").read_text().split("\n") if x]
    fixed = 0
    for row in rows:
        if not row["correct"] and fixed < 12:
            row.update(pred=row["gold"], correct=True)
            fixed += 1
    write_jsonl(tmp_path / "better" / "predictions.jsonl", rows)
    atomic_write_json(tmp_path / "better" / "eval.json", {**ev, "model_ref": "better"})

    text = medtune("eval", "compare", str(out), str(tmp_path / "better"), home=medtune_home)
    assert text.returncode == 0, text.stderr
    assert "wrong→right: 12" in text.stdout and "right→wrong: 0" in text.stdout
    assert "McNemar (exact binomial): b=0 c=12" in text.stdout
    as_json = json.loads(medtune("eval", "compare", str(out), str(tmp_path / "better"), "--json", home=medtune_home).stdout)
    assert as_json["mcnemar"]["p_value"] == pytest.approx(2 / 2 ** 12) and as_json["significant"] is True


def test_errors_are_one_line_without_traceback(shared_data: Path, tmp_path: Path, medtune_home: Path) -> None:
    done = medtune("eval", "--model", "majority", "--dataset", "pubmedqa", "--split", "test", "--out", str(tmp_path),
                   home=medtune_home)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].startswith("error [DATA]: dataset 'pubmedqa' split 'test' cannot be scored")
    missing = medtune("eval", "--model", "majority", home=medtune_home)
    assert missing.returncode == 2 and "missing --dataset, --split, --out" in missing.stderr
    compare = medtune("eval", "compare", str(tmp_path), str(tmp_path), home=medtune_home)
    assert compare.returncode == 2 and "no predictions.jsonl" in compare.stderr and "Traceback" not in compare.stderr


def test_metrics_and_references_listing(medtune_home: Path) -> None:
    metrics = json.loads(medtune("eval", "metrics", "--json", home=medtune_home).stdout)
    assert {m["name"] for m in metrics} >= {"accuracy", "ece", "rougeL", "fleiss_kappa"}
    refs = medtune("eval", "references", "--dataset", "pubmedqa", home=medtune_home)
    assert "BioGPT" in refs.stdout and "78.2" in refs.stdout


def test_quantize_flag_reaches_the_evaluation(shared_data: Path, tmp_path: Path, medtune_home: Path) -> None:
    out = tmp_path / "int8"
    done = medtune("eval", "--model", "minilm", "--dataset", "pubmedqa", "--split", "dev", "--out", str(out),
                   "--limit", "6", "--n-boot", "50", "--quantize", "int8", "--json", home=medtune_home)
    assert done.returncode == 0, done.stderr
    ev = json.loads((out / "eval.json").read_text())
    assert ev["model"]["quantize"] == "int8" and ev["split"]["n_items"] == 6
    assert len((out / "predictions.jsonl").read_text().splitlines()) == 6
    wrong = medtune("eval", "--model", "majority", "--dataset", "pubmedqa", "--split", "dev", "--out", str(tmp_path / "x"),
                    "--quantize", "int8", home=medtune_home)
    assert wrong.returncode == 2 and "quantize applies to encoder classifiers" in wrong.stderr
