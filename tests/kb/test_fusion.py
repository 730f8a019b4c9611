"""Hybrid retrieval on crafted cases: a lexical-only match and a dense-only match both surface."""

from __future__ import annotations

from medtune.kb.sources import KBDocument

LEXICAL_ONLY = KBDocument("user", "lex", "Batch XQ771 of the product is stored in cabinet four.", "Storage note")
DENSE_ONLY = KBDocument("user", "dense", "A myocardial infarction happens when blood flow to the cardiac muscle "
                        "is blocked, usually by a clot in a coronary artery.", "Myocardial infarction")
DISTRACTORS = [
    KBDocument("user", f"d{i}", text, f"Note {i}") for i, text in enumerate([
        "Seasonal allergies cause sneezing and itchy eyes.",
        "Regular exercise improves sleep quality in older adults.",
        "Vaccines train the immune system to recognise a virus.",
        "Dehydration can cause dizziness and dry mouth.",
        "Sunscreen lowers the risk of skin cancer.",
        "Reading labels helps people choose lower-salt foods.",
    ])
]
QUERY = "heart attack XQ771"


def test_lexical_only_and_dense_only_matches_both_surface(kb):
    kb.add_documents([LEXICAL_ONLY, DENSE_ONLY, *DISTRACTORS])

    lexical = [h.doc_id for h in kb.search(QUERY, k=8, mode="lexical")]
    dense = [h.doc_id for h in kb.search(QUERY, k=8, mode="dense")]
    assert lexical == ["lex"]  # no word of the paraphrase is in the query
    assert dense[0] == "dense" and dense.index("lex") > 0  # the code number means nothing to the embedding

    hybrid = kb.search(QUERY, k=2)
    assert {h.doc_id for h in hybrid} == {"lex", "dense"}
    by_id = {h.doc_id: h for h in hybrid}
    assert by_id["lex"].bm25 is not None and by_id["dense"].bm25 is None
    assert by_id["dense"].dense > by_id["lex"].dense
    assert all(0 < h.score <= 1 for h in hybrid)


def test_lexical_index_is_rebuilt_after_new_chunks(kb):
    kb.add_documents(DISTRACTORS)
    assert kb.search("XQ771", k=3, mode="lexical") == []
    kb.add_documents([LEXICAL_ONLY])
    assert [h.doc_id for h in kb.search("XQ771", k=3, mode="lexical")] == ["lex"]
