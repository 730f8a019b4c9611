"""Text primitives shared by every area, so one fact has one definition (issue 18.2).

Today: words, syllables, sentences counted for reading grade, and the Flesch-Kincaid grade itself — the
chatbot's `readability` and the evaluation's `readability_grade` are the same function, so a chat answer and
an evaluated answer of the same text get the same grade. (textstat was tried: its syllable counter needs
NLTK's cmudict, a download, so it does not work offline.)
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
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
