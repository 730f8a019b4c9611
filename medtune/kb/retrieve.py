"""Hybrid retrieval: dense (MiniLM in Chroma) and lexical (BM25), fused by reciprocal rank fusion.

RRF (Cormack, Clarke & Büttcher, SIGIR 2009) scores a chunk by sum(1 / (K + rank)) over the rankings it
appears in, with K = 60 as in the paper. It needs no score calibration between the two rankers, so an exact
drug name that only BM25 finds and a paraphrase that only the embedding finds both reach the top. `score` in
a result is the fused score divided by its maximum (ranked first by both), so it lies in (0, 1]. Equal fused
scores are ordered by dense similarity (dense alone ranks MedQuAD answers first more often than BM25 does).

Before the `k` results are kept, the dense similarity of the top candidates whose matching words lie past the
128 word pieces their stored vector saw is taken from their best tail window (medtune.kb.rerank), and the two
rankings are fused again (issue 21.3).
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
                  pool: int | None = None, per_doc: int | None = None, tails: bool = True) -> list[SearchResult]:
    """The `k` best chunks for `query`. `sources` restricts to those sources; `per_doc` caps chunks per
    document (1 gives k distinct documents); `pool` is how many candidates each ranker contributes; `tails`
    looks at the unseen tails of the top candidates (medtune.kb.rerank; False = the ranking before issue 21.3).

    Both rankers return ids and scores only; the text and metadata of the top candidates are then read in
    one `get` (reading them for all 2 x `pool` candidates cost more than the HNSW search itself)."""
    if mode not in MODES:
        from medtune.errors import ConfigError

        raise ConfigError(f"unknown retrieval mode {mode!r}; modes: {', '.join(MODES)}")
    count = kb.count() if query.strip() else 0
    if count == 0:
        return []
    pool = pool or max(4 * k, 40)
    dense = _dense(kb, query, min(pool, count), sources, count) if mode != "lexical" else {}
    lexical = _lexical(kb, query, pool, sources, count) if mode != "dense" else {}
    fused = _fuse([list(dense), list(lexical)], dense)
    stored: dict[str, tuple[str, dict[str, Any]]] = {}
    if dense and tails:
        dense, fused, stored = _with_tails(kb, query, dense, lexical, fused, k)
    kept: list[tuple[str, float]] = []
    per_doc_seen: dict[str, int] = {}
    for chunk_id, score in fused:
        if per_doc is not None:
            doc_key = document_key(chunk_id)
            if per_doc_seen.get(doc_key, 0) >= per_doc:
                continue
            per_doc_seen[doc_key] = per_doc_seen.get(doc_key, 0) + 1
        kept.append((chunk_id, score))
        if len(kept) == k:
            break
    missing = [chunk_id for chunk_id, _ in kept if chunk_id not in stored]
    if missing:
        stored = {**stored, **kb.get_chunks(missing)}
    best = (2 if dense and lexical else 1) / (RRF_K + 1)
    return [_result(chunk_id, *stored[chunk_id], score / best, dense.get(chunk_id), lexical.get(chunk_id))
            for chunk_id, score in kept if chunk_id in stored]


def _with_tails(kb: Any, query: str, dense: dict[str, float], lexical: dict[str, float],
                fused: list[tuple[str, float]], k: int) -> tuple[dict[str, float], list[tuple[str, float]], dict]:
    """Dense similarities raised by the unseen tails of the top candidates, the fusion redone with them, and
    the chunks read for it (reused for the results)."""
    from medtune.kb.rerank import DEPTH, tail_similarities, unseen_tails

    top = [chunk_id for chunk_id, _ in fused[:max(DEPTH, 2 * k)]]
    stored = kb.get_chunks(top)
    raised = {chunk_id: sim for chunk_id, sim in tail_similarities(query, unseen_tails(query, stored, top)).items()
              if sim > dense.get(chunk_id, -1.0)}
    if not raised:
        return dense, fused, stored
    dense = dict(sorted({**dense, **raised}.items(), key=lambda item: (-item[1], item[0])))
    return dense, _fuse([list(dense), list(lexical)], dense), stored


def document_key(chunk_id: str) -> str:
    """"source:doc_id" of a chunk id "source:doc_id:index" (`store.chunk_document` makes every id so)."""
    return chunk_id.rsplit(":", 1)[0]


def _dense(kb: Any, query: str, n: int, sources: list[str] | None,
           count: int | None = None) -> dict[str, float]:
    """Chunk id -> cosine similarity of the `n` nearest chunks (ids and distances only).

    A source filter is not passed to Chroma: its metadata filter reads the metadata of every matching chunk
    and cost 155 ms per query for `medquad` on the full base (35 ms for the 143 FDA chunks) against 1.5 ms
    unfiltered. Instead, when the sources hold at least POSTFILTER_SHARE of the chunks, the unfiltered HNSW
    search asks for enough candidates and keeps those whose id starts with "source:"; for rarer sources
    their vectors are read once (per chunk count) and searched exactly in memory."""
    from medtune.kb.embedding import embed_query

    vector = embed_query(query)
    if not sources:
        found = kb.collection.query(query_embeddings=vector, n_results=n, include=["distances"])
        return {i: 1.0 - float(dist) for i, dist in zip(found["ids"][0], found["distances"][0])}
    count = kb.count() if count is None else count
    share = kb.lexical(count).share(sources)
    if share == 0:
        return {}
    if share >= POSTFILTER_SHARE:
        want = min(count, int(n / share * 2) + 20)
        found = kb.collection.query(query_embeddings=vector, n_results=want, include=["distances"])
        prefixes = tuple(f"{source}:" for source in sources)
        hits = [(i, 1.0 - float(d)) for i, d in zip(found["ids"][0], found["distances"][0]) if i.startswith(prefixes)]
        if len(hits) >= n or want >= count:
            return dict(hits[:n])
    return _dense_exact(kb, vector, n, sources, count)


POSTFILTER_SHARE = 0.2


def _dense_exact(kb: Any, vector: Any, n: int, sources: list[str], count: int) -> dict[str, float]:
    """Exact cosine search over the stored vectors of `sources` (kept in memory per chunk count)."""
    import numpy as np

    ids, matrix = kb.source_vectors(sources, count)
    if not ids:
        return {}
    sims = matrix @ np.asarray(vector, dtype=np.float32)[0]
    n = min(n, len(ids))
    top = np.argpartition(-sims, n - 1)[:n]
    top = top[np.argsort(-sims[top], kind="stable")]
    return {ids[i]: float(sims[i]) for i in top}


def _where(sources: list[str] | None) -> dict[str, Any] | None:
    if not sources:
        return None
    return {"source": sources[0]} if len(sources) == 1 else {"source": {"$in": list(sources)}}


def _lexical(kb: Any, query: str, n: int, sources: list[str] | None, count: int | None = None) -> dict[str, float]:
    index = kb.lexical(count)
    return {index.ids[row]: score for row, score in index.search(query, n, sources)}


def _fuse(rankings: list[list[str]], dense: dict[str, float] | None = None) -> list[tuple[str, float]]:
    """RRF over `rankings`; ties (ranks 1 and 3 in one ranking against 3 and 1 in the other) go to the higher
    `dense` similarity, then to the id."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    dense = dense or {}
    return sorted(scores.items(), key=lambda item: (-item[1], -dense.get(item[0], -1.0), item[0]))


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
