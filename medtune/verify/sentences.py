"""Splitting an answer or a claim into atomic sentences, each checked against evidence on its own.

Sentence ends are those of the shared splitter (`medtune.text.sentence_spans`: `.`, `!`, `?` before whitespace
and a capital, digit or opening bracket; abbreviations, initials and decimals never end one), and line breaks or
bullets at the start of a line. A sentence
that conjoins two checkable claims is split where that is safe (FEVER-style claim decomposition, Thorne et al.
2018; "atomic facts", Min et al. 2023, FActScore): at "; ", at ", so", ", but", ", and therefore", and at
" and " between two clauses that each have their own verb ("X lowers blood pressure and Y causes cancer").
A plain list ("fever, cough and fatigue") or a compound subject ("Aspirin and ibuprofen are NSAIDs") is
left whole, because splitting it would produce fragments that cannot be checked alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCKS = re.compile(r"\n\s*\n|\n\s*(?:[-*•]|\d+[.)])\s+|\n(?=\s*(?:[-*•]|\d+[.)])\s)|\n")
# Safe clause boundaries: what follows them is a full clause in ordinary English.
_CLAUSE_BREAK = re.compile(r"\s*;\s+|,\s+(?=(?:so|but|yet|therefore|hence|thus|and therefore|and so|which means)\b)", re.I)
_LEADING_JOINER = re.compile(r"^(?:so|but|yet|therefore|hence|thus|and therefore|and so|which means)\s+(?:that\s+)?", re.I)
# Verbs and auxiliaries that make a string a clause; enough for the conjunction test, not a parser.
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|can|cannot|can't|could|may|might|must|should|shall|will|would|do|does|did|"
    r"don't|doesn't|has|have|had|cause[sd]?|cure[sd]?|prevent[sd]?|treat[sd]?|reduce[sd]?|increase[sd]?|"
    r"decrease[sd]?|lower[sd]?|raise[sd]?|help[sd]?|need[sd]?|kill[sd]?|protect[sd]?|improve[sd]?|worsen[sd]?|"
    r"lead[s]?|led|make[s]?|made|work[s]?|boost[s]?|block[s]?|affect[s]?|contain[s]?|spread[s]?|thin[s]?|"
    r"relieve[s]?|slow[s]?|stop[s]?|fight[s]?|attack[s]?|damage[s]?|harm[s]?|heal[s]?|weaken[s]?|"
    r"[a-z]{3,}(?:es|ed))\b", re.I)
MIN_CLAUSE_WORDS = 3
# Words that cannot start a clause with its own subject: "... and often fatal", "... and in children".
_NOT_SUBJECT = frozenset("to in on at for with by from of as often also then not only sometimes usually".split())


@dataclass(frozen=True)
class Sentence:
    """One checkable sentence and where it sits in the original text (`text[start:end]` ⊇ it)."""

    text: str
    start: int
    end: int


def split_sentences(text: str, *, split_conjunctions: bool = True) -> list[str]:
    """Atomic sentences of `text`, in order, stripped; empty text gives []."""
    return [s.text for s in sentence_spans(text, split_conjunctions=split_conjunctions)]


def sentence_spans(text: str, *, split_conjunctions: bool = True) -> list[Sentence]:
    """Atomic sentences with character offsets into `text` (for highlighting)."""
    text = text or ""
    out: list[Sentence] = []
    for b_start, block in _blocks(text):
        for s_start, sentence in _sentences(block):
            pieces = _atomic(sentence) if split_conjunctions else [(0, sentence)]
            for p_start, piece in pieces:
                clean = piece.strip().strip("-*• ").strip()
                if not re.search(r"[A-Za-z0-9]", clean):
                    continue
                offset = b_start + s_start + p_start + piece.find(clean[:1] or " ")
                out.append(Sentence(_tidy(clean), offset, offset + len(clean)))
    return out


def _blocks(text: str) -> list[tuple[int, str]]:
    spans, pos = [], 0
    for match in _BLOCKS.finditer(text):
        spans.append((pos, text[pos:match.start()]))
        pos = match.end()
    spans.append((pos, text[pos:]))
    return [(s, b) for s, b in spans if b.strip()]


def _sentences(block: str) -> list[tuple[int, str]]:
    """Sentences of one block by the shared splitter (`medtune.text.sentence_spans`): a sentence ends before a
    capital, digit, quote or bracket; abbreviations and initials ("Dr.", "e.g.", "vitamin D.") do not end one,
    and an inline ". - " bullet run stays whole, as this module always read MedQuAD answers."""
    from medtune.text import sentence_spans as shared_spans

    return [(a, block[a:b]) for a, b in shared_spans(block, capital_next=True, initials=True, bullet_next=False)]


def _atomic(sentence: str) -> list[tuple[int, str]]:
    """Split a sentence into clauses at safe boundaries; keep it whole when a piece would not be a clause."""
    parts: list[tuple[int, str]] = []
    pos = 0
    for match in _CLAUSE_BREAK.finditer(sentence):
        parts.append((pos, sentence[pos:match.start()]))
        pos = match.end()
    parts.append((pos, sentence[pos:]))
    parts = [(s, p) if i == 0 else _strip_joiner(s, p) for i, (s, p) in enumerate(parts)]
    if len(parts) > 1 and not all(_is_clause(p) for _, p in parts):
        parts = [(0, sentence)]
    out: list[tuple[int, str]] = []
    for start, part in parts:
        out.extend((start + s, p) for s, p in _split_and(part))
    return out


def _strip_joiner(start: int, part: str) -> tuple[int, str]:
    match = _LEADING_JOINER.match(part)
    return (start + match.end(), part[match.end():]) if match else (start, part)


def _split_and(clause: str) -> list[tuple[int, str]]:
    """"X verb ... and Y verb ..." → two clauses, only when both halves are clauses with a subject of their own."""
    for match in re.finditer(r",?\s+and\s+", clause):
        left, right = clause[:match.start()], clause[match.end():]
        if _is_clause(left) and _is_clause(right) and not _is_bare_predicate(right):
            return [(0, left), *((match.end() + s, p) for s, p in _split_and(right))]
    return [(0, clause)]


def _is_bare_predicate(text: str) -> bool:
    """"... and causes cancer": a verb with the left clause's subject; splitting would lose the subject."""
    first = text.split(" ", 1)[0].lower()
    return bool(_VERB.fullmatch(first)) or first in _NOT_SUBJECT


def _is_clause(text: str) -> bool:
    words = re.findall(r"[A-Za-z0-9']+", text)
    return len(words) >= MIN_CLAUSE_WORDS and bool(_VERB.search(text))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = text.rstrip(",;:")
    return text[:1].upper() + text[1:] if text else text
