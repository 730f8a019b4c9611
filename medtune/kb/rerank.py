"""A query-time look at what each chunk's stored vector never saw: the words past its first 128 word pieces.

A chunk is embedded from its first `MAX_SEQ_LENGTH` word pieces (title included, medtune.kb.embedding); its
text goes on up to 700 characters, and 57% of MedQuAD chunks are longer than that. The answer to a question can
sit in that unseen tail: "Can I take ibuprofen with low-dose aspirin?" is answered by the ibuprofen label's
"… taking aspirin for heart attack or stroke, because ibuprofen may decrease this benefit of aspirin", at word
pieces 128-151 of its chunk, so the dense ranker placed it 8th and the hybrid 5th (issue 21.3).

Re-embedding every candidate's tail would cost ~25 ms per chunk on one core, so only the tails that matter are
embedded: among the top `DEPTH` fused candidates, a chunk whose unseen tail holds a query word (stemmed, stop
words dropped, as BM25 reads it) that its seen part lacks — a match the vector could not have seen. Its tail is
cut into windows of `WINDOW` word pieces (about a sentence; FDA labels run bullet points together without full
stops, so sentences cannot be split reliably), each embedded with the chunk's title as the stored vector was;
the chunk's dense similarity becomes the best of its stored vector and its windows. At most `MAX_WINDOWS`
windows are embedded per query. The caller then fuses again (medtune.kb.retrieve). Nothing is rebuilt or stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Fused candidates looked at (the answering FDA chunk above was 5th; deeper costs more reads).
DEPTH = 10
#: Word pieces per tail window and the step between windows (windows overlap by half, so a sentence that
#: straddles a window edge is whole in one of them).
WINDOW, STRIDE = 32, 16
#: Windows embedded per query at most (each costs about as much as embedding the query; 6 doubled p95, see
#: docs/KNOWLEDGE_BASE.md).
MAX_WINDOWS = 3


@dataclass(frozen=True)
class Tail:
    chunk_id: str
    windows: list[str]


def unseen_tails(query: str, chunks: dict[str, tuple[str, dict[str, Any]]], order: list[str]) -> list[Tail]:
    """The tail windows to embed for the chunks in `order` (best first), within the MAX_WINDOWS budget."""
    from medtune.kb.embedding import MAX_SEQ_LENGTH, load_model
    from medtune.kb.lexical import tokenize

    terms = set(tokenize(query))
    if not terms:
        return []
    tokenizer = load_model().tokenizer
    seen_pieces = MAX_SEQ_LENGTH - 2  # [CLS] and [SEP] take two of the 128 positions
    tails, budget = [], MAX_WINDOWS
    for chunk_id in order:
        if chunk_id not in chunks or budget <= 0:
            continue
        text, meta = chunks[chunk_id]
        title = str(meta.get("title") or "")
        indexed = f"{title}\n{text}" if title else text
        encoding = tokenizer(indexed, add_special_tokens=False, return_offsets_mapping=True)
        offsets, words = encoding["offset_mapping"], encoding.word_ids()
        if len(offsets) <= seen_pieces:
            continue
        cut = offsets[seen_pieces][0]
        if not (terms & set(tokenize(indexed[cut:]))) - set(tokenize(indexed[:cut])):
            continue  # every query word in this chunk was seen by its vector
        windows = tail_windows(indexed, offsets, words, seen_pieces, title)[:budget]
        budget -= len(windows)
        tails.append(Tail(chunk_id, windows))
    return tails


def tail_windows(indexed: str, offsets: list[tuple[int, int]], words: list[int | None], seen_pieces: int,
                 title: str) -> list[str]:
    """Windows of WINDOW word pieces from half a window before the cut to the end, each starting at a whole
    word ("pharmacist", not "##ist"), ending at a whole word, and led by the title."""
    windows = []
    start = max(0, seen_pieces - STRIDE)
    while True:
        while 0 < start and words[start] is not None and words[start] == words[start - 1]:
            start -= 1
        end = min(start + WINDOW, len(offsets))
        while end < len(offsets) and words[end] is not None and words[end] == words[end - 1]:
            end += 1  # ... and ending at one
        piece = indexed[offsets[start][0]:offsets[end - 1][1]].strip()
        windows.append(f"{title}\n{piece}" if title else piece)
        if end == len(offsets):
            return windows
        start += STRIDE


def tail_similarities(query: str, tails: list[Tail]) -> dict[str, float]:
    """Chunk id -> the best cosine similarity between the query and one of its tail windows."""
    if not tails:
        return {}
    import numpy as np

    from medtune.kb.embedding import embed_query

    vectors = window_vectors([w for tail in tails for w in tail.windows])
    sims = vectors @ np.asarray(embed_query(query)[0])
    best, row = {}, 0
    for tail in tails:
        best[tail.chunk_id] = float(sims[row:row + len(tail.windows)].max())
        row += len(tail.windows)
    return best


#: Window text -> its vector (windows do not depend on the query; a chat turn and the checks of its answer
#: search for related texts, which meet the same candidate chunks again).
_WINDOW_CACHE: dict[str, Any] = {}
WINDOW_CACHE_SIZE = 4096


def window_vectors(windows: list[str]) -> Any:
    """(n, 384) unit vectors of `windows`, embedding in one call only those not cached."""
    import numpy as np

    from medtune.kb.embedding import embed

    new = list(dict.fromkeys(w for w in windows if w not in _WINDOW_CACHE))
    if new:
        for window, vector in zip(new, embed(new)):
            _WINDOW_CACHE[window] = vector
        for stale in list(_WINDOW_CACHE)[:max(0, len(_WINDOW_CACHE) - WINDOW_CACHE_SIZE)]:
            del _WINDOW_CACHE[stale]
    return np.stack([_WINDOW_CACHE[w] for w in windows])
