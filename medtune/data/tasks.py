"""The task registry: one entry per task owns everything the rest of medtune needs to know about it.

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

A `TaskSpec` carries a task's labels and input fields, how an uploaded row becomes a record, the label
spellings uploads accept, the prompt fields and instruction, the primary metric, the default encoder recipe,
the dedup grouping and the augmentation that applies (lm-evaluation-harness's one-entry-per-task is the
model). Code elsewhere asks the entry (`task.is_generation`, `task.per_item_choices`, ...) instead of
comparing task names, so adding a task is one `register_task(TaskSpec(...))` (docs/CONTRACTS.md, "Tasks").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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

#: An uploaded row (canonical field -> text or None) with its label and the option dict (multiple choice).
RowToRecord = Callable[[str, dict[str, Any], "str | None", dict[str, str]], Record]


def _claim_record(rid: str, text: dict[str, Any], label: str | None, options: dict[str, str]) -> Record:
    return ClaimRecord(id=rid, claim=text["claim"], evidence=text.get("evidence"), label=label)


def _decision_record(rid: str, text: dict[str, Any], label: str | None, options: dict[str, str]) -> Record:
    return QARecord(id=rid, question=text["question"], context=text.get("context"), label=label,
                    long_answer=text.get("long_answer"))


def _answer_record(rid: str, text: dict[str, Any], label: str | None, options: dict[str, str]) -> Record:
    return AnswerRecord(id=rid, question=text["question"], context=text.get("context"), answer=text["answer"],
                        label=label)


def _mcq_record(rid: str, text: dict[str, Any], label: str | None, options: dict[str, str]) -> Record:
    return MCQRecord(id=rid, question=text["question"], options=options, label=label.upper() if label else None)


def _text_record(rid: str, text: dict[str, Any], label: str | None, options: dict[str, str]) -> Record:
    return SentimentRecord(id=rid, text=text["text"], label=label, date=text.get("date"))


def _qa_pair_record(rid: str, text: dict[str, Any], label: str | None, options: dict[str, str]) -> Record:
    return QARecord(id=rid, question=text["question"], answer=text["answer"])


@dataclass(frozen=True)
class TaskSpec:
    name: str
    description: str
    labels: tuple[str, ...]  # empty for generative tasks
    kind: str  # "classification" | "generation"
    input_fields: tuple[str, ...]
    primary_metric: str  # the validation metric a run is judged by (and its best checkpoint chosen by)
    upload_required: tuple[str, ...]  # an upload's canonical fields (the label included where there is one)
    row_to_record: RowToRecord
    record_kind: str  # the kind of record `row_to_record` builds (medtune.data.schemas.RECORD_KINDS)
    upload_optional: tuple[str, ...] = ("id",)
    label_synonyms: Mapping[str, str] = field(default_factory=dict)  # common spellings, so releases validate
    prompt_fields: tuple[str, str | None] = ("Text", None)  # how prompts name text and text_pair
    instruction: str = ""
    recipe: Mapping[str, Any] = field(default_factory=dict)  # encoder defaults; `balance` is a prepare option,
    # `method` the encoder's default method (lora when absent)
    per_item_choices: bool = False  # the labels are each item's own option keys (multiple choice)
    numbered_levels: bool = False  # "1".."N" (and a record's `intensity`) name the N ordered labels
    group_by_context: bool = False  # dedup groups rows by text_pair (one question's answers stay together)
    augmentation: str | None = None  # "option_shuffle" | "question_rephrase" (medtune.data.prep_balance)
    review: str | None = None  # "generated" | "judged": answers a person can review (Review page)
    offered_for_training: bool = True  # listed on the Train page

    @property
    def is_classification(self) -> bool:
        return self.kind == "classification"

    @property
    def is_generation(self) -> bool:
        return self.kind == "generation"

    @property
    def upload_fields(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.upload_required, self.upload_optional


INTENSITY_LABELS = ("very_negative", "negative", "neutral", "positive", "very_positive")

# Encoder recipes (`recipe`): defaults for the embedded MiniLM, sized to train in under 15 minutes on 2 CPU
# cores (docs/QUALITY.md has the measured figures and times). max_length covers most inputs (MiniLM tokens,
# p50 / p90: COVID fake-news tweets 47 / 84, COVID sentiment tweets 59 / 81, HealthVer claim + evidence 70 / 124,
# drug reviews 112 / 179, PubMedQA question + abstract 321 / 431, MedHallu answer + question + evidence
# 372 / 495); dynamic padding keeps short inputs cheap. The small sets (a few hundred rows) get more epochs and
# smaller batches (more steps), and (the pair tasks and intensity) a head started from a linear probe
# (`head_init: probe`); misinformation (6k rows) skips the probe, whose extra pass over the training set would
# push it past 15 minutes; sentiment was measured with a random head (docs/QUALITY.md has the probe's trial on
# it). qa_decision reads the question and the first ~230 tokens of the abstract (256, not 512: half the
# training and evaluation time, and the 512-token recipe did no better) and trains with plain cross-entropy
# (`balance: none`): accuracy is its metric, and the class-weighted loss traded accuracy for recall on
# "maybe". Keeping the abstract's end instead (`truncation_side: left`, where the results are) at 224 tokens
# did worse (0.51; docs/QUALITY.md). 3-fold CV (benchmarks/cv_select.py --task qa_decision) puts this recipe at
# 0.492 ± 0.039, BELOW always "yes" (0.551) on every fold: it is not a usable model on MiniLM, and its runs say
# so (eval.json `majority`, issue 15). Keys: max_length, epochs, batch_size, learning_rate, plus optional extras
# (`balance` goes to the preparation options; `method` is the method an encoder trains with when none is asked
# for, LoRA when absent). misinformation fine-tunes every weight (`method: full`, lr 5e-5 from
# `default_recipe`): 3-fold CV 0.950 ± 0.005 against LoRA's 0.942 ± 0.028, in 8.8 minutes on 2 idle cores
# (docs/QUALITY.md); so does hallucination (question-grouped 3-fold CV 0.725 ± 0.018 against LoRA's
# 0.706 ± 0.031, better on every fold, ~9.5 minutes a fold). MiniLM's head is mean-pooled (`medtune.train.config.mean_pooled`).
TASKS: dict[str, TaskSpec] = {}


def register_task(spec: TaskSpec) -> TaskSpec:
    """Add a task (or replace one of the same name); every page, command and trainer sees it from then on."""
    if spec.kind not in ("classification", "generation"):
        raise ConfigError(f"task {spec.name!r}: kind must be 'classification' or 'generation', not {spec.kind!r}")
    if spec.is_classification and not spec.labels:
        raise ConfigError(f"task {spec.name!r}: a classification task needs its labels")
    TASKS[spec.name] = spec
    return spec


for _spec in (
    TaskSpec("misinformation", "Claim → true / false / misleading", ("true", "false", "misleading"),
             "classification", ("claim",), "weighted_f1", ("claim", "label"), _claim_record, "claim",
             upload_optional=("id", "evidence"),
             label_synonyms={"real": "true", "fake": "false", "mixture": "misleading", "unproven": "misleading"},
             prompt_fields=("Claim", "Evidence"), instruction="Is this health claim true, false or misleading?",
             recipe={"max_length": 128, "epochs": 2, "batch_size": 32, "learning_rate": 1e-3, "method": "full"}),
    TaskSpec("claim_verification", "Claim + evidence → supported / refuted / not enough info",
             ("supported", "refuted", "not_enough_info"), "classification", ("claim", "evidence"), "macro_f1",
             ("claim", "evidence", "label"), _claim_record, "claim",
             label_synonyms={"supports": "supported", "support": "supported", "refutes": "refuted",
                             "contradict": "refuted", "neutral": "not_enough_info", "nei": "not_enough_info",
                             "not_enough_information": "not_enough_info"},
             prompt_fields=("Claim", "Evidence"),
             instruction="Does the evidence support or refute the claim, or is there not enough information?",
             recipe={"max_length": 192, "epochs": 4, "batch_size": 16, "learning_rate": 1e-3, "head_init": "probe"}),
    TaskSpec("qa_decision", "Question + abstract → yes / no / maybe", ("yes", "no", "maybe"), "classification",
             ("question", "context"), "accuracy", ("question", "context", "label"), _decision_record, "qa",
             upload_optional=("id", "long_answer"), prompt_fields=("Question", "Context"),
             instruction="Answer the research question from the context with yes, no or maybe.",
             recipe={"max_length": 256, "epochs": 4, "batch_size": 8, "learning_rate": 1e-3, "head_init": "probe",
                     "balance": "none"}),
    TaskSpec("hallucination", "Question + evidence + answer → faithful / hallucinated", ("faithful", "hallucinated"),
             "classification", ("question", "context", "answer"), "f1_hallucinated", ("question", "answer", "label"),
             _answer_record, "answer", upload_optional=("id", "context"), prompt_fields=("Answer", "Context"),
             instruction="Is the answer faithful to the context, or hallucinated?",
             recipe={"max_length": 256, "epochs": 2, "batch_size": 16, "learning_rate": 1e-3, "head_init": "probe",
                     "method": "full"},
             group_by_context=True, review="judged"),
    TaskSpec("mcq", "Multiple-choice question → the correct option", ("A", "B", "C", "D", "E"), "classification",
             ("question", "options"), "accuracy", ("question", "options", "label"), _mcq_record, "mcq",
             prompt_fields=("Question", "Options"), instruction="Choose the correct option.",
             recipe={"max_length": 256, "epochs": 3, "batch_size": 16, "learning_rate": 1e-3},
             per_item_choices=True, augmentation="option_shuffle", offered_for_training=False),
    TaskSpec("sentiment", "Text → negative / neutral / positive", ("negative", "neutral", "positive"),
             "classification", ("text",), "macro_f1", ("text", "label"), _text_record, "sentiment",
             upload_optional=("id", "date"), label_synonyms={"neg": "negative", "neu": "neutral", "pos": "positive"},
             instruction="What is the sentiment of this text: negative, neutral or positive?",
             recipe={"max_length": 256, "epochs": 6, "batch_size": 16, "learning_rate": 1e-3}),
    TaskSpec("intensity", "Text → sentiment intensity 1 (very negative) … 5 (very positive)", INTENSITY_LABELS,
             "classification", ("text",), "macro_f1", ("text", "label"), _text_record, "sentiment",
             upload_optional=("id", "date"),
             instruction="How negative or positive is this text: very negative, negative, neutral, positive or "
                         "very positive?",
             recipe={"max_length": 128, "epochs": 3, "batch_size": 32, "learning_rate": 1e-3, "head_init": "probe"},
             numbered_levels=True),
    TaskSpec("sft", "Question or dialogue → a generated answer", (), "generation", ("question", "answer"),
             "eval_loss", ("question", "answer"), _qa_pair_record, "qa", prompt_fields=("Question", None),
             instruction="Answer the patient's question accurately, in plain language, in a few sentences.",
             augmentation="question_rephrase", review="generated"),
):
    register_task(_spec)


def get_task(name: str) -> TaskSpec:
    try:
        return TASKS[name]
    except KeyError:
        raise ConfigError(f"unknown task {name!r}; tasks are: {', '.join(TASKS)}") from None


def intensity_level(label: str) -> int:
    """1–5 for an intensity label (very_negative → 1)."""
    return INTENSITY_LABELS.index(label) + 1


def level_label(task: TaskSpec, level: int) -> str | None:
    """The label a numbered level (1..N) names for a task with ordered labels; None out of range."""
    return task.labels[level - 1] if task.numbered_levels and 1 <= level <= len(task.labels) else None


def map_label(raw: str | None, task: TaskSpec, label_map: dict[str, str] | None, where: str) -> str | None:
    """Map a dataset's raw label into the task's label set; unknown labels are a DATA error naming the row."""
    if raw is None:
        return None
    mapped = (label_map or {}).get(raw, raw)
    if task.is_classification and not task.per_item_choices and mapped not in task.labels:
        raise DataError(
            f"{where}: label {raw!r} has no mapping into task {task.name!r} "
            f"(expected one of {list(task.labels)})"
        )
    return mapped


def to_example(record: Record, task: TaskSpec, label_map: dict[str, str] | None = None) -> Example:
    """Turn a canonical record into the (text, text_pair, label) a trainer consumes for `task`."""
    where = f"record {record.id}"
    raw = getattr(record, "label", None)
    level = getattr(record, "intensity", None)
    if task.numbered_levels and level is not None:
        # A 1–10 star rating gives the level directly; the 3-class label is coarser.
        label = level_label(task, level)
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
        if task.is_generation:
            target = record.long_answer or record.answer
            if not target:
                raise DataError(f"{where}: no answer to train on for task {task.name!r}")
            return Example(id=record.id, text=record.question, target=target, meta=record.meta)
        return Example(id=record.id, text=record.question, text_pair=record.context, label=label, meta=record.meta)
    if isinstance(record, MCQRecord):
        opts = "\n".join(f"{k}. {v}" for k, v in record.options.items())
        return Example(id=record.id, text=record.question, text_pair=opts, label=label,
                       meta={**record.meta, "options": record.options})
    if isinstance(record, SentimentRecord):
        return Example(id=record.id, text=record.text, label=label, meta=record.meta)
    if isinstance(record, DialogueRecord):
        if not task.is_generation:
            raise ConfigError(f"dialogue records serve only generation tasks such as 'sft', not {task.name!r}")
        return Example(id=record.id, text=record.turns[0].content, messages=record.turns, meta=record.meta)
    raise ConfigError(f"{where}: records of kind {record.kind!r} do not serve task {task.name!r}")  # type: ignore[attr-defined]
