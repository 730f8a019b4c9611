"""Sentence-preserving chunking with character offsets into the original text.

A chunk is a run of whole sentences up to `max_chars`; `text[start:end]` of the source document is exactly
the chunk's text, so a snippet can always be traced (and highlighted) in the document it came from. Only a
single sentence longer than `max_chars` (a flattened table in a drug label, say) is cut, at a word boundary.

Why ~700 characters: MiniLM (all-MiniLM-L6-v2) was trained on inputs of up to 128 word pieces and truncates at
256; ~700 characters of English medical text is ~150 word pieces, so nothing a chunk says is lost to
truncation, and chunks stay small enough to embed at the build throughput target (≥ 40 chunks/s, 2 cores).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_CHARS = 700

@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    index: int
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Span]:
    """Spans of sentences in `text` (the shared splitter, `medtune.text.sentence_spans`)."""
    from medtune.text import sentence_spans

    return [Span(start, end) for start, end in sentence_spans(text)]


def _append_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))


def _cut_long(text: str, span: Span, max_chars: int) -> list[Span]:
    """Split one over-long sentence at word boundaries (the only place a sentence is broken)."""
    pieces: list[Span] = []
    start = span.start
    while span.end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        cut = cut if cut > start else start + max_chars
        _append_trimmed(text, start, cut, pieces)
        start = cut
    _append_trimmed(text, start, span.end, pieces)
    return pieces


def chunk_text(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Greedy packing of whole sentences into chunks of at most `max_chars` characters."""
    sentences: list[Span] = []
    for span in split_sentences(text):
        sentences.extend(_cut_long(text, span, max_chars) if span.end - span.start > max_chars else [span])
    chunks: list[Chunk] = []
    current: Span | None = None
    for span in sentences:
        if current is not None and span.end - current.start <= max_chars:
            current = Span(current.start, span.end)
            continue
        if current is not None:
            chunks.append(Chunk(len(chunks), text[current.start:current.end], current.start, current.end))
        current = span
    if current is not None:
        chunks.append(Chunk(len(chunks), text[current.start:current.end], current.start, current.end))
    return chunks
