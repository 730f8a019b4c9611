"""Sentence-preserving chunking: offsets are exact, sentences stay whole, limits hold — on real MedQuAD text."""

from __future__ import annotations

import pytest

from medtune.kb.chunking import chunk_text, split_sentences


def test_sentences_and_offsets_on_crafted_text():
    text = "Take 200 mg, e.g. after meals. Do not exceed 6 doses!\n- Stop use if pain worsens.\n\nAsk Dr. Lee?"
    sentences = [text[s.start:s.end] for s in split_sentences(text)]
    assert sentences == ["Take 200 mg, e.g. after meals.", "Do not exceed 6 doses!", "- Stop use if pain worsens.",
                         "Ask Dr. Lee?"]
    chunks = chunk_text(text, max_chars=60)
    assert [c.text for c in chunks] == ["Take 200 mg, e.g. after meals. Do not exceed 6 doses!",
                                        "- Stop use if pain worsens.\n\nAsk Dr. Lee?"]
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text


def test_over_long_sentence_is_cut_at_word_boundaries_only():
    text = "Short one. " + " ".join(f"word{i}" for i in range(100)) + ". Last sentence."
    chunks = chunk_text(text, max_chars=80)
    assert all(len(c.text) <= 80 for c in chunks)
    assert chunks[0].text == "Short one."
    assert chunks[-1].text.endswith("Last sentence.")
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text
        assert not text[chunk.end:chunk.end + 1].isalnum()  # never inside a word


@pytest.mark.needs_shared_data
def test_medquad_answers_keep_sentences_whole(shared_data):
    from medtune.data.registry import load_records

    records = load_records("medquad", "all", limit=200)
    assert len(records) == 200
    n_chunks = 0
    for record in records:
        text = record.answer
        chunks = chunk_text(text, max_chars=700)
        n_chunks += len(chunks)
        assert chunks, record.id
        for c in chunks:
            assert text[c.start:c.end] == c.text and len(c.text) <= 700
        # Every sentence shorter than the limit lies inside exactly one chunk.
        for s in split_sentences(text):
            if s.end - s.start <= 700:
                assert sum(1 for c in chunks if c.start <= s.start and s.end <= c.end) == 1, (record.id, s)
        # Chunks are in order and do not overlap.
        assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:]))
    assert n_chunks > 200
