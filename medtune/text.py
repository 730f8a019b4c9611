"""Text primitives shared by every area, so one fact has one definition (issue 18.2).

- `sentence_spans`: the one sentence splitter (one abbreviation list). The chat's answers, the knowledge base's
  chunks, the review queue, the claim checker and the sentiment clauses all split through it; each area keeps
  only what is its own on top (bullets, clause splitting, offsets in its own type).
- words, syllables, sentences counted for reading grade, and the Flesch-Kincaid grade itself — the chatbot's
  `readability` and the evaluation's `readability_grade` are the same function, so a chat answer and an
  evaluated answer of the same text get the same grade. (textstat was tried: its syllable counter needs
NLTK's cmudict, a download, so it does not work offline.)
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

#: Function words left out of lexical matching (BM25, snippet highlighting, word overlap); medical words
#: ("pain", "risk") stay, they carry a query's meaning.
STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have how i if in into is it its "
    "may me my no not of on or our should so such than that the their them then there these they this those "
    "to was we were what when where which while who whom why will with would you your".split()
)
#: Words that negate what follows them ("not", "never", "without", ...); `n't` contractions and the typed-without-
#: apostrophe "dont" / "shouldnt" are matched by `NEGATION` as well. The one list: the chat's dose advice, the
#: sentiment aspects and the claim verifier's polarity features (issue 18.2) all read it.
NEGATION_WORDS = frozenset(
    "not no never none nothing nobody neither nor without cannot hardly can't don't doesn't didn't isn't aren't "
    "wasn't weren't won't wouldn't shouldn't couldn't dont shouldnt".split())
NEGATION = re.compile(r"(?i)\b(?:" + "|".join(sorted((re.escape(w) for w in NEGATION_WORDS), key=len, reverse=True))
                      + r")\b|n't\b")


def is_negation(word: str) -> bool:
    """Whether one token negates ("not", "didn't", "never")."""
    w = word.lower()
    return w in NEGATION_WORDS or w.endswith("n't")


#: A period after these does not end a sentence ("Dr. Lee", "e.g. aspirin", "5 mg. daily"); lower case.
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "etc", "vs", "cf", "approx", "fig", "al", "no", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr",
    "inc", "ltd", "u.s", "mg", "ml", "mcg", "min", "hr", "wk", "mo", "yr"})
# A sentence end: . ! ? (and any closing quotes or brackets) before whitespace; or a line break.
_END = re.compile(r"""[.!?]+["')\]]*(?=\s|$)|\n""")
_LAST_TOKEN = re.compile(r"([\w.]+)$")


def sentence_spans(text: str, *, capital_next: bool = False, initials: bool = False,
                   bullet_next: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, whitespace trimmed, in order; a line break always ends one.

    A period after an abbreviation (`ABBREVIATIONS`) does not end a sentence. `capital_next`: only split where
    the next sentence starts like one (a capital, a digit, a quote or bracket) — for edited prose (sources,
    answers), not for reviews typed in lower case. `initials`: a single letter before the period ("J. Smith")
    does not end one either — for claims and citations, not where "vitamin D." ends a sentence. `bullet_next`
    (with `capital_next`): a bullet mark after the period ("... include: fever. - Cough") starts a sentence;
    False keeps such an inline run whole — the claim checker's reading of MedQuAD answers, ~20 % of which
    carry ". - " bullets inside one line.
    """
    text = text or ""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group(0) != "\n" and not _ends_sentence(text, start, m, capital_next, initials, bullet_next):
            continue
        _append_trimmed(text, start, m.end() if m.group(0) != "\n" else m.start(), spans)
        start = m.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def _ends_sentence(text: str, start: int, m: re.Match[str], capital_next: bool, initials: bool,
                   bullet_next: bool = True) -> bool:
    if m.group(0).startswith("."):
        token = _LAST_TOKEN.search(text[start:m.start()])
        word = token.group(1).lower().rstrip(".") if token else ""
        if word in ABBREVIATIONS or (initials and len(word) == 1 and word.isalpha()):
            return False
    if capital_next:
        rest = text[m.end():].lstrip(" \t")
        starts = "\"'([-*•" if bullet_next else "\"'(["
        return not rest or rest[0] == "\n" or rest[0].isupper() or rest[0].isdigit() or rest[0] in starts
    return True


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        spans.append((start, end))


def split_sentences(text: str, **options: bool) -> list[str]:
    """The sentences of `text` as strings (`sentence_spans` with the same options)."""
    return [text[a:b] for a, b in sentence_spans(text, **options)]
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def words(text: str) -> list[str]:
    return _WORD.findall(text or "")


def count_syllables(word: str) -> int:
    """Vowel groups, minus a silent final 'e' (not '-le'), at least one — the usual heuristic."""
    w = word.lower()
    if w.isdigit():
        return max(1, len(w))  # numbers are read out; one syllable per digit keeps this simple and monotone
    groups = re.findall(r"[aeiouy]+", w)
    n = len(groups)
    if w.endswith("e") and not w.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(1, n)


def count_sentences(text: str) -> int:
    """Sentence ends (., !, ?) and line breaks between non-empty lines (a bullet or heading ends a sentence)."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return sum(max(1, len(_SENTENCE_END.findall(line.strip()))) for line in lines)


def flesch_kincaid_grade(text: str) -> float | None:
    """0.39·(words/sentences) + 11.8·(syllables/words) − 15.59 (Kincaid et al. 1975); None for no words."""
    ws = words(text)
    if not ws:
        return None
    syllables = sum(count_syllables(w) for w in ws)
    return 0.39 * len(ws) / count_sentences(text) + 11.8 * syllables / len(ws) - 15.59
