"""The task registry: a task is one entry, and every part of medtune asks the entry instead of the task name.

The toy task here ("urgency": a patient message → routine / urgent) is added with one `register_task` call
and nothing else; it is then uploaded, validated, trained, evaluated and prompted like a built-in task. Its
data are real labelled messages: the project's own triage set (data/eval/triage), emergencies as "urgent" and
their near-misses as "routine".
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from medtune.data.schemas import SentimentRecord
from medtune.data.tasks import TASKS, TaskSpec, get_task, register_task
from medtune.errors import ConfigError

TRIAGE = Path(__file__).resolve().parents[2] / "data" / "eval" / "triage" / "triage.jsonl"


def _urgency_record(rid: str, text: dict, label: str | None, options: dict) -> SentimentRecord:
    return SentimentRecord(id=rid, text=text["text"], label=label)


URGENCY = TaskSpec(
    "urgency", "Patient message → routine / urgent", ("routine", "urgent"), "classification", ("text",),
    "macro_f1", ("text", "label"), _urgency_record, "sentiment",
    label_synonyms={"emergency": "urgent", "near_miss": "routine"},
    instruction="Does this message need urgent care: routine or urgent?",
    recipe={"max_length": 64, "epochs": 1, "batch_size": 16, "learning_rate": 1e-3},
)


@pytest.fixture
def urgency():
    """The toy task registered for one test, and the registry as it was afterwards."""
    before = dict(TASKS)
    register_task(URGENCY)
    yield URGENCY
    TASKS.clear()
    TASKS.update(before)


def _write_urgency_csv(path: Path, n_per_label: int = 40) -> None:
    rows = [json.loads(line) for line in TRIAGE.read_text(encoding="utf-8").splitlines() if line.strip()]
    picked = ([r for r in rows if r["label"] == "emergency"][:n_per_label]
              + [r for r in rows if r["label"] != "emergency"][:n_per_label])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["message", "triage"])
        for r in picked:
            writer.writerow([r["text"], "emergency" if r["label"] == "emergency" else "near_miss"])


def test_every_built_in_task_answers_what_the_code_asks() -> None:
    for name, spec in TASKS.items():
        assert spec.name == name and spec.primary_metric and spec.upload_required
        assert spec.is_classification != spec.is_generation
        assert bool(spec.labels) == spec.is_classification
        if spec.is_classification and not spec.per_item_choices:
            assert "label" in spec.upload_required, name
            assert set(spec.label_synonyms.values()) <= set(spec.labels), name
    assert get_task("intensity").numbered_levels and get_task("mcq").per_item_choices
    assert get_task("hallucination").group_by_context and get_task("sft").is_generation


def test_a_broken_entry_is_refused() -> None:
    with pytest.raises(ConfigError, match="needs its labels"):
        register_task(TaskSpec("nolabels", "x", (), "classification", ("text",), "accuracy", ("text", "label"),
                               _urgency_record, "sentiment"))
    with pytest.raises(ConfigError, match="kind must be"):
        register_task(TaskSpec("odd", "x", ("a",), "ranking", ("text",), "accuracy", ("text",), _urgency_record,
                               "sentiment"))
    assert "nolabels" not in TASKS and "odd" not in TASKS


def test_a_task_added_in_one_place_uploads_trains_evaluates_and_prompts(urgency: TaskSpec, tmp_path: Path) -> None:
    from medtune.data.uploads import upload_file, validate_file
    from medtune.eval.prompts import get_template, render
    from medtune.eval.runner import evaluate
    from medtune.io import read_json, read_jsonl
    from medtune.train.config import default_recipe, parse_config
    from medtune.train.runner import run_local
    from tests.train.conftest import FAST_PREPARE

    source = tmp_path / "urgency.csv"
    _write_urgency_csv(source)
    # the upload speaks the task's own field names and label spellings (synonyms from the entry)
    report = validate_file(source, "urgency", "text=message,label=triage")
    assert report.valid and report.labels == {"urgent": 40, "routine": 40}
    name, _stored = upload_file(source, "urgency", "text=message,label=triage")

    recipe = default_recipe("urgency", name)  # the entry's recipe, read by the trainer's config
    assert recipe.max_length == 64 and recipe.primary_metric == "macro_f1"
    cfg = parse_config({**recipe.to_dict(), "max_steps": 6, "eval_steps": 6, "logging_steps": 1,
                        "prepare": {**FAST_PREPARE, "validation_fraction": 0.25},
                        "lora": {"r": 4, "alpha": 8, "target_modules": ["query", "value"]}})
    run = tmp_path / "run"
    run_local(cfg, run)
    status = read_json(run / "status.json")
    assert status["state"] == "succeeded" and status["val_metric_name"] == "macro_f1"

    result = evaluate(None, name, "all", tmp_path / "eval", run_dir=str(run), task="urgency", n_boot=50)
    assert result["task"] == "urgency"
    predictions = read_jsonl(tmp_path / "eval" / "predictions.jsonl")
    assert len(predictions) == 80 and {p["pred"] for p in predictions} <= {"routine", "urgent"}
    macro_f1 = result["metrics"]["macro_f1"]
    from sklearn.metrics import f1_score

    gold = {r["id"]: r["gold"] for r in predictions}
    expected = f1_score([gold[p["id"]] for p in predictions], [p["pred"] for p in predictions], average="macro")
    assert macro_f1["value"] == pytest.approx(expected)

    from medtune.data.schemas import Example

    prompt = render(get_template("chat-label-v1"), Example(id="1", text="crushing chest pain"), "urgency",
                    urgency.labels)
    assert prompt.startswith("Does this message need urgent care") and "routine, urgent" in prompt
