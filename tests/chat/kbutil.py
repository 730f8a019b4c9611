"""Build a small real knowledge base for chat tests: every FDA label section and the first MedQuAD answers."""

from __future__ import annotations

from pathlib import Path


def build_kb(path: Path, medquad: int) -> Path:
    from medtune.kb.sources import dailymed_documents, medquad_documents
    from medtune.kb.store import KnowledgeBase

    kb = KnowledgeBase.open(path=path)
    kb.add_documents(dailymed_documents())
    kb.add_documents(medquad_documents(limit=medquad))
    kb.lexical()  # build the BM25 cache now, not inside the first timed answer
    return path
