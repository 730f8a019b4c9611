"""The embedded, offline answer: the best evidence sentences, in plain words, with citations. Nothing invented.

Candidates are the sentences of the retrieved passages. FDA "Drug Facts" labels are flattened lists without
punctuation ("Ask a doctor or pharmacist before use if you are under a doctor's care … taking aspirin for heart
attack or stroke, because ibuprofen may decrease this benefit of aspirin taking any other drug"), so a label
section is first cut at its headings and each list item is joined to its lead-in ("Ask a doctor … if you are")
— every word still comes from the label. Candidates are ranked by MiniLM similarity to the question plus
word overlap, and picked with maximal marginal relevance (Carbonell & Goldstein 1998) so the answer does not
repeat itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medtune.chat.evidence import Evidence
from medtune.chat.guardrails import is_injection
from medtune.chat.relevance import drugs_in, mentions
from medtune.chat.scoring import content_words, encode
from medtune.chat.text import clean_source_text, rewrite, split_sentences

_HEADINGS = re.compile(
    r"(?=\b(?:Ask a doctor(?: or pharmacist)? before use if|Do not use|Stop use and ask a doctor if|"
    r"When using this product|If pregnant or breast-feeding|Keep out of reach|In case of overdose|"
    r"Allergy alert|Stomach bleeding warning|Heart attack and stroke warning|Liver warning|Directions|Uses)\b)")
_LEAD = re.compile(r"^((?:Ask a doctor(?: or pharmacist)? before use|Stop use and ask a doctor|Do not use) if"
                   r"(?: you are)?)\s+(.*)$", re.S)
_ITEM = re.compile(r"(?<!you are)(?<!from)\s(?=(?:you are|you have|you experience|taking|under a|have had|right before|"
                   r"you get|you take)\b)")

MIN_WORDS, MAX_WORDS = 5, 70
MIN_RELEVANCE = 0.3  # below this cosine a sentence is not about the question (MiniLM, seed examples)


@dataclass
class Candidate:
    text: str
    source_index: int  # 1-based position of its passage in the evidence list
    rank_prior: float
    subject: str = ""  # what its passage is about (title, focus, drug): a label sentence speaks of its drug


def label_items(segment: str) -> list[str]:
    """'Ask a doctor before use if you are A taking B' -> ['Ask a doctor before use if you are A', '… taking B']."""
    match = _LEAD.match(segment)
    if not match:
        return [segment]
    lead, rest = match.groups()
    bare = re.sub(r" you are$", "", lead)  # "… if" for items that bring their own "you have"
    items = [i.strip(" ,;") for i in _ITEM.split(rest) if i.strip(" ,;")]
    return [f"{bare if item.startswith('you ') else lead} {item}" for item in items]


_BOILERPLATE = re.compile(r"^(Key Points|See |This summary|For more information|Check for|Click|Visit|Learn more|Source:|"
                          r"Related|These resources|The resources)", re.I)


def is_heading(text: str) -> bool:
    """A title ("Treatment Options for Adult ALL", "Adult Acute Myeloid Leukemia Treatment."): mostly
    capitalised words."""
    words = text.split()
    capitalised = sum(w[:1].isupper() for w in words)
    return capitalised > 0.6 * len(words) or (not text.endswith((".", "!", "?", ":")) and capitalised > len(words) / 2)


def usable(sentence: str) -> bool:
    """Worth quoting: a whole sentence of sensible length, not a heading, a page's navigation or an instruction.
    (A passage cut mid-sentence starts with a lower-case fragment: not a sentence anyone wrote.)"""
    return (MIN_WORDS <= len(sentence.split()) <= MAX_WORDS and sentence[:1].isupper() and not is_heading(sentence)
            and not _BOILERPLATE.match(sentence) and not is_injection(sentence))


def units(text: str) -> list[str]:
    """Every sentence of a passage, label lists cut into whole items (also what answers are scored against,
    so the embeddings of quoted sentences are computed once)."""
    out = []
    for sentence in split_sentences(text):
        for segment in (s.strip() for s in _HEADINGS.split(clean_source_text(sentence)) if s.strip()):
            out.extend(label_items(segment))
    return out


def candidates_from(text: str) -> list[str]:
    return [s for s in units(text) if usable(s)]


def gather(evidence: list[Evidence]) -> list[Candidate]:
    seen: set[str] = set()
    found = []
    for i, ev in enumerate(evidence, 1):
        for text in candidates_from(ev.text):
            key = text.lower()
            if key not in seen:
                seen.add(key)
                subject = f"{ev.title} {ev.metadata.get('focus', '')} {ev.metadata.get('drug', '')}"
                found.append(Candidate(text, i, 0.05 * (1 - (i - 1) / max(1, len(evidence))), subject))
    return found


def select(question: str, cands: list[Candidate], n: int, lam: float = 0.7) -> list[Candidate]:
    """Maximal marginal relevance over relevance = cosine + 0.3·question-word overlap + a small rank prior."""
    if not cands:
        return []
    q_vec = encode([question])[0]
    vecs = encode([c.text for c in cands])
    q_words = content_words(question)
    cos = vecs @ q_vec
    relevance = [float(cos[i]) + 0.3 * (len(q_words & content_words(c.text)) / max(1, len(q_words))) + c.rank_prior
                 + pair_bonus(question, c) for i, c in enumerate(cands)]
    chosen: list[int] = []
    pool = [i for i in range(len(cands)) if cos[i] >= MIN_RELEVANCE]
    while pool and len(chosen) < n:
        def mmr(i: int) -> float:
            redundancy = max((float(vecs[i] @ vecs[j]) for j in chosen), default=0.0)
            return lam * relevance[i] - (1 - lam) * redundancy
        best = max(pool, key=mmr)
        pool.remove(best)
        if not chosen or max(float(vecs[best] @ vecs[j]) for j in chosen) < 0.9:  # near-duplicates add nothing
            chosen.append(best)
    return [cands[i] for i in chosen]


PAIR_BONUS = 0.3  # a sentence about both medicines of "can I take A with B" beats one about A alone


def pair_bonus(question: str, cand: Candidate) -> float:
    """For a question naming two or more medicines: a bonus when the sentence (or the label it comes from)
    speaks of all of them — "take a blood thinning (anticoagulant) drug" on the ibuprofen label covers
    ibuprofen with warfarin — so the answer is about the pair, not one drug (issue 13)."""
    drugs = drugs_in(question)
    if len(drugs) < 2:
        return 0.0
    covered = sum(mentions(cand.text, d) or mentions(cand.subject, d) for d in drugs)
    return PAIR_BONUS * covered / len(drugs) if covered == len(drugs) else 0.0


def compose(question: str, evidence: list[Evidence], style: str = "patient") -> list[str]:
    """Answer sentences, each ending with its source number, e.g. 'Ibuprofen may … aspirin [1].'"""
    n = 3 if style == "patient" else 5
    picked = select(question, gather(evidence), n)
    sentences = []
    for cand in picked:
        for part in rewrite(cand.text, style):
            sentences.append(f"{part[:-1]} [{cand.source_index}]{part[-1]}")
    return sentences
