"""Ingestion into Chroma: metadata kept, no duplicates on re-add, source filters, the FDA interaction warning."""

from __future__ import annotations

import pytest

from medtune.kb.sources import KBDocument, medquad_documents
from tests.kb.conftest import ibuprofen_sections

pytestmark = pytest.mark.needs_shared_data


def test_ingest_filters_and_no_duplicates(kb, shared_data):
    medquad = list(medquad_documents(limit=12))
    labels = ibuprofen_sections()
    assert labels and {d.meta["section"] for d in labels} >= {"warnings"}

    first = kb.add_documents(medquad + labels)
    assert first.added == first.chunks > len(medquad) and first.skipped == 0
    assert kb.count() == first.chunks

    again = kb.add_documents(labels + medquad[:3])  # re-adding never duplicates
    assert again.added == 0 and again.skipped == again.chunks
    assert kb.count() == first.chunks

    stats = kb.stats()["sources"]
    assert stats["medquad"]["documents"] == 12 and stats["dailymed"]["documents"] == len(labels)

    # The FDA label answers the interaction question, and the filter keeps other sources out.
    hits = kb.search("Can I take ibuprofen if I take aspirin for my heart?", k=3, sources=["dailymed"])
    assert hits and all(h.source == "dailymed" for h in hits)
    assert any("ibuprofen may decrease this benefit of aspirin" in h.text for h in hits)
    assert hits[0].url.startswith("https://dailymed.nlm.nih.gov/") and hits[0].meta["drug"] == "ibuprofen"

    only_medquad = kb.search("ibuprofen aspirin heart attack", k=5, sources=["medquad"])
    assert only_medquad and all(h.source == "medquad" for h in only_medquad)


def test_medquad_metadata_and_offsets(kb, shared_data):
    docs = list(medquad_documents(limit=3))
    kb.add_documents(docs)
    by_id = {d.doc_id: d for d in docs}
    hits = kb.search(docs[0].title, k=10, per_doc=None)
    assert hits
    for hit in hits:
        doc = by_id[hit.doc_id]
        assert doc.text[hit.start:hit.end] == hit.text  # offsets point into the original answer
        assert hit.meta["org"] == "CancerGov" and hit.meta["qtype"] and hit.meta["focus"]
        assert hit.url.startswith("https://www.cancer.gov/")


def test_per_doc_cap_and_empty_inputs(kb):
    long_text = " ".join(f"Sentence number {i} is about asthma inhalers and spacers." for i in range(60))
    kb.add_documents([KBDocument("user", "doc-a", long_text, "Asthma inhalers"),
                      KBDocument("user", "doc-b", "Spacers help children use asthma inhalers.", "Spacers")])
    assert kb.search("   ", k=3) == []
    capped = kb.search("asthma inhalers spacers", k=5, per_doc=1)
    assert sorted(h.doc_id for h in capped) == ["doc-a", "doc-b"]
    uncapped = kb.search("asthma inhalers spacers", k=5)
    assert len(uncapped) == 5


def test_medquad_document_ids_are_unique_over_the_whole_dataset(shared_data):
    from medtune.kb.sources import medquad_pairs

    import json
    from collections import Counter

    raw = Counter()
    with open(shared_data / "medquad" / "medquad.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            raw[(row["source"], row["id"])] += 1
    ids = [doc.doc_id for _, doc in medquad_pairs()]
    assert len(ids) == 16_407 == len(set(ids))  # MedQuAD's own question ids repeat across collections
    # Repeats inside one collection get a deterministic "~N" suffix.
    assert sum(1 for i in ids if "~" in i) == sum(n - 1 for n in raw.values()) > 0
