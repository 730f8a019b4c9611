"""The knowledge base: one Chroma collection of sentence-preserving chunks, plus its BM25 cache.

Embedded `PersistentClient` at `settings.kb_path` by default; a Chroma server through `HttpClient` when
`MEDTUNE_CHROMA_URL` is set. Chunk ids are `source:doc_id:index`, so adding a document twice, or resuming a
killed build, never duplicates a chunk: ids already in the collection are skipped before anything is
embedded. The store is append-only (nothing here deletes or rewrites a chunk), which is what lets the lexical
cache use the chunk count as its staleness key.

Several processes share one store (the app, `medtune serve`, a `kb_build` job, `medtune kb add`), but an
embedded Chroma client keeps its HNSW segment readers in memory and never rereads them: after another process
writes, its dense search misses the new chunks, or fails with "Nothing found on disk" when the store was empty
at open (issue 21). So every write bumps a `generation` file (atomic rename), and each use of the collection
compares that file's stat and chroma.sqlite3's inode with the ones the client was opened at (two `stat`
calls, microseconds); on a difference the client is closed and reopened (~20 ms), and each KnowledgeBase
drops its collection handle and its in-memory BM25 and vector caches. A writer that does not bump the file
(another tool) goes unnoticed until a read fails, which `search` retries once on a reopened client.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from medtune.errors import ConfigError, NotAvailableError
from medtune.io import atomic_write_text
from medtune.kb.chunking import DEFAULT_MAX_CHARS, chunk_text
from medtune.kb.sources import KBDocument
from medtune.settings import get_settings

COLLECTION = "medtune_kb"
GENERATION_FILE = "generation"
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


@dataclass
class _OpenClient:
    """A cached client, the store's stat token when it was opened (or last written by this process), and an
    epoch that grows with every reopen (a KnowledgeBase whose collection handle is older re-gets it)."""

    client: Any
    token: tuple | None
    epoch: int = 0


_CLIENTS: dict[str, _OpenClient] = {}


def store_token(path: Path) -> tuple:
    """What changes when any medtune process writes the store at `path`: the generation file it bumps after
    each write, and the inode of Chroma's sqlite file (new when the store was deleted and rebuilt). Not the
    sqlite mtime: Chroma's Rust engine touches it on every read, so it would reopen clients for nothing."""
    token = []
    for name, fields in ((GENERATION_FILE, ("st_ino", "st_mtime_ns", "st_size")), ("chroma.sqlite3", ("st_ino",))):
        try:
            st = os.stat(path / name)
            token.append(tuple(getattr(st, f) for f in fields))
        except OSError:
            token.append(None)
    return tuple(token)


def bump_generation(path: Path) -> None:
    """Tell other processes' clients that the store changed (atomic rename: a reader sees old or new)."""
    atomic_write_text(Path(path) / GENERATION_FILE, f"{time.time_ns()} {os.getpid()}\n")


def _client_key(path: Path | None, url: str | None) -> str:
    return f"url:{url}" if url else f"path:{Path(path).resolve()}"


def _client(path: Path | None, url: str | None) -> _OpenClient:
    """One client (and so one chromadb Settings object) per path or server: Chroma refuses a second client
    for the same path with different settings in one process. An embedded client is reopened when the store
    changed on disk since it was opened (see the module docstring); a server needs no such care."""
    key = _client_key(path, url)
    with _LOCK:
        entry = _CLIENTS.get(key)
        if entry is not None and (url or entry.token == store_token(Path(path))):
            return entry
        if entry is not None:
            _close_quietly(entry.client)
        if not url:
            Path(path).mkdir(parents=True, exist_ok=True)
        before = None if url else store_token(Path(path))
        client = _new_client(path, url)
        after = None if url else store_token(Path(path))
        # Opening an empty folder creates chroma.sqlite3 (our own doing); a generation bumped during the open
        # keeps the older token, so the next use reopens instead of missing that write.
        token = after if before is None or before[0] == after[0] else before
        _CLIENTS[key] = _OpenClient(client, token, entry.epoch + 1 if entry else 0)
        return _CLIENTS[key]


def _new_client(path: Path | None, url: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        if not parsed.hostname:
            raise ConfigError(f"MEDTUNE_CHROMA_URL={url!r} is not a URL like http://host:8000")
        return chromadb.HttpClient(host=parsed.hostname, port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                                   ssl=parsed.scheme == "https", settings=settings)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def _close_quietly(client: Any) -> None:
    """Release a stale client (its sqlite connections and HNSW memory). A search running on it in another
    thread may then fail; `KnowledgeBase.search` retries once on a fresh client."""
    try:
        client.close()
    except Exception:  # already closed, or a chromadb version without close(): nothing left to release
        pass


def _is_store_error(exc: Exception) -> bool:
    """A chromadb error, or any exception raised inside chromadb's code (a closed client raises
    AttributeError there)."""
    if type(exc).__module__.startswith("chromadb"):
        return True
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and f"{os.sep}chromadb{os.sep}" in tb.tb_frame.f_code.co_filename


class KnowledgeBase:
    """Open with `KnowledgeBase.open()`; `add_documents`, `search`, `stats`."""

    def __init__(self, path: Path | None = None, url: str | None = None, collection: str = COLLECTION):
        settings = get_settings()
        self.url = url if url is not None else (settings.chroma_url or None)
        self.path = Path(path) if path is not None else settings.kb_path
        self.collection_name = collection
        self._collection: Any = None
        self._epoch = -1
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
        """The Chroma collection, re-got whenever the shared client was reopened because the store changed."""
        try:
            entry = _client(self.path, self.url)
            if self._collection is None or self._epoch != entry.epoch:
                self._forget_cached_reads()
                # Creating the collection in an empty store writes sqlite; that is no news to anyone else.
                self._collection = self._as_own_write(entry, self._get_or_create, bump=False)
                self._epoch = entry.epoch
        except ConfigError:
            raise
        except Exception as exc:  # chromadb raises many types for a server that is down or a bad path
            raise NotAvailableError(
                f"cannot open the knowledge base at {self.location}: {str(exc).splitlines()[0][:200]}",
                hint="Check MEDTUNE_CHROMA_URL (is the Chroma server running?) or MEDTUNE_KB_DIR.",
            ) from exc
        return self._collection

    def _get_or_create(self, client: Any) -> Any:
        from medtune.kb.embedding import MiniLMEmbedding  # registers the class before get_collection

        return client.get_or_create_collection(self.collection_name, embedding_function=MiniLMEmbedding(),
                                               configuration={"hnsw": {"space": "cosine"}})

    def _as_own_write(self, entry: _OpenClient, write: Callable[[Any], Any], bump: bool = True) -> Any:
        """Run `write(client)`, bump the generation (other processes reopen) and record that the store's new
        state is this client's own doing, so it is not reopened for it. If another process had already changed
        the store, the old token stays and the next use reopens as it should."""
        if self.url:
            return write(entry.client)
        clean = entry.token == store_token(self.path)
        result = write(entry.client)
        if bump:
            bump_generation(self.path)
        if clean:
            entry.token = store_token(self.path)
        return result

    def _forget_cached_reads(self) -> None:
        self._collection = None
        self._lexical = None
        self.__dict__.pop("_source_vectors", None)

    def reopen(self) -> None:
        """Close the shared client and re-get the collection on next use (after a read error)."""
        with _LOCK:
            entry = _CLIENTS.get(_client_key(self.path, self.url))
            if entry is not None:
                entry.token = ("reopen requested",)
        self._forget_cached_reads()

    def count(self) -> int:
        return self._read(lambda: self.collection.count())

    def _read(self, read: Callable[[], Any]) -> Any:
        """`read()`, retried once on a freshly opened client after a Chroma error (a stale client, or one that
        another thread closed while reopening it), then reported as one line instead of a traceback."""
        try:
            return read()
        except Exception as exc:
            if not _is_store_error(exc):
                raise
        self.reopen()
        try:
            return read()
        except Exception as exc:
            if not _is_store_error(exc):
                raise
            raise NotAvailableError(f"cannot read the knowledge base at {self.location}: "
                                    f"{str(exc).splitlines()[0][:200]}",
                                    hint="If it persists, rebuild the store (the Knowledge base page's Build "
                                         "tab, or `medtune kb build`).") from exc

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
            self.add_chunks(new, vectors)
            report.added = len(new)
        report.seconds = time.perf_counter() - started
        return report

    def add_chunks(self, rows: list[ChunkRow], vectors: Any) -> None:
        """Store embedded chunks and bump the generation, so other processes' clients reopen."""
        collection = self.collection
        entry = _CLIENTS[_client_key(self.path, self.url)]
        self._as_own_write(entry, lambda _unused: collection.add(
            ids=[r.id for r in rows], documents=[r.text for r in rows], metadatas=[r.metadata for r in rows],
            embeddings=vectors))
        self._lexical = None

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
            _STATS[key] = self._read(self._compute_stats)
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
        """Hybrid search (medtune.kb.retrieve), retried once on a fresh client after a Chroma error."""
        from medtune.kb.retrieve import hybrid_search

        return self._read(lambda: hybrid_search(self, query, k=k, sources=sources, **options))
