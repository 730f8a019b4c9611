"""Versioned prompt templates for zero-shot and API evaluation; the template used is stored in eval.json.

Each task's field names and instruction come from its registry entry (`medtune.data.tasks`).

A template is rendered from an `Example` (text, text_pair, meta["options"] for multiple choice). Changing a
template's wording means a new version, so two evaluations with different prompts never look comparable.
Label words are what a model reads and writes ("not enough information"), mapped back to task labels.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from medtune.data.tasks import get_task
from medtune.errors import ConfigError

LABEL_WORDS: dict[str, str] = {
    "not_enough_info": "not enough information",
    "very_negative": "very negative",
    "very_positive": "very positive",
}

@dataclass(frozen=True)
class PromptTemplate:
    id: str
    version: int
    task: str
    system: str
    user: str  # str.format fields: {instruction} {text_label} {text} {pair_block} {choices}
    answer_prefix: str = "Answer:"
    notes: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


SYSTEM = "You are a careful medical expert. Follow the answer format exactly."
LL_TEMPLATE = "{instruction}\n{text_label}: {text}\n{pair_block}"
CHAT_TEMPLATE = "{instruction}\n\n{text_label}: {text}\n{pair_block}\nReply with exactly one of: {choices}."
GEN_TEMPLATE = "{instruction}\n\n{text_label}: {text}\n{pair_block}"

TEMPLATES: dict[str, PromptTemplate] = {t.id: t for t in (
    PromptTemplate("loglik-v1", 1, "*", "", LL_TEMPLATE, "Answer:",
                   "Log-likelihood of each label word after 'Answer:', as lm-evaluation-harness scores choices."),
    PromptTemplate("chat-label-v1", 1, "*", SYSTEM, CHAT_TEMPLATE, "",
                   "API models: one label word requested; the first label named in the reply is taken."),
    PromptTemplate("chat-generate-v1", 1, "sft", SYSTEM, GEN_TEMPLATE, "",
                   "Generation: the model's answer is compared with the reference answer."),
)}


def get_template(template_id: str) -> PromptTemplate:
    try:
        return TEMPLATES[template_id]
    except KeyError:
        raise ConfigError(f"unknown prompt template {template_id!r}; templates: {', '.join(TEMPLATES)}") from None


def label_word(label: str) -> str:
    return LABEL_WORDS.get(label, label.replace("_", " "))


def item_labels(example: Any, labels: tuple[str, ...], task: str) -> tuple[str, ...]:
    """The choices for one item: its own option keys for multiple choice, else the task's labels."""
    if get_task(task).per_item_choices:
        options = (example.meta or {}).get("options") or {}
        return tuple(k for k in labels if k in options) or labels
    return labels


def render(template: PromptTemplate, example: Any, task: str, labels: tuple[str, ...]) -> str:
    """The user message (chat) or the prompt before the answer (log-likelihood scoring)."""
    spec = get_task(task)
    text_label, pair_label = spec.prompt_fields
    pair_block = f"{pair_label}: {example.text_pair}\n" if pair_label and example.text_pair else ""
    choices = ", ".join(label_word(lbl) for lbl in item_labels(example, labels, task))
    body = template.user.format(instruction=spec.instruction, text_label=text_label, text=example.text,
                                pair_block=pair_block, choices=choices)
    return f"{body.rstrip()}\n{template.answer_prefix}" if template.answer_prefix else body.rstrip()


def parse_label(reply: str, choices: tuple[str, ...]) -> str | None:
    """The label whose word appears first in the reply (whole words, case-insensitive); None if none does."""
    text = (reply or "").lower()
    best: tuple[int, int, str] | None = None
    for label in choices:
        for word in {label_word(label).lower(), label.lower()}:
            match = re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text)
            if match:
                key = (match.start(), -len(word), label)  # earliest; on a tie the longer phrase wins
                best = key if best is None or key < best else best
    return best[2] if best else None
