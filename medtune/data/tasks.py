"""The fixed task names used by the CLI, configs and pages, and how a record becomes a task example.

| task | input | labels |
|---|---|---|
| misinformation | claim | true / false / misleading (binary sets map into true / false) |
| claim_verification | claim + evidence | supported / refuted / not_enough_info |
| qa_decision | question + context | yes / no / maybe (PubMedQA) |
| hallucination | question + evidence + answer | faithful / hallucinated |
| mcq | question + options | the option keys |
| sentiment | text | negative / neutral / positive |
| intensity | text | very_negative … very_positive (levels 1–5) |
| sft | question or dialogue | generated text |
"""

from __future__ import annotations

from dataclasses import dataclass

from medtune.data.schemas import (
    AnswerRecord,
    ClaimRecord,
    DialogueRecord,
    Example,
    MCQRecord,
    QARecord,
    Record,
    SentimentRecord,
)
from medtune.errors import ConfigError, DataError


@dataclass(frozen=True)
class TaskSpec:
    name: str
    description: str
    labels: tuple[str, ...]  # empty for generative tasks
    kind: str  # "classification" | "generation"
    input_fields: tuple[str, ...]

    @property
    def is_classification(self) -> bool:
        return self.kind == "classification"


INTENSITY_LABELS = ("very_negative", "negative", "neutral", "positive", "very_positive")

TASKS: dict[str, TaskSpec] = {
    t.name: t
    for t in (
        TaskSpec("misinformation", "Claim → true / false / misleading", ("true", "false", "misleading"),
                 "classification", ("claim",)),
        TaskSpec("claim_verification", "Claim + evidence → supported / refuted / not enough info",
                 ("supported", "refuted", "not_enough_info"), "classification", ("claim", "evidence")),
        TaskSpec("qa_decision", "Question + abstract → yes / no / maybe", ("yes", "no", "maybe"),
                 "classification", ("question", "context")),
        TaskSpec("hallucination", "Question + evidence + answer → faithful / hallucinated",
                 ("faithful", "hallucinated"), "classification", ("question", "context", "answer")),
        TaskSpec("mcq", "Multiple-choice question → the correct option", ("A", "B", "C", "D", "E"),
                 "classification", ("question", "options")),
        TaskSpec("sentiment", "Text → negative / neutral / positive", ("negative", "neutral", "positive"),
                 "classification", ("text",)),
        TaskSpec("intensity", "Text → sentiment intensity 1 (very negative) … 5 (very positive)",
                 INTENSITY_LABELS, "classification", ("text",)),
        TaskSpec("sft", "Question or dialogue → a generated answer", (), "generation", ("question", "answer")),
    )
}


def get_task(name: str) -> TaskSpec:
    try:
        return TASKS[name]
    except KeyError:
        raise ConfigError(f"unknown task {name!r}; tasks are: {', '.join(TASKS)}") from None


def intensity_level(label: str) -> int:
    """1–5 for an intensity label (very_negative → 1)."""
    return INTENSITY_LABELS.index(label) + 1


def map_label(raw: str | None, task: TaskSpec, label_map: dict[str, str] | None, where: str) -> str | None:
    """Map a dataset's raw label into the task's label set; unknown labels are a DATA error naming the row."""
    if raw is None:
        return None
    mapped = (label_map or {}).get(raw, raw)
    if task.is_classification and task.name != "mcq" and mapped not in task.labels:
        raise DataError(
            f"{where}: label {raw!r} has no mapping into task {task.name!r} "
            f"(expected one of {list(task.labels)})"
        )
    return mapped


def to_example(record: Record, task: TaskSpec, label_map: dict[str, str] | None = None) -> Example:
    """Turn a canonical record into the (text, text_pair, label) a trainer consumes for `task`."""
    where = f"record {record.id}"
    raw = getattr(record, "label", None)
    if task.name == "intensity" and getattr(record, "intensity", None) is not None:
        # A 1–10 star rating gives the level directly; the 3-class label is coarser.
        label = INTENSITY_LABELS[record.intensity - 1]  # type: ignore[attr-defined]
    elif task.is_classification:
        label = map_label(raw, task, label_map, where)
    else:
        label = None
    if isinstance(record, ClaimRecord):
        return Example(id=record.id, text=record.claim, text_pair=record.evidence, label=label, meta=record.meta)
    if isinstance(record, AnswerRecord):
        # The answer is what is judged; the question and evidence are its context (a cross-encoder pair).
        pair = f"Question: {record.question}\nEvidence: {record.context or ''}"
        return Example(id=record.id, text=record.answer, text_pair=pair, label=label, meta=record.meta)
    if isinstance(record, QARecord):
        if task.name == "sft":
            target = record.long_answer or record.answer
            if not target:
                raise DataError(f"{where}: no answer to train on for task 'sft'")
            return Example(id=record.id, text=record.question, target=target, meta=record.meta)
        return Example(id=record.id, text=record.question, text_pair=record.context, label=label, meta=record.meta)
    if isinstance(record, MCQRecord):
        opts = "\n".join(f"{k}. {v}" for k, v in record.options.items())
        return Example(id=record.id, text=record.question, text_pair=opts, label=label,
                       meta={**record.meta, "options": record.options})
    if isinstance(record, SentimentRecord):
        return Example(id=record.id, text=record.text, label=label, meta=record.meta)
    if isinstance(record, DialogueRecord):
        if task.name != "sft":
            raise ConfigError(f"dialogue records serve only the 'sft' task, not {task.name!r}")
        return Example(id=record.id, text=record.turns[0].content, messages=record.turns, meta=record.meta)
    raise ConfigError(f"{where}: records of kind {record.kind!r} do not serve task {task.name!r}")  # type: ignore[attr-defined]
