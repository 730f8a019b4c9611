"""Split a review into sentences and clauses, keeping character offsets so evidence can be highlighted.

Aspect sentiment lives at clause level: "The nurses were great, but I had to wait six hours" holds two
opinions on two aspects. We split sentences on terminal punctuation and line breaks, then clauses on
contrastive and coordinating connectives ("but", "however", "although", ";"). A clause remembers the
connective that opened it, because a reader weighs the clause after "but" more than the one before
(Hutto & Gilbert, VADER, ICWSM 2014, §3.2: words before "but" ×0.5, after ×1.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Connectives that open a clause contrasting with what came before.
CONTRAST = ("but", "however", "although", "though", "yet", "whereas", "except", "unfortunately", "sadly",
            "still", "nevertheless", "even so", "on the other hand")
#: Connectives that concede the clause they open ("although the food was bad, ..."): that clause weighs less.
CONCESSIVE = ("although", "though", "even though", "while", "whilst", "despite")

#: Connectives that open a clause only after a comma: without one they are adverbs inside a clause ("the
#: receptionists are still lovely", "not yet ready").
AFTER_COMMA = ("still", "yet")
# A clause boundary: a semicolon, an optional comma followed by a connective word, a comma followed by one of
# AFTER_COMMA, or "and" followed by a new subject ("spotless unit and the midwives were angels": two opinions on
# two aspects; "and" before a noun phrase without a subject word stays inside the clause).
_CONNECTIVES = sorted({*CONTRAST, *CONCESSIVE, "and then", "plus", "and also"} - set(AFTER_COMMA), key=len,
                      reverse=True)
_SUBJECTS = ("the", "my", "his", "her", "their", "our", "your", "they", "i", "it", "she", "he", "we", "you",
             "i'm", "i've", "i'd", "it's", "they're", "there", "nobody", "no one", "everyone", "staff")
_CLAUSE_BREAK = re.compile(
    r"\s*;\s*|\s*,?\s+(?=(?:" + "|".join(re.escape(c) for c in _CONNECTIVES) + r")\b[\s,])"
    r"|\s*,\s*(?=(?:" + "|".join(AFTER_COMMA) + r")\b[\s,])"
    r"|\s*,?\s+(?=and\s+(?:" + "|".join(re.escape(c) for c in _SUBJECTS) + r")\b[\s,])",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:" + "|".join(re.escape(c) for c in sorted({*_CONNECTIVES, *AFTER_COMMA}, key=len,
                                                                        reverse=True)) + r")\b[\s,]*", re.IGNORECASE)
_INNER_CONTRAST = re.compile(r"(?<=,)\s*(?:however|though|nevertheless)(?=\s*,)", re.IGNORECASE)
_CONCESSIVE_START = re.compile(r"\s*(?:" + "|".join(re.escape(c) for c in CONCESSIVE) + r")\b", re.IGNORECASE)
MIN_CLAUSE_WORDS = 3  # shorter pieces ("but still") stay attached to their neighbour


@dataclass(frozen=True)
class Clause:
    text: str
    start: int  # character offsets in the original review
    end: int
    sentence: int  # index of the sentence it belongs to
    connective: str = ""  # the word that opened it ("but"), lower case, or ""

    @property
    def is_contrast(self) -> bool:
        return self.connective in CONTRAST

    @property
    def is_concessive(self) -> bool:
        return self.connective in CONCESSIVE


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the non-empty sentences of `text` (the shared splitter, `medtune.text`: reviews
    are often typed in lower case, so a sentence end does not need a capital after it)."""
    from medtune.text import sentence_spans

    return sentence_spans(text)


def clauses(text: str) -> list[Clause]:
    """The clauses of `text` in reading order. A text without any sentence gives no clause."""
    out: list[Clause] = []
    for n, (s_start, s_end) in enumerate(sentences(text)):
        pieces = _split_sentence(text, s_start, s_end)
        for start, end in pieces:
            piece = text[start:end]
            lead = _LEADING.match(piece) or _INNER_CONTRAST.search(piece)
            connective = re.sub(r"\s+", " ", lead.group(0).strip(" ,").lower()) if lead else ""
            out.append(Clause(piece, start, end, n, connective))
    return out


def _split_sentence(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start]
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if m.start() > start and m.end() < end:
            cuts.append(m.end())
    # "Although the wait was long, the doctor was kind": the concession ends at its first comma.
    for a in list(cuts):
        if _CONCESSIVE_START.match(text, a):
            comma = text.find(",", a, end)
            nxt = min([c for c in cuts if c > a] or [end])
            if 0 < comma < nxt - 1:
                cuts.append(comma + 1)
    cuts = sorted(set(cuts))
    pieces = []
    bounds = [*cuts, end]
    for a, b in zip(bounds, bounds[1:]):
        while a < b and text[a].isspace():
            a += 1
        piece_end = b
        # trim the separator that ended this piece (", " or "; ") from the span
        while piece_end > a and text[piece_end - 1] in " ,;\t":
            piece_end -= 1
        if piece_end > a:
            pieces.append((a, piece_end))
    return _merge_short(text, pieces)


def _merge_short(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pieces under MIN_CLAUSE_WORDS join the next piece ("the food, however, was good"), or the previous
    one when they come last ("great, but still ok")."""
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for n, (a, b) in enumerate(pieces):
        start = a if pending is None else pending
        if _is_verdict_word(text, start, b, pieces[n + 1:]):
            merged.append((start, b))  # "Expensive, but my fillings look natural": two sides, not one clause
            pending = None
            continue
        if len(text[start:b].split()) < MIN_CLAUSE_WORDS:
            pending = start
            continue
        merged.append((start, b))
        pending = None
    if pending is not None:
        end = pieces[-1][1]
        if merged:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((pending, end))
    return merged


_BUT_NEXT = re.compile(r"but\b", re.IGNORECASE)


def _is_verdict_word(text: str, start: int, end: int, rest: list[tuple[int, int]]) -> bool:
    """A one-word judgement before ", but" ("Pricey, but …", "Convenient, but …") is a side of its own."""
    words = text[start:end].split()
    return (len(words) == 1 and words[0].isalpha() and text[end:end + 1] == "," and bool(rest)
            and _BUT_NEXT.match(text, rest[0][0]) is not None
            and len(text[rest[0][0]:rest[0][1]].split()) > MIN_CLAUSE_WORDS)
