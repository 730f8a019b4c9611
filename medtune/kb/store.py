"""The knowledge base: one Chroma collection of sentence-preserving chunks, plus its BM25 cache.

Embedded `PersistentClient` at `settings.kb_path` by default; a Chroma server through `HttpClient` when
`MEDTUNE_CHROMA_URL` is set. Chunk ids are `source:doc_id:index`, so adding a document twice, or resuming a
killed build, never duplicates a chunk: ids already in the collection are skipped before anything is
embedded. The store is append-only (nothing here deletes or rewrites a chunk), which is what lets the lexical
cache use the chunk count as its staleness key.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from medtune.errors import ConfigError, NotAvailableError
from medtune.kb.chunking import DEFAULT_MAX_CHARS, chunk_text
from medtune.kb.sources import KBDocument
from medtune.settings import get_settings

COLLECTION = "medtune_kb"
_CLIENTS: dict[str, Any] = {}
_LOCK = threading.Lock()
_STATS: dict[tuple[str, str, int], dict[str, Any]] = {}  # (location, collection, count) -> stats; append-only store


@dataclass(frozen=True)
class ChunkRow:
    id: str
    text: str
    metadata: dict[str, Any]

    @property
    def indexed_text(self) -> str:
        """What is embedded and BM25-indexed: the document title (its heading) and the chunk."""
        title = self.metadata.get("title") or ""
        return f"{title}\n{self.text}" if title else self.text


@dataclass
class AddReport:
    documents: int = 0
    chunks: int = 0
    added: int = 0
    skipped: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def merge(self, other: AddReport) -> None:
        for name in ("documents", "chunks", "added", "skipped", "seconds", "embed_seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def chunk_document(doc: KBDocument, max_chars: int = DEFAULT_MAX_CHARS) -> list[ChunkRow]:
    """A document's chunks with deterministic ids and scalar metadata (Chroma accepts no None values)."""
    chunks = chunk_text(doc.text, max_chars)
    base = {k: v for k, v in doc.meta.items() if isinstance(v, (str, int, float, bool))}
    rows = []
    for chunk in chunks:
        meta = {**base, "source": doc.source, "doc_id": doc.doc_id, "title": doc.title, "url": doc.url,
                "chunk": chunk.index, "n_chunks": len(chunks), "start": chunk.start, "end": chunk.end}
        rows.append(ChunkRow(f"{doc.source}:{doc.doc_id}:{chunk.index}", chunk.text, meta))
    return rows


def _client(path: Path | None, url: str | None) -> Any:
    """One client (and so one chromadb Settings object) per path or server: Chroma refuses a second client
    for the same path with different settings in one process."""
    import chromadb
    from chromadb.config import Settings

    key = f"url:{url}" if url else f"path:{Path(path).resolve()}"
    with _LOCK:
        if key not in _CLIENTS:
            settings = Settings(anonymized_telemetry=False)
            if url:
                parsed = urlparse(url if "://" in url else f"http://{url}")
                if not parsed.hostname:
                    raise ConfigError(f"MEDTUNE_CHROMA_URL={url!r} is not a URL like http://host:8000")
                _CLIENTS[key] = chromadb.HttpClient(
                    host=parsed.hostname, port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https", settings=settings)
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                _CLIENTS[key] = chromadb.PersistentClient(path=str(path), settings=settings)
        return _CLIENTS[key]


class KnowledgeBase:
    """Open with `KnowledgeBase.open()`; `add_documents`, `search`, `stats`."""

    def __init__(self, path: Path | None = None, url: str | None = None, collection: str = COLLECTION):
        settings = get_settings()
        self.url = url if url is not None else (settings.chroma_url or None)
        self.path = Path(path) if path is not None else settings.kb_path
        self.collection_name = collection
        self._collection: Any = None
        self._lexical: Any = None

    @classmethod
    def open(cls, path: Path | None = None, url: str | None = None) -> KnowledgeBase:
        return cls(path=path, url=url)

    @property
    def location(self) -> str:
        return self.url or str(self.path)

    @property
    def lexical_dir(self) -> Path:
        if self.url:  # a local cache of a remote collection, one per server and collection
            digest = hashlib.sha1(f"{self.url}/{self.collection_name}".encode()).hexdigest()[:12]
            return self.path / f"lexical-{digest}"
        return self.path / f"lexical-{self.collection_name}"

    @property
    def collection(self) -> Any:
        if self._collection is None:
            from medtune.kb.embedding import MiniLMEmbedding  # registers the class before get_collection

            try:
                self._collection = _client(self.path, self.url).get_or_create_collection(
                    self.collection_name, embedding_function=MiniLMEmbedding(),
                    configuration={"hnsw": {"space": "cosine"}},
                )
            except ConfigError:
                raise
            except Exception as exc:  # chromadb raises many types for a server that is down or a bad path
                raise NotAvailableError(
                    f"cannot open the knowledge base at {self.location}: {str(exc).splitlines()[0][:200]}",
                    hint="Check MEDTUNE_CHROMA_URL (is the Chroma server running?) or MEDTUNE_KB_DIR.",
                ) from exc
        return self._collection

    def count(self) -> int:
        return self.collection.count()

    # --- writing -------------------------------------------------------------------------------------------

    def existing_ids(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        return set(self.collection.get(ids=ids, include=[])["ids"])

    def add_documents(self, docs: Iterable[KBDocument], max_chars: int = DEFAULT_MAX_CHARS) -> AddReport:
        """Chunk, skip chunks already stored, embed and add the rest. Returns what was done."""
        from medtune.kb.embedding import bulk_threads, embed

        started = time.perf_counter()
        docs = list(docs)
        rows = [row for doc in docs for row in chunk_document(doc, max_chars)]
        rows = list({row.id: row for row in rows}.values())  # a document listed twice in one call
        present = self.existing_ids([row.id for row in rows])
        new = [row for row in rows if row.id not in present]
        report = AddReport(documents=len(docs), chunks=len(rows), skipped=len(rows) - len(new))
        if new:
            t0 = time.perf_counter()
            with bulk_threads():
                vectors = embed([row.indexed_text for row in new])
            report.embed_seconds = time.perf_counter() - t0
            self.collection.add(ids=[r.id for r in new], documents=[r.text for r in new],
                                metadatas=[r.metadata for r in new], embeddings=vectors)
            report.added = len(new)
            self._lexical = None
        report.seconds = time.perf_counter() - started
        return report

    # --- reading -------------------------------------------------------------------------------------------

    def iter_all(self, include: tuple[str, ...] = ("documents", "metadatas"), batch: int = 5000):
        """Every stored chunk as (id, document, metadata), in pages."""
        offset = 0
        while True:
            page = self.collection.get(include=list(include), limit=batch, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            docs = page.get("documents") or [None] * len(ids)
            metas = page.get("metadatas") or [None] * len(ids)
            yield from zip(ids, docs, metas)
            offset += len(ids)

    def get_chunks(self, ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        if not ids:
            return {}
        page = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return {i: (d, m or {}) for i, d, m in zip(page["ids"], page["documents"], page["metadatas"])}

    def stats(self) -> dict[str, Any]:
        """Chunks and documents per source. One pass over the metadata (a second or two for ~40k chunks),
        remembered per chunk count: the store is append-only, so an unchanged count means unchanged stats."""
        key = (self.location, self.collection_name, self.count())
        if key not in _STATS:
            _STATS[key] = self._compute_stats()
        return _STATS[key]

    def _compute_stats(self) -> dict[str, Any]:
        chunks: dict[str, int] = {}
        docs: dict[str, set[str]] = {}
        for _, _, meta in self.iter_all(include=("metadatas",)):
            source = (meta or {}).get("source", "?")
            chunks[source] = chunks.get(source, 0) + 1
            docs.setdefault(source, set()).add((meta or {}).get("doc_id", ""))
        return {
            "location": self.location,
            "collection": self.collection_name,
            "chunks": sum(chunks.values()),
            "sources": {s: {"chunks": chunks[s], "documents": len(docs[s])} for s in sorted(chunks)},
        }

    def lexical(self, count: int | None = None) -> Any:
        """The BM25 index, loaded from its cache or rebuilt from the stored chunks when stale. `count` is the
        collection's chunk count when the caller has just read it (one count per search, not two)."""
        from medtune.kb.lexical import LexicalIndex

        count = self.count() if count is None else count
        if self._lexical is not None and len(self._lexical.ids) == count:
            return self._lexical
        index = LexicalIndex.load(self.lexical_dir, count)
        if index is None:
            ids, texts, sources = [], [], []
            for chunk_id, doc, meta in self.iter_all():
                row = ChunkRow(chunk_id, doc or "", meta or {})
                ids.append(chunk_id)
                texts.append(row.indexed_text)
                sources.append(row.metadata.get("source", ""))
            index = LexicalIndex.build(ids, texts, sources)
            index.save(self.lexical_dir)
        self._lexical = index
        return index

    def source_vectors(self, sources: list[str], count: int | None = None) -> tuple[list[str], Any]:
        """Ids and (n, 384) unit vectors of every chunk of `sources`, read once per chunk count (the store is
        append-only) and kept in memory: the exact dense search for sources too rare to post-filter."""
        import numpy as np

        from medtune.kb.retrieve import _where

        count = self.count() if count is None else count
        key = (tuple(sorted(set(sources))), count)
        cache = self.__dict__.setdefault("_source_vectors", {})
        if key not in cache:
            for stale in [k for k in cache if k[1] != count]:
                del cache[stale]
            page = self.collection.get(where=_where(list(key[0])), include=["embeddings"])
            vectors = page.get("embeddings")
            matrix = np.asarray(vectors if vectors is not None and len(vectors) else np.zeros((0, 384)),
                                dtype=np.float32)
            cache[key] = (list(page["ids"]), matrix)
        return cache[key]

    def search(self, query: str, k: int = 5, sources: list[str] | None = None, **options: Any) -> list[Any]:
        from medtune.kb.retrieve import hybrid_search

        return hybrid_search(self, query, k=k, sources=sources, **options)
