"""Finding the passages that can decide a claim: lay/clinical query expansion and stance-aware reranking.

Everyday claims are worded unlike the sources ("poop", "kids", "blood thinners" vs "bowel movement",
"children", "anticoagulants"). The search query is the claim plus the other names of the entities it mentions
(`expand_query`), so both the BM25 and the embedding ranker can meet the source's wording. Retrieved chunks are
then cut into sentence windows and reranked (`rank_windows`) by how well a window can *decide* the claim, not
only by topic: shared content terms (with synonyms), the claim's key entity present, and a bonus when the
window carries a stance word the claim also turns on (a negation, a quantifier such as "most" / "never", an
effect word or its opposite, "cure"). A window that mentions the topic but says nothing about the claim's
predicate ranks below one that confirms or denies it (cf. stance-aware evidence selection in FEVER systems,
Thorne et al. 2018).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medtune.verify.pairs import EVIDENCE_CHARS, content_words
from medtune.verify.perturb import OPPOSITES
from medtune.verify.sentences import split_sentences

# Groups of names for one thing, lay and clinical; a claim mentioning one gets the others added to its query.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("high blood pressure", "hypertension", "blood pressure"),
    ("heart attack", "myocardial infarction", "coronary"),
    ("stroke", "brain attack", "transient ischemic attack"),
    ("kids", "kid", "children", "child", "toddlers", "teens"),
    ("baby", "babies", "infant", "infants", "newborn", "newborns"),
    ("poop", "bowel movement", "stool", "stools", "constipation"),
    ("pee", "urine", "urinate", "urination"),
    ("tummy", "belly", "stomach", "abdomen", "abdominal"),
    ("blood sugar", "glucose", "diabetes"),
    ("flu", "influenza"),
    ("cold", "colds", "common cold"),
    ("painkillers", "pain relievers", "analgesics", "acetaminophen", "ibuprofen"),
    ("shot", "shots", "vaccine", "vaccines", "vaccination", "immunization", "booster"),
    ("pills", "medicines", "medications", "medication", "drugs", "prescription"),
    ("doctor", "health care provider", "physician", "medical care"),
    ("overweight", "obese", "obesity", "weight"),
    ("pregnant", "pregnancy", "unborn", "birth defects"),
    ("smoking", "smoke", "smokers", "cigarettes", "tobacco"),
    ("salt", "sodium"),
    ("uti", "urinary tract infection", "urinary tract infections"),
    ("blood thinners", "anticoagulants", "warfarin", "blood clots"),
    ("allergic reaction", "anaphylaxis", "allergy", "auto-injector", "epinephrine"),
    ("poop", "bowel"),
    ("sunscreen", "spf", "sunburn", "uv rays", "ultraviolet"),
    ("tanning", "suntan", "tanning beds", "sunlamps"),
    ("pimples", "acne", "blackheads"),
    ("memory loss", "dementia", "alzheimer's"),
    ("heartburn", "acid reflux", "gerd"),
    ("gluten", "celiac"),
    ("lice", "nits", "head lice"),
    ("ulcer", "ulcers", "peptic ulcer", "h. pylori", "helicobacter"),
    ("dehydrated", "dehydration", "fluids", "water"),
    ("eyedrops", "eye drops", "glaucoma"),
    ("fever", "temperature"),
    ("exercise", "physical activity", "working out"),
    ("hearing aid", "hearing aids", "hearing loss"),
    ("chickenpox", "varicella"),
    ("shingles", "zoster"),
    ("measles", "mmr"),
    ("rubella", "german measles", "mmr"),
    ("tetanus", "lockjaw", "booster"),
    ("cholesterol", "ldl", "lipids"),
    ("bones", "bone", "osteoporosis"),
    ("coffee", "caffeine"),
    ("depressed", "depression"),
    ("migraines", "migraine", "headache"),
    ("hemorrhoids", "piles", "rectal bleeding"),
    ("kidney stone", "kidney stones", "stones"),
    ("tired", "fatigue", "tiredness"),
)
_SYNONYMS: dict[str, set[str]] = {}
for _group in SYNONYM_GROUPS:
    for _term in _group:
        _SYNONYMS.setdefault(_term, set()).update(t for t in _group if t != _term)
_TERM_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _SYNONYMS), key=len, reverse=True)) + r")\b", re.I)

# Words a claim's truth turns on: if the claim uses one, a window using it (or its opposite) can decide it.
STANCE_WORDS = frozenset(
    "not no never cannot can't don't doesn't isn't aren't without always only all most many some few rarely "
    "usually often cure cures cured safe unsafe harmless dangerous serious mild common rare more less higher "
    "lower increase increases decrease decreases reduce reduces raise raises prevent prevents cause causes "
    "should need needs must contagious spread spreads".split())


@dataclass
class Window:
    text: str
    score: float  # stance-relevance, higher is better
    chunk: int  # index of the retrieved chunk it came from


def expand_query(text: str, max_added: int = 8) -> str:
    """`text` plus the other names of the lay/clinical terms it mentions (at most `max_added` added)."""
    added: list[str] = []
    lower = text.lower()
    for match in _TERM_RE.finditer(text):
        for other in sorted(_SYNONYMS[match.group(1).lower()]):
            if other not in lower and other not in added:
                added.append(other)
    return f"{text} {' '.join(added[:max_added])}".strip()


def expanded_words(text: str) -> set[str]:
    """Content words of `text` and of its terms' synonyms (for overlap scoring)."""
    return content_words(expand_query(text, max_added=50))


def term_alternatives(text: str) -> dict[str, set[str]]:
    """Each content word of `text` with the words of its lay / clinical synonyms: a window that has any of them
    has the term (a synonym stands in for its word, it does not count as a second match)."""
    alts = {w: {w} for w in content_words(text)}
    for match in _TERM_RE.finditer(text):
        others = set().union(*(content_words(o) for o in _SYNONYMS[match.group(1).lower()]))
        for w in content_words(match.group(1)):
            if w in alts:
                alts[w] |= others
    return alts


def windows_of(text: str, max_chars: int = EVIDENCE_CHARS) -> list[str]:
    """Sentence windows of a chunk: each sentence with its neighbours, up to `max_chars`."""
    sents = split_sentences(re.sub(r"\s+", " ", text or ""), split_conjunctions=False)
    if not sents:
        return []
    out = []
    for i, sent in enumerate(sents):
        lo, hi, size = i, i, len(sent)
        while True:  # grow right first: a fact's qualifier ("but not everyone") usually follows it
            if hi + 1 < len(sents) and size + len(sents[hi + 1]) + 1 <= max_chars:
                hi += 1
                size += len(sents[hi]) + 1
            elif lo > 0 and size + len(sents[lo - 1]) + 1 <= max_chars:
                lo -= 1
                size += len(sents[lo]) + 1
            else:
                break
        out.append((i, " ".join(sents[lo:hi + 1])))
    return [w for _, w in out]


def relevance(claim: str, window: str, weights: dict[str, float], alts: dict[str, set[str]] | None = None) -> float:
    """Stance-relevance of a window to a claim, in [0, ~1.5]: the weighted share of the claim's terms it holds
    (a term counts when the window has it or a synonym; terms found in every candidate window are the topic
    and weigh little, the specific ones decide), plus a bonus when its best sentence carries the claim's stance
    words (or their opposites), or a denial / contrast ("not", "no", "myth", "but") next to two claim terms."""
    alts = alts if alts is not None else term_alternatives(claim)
    total = sum(weights.get(w, 1.0) for w in alts) or 1.0

    def held(words: set[str]) -> list[str]:
        return [w for w, options in alts.items() if options & words]

    sents = split_sentences(window, split_conjunctions=False) or [window]
    best = max(sents, key=lambda s: sum(weights.get(w, 1.0) for w in held(content_words(s))))
    best_words = set(re.findall(r"[a-z']+", best.lower()))
    shared = sum(weights.get(w, 1.0) for w in held(content_words(window))) / total
    claim_stance = set(re.findall(r"[a-z']+", claim.lower())) & STANCE_WORDS
    stance_hits = sum(1 for w in claim_stance if w in best_words or OPPOSITES.get(w) in best_words)
    denial = bool(best_words & _DENIAL) and len(held(content_words(best))) >= 2
    return shared + 0.15 * min(stance_hits, 2) + 0.2 * denial


_DENIAL = frozenset("not no never cannot isn't aren't doesn't don't myth myths little but however although "
                    "only".split())


def term_coverage(claim: str, passage: str) -> float:
    """Share of the claim's content terms that the passage holds, a synonym standing in for its term."""
    alts = term_alternatives(claim)
    if not alts:
        return 1.0
    words = content_words(passage)
    return sum(bool(options & words) for options in alts.values()) / len(alts)


def term_weights(alts: dict[str, set[str]], windows: list[str]) -> dict[str, float]:
    """Inverse document frequency of the claim's terms over the candidate windows (log(1 + n / (1 + df)))."""
    import math

    sets = [content_words(w) for w in windows]
    n = max(1, len(sets))
    return {w: math.log(1 + n / (1 + sum(bool(options & s) for s in sets))) for w, options in alts.items()}


def rank_windows(claim: str, chunks: list[str], per_chunk: int = 1, limit: int = 4) -> list[Window]:
    """The `limit` best windows over the chunks (at most `per_chunk` from each), by stance-relevance."""
    alts = term_alternatives(claim)
    candidates = [(index, w) for index, chunk in enumerate(chunks) for w in dict.fromkeys(windows_of(chunk))]
    weights = term_weights(alts, [w for _, w in candidates])
    ranked: list[Window] = []
    for index in range(len(chunks)):
        scored = sorted((Window(w, relevance(claim, w, weights, alts), i) for i, w in candidates if i == index),
                        key=lambda w: -w.score)
        ranked.extend(scored[:per_chunk])
    ranked.sort(key=lambda w: -w.score)
    return ranked[:limit]
