"""The chat audit log holds no name or other identifier from the question (issues 13.3 and 20.4), on a real KB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.chat.pipeline import answer

MESSAGES = [
    # (message, identifiers that must not reach chat/audit.jsonl, words that must survive)
    (("My name is John Carpenter, DOB 03/14/1958, MRN 4471902. Can I take ibuprofen with lisinopril? "
     "Call 4155550199 or john.carpenter@example.com"),
     ["John Carpenter", "Carpenter", "03/14/1958", "4471902", "4155550199", "john.carpenter@example.com"],
     ["ibuprofen", "lisinopril"]),
    ("hi im sarah, i live at 12 elm street, springfield. what is ibuprofen used for",
     ["sarah", "12 elm street", "springfield"], ["ibuprofen"]),
    ("my son Tom has a fever, can he take acetaminophen? I'm from Boston. Thanks, Mary Jones",
     ["Tom", "Boston", "Mary Jones"], ["fever", "acetaminophen"]),
]


def audit_records(home: Path) -> list[dict]:
    path = home / "chat" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("message, identifiers, medical", MESSAGES, ids=["label-forms", "lower-case", "cues"])
def test_audit_log_holds_no_identifier_but_keeps_the_medical_words(
        kb_env: Path, medtune_home: Path, message: str, identifiers: list[str], medical: list[str]) -> None:
    result = answer(message)
    raw = (medtune_home / "chat" / "audit.jsonl").read_text()
    logged = audit_records(medtune_home)[-1]
    for value in identifiers:
        assert value not in raw, f"{value!r} reached the audit log: {logged['question']}"
        assert value not in result.answer
    for word in medical:
        assert word in logged["question"], logged["question"]
    assert logged["redacted"] and "[NAME]" in logged["question"]
    assert len(result.redacted) == len(logged["redacted"]) >= len(identifiers) - 1  # "Carpenter" is inside a name
