"""The files of an evaluation directory, and user-supplied label files.

`predictions.jsonl` is written first and `eval.json` last, so an `eval.json` means the evaluation finished
(nanochat writes its manifest last for the same reason). Prediction rows:
`{"id", "gold", "pred", "confidence", "probs", "correct"}` plus `"text"` (a generated answer or an API
reply) and `"scores"` (per-item generation metrics) where they apply.
A training run's own `predictions.jsonl` (rows with `"label"` instead of `"pred"`) reads the same way.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from medtune.errors import DataError
from medtune.io import atomic_write_json, read_json, read_jsonl, write_jsonl

EVAL_FILE = "eval.json"
PREDICTIONS_FILE = "predictions.jsonl"
SCHEMA = "medtune.eval/1"


def write_evaluation(out_dir: Path, evaluation: dict[str, Any], rows: list[dict[str, Any]]) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_jsonl(out_dir / PREDICTIONS_FILE, rows)
    atomic_write_json(out_dir / EVAL_FILE, evaluation)
    return out_dir / EVAL_FILE


def load_evaluation(path: str | Path) -> dict[str, Any]:
    """{"eval": eval.json (or {}), "predictions": rows with pred/gold/correct filled, "dir": path}."""
    directory = Path(path)
    if directory.is_file():
        directory = directory.parent
    pred_file = directory / PREDICTIONS_FILE
    if not pred_file.is_file():
        raise DataError(f"{directory} is not an evaluation directory: it has no {PREDICTIONS_FILE}",
                        hint="run `medtune eval --model M --dataset D --split S --out DIR` first")
    try:
        rows = [normalise_row(r) for r in read_jsonl(pred_file)]
    except json.JSONDecodeError as exc:
        raise DataError(f"{pred_file} line {exc.lineno}: not valid JSON") from exc
    return {"dir": str(directory), "eval": read_json(directory / EVAL_FILE, {}) or {}, "predictions": rows}


def normalise_row(row: dict[str, Any]) -> dict[str, Any]:
    if "id" not in row:
        raise DataError(f"a prediction row has no id: {str(row)[:120]}")
    out = dict(row)
    out["id"] = str(row["id"])
    out.setdefault("pred", row.get("label"))
    if out.get("correct") is None and out.get("gold") is not None and out.get("pred") is not None:
        out["correct"] = out["gold"] == out["pred"]
    return out


def read_labels_file(path: str | Path) -> dict[str, str]:
    """{id: label} from JSONL / JSON (a list of rows or an {id: label} map) / CSV with `id` and `label` columns."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"labels file {path} does not exist")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with open(path, newline="", encoding="utf-8") as fh:
                rows: Any = list(csv.DictReader(fh))
        elif suffix == ".json":
            rows = json.loads(path.read_text(encoding="utf-8"))
        else:
            rows = read_jsonl(path)
    except (json.JSONDecodeError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"labels file {path}: cannot be read ({exc})") from exc
    if isinstance(rows, dict):
        return {str(k): str(v) for k, v in rows.items()}
    labels: dict[str, str] = {}
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or row.get("id") in (None, "") or row.get("label") in (None, ""):
            raise DataError(f"labels file {path} row {n}: needs non-empty 'id' and 'label' fields")
        labels[str(row["id"])] = str(row["label"])
    if not labels:
        raise DataError(f"labels file {path} holds no labels")
    return labels
