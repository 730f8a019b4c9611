"""Trusted sources of the knowledge base, read through the dataset registry, as `KBDocument`s.

One function per source yields documents in a fixed order (the file's order), which is what makes a build
resumable: the same sources always give the same documents, chunks and chunk ids.

| source   | dataset(s)                         | one document per                                    |
|----------|------------------------------------|-----------------------------------------------------|
| medquad  | `medquad`                          | MedQuAD answer (NIH / CDC / NCI page section)       |
| dailymed | `dailymed_labels`                  | FDA label section (drug + section as metadata)      |
| pubmed   | `pubmedqa` (train, dev, test), `bioasq_yn` snippets when the copy has them | PubMed abstract / snippet |
| user     | files the user adds (`medtune.kb.documents`)                                | file (with provenance) |
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from medtune.errors import ConfigError, NotAvailableError


@dataclass(frozen=True)
class KBDocument:
    """A document before chunking. `doc_id` is unique within its `source`; `meta` values are scalars."""

    source: str
    doc_id: str
    text: str
    title: str = ""
    url: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def medquad_documents(limit: int | None = None) -> Iterator[KBDocument]:
    """MedQuAD answers. The title is the page's focus and question type (e.g. "Glaucoma (symptoms)"), the
    heading the answer sits under on its NIH page; the MedQuAD question itself is *not* indexed, so the
    retrieval benchmark (questions as queries) does not find its own query text in the documents."""
    for _question, doc in medquad_pairs(limit):
        yield doc


def medquad_pairs(limit: int | None = None) -> Iterator[tuple[str, KBDocument]]:
    """(question, answer document) in file order.

    MedQuAD's question ids repeat across its collections (2,491 ids are used by 6,765 rows with different
    answers) and even within one (8 in CancerGov), so the document id is "collection/id", with "~N" for the
    N-th repeat: unique and the same on every run (the file order is fixed).
    """
    from medtune.data.registry import iter_records

    seen: dict[str, int] = {}
    for record in iter_records("medquad", "all", limit=limit):
        meta = record.meta
        focus, qtype = meta.get("focus") or "", meta.get("qtype") or ""
        doc_id = f"{meta.get('source') or 'medquad'}/{record.id}"
        seen[doc_id] = seen.get(doc_id, 0) + 1
        if seen[doc_id] > 1:
            doc_id = f"{doc_id}~{seen[doc_id]}"
        yield record.question, KBDocument(
            source="medquad",
            doc_id=doc_id,
            text=record.answer or "",
            title=f"{focus} ({qtype})" if qtype else focus,
            url=meta.get("url") or "",
            meta={"org": meta.get("source_name") or "", "collection": meta.get("source") or "",
                  "focus": focus, "qtype": qtype, "qid": record.id},
        )


def dailymed_documents(limit: int | None = None) -> Iterator[KBDocument]:
    """FDA label sections: these answer medication and interaction questions."""
    from medtune.data.registry import iter_records

    for record in iter_records("dailymed_labels", "all", limit=limit):
        yield KBDocument(
            source="dailymed",
            doc_id=record.id,
            text=record.text,
            title=record.title,
            url=record.url or "",
            meta={"org": "U.S. FDA (DailyMed / openFDA)", "drug": record.meta.get("drug", ""),
                  "section": record.meta.get("section", "")},
        )


def pubmed_documents(limit: int | None = None) -> Iterator[KBDocument]:
    """PubMedQA abstracts (all splits: the abstracts are evidence, not labels) and BioASQ snippets if present."""
    produced = 0
    for doc in _pubmedqa_abstracts():
        if limit is not None and produced >= limit:
            return
        produced += 1
        yield doc
    for doc in _bioasq_snippets():
        if limit is not None and produced >= limit:
            return
        produced += 1
        yield doc


def _pubmedqa_abstracts() -> Iterator[KBDocument]:
    from medtune.data.registry import iter_records

    seen: set[str] = set()
    for split in ("train", "dev", "test"):
        try:
            records = list(iter_records("pubmedqa", split))
        except NotAvailableError:
            continue
        for record in records:
            if not record.context or record.id in seen:
                continue
            seen.add(record.id)
            yield pubmed_abstract_document(record.id, record.context, record.question,
                                           year=str(record.meta.get("year") or ""), origin="PubMedQA")


def pubmed_abstract_document(pmid: str, text: str, title: str, year: str = "", origin: str = "PubMed",
                             journal: str = "") -> KBDocument:
    """One abstract keyed by its PMID, so the local copy and an E-utilities fetch never duplicate each other."""
    return KBDocument(
        source="pubmed", doc_id=str(pmid), text=text, title=title,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        meta={"org": "PubMed (NLM)", "pmid": str(pmid), "year": year, "origin": origin, "journal": journal},
    )


def _bioasq_snippets() -> Iterator[KBDocument]:
    """BioASQ snippets, when the local BioASQ copy carries them (the shared test inputs do not)."""
    from medtune.data.registry import iter_records

    try:
        records = list(iter_records("bioasq_yn", "test"))
    except (NotAvailableError, ConfigError):
        return
    for record in records:
        for n, snippet in enumerate(record.meta.get("snippets") or []):
            text = (snippet or {}).get("text", "").strip() if isinstance(snippet, dict) else ""
            if not text:
                continue
            pmid = str(snippet.get("document", "")).rstrip("/").rsplit("/", 1)[-1]
            yield KBDocument(
                source="pubmed", doc_id=f"bioasq:{record.id}:{n}", text=text, title=record.question,
                url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else "",
                meta={"org": "PubMed (NLM)", "pmid": pmid, "origin": "BioASQ"},
            )


#: Built-in sources a build can ingest, in build order. "user" documents are added file by file instead.
BUILTIN_SOURCES: dict[str, Callable[..., Iterator[KBDocument]]] = {
    "medquad": medquad_documents,
    "dailymed": dailymed_documents,
    "pubmed": pubmed_documents,
}
ALL_SOURCES = (*BUILTIN_SOURCES, "user")
#: Dataset names accepted for `--source` as well (the registry's names for the same data).
ALIASES = {"dailymed_labels": "dailymed", "pubmedqa": "pubmed", "fda": "dailymed"}


def resolve_sources(names: list[str] | None) -> list[str]:
    """Canonical built-in source names; None or ["all"] means every built-in source."""
    if not names or names == ["all"]:
        return list(BUILTIN_SOURCES)
    resolved = []
    for name in names:
        key = ALIASES.get(name.strip().lower(), name.strip().lower())
        if key not in BUILTIN_SOURCES:
            raise ConfigError(
                f"unknown knowledge-base source {name!r}; sources: {', '.join(BUILTIN_SOURCES)} (or 'all')",
                hint="`medtune kb build --source medquad` builds one source; user files go through `medtune kb add FILE`.",
            )
        if key not in resolved:
            resolved.append(key)
    return resolved
