"""Snippets with the query's words marked, for the Knowledge base page and the checker's evidence list.

Matching uses the BM25 tokenizer (stemmed, stop words dropped), so "treatments" in a query marks
"treatment" in the text; the UI decides how a marked span looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medtune.kb.lexical import _stem
from medtune.text import STOPWORDS

_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Piece:
    text: str
    match: bool


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Character spans of words in `text` that match a content word of `query`."""
    wanted = {_stem(w.lower()) for w in _WORD.findall(query) if w.lower() not in STOPWORDS}
    return [(m.start(), m.end()) for m in _WORD.finditer(text)
            if m.group(0).lower() not in STOPWORDS and _stem(m.group(0).lower()) in wanted]


def snippet(text: str, query: str, max_chars: int = 320) -> list[Piece]:
    """A window of `text` around the densest run of matches, split into marked and unmarked pieces."""
    spans = highlight_spans(text, query)
    start = 0
    if spans and len(text) > max_chars:
        # The window that starts at the match with the most other matches within max_chars of it.
        best = max(spans, key=lambda s: sum(1 for o in spans if s[0] <= o[0] < s[0] + max_chars))[0]
        start = max(0, min(best - max_chars // 4, len(text) - max_chars))
        start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + max_chars)
    pieces: list[Piece] = [Piece("… ", False)] if start > 0 else []
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > cursor:
            pieces.append(Piece(text[cursor:s], False))
        pieces.append(Piece(text[s:e], True))
        cursor = e
    if cursor < end:
        pieces.append(Piece(text[cursor:end], False))
    if end < len(text):
        pieces.append(Piece(" …", False))
    return pieces
