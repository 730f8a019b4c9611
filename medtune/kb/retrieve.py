"""Hybrid retrieval: dense (MiniLM in Chroma) and lexical (BM25), fused by reciprocal rank fusion.

RRF (Cormack, Clarke & Büttcher, SIGIR 2009) scores a chunk by sum(1 / (K + rank)) over the rankings it
appears in, with K = 60 as in the paper. It needs no score calibration between the two rankers, so an exact
drug name that only BM25 finds and a paraphrase that only the embedding finds both reach the top. `score` in
a result is the fused score divided by its maximum (ranked first by both), so it lies in (0, 1].
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

RRF_K = 60
MODES = ("hybrid", "dense", "lexical")


@dataclass
class SearchResult:
    id: str
    text: str
    source: str
    title: str
    url: str
    score: float
    start: int
    end: int
    doc_id: str
    dense: float | None = None  # cosine similarity, when the dense ranker returned it
    bm25: float | None = None  # BM25 score, when the lexical ranker returned it
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def hybrid_search(kb: Any, query: str, k: int = 5, sources: list[str] | None = None, mode: str = "hybrid",
                  pool: int | None = None, per_doc: int | None = None) -> list[SearchResult]:
    """The `k` best chunks for `query`. `sources` restricts to those sources; `per_doc` caps chunks per
    document (1 gives k distinct documents); `pool` is how many candidates each ranker contributes."""
    if mode not in MODES:
        from medtune.errors import ConfigError

        raise ConfigError(f"unknown retrieval mode {mode!r}; modes: {', '.join(MODES)}")
    if not query.strip() or kb.count() == 0:
        return []
    pool = pool or max(4 * k, 40)
    dense = _dense(kb, query, pool, sources) if mode != "lexical" else {}
    lexical = _lexical(kb, query, pool, sources) if mode != "dense" else {}
    fused = _fuse([list(dense), list(lexical)])
    missing = [i for i, _ in fused if i not in dense]
    stored = kb.get_chunks(missing[: _needed(k, per_doc, len(fused))]) if missing else {}
    results: list[SearchResult] = []
    per_doc_seen: dict[str, int] = {}
    best = (2 if dense and lexical else 1) / (RRF_K + 1)
    for chunk_id, score in fused:
        if chunk_id in dense:
            text, meta, cosine = dense[chunk_id]
        elif chunk_id in stored:
            (text, meta), cosine = stored[chunk_id], None
        else:
            continue
        doc_key = f"{meta.get('source')}:{meta.get('doc_id')}"
        if per_doc is not None and per_doc_seen.get(doc_key, 0) >= per_doc:
            continue
        per_doc_seen[doc_key] = per_doc_seen.get(doc_key, 0) + 1
        results.append(_result(chunk_id, text, meta, score / best, cosine, lexical.get(chunk_id)))
        if len(results) == k:
            break
    return results


def _needed(k: int, per_doc: int | None, total: int) -> int:
    # With a per-document cap, more candidates may be skipped before k distinct documents are found.
    return total if per_doc is not None else max(k, 0)


def _dense(kb: Any, query: str, n: int, sources: list[str] | None) -> dict[str, tuple[str, dict, float]]:
    from medtune.kb.embedding import embed

    vector = embed([query])
    where = _where(sources)
    n = min(n, kb.count())
    found = kb.collection.query(query_embeddings=vector, n_results=n, where=where,
                                include=["documents", "metadatas", "distances"])
    return {
        i: (d, m or {}, 1.0 - float(dist))
        for i, d, m, dist in zip(found["ids"][0], found["documents"][0], found["metadatas"][0], found["distances"][0])
    }


def _where(sources: list[str] | None) -> dict[str, Any] | None:
    if not sources:
        return None
    return {"source": sources[0]} if len(sources) == 1 else {"source": {"$in": list(sources)}}


def _lexical(kb: Any, query: str, n: int, sources: list[str] | None) -> dict[str, float]:
    index = kb.lexical()
    return {index.ids[row]: score for row, score in index.search(query, n, sources)}


def _fuse(rankings: list[list[str]]) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _result(chunk_id: str, text: str, meta: dict[str, Any], score: float, cosine: float | None,
            bm25: float | None) -> SearchResult:
    core = {"source", "title", "url", "start", "end", "doc_id"}
    return SearchResult(
        id=chunk_id, text=text or "", source=str(meta.get("source", "")), title=str(meta.get("title", "")),
        url=str(meta.get("url", "")), score=round(score, 6), start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)), doc_id=str(meta.get("doc_id", "")),
        dense=None if cosine is None else round(cosine, 6), bm25=None if bm25 is None else round(bm25, 4),
        meta={k: v for k, v in meta.items() if k not in core},
    )


def timed_search(kb: Any, query: str, **options: Any) -> tuple[list[SearchResult], float]:
    """Results and the wall time of the search in milliseconds."""
    started = time.perf_counter()
    results = hybrid_search(kb, query, **options)
    return results, (time.perf_counter() - started) * 1000
