"""The build and query shortcuts keep their meaning: threads for bulk embedding, the BM25 index built once at
the end of a build, per-document caps from chunk ids, cached source masks and query embeddings."""

from __future__ import annotations

import pytest

from medtune.kb.sources import KBDocument

DOCS = [
    KBDocument("user", "long", " ".join(f"Sentence {i} says that aspirin thins the blood." for i in range(40)),
               "Aspirin note"),
    KBDocument("user", "short", "Ibuprofen may decrease the heart benefit of aspirin.", "Ibuprofen note"),
    KBDocument("user", "other", "Vaccines train the immune system to recognise a virus.", "Vaccine note"),
]


def test_bulk_threads_follow_the_setting_and_are_restored(monkeypatch):
    import torch

    from medtune.errors import ConfigError
    from medtune.kb.embedding import bulk_threads, bulk_threads_wanted, load_model

    load_model()  # loading may itself lower the count on a busy machine; what is restored is the count after it
    before = torch.get_num_threads()
    monkeypatch.setenv("MEDTUNE_KB_THREADS", "1")
    with bulk_threads() as used:
        assert used == 1 and torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    monkeypatch.delenv("MEDTUNE_KB_THREADS")
    assert bulk_threads_wanted() >= 1
    monkeypatch.setenv("MEDTUNE_KB_THREADS", "two")
    with pytest.raises(ConfigError, match="MEDTUNE_KB_THREADS"):
        bulk_threads_wanted()


def test_per_doc_cap_uses_the_document_of_each_chunk(kb):
    from medtune.kb.retrieve import document_key

    kb.add_documents(DOCS)
    long_chunks = [i for i in kb.collection.get(include=[])["ids"] if i.startswith("user:long:")]
    assert len(long_chunks) > 2  # several chunks of one document compete
    assert {document_key(i) for i in long_chunks} == {"user:long"}

    uncapped = [h.doc_id for h in kb.search("aspirin blood", k=4)]
    capped = kb.search("aspirin blood", k=4, per_doc=1)
    assert uncapped.count("long") >= 2
    assert [h.doc_id for h in capped].count("long") == 1
    assert len({h.doc_id for h in capped}) == len(capped)
    assert all(h.text and h.title for h in capped)  # text and metadata fetched for the kept chunks


def test_source_filter_on_both_rankers(kb):
    from medtune.kb.sources import dailymed_documents

    kb.add_documents(DOCS)
    kb.add_documents([d for d in dailymed_documents() if d.meta["drug"] == "ibuprofen"][:2])
    for mode in ("hybrid", "dense", "lexical"):
        assert {h.source for h in kb.search("aspirin", k=5, sources=["user"], mode=mode)} == {"user"}
        assert {h.source for h in kb.search("aspirin", k=5, sources=["dailymed"], mode=mode)} <= {"dailymed"}
    index = kb.lexical()
    assert index._source_mask(["user"]) is index._source_mask(["user", "user"])  # computed once


def test_query_embedding_is_cached_and_read_only():
    from medtune.kb.embedding import embed, embed_query

    first = embed_query("what are the side effects of ibuprofen?")
    assert embed_query("what are the side effects of ibuprofen?") is first
    assert not first.flags.writeable and first.shape == (1, 384)
    assert abs(float((first @ embed(["what are the side effects of ibuprofen?"]).T)[0, 0]) - 1.0) < 1e-4


def test_build_leaves_a_ready_lexical_index(medtune_home, shared_data):
    from medtune.kb.build import build
    from medtune.kb.lexical import LexicalIndex
    from medtune.kb.store import KnowledgeBase

    kb = KnowledgeBase.open()
    report = build(["dailymed"], kb=kb, limit=2)
    assert report.added > 0 and report.threads >= 1 and report.embed_seconds > 0
    saved = LexicalIndex.load(kb.lexical_dir, kb.count())
    assert saved is not None and len(saved.ids) == report.added  # queries load it instead of building it


def test_bulk_threads_survive_a_model_loaded_on_a_busy_machine(monkeypatch):
    """Loading the model on an oversubscribed machine drops to one thread; a build that loads it inside
    `bulk_threads` must still embed with the threads it asked for."""
    import os

    import torch

    from medtune.kb.embedding import bulk_threads, embed, load_model

    start = torch.get_num_threads()
    monkeypatch.setenv("MEDTUNE_KB_THREADS", "2")
    monkeypatch.setattr(os, "getloadavg", lambda: (99.0, 99.0, 99.0))
    load_model.cache_clear()
    try:
        with bulk_threads() as used:
            embed(["a first text, embedded by a model loaded inside the block"])
            assert used == 2 and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(start)


def test_source_filtered_dense_search_matches_chromas_filter(kb):
    """Both ways of filtering by source without Chroma's slow metadata filter (post-filtering an unfiltered
    search; exact search over a rare source's vectors) find what Chroma's `where` finds."""
    from medtune.kb import retrieve
    from medtune.kb.embedding import embed_query
    from medtune.kb.sources import dailymed_documents

    labels = [d for d in dailymed_documents() if d.meta["drug"] == "ibuprofen"]
    kb.add_documents([DOCS[1]] + labels)  # 1 user chunk, several label chunks
    count = kb.count()
    shares = {s: kb.lexical(count).share([s]) for s in ("user", "dailymed")}
    assert shares["user"] < retrieve.POSTFILTER_SHARE <= shares["dailymed"]  # one source takes each path
    for source in ("user", "dailymed"):
        query = "Can I take ibuprofen with aspirin?"
        n = min(3, round(shares[source] * count))
        ours = retrieve._dense(kb, query, n, [source], count)
        found = kb.collection.query(query_embeddings=embed_query(query), n_results=n, where={"source": source},
                                    include=["distances"])
        assert list(ours) == found["ids"][0]
        assert all(i.startswith(f"{source}:") for i in ours)
        for chunk_id, dist in zip(found["ids"][0], found["distances"][0]):
            assert abs(ours[chunk_id] - (1 - dist)) < 1e-4
    assert retrieve._dense(kb, "aspirin", 3, ["pubmed"], count) == {}  # a source with no chunks
