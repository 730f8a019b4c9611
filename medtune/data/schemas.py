"""Canonical, validated records. Every loader turns its source format into one of these kinds.

Records keep the dataset's own label vocabulary (`label`); mapping into a task's label set happens in
`medtune.data.tasks.to_example`, driven by the dataset's declared label map, so the raw label is never lost.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> str:
        return str(value)


class QARecord(Record):
    """Question answering: PubMedQA (question + abstract → yes/no/maybe + long answer), MedQuAD, BioASQ."""

    kind: Literal["qa"] = "qa"
    question: str = Field(min_length=1)
    context: str | None = None
    answer: str | None = None
    long_answer: str | None = None
    label: str | None = None  # a decision such as yes / no / maybe where the dataset has one


class MCQRecord(Record):
    kind: Literal["mcq"] = "mcq"
    question: str = Field(min_length=1)
    options: dict[str, str] = Field(min_length=2)
    label: str | None = None  # the correct option's key, e.g. "A"

    @field_validator("label")
    @classmethod
    def _label_is_option(cls, value: str | None, info: Any) -> str | None:
        options = info.data.get("options") or {}
        if value is not None and options and value not in options:
            raise ValueError(f"answer {value!r} is not one of the options {sorted(options)}")
        return value


class ClaimRecord(Record):
    """A claim (tweet, headline, question-style claim) with optional evidence text and a veracity label."""

    kind: Literal["claim"] = "claim"
    claim: str = Field(min_length=1)
    evidence: str | None = None
    label: str | None = None


class AnswerRecord(Record):
    """An answer to judge against evidence: faithful or hallucinated (MedHallu)."""

    kind: Literal["answer"] = "answer"
    question: str = Field(min_length=1)
    context: str | None = None
    answer: str = Field(min_length=1)
    label: str | None = None


class SentimentRecord(Record):
    kind: Literal["sentiment"] = "sentiment"
    text: str = Field(min_length=1)
    label: str | None = None  # the dataset's own sentiment label
    intensity: int | None = Field(None, ge=1, le=5)
    aspects: dict[str, str] | None = None  # aspect -> negative / neutral / positive
    date: str | None = None


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant", "system"]
    content: str = Field(min_length=1)


class DialogueRecord(Record):
    kind: Literal["dialogue"] = "dialogue"
    turns: list[Turn] = Field(min_length=1)


class DocumentRecord(Record):
    """Reference text for the knowledge base (MedQuAD answers, FDA label sections, PubMed abstracts)."""

    kind: Literal["document"] = "document"
    title: str = ""
    text: str = Field(min_length=1)
    source: str = ""  # organisation or collection, e.g. "NIH GARD", "FDA label"
    url: str | None = None


AnyRecord = QARecord | MCQRecord | ClaimRecord | AnswerRecord | SentimentRecord | DialogueRecord | DocumentRecord

RECORD_KINDS: dict[str, type[Record]] = {
    "qa": QARecord,
    "mcq": MCQRecord,
    "claim": ClaimRecord,
    "answer": AnswerRecord,
    "sentiment": SentimentRecord,
    "dialogue": DialogueRecord,
    "document": DocumentRecord,
}


class Example(BaseModel):
    """What a trainer or evaluator consumes: one input (optionally a pair) and a task label or a target."""

    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    text_pair: str | None = None
    label: str | None = None  # in the task's label set
    target: str | None = None  # generative tasks (sft)
    messages: list[Turn] | None = None  # dialogue sft
    meta: dict[str, Any] = Field(default_factory=dict)
