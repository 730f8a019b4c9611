"""The chatbot's two seams to other areas: evidence from the knowledge base, and PHI redaction.

Each is one function so the call is in one place: `retrieve` (medtune.kb's query) and `redact`
(medtune.data.phi). Evidence is normalised to one small dataclass whatever the KB returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from medtune.chat.guardrails import strip_injections
from medtune.errors import NotAvailableError

USER_SOURCE = "user"  # the KB source of files added with `medtune kb add`
USER_ORGANISATION = "Added by a user (not a trusted source)"
# Source organisations by MedQuAD folder / KB source name, for the citation's "source" field.
ORGANISATIONS = {
    "cancergov": "National Cancer Institute (cancer.gov)",
    "gard": "NIH Genetic and Rare Diseases Information Center",
    "ghr": "NIH Genetics Home Reference (MedlinePlus Genetics)",
    "mplus": "MedlinePlus (NIH)",
    "medlineplus": "MedlinePlus (NIH)",
    "niddk": "NIH National Institute of Diabetes and Digestive and Kidney Diseases",
    "ninds": "NIH National Institute of Neurological Disorders and Stroke",
    "seniorhealth": "NIH SeniorHealth",
    "nihseniorhealth": "NIH SeniorHealth",
    "nhlbi": "NIH National Heart, Lung, and Blood Institute",
    "cdc": "Centers for Disease Control and Prevention",
    "dailymed": "U.S. FDA drug label (DailyMed / openFDA)",
    "dailymed_labels": "U.S. FDA drug label (DailyMed / openFDA)",
    "fda": "U.S. FDA drug label (DailyMed / openFDA)",
    "pubmed": "PubMed (NIH National Library of Medicine)",
    "pubmedqa": "PubMed (NIH National Library of Medicine)",
    "bioasq": "PubMed (NIH National Library of Medicine)",
}


@dataclass
class Evidence:
    """One retrieved passage and where it comes from."""

    text: str
    source: str  # the organisation, for people
    title: str = ""
    url: str = ""
    score: float = 0.0
    doc_id: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def trusted(self) -> bool:
        """False for a document a user added to the knowledge base (`medtune kb add`, source "user"): its
        provenance is shown, and it never makes an answer green on its own (issue 19.1)."""
        return str(self.metadata.get("source") or "") != USER_SOURCE

    @property
    def key(self) -> str:
        """The document this passage comes from (several chunks of one label section cite as one source)."""
        return f"{self.metadata.get('source', '')}:{self.doc_id}" if self.doc_id else f"{self.url}|{self.title}"

    def citation(self, focus: str = "", snippet_chars: int = 240) -> dict[str, str]:
        """Source, title, link and a snippet starting at the passage's sentence closest to `focus` (the words
        of the answer that cite it), so the snippet shows what was used."""
        text, start = self.text, 0
        if focus:
            want = set(re.findall(r"[a-z]{4,}", focus.lower()))
            words = list(re.finditer(r"\S+", text))
            hits = [w.group(0).lower().strip(".,;:()[]") in want for w in words]
            best = max(range(len(words)), key=lambda i: (sum(hits[i:i + 30]), -i), default=0)
            start = words[best].start() if words else 0
        snippet = text[start:].strip()
        if len(snippet) > snippet_chars:
            snippet = snippet[:snippet_chars].rsplit(" ", 1)[0] + " …"
        if start > 0:
            snippet = "… " + snippet
        return {"source": self.source, "title": self.title, "url": self.url, "snippet": snippet,
                "provenance": "trusted" if self.trusted else USER_SOURCE}


def organisation(meta: dict[str, Any]) -> str:
    """A readable organisation name from a KB hit's metadata; a user's own file says so."""
    if str(meta.get("source") or "") == USER_SOURCE:
        return USER_ORGANISATION
    for key in ("org", "organisation", "organization", "source_name", "collection", "source", "dataset"):
        value = str(meta.get(key) or "")
        if not value:
            continue
        short = value.lower().split("_qa")[0].lstrip("0123456789_").replace("_", "").replace(" ", "")
        for name, org in ORGANISATIONS.items():
            if short.startswith(name.replace("_", "")):
                return org
        return value
    return "Knowledge base"


def title_of(meta: dict[str, Any]) -> str:
    if meta.get("title"):
        return str(meta["title"])
    if meta.get("drug"):
        section = str(meta.get("section") or "").replace("_", " ")
        return f"{str(meta['drug']).title()} label: {section}".rstrip(": ")
    for key in ("focus", "question", "pmid"):
        if meta.get(key):
            return f"PMID {meta[key]}" if key == "pmid" else str(meta[key])
    return ""


def to_evidence(hit: Any) -> Evidence:
    """Map one KB hit (a dict or an object with attributes) onto Evidence; instructions in it are removed."""
    data = hit if isinstance(hit, dict) else {**getattr(hit, "__dict__", {})}
    nested = {**(data.get("metadata") or {}), **(data.get("meta") or {})}
    meta = {**nested, **{k: v for k, v in data.items() if k not in ("metadata", "meta")}}
    return Evidence(
        text=strip_injections(str(data.get("text") or data.get("document") or "")),
        source=organisation(meta),
        title=title_of(meta),
        url=str(meta.get("url") or ""),
        score=float(data.get("score") or 0.0),
        doc_id=str(meta.get("doc_id") or data.get("id") or ""),
        metadata=meta,
    )


_KB: dict[str, Any] = {}


def knowledge_base() -> Any:
    """One open KnowledgeBase per location: it keeps its collection and BM25 index loaded between questions."""
    from medtune.kb.store import KnowledgeBase

    kb = KnowledgeBase.open()
    return _KB.setdefault(kb.location, kb)


def retrieve(question: str, k: int = 6) -> list[Evidence]:
    """The top-k passages for `question` from the knowledge base (medtune.kb hybrid retrieval)."""
    try:
        hits = knowledge_base().search(question, k=k)
    except ImportError as exc:
        raise NotAvailableError("the knowledge base (medtune.kb) is not installed",
                                hint="the chatbot answers only from trusted sources; install medtune fully") from exc
    return [e for e in (to_evidence(h) for h in hits) if e.text]


def redact(text: str) -> tuple[str, list[dict[str, Any]]]:
    """`text` with personal identifiers replaced by [KIND] placeholders, and what was found (kinds and spans,
    never the values, so the findings can be logged)."""
    from medtune.data.phi import redact as phi_redact

    clean, findings = phi_redact(text)
    return clean, [{"kind": f.kind, "start": f.start, "end": f.end} for f in findings]
