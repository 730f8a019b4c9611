"""Tables for the Evaluation page and the CLI: a leaderboard across evaluations, and per-example rows.

Both return plain lists of dicts (one per row), ready for a dataframe. Evaluations are found by their
`eval.json` (schema medtune.eval/1) under the runs directory; published reference rows are added beside
them, marked `kind: "reference"`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medtune.eval.majority import below_majority
from medtune.eval.records import EVAL_FILE, SCHEMA, load_evaluation
from medtune.eval.references import references_for
from medtune.io import read_json


def find_evaluations(root: str | Path | None = None, max_depth: int = 3) -> list[Path]:
    """Evaluation directories under `root` (default: the runs directory), newest first."""
    from medtune.settings import get_settings

    base = Path(root) if root else get_settings().runs_path
    if not base.is_dir():
        return []
    found = []
    for depth in range(max_depth):
        for path in base.glob("/".join(["*"] * depth + [EVAL_FILE])):
            data = read_json(path, {}) or {}
            if data.get("schema") == SCHEMA:
                found.append((data.get("timestamp") or "", path.parent))
    return [p for _, p in sorted(found, key=lambda t: t[0], reverse=True)]


def leaderboard(root: str | Path | None = None, *, dataset: str | None = None, task: str | None = None,
                include_references: bool = True) -> list[dict[str, Any]]:
    """One row per evaluation (scalar metrics with interval bounds), then the matching reference rows."""
    rows = []
    for directory in find_evaluations(root):
        ev = read_json(directory / EVAL_FILE, {})
        split = ev.get("split", {})
        if (dataset and split.get("dataset") != dataset) or (task and ev.get("task") != task):
            continue
        row: dict[str, Any] = {"kind": ev.get("baseline_kind"), "model": display_name(ev),
                               "model_ref": ev.get("model_ref"), "source": ev.get("source"), "stage": ev.get("stage"),
                               "dataset": split.get("dataset"), "split": split.get("split"), "task": ev.get("task"),
                               "n_items": split.get("n_items"), "official": split.get("official"),
                               "timestamp": ev.get("timestamp"), "dir": str(directory),
                               "quantize": (ev.get("model") or {}).get("quantize"),  # int8 weights: not exact
                               # a sentence when the model is no better than the majority class (issue 15)
                               "below_majority": below_majority(ev)}
        for name, m in (ev.get("metrics") or {}).items():
            if m.get("aggregation") in ("corpus", "mean") and isinstance(m.get("value"), (int, float)):
                row[name] = m["value"]
                if m.get("ci"):
                    row[f"{name}_lo"], row[f"{name}_hi"] = m["ci"]
        rows.append(row)
    if include_references:
        for ref in references_for(dataset, task):
            rows.append({"kind": "reference", "model": ref["model"], "stage": None, "dataset": ref["dataset"],
                         "split": ref["split"], "task": ref["task"], "official": True, ref["metric"]: ref["value"],
                         "source": ref["source"]})
    return rows


def run_name(ref: Any) -> str | None:
    """The name the user gave a training run (its config.yaml `name`), from the run directory or the adapter /
    model folder inside it; None for anything that is not a run directory (or whose config cannot be read)."""
    if not ref:
        return None
    import yaml

    path = Path(str(ref))
    if not path.is_absolute() and not path.is_dir():  # a hub id or registry name, not a folder here
        return None
    for folder in (path, path.parent):
        config = folder / "config.yaml"
        if config.is_file():
            try:
                data = yaml.safe_load(config.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                return None
            name = data.get("name") if isinstance(data, dict) else None
            return str(name) if name else None
    return None


def display_name(ev: dict[str, Any]) -> str | None:
    """How an evaluation's model is named for people: the run's own name when it is a training run (recorded in
    eval.json as `model_name`, else read from the run's config.yaml), otherwise the model reference."""
    return ev.get("model_name") or run_name(ev.get("model_ref")) or ev.get("model_ref")


def example_rows(eval_dir: str | Path, *, compare_to: str | Path | None = None,
                 with_inputs: bool = True) -> list[dict[str, Any]]:
    """Per-example rows: id, input, gold, prediction, confidence, correct; with `compare_to` (the "before"
    evaluation) also its prediction and the flip (right→wrong / wrong→right / none)."""
    ev = load_evaluation(eval_dir)
    inputs = _inputs(ev["eval"]) if with_inputs else {}
    before = {r["id"]: r for r in load_evaluation(compare_to)["predictions"]} if compare_to else {}
    rows = []
    for r in ev["predictions"]:
        row = {"id": r["id"], "input": inputs.get(r["id"]), "gold": r.get("gold"), "pred": r.get("pred"),
               "confidence": r.get("confidence"), "correct": r.get("correct")}
        if compare_to:
            b = before.get(r["id"])
            row["pred_before"] = b.get("pred") if b else None
            row["flip"] = _flip(b.get("correct") if b else None, r.get("correct"))
        rows.append(row)
    return rows


def _flip(before: bool | None, after: bool | None) -> str:
    if before is None or after is None or before == after:
        return "none"
    return "wrong→right" if after else "right→wrong"


def _inputs(ev: dict[str, Any]) -> dict[str, str]:
    """The items' input text, from the dataset (eval.json records where it came from)."""
    split = ev.get("split") or {}
    run = (ev.get("config") or {}).get("run")
    if ev.get("source") == "training run validation" and run:
        return _run_validation_inputs(Path(run))
    if not split.get("dataset") or not split.get("split"):
        return {}
    from medtune.data.examples import load_examples
    from medtune.errors import MedtuneError

    try:
        examples = load_examples(split["dataset"], split["split"], ev.get("task"))
    except MedtuneError:
        return {}
    return {e.id: e.text if not e.text_pair else f"{e.text}\n\n{e.text_pair}" for e in examples}


def _run_validation_inputs(run_dir: Path) -> dict[str, str]:
    """A training run's validation texts, from the split it prepared (`<run>/data/<dataset>/validation.jsonl`)."""
    from medtune.io import read_jsonl

    texts: dict[str, str] = {}
    for path in sorted(run_dir.glob("data/*/validation.jsonl")):
        try:
            rows = read_jsonl(path)
        except (OSError, ValueError):
            continue
        for row in rows:
            if "id" in row:
                pair = row.get("text_pair")
                texts[str(row["id"])] = f"{row.get('text')}\n\n{pair}" if pair else str(row.get("text"))
    return texts
