"""User documents for the knowledge base: text, markdown, PDF and CSV files, with their provenance.

A document's id is a hash of its content, so adding the same file twice (under any name) adds nothing, and
an edited file becomes a new document next to the old one. Provenance (file name, size, sha256, when it was
added, page or row) travels with every chunk as metadata. PDF needs `pypdf` (tested with pypdf==7.1.1).
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from pathlib import Path

from medtune.errors import DataError, NotAvailableError
from medtune.kb.sources import KBDocument

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUPPORTED = (*TEXT_SUFFIXES, ".pdf", ".csv")
#: CSV columns read as the document text / title / url, first match wins (case-insensitive).
CSV_TEXT = ("text", "content", "body", "abstract", "answer", "document")
CSV_TITLE = ("title", "name", "heading", "question")
CSV_URL = ("url", "link", "source_url")


def documents_from_file(path: Path, name: str | None = None) -> list[KBDocument]:
    """The documents in one file (one per file; one per row for CSV). Raises DataError for unreadable input."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    return documents_from_bytes(path.read_bytes(), name or path.name)


def documents_from_bytes(data: bytes, name: str) -> list[KBDocument]:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise DataError(f"{name}: unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUPPORTED)}")
    if not data.strip():
        raise DataError(f"{name}: the file is empty")
    provenance = {"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                  "added_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "org": "user document"}
    if suffix == ".pdf":
        return [_document(_pdf_text(data, name), name, provenance)]
    text = _decode(data, name)
    if suffix == ".csv":
        return _csv_documents(text, name, provenance)
    return [_document(text, _markdown_title(text) or name, provenance)]


def _document(text: str, title: str, provenance: dict, suffix_id: str = "") -> KBDocument:
    if not text.strip():
        raise DataError(f"{provenance['file']}{suffix_id}: no text found")
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return KBDocument(source="user", doc_id=doc_id, text=text, title=title, url="", meta=dict(provenance))


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _markdown_title(text: str) -> str:
    for line in text.splitlines()[:20]:
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def _pdf_text(data: bytes, name: str) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:
        raise NotAvailableError("reading PDF files needs pypdf", hint="pip install pypdf==7.1.1") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{name}: not a readable PDF ({exc})") from exc
    # Pages joined by blank lines: a sentence never spans the page break in the chunker's view.
    return "\n\n".join(p for p in pages if p)


def _pick(fields: list[str], wanted: tuple[str, ...]) -> str | None:
    lowered = {f.lower().strip(): f for f in fields}
    return next((lowered[w] for w in wanted if w in lowered), None)


def _csv_documents(text: str, name: str, provenance: dict) -> list[KBDocument]:
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    text_col = _pick(fields, CSV_TEXT)
    if text_col is None:
        raise DataError(f"{name}: no text column; expected one of {', '.join(CSV_TEXT)} (found {', '.join(fields) or 'none'})")
    title_col, url_col = _pick(fields, CSV_TITLE), _pick(fields, CSV_URL)
    docs = []
    for row_number, row in enumerate(reader, start=2):  # line 1 is the header
        body = (row.get(text_col) or "").strip()
        if not body:
            continue
        title = (row.get(title_col) or "").strip() if title_col else ""
        doc = _document(body, title or f"{name} row {row_number}", {**provenance, "row": row_number})
        url = (row.get(url_col) or "").strip() if url_col else ""
        docs.append(KBDocument(doc.source, doc.doc_id, doc.text, doc.title, url, doc.meta))
    if not docs:
        raise DataError(f"{name}: column {text_col!r} has no text in any row")
    return docs
