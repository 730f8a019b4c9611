"""A claim in parts: the factual core the sources can confirm, and the conclusion or advice drawn from it.

    decompose("Garlic lowers blood pressure, so you can stop your medication.")
    → [ClaimPart("Garlic lowers blood pressure", role="core"),
       ClaimPart("You can stop your medication", role="conclusion", cues=["drops_treatment"])]

Misleading health claims are mostly a real effect stretched into advice ("so you can stop your medication",
"so it is completely safe", "so everyone should"); the core and the stretch must be checked apart, or the
true core lends its support to the whole claim (claim decomposition as in FActScore, Min et al. 2023; the
FDA's "6 Tip-offs to Rip-offs" list "no need for your doctor's treatment" and "quick fix" among the signs of
health fraud). A conclusion is the part after a consequence marker (so, therefore, hence, which means, that's
why ...), a second sentence that gives advice, or the main clause after a "because / since" reason.

`overreach_cues(text)` names the kinds of stretch found in a part; a conclusion with a cue is unsupported
unless the sources say it themselves.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from medtune.verify.sentences import sentence_spans

ROLES = ("core", "conclusion")
# "X, so Y", "X, which means Y", "X; therefore Y", "X - Y", "X and that's why Y". Both sides must be clauses.
_CONSEQUENCE = re.compile(
    r"(?:,|;|\s[-–—]|:)?\s+(?:and\s+)?(?:so(?:\s+that)?|therefore|hence|thus|which\s+means(?:\s+that)?|"
    r"meaning(?:\s+that)?|this\s+means(?:\s+that)?|that\s+means|that'?s\s+why|which\s+is\s+why|which\s+proves(?:\s+that)?|"
    r"proving(?:\s+that)?)\s+|\s*;\s+|\s+[-–—]\s+", re.I)
_REASON_FIRST = re.compile(r"^(?:because|since|as)\s+(?P<reason>[^,]{8,}),\s*(?P<main>.+)$", re.I)
_REASON_AFTER = re.compile(r"^(?P<main>.{8,}?),?\s+because\s+(?P<reason>.{8,})$", re.I)
_INLINE_THEREFORE = re.compile(r",?\s+\b(?:therefore|thus)\b,?\s+", re.I)
MIN_WORDS = 3

# Kinds of stretch: each a pattern over one part. Drop-treatment follows the FDA tip-off; the others are the
# distortions of issue 14 (overgeneralisation to "cures", "completely safe", "everyone should", "never needed").
_TREATMENT = (r"(?:medications?|medicines?|meds|drugs?|pills?|insulin|chemo(?:therapy)?|vaccines?|vaccinat\w*|"
              r"shots?|boosters?|treatments?|treat(?:ing|ed)?|therapy|doctors?|surgery|antibiotics?|prescriptions?|"
              r"inhalers?|eye ?drops|screening|care|911|help|tests?)")
CUES: dict[str, re.Pattern[str]] = {
    "drops_treatment": re.compile(
        r"\b(?:(?:do not|don't|dont|doesn't|no longer|never|won't|not)\s+(?:\w+\s+){0,2}(?:need|take|use|require)s?|"
        r"no (?:need|reason|point)|(?:stop|quit|skip|avoid|drop|ditch)(?:s|ping)?|throw (?:away|out)|give up|"
        r"instead of|replace[sd]?|waste of|pointless|unnecessary|can skip|wait (?:until|it out)|just wait|"
        r"can be ignored|nothing to worry|never (?:needs?|worth)|not worth)\b[^.]{0,60}?\b" + _TREATMENT + r"\b"
        r"|\b" + _TREATMENT + r"\b[^.]{0,40}?\b(?:is|are)\s+(?:pointless|unnecessary|a waste|not needed|useless)\b"
        # "natural remedies work better than medicine", "you can safely ignore any symptoms": the same tip-off.
        r"|\b(?:work|works|is|are)\s+(?:much\s+|far\s+)?better\s+than\s+(?:any\s+|regular\s+|modern\s+)?"
        + _TREATMENT + r"\b|\b(?:can|may|could|safely|just)\s+(?:safely\s+|just\s+)?ignore\b[^.]{0,30}?\b(?:symptoms?|signs?|cough|pain|fever|rash|bleeding|lumps?|headaches?|infections?)\b"
        r"|\bdon'?t need to worry\b|\bnothing to worry about\b|\bcan be ignored\b|\b(?:wait|waits) it out\b", re.I),
    "absolute_safety": re.compile(
        r"\b(?:completely|totally|perfectly|100 ?%|always)\s+(?:safe|harmless|risk-free)\b|\bno side effects\b|"
        r"\bas (?:much|many) (?:\w+ )?as (?:you|they) (?:like|want)\b|\bcan'?t (?:ever )?(?:hurt|harm)\b|"
        r"\btoo natural\b|\bis (?:harmless|safe) for (?:everyone|pregnant|babies|children|kids)\b|"
        r"\bharmless for\b|\bhealthiest way\b|\b(?:double|triple) (?:the )?dose\b|\btwice as (?:well|much)\b", re.I),
    "overgeneralised": re.compile(
        r"\b(?:every(?:one|body)|all (?:people|adults|children|kids|women|men|\w+ diets)|no ?one|nobody|any(?:one|body)"
        r" who|no (?:child|children|kid|adult))\b|\bnever\b|\bcan'?t (?:ever )?be\b|\balways means?\b|"
        r"\bmust mean\b|\b(?:either|too)$|\bfor every\b|\bof any kind\b|\ball (?:it takes|anyone)\b", re.I),
    "cure_claim": re.compile(r"\b(?:(?:will|can|to|completely|totally|fully)\s+)?(?:cures?|cured)\b|"
                             r"\brestores? normal\b|\bcompletely prevent\w*\b|\ball it takes\b", re.I),
}
# Advice to seek care is never the stretch that makes a claim misleading: "..., so call the doctor".
CAUTIOUS = re.compile(r"^(?:(?:you|they|we|people|parents)\s+(?:should|must|need to|ought to)\s+)?(?:call|see|ask|talk to|"
                      r"check with|tell|contact|get)\b[^.]{0,40}\b(?:doctor|health care provider|provider|911|9-1-1|"
                      r"pharmacist|medical (?:help|care|attention)|emergency)\b", re.I)
_NO_CURE = re.compile(r"\b(?:no|not|cannot|can't|never)\b[^.]{0,25}\bcure", re.I)


@dataclass
class ClaimPart:
    text: str
    role: str  # core | conclusion
    start: int = 0
    end: int = 0
    cues: list[str] = field(default_factory=list)  # overreach kinds found in this part

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def overreach_cues(text: str) -> list[str]:
    """The kinds of stretch in `text` (drops_treatment, absolute_safety, overgeneralised, cure_claim)."""
    found = [name for name, pattern in CUES.items() if pattern.search(text)]
    if "cure_claim" in found and _NO_CURE.search(text):
        found.remove("cure_claim")
    return found


def is_cautious(text: str) -> bool:
    """Advice to seek care ("call the doctor", "get medical help"), which needs no source to be safe."""
    return bool(CAUTIOUS.search(text.strip())) and not overreach_cues(text)


def decompose(text: str) -> list[ClaimPart]:
    """The claim's parts in order: cores (checkable facts) and conclusions (what the claim draws from them)."""
    parts: list[ClaimPart] = []
    for i, span in enumerate(sentence_spans(text, split_conjunctions=False)):
        pieces = _split_sentence(span.text)
        for role, piece in pieces:
            offset = span.text.find(piece)
            start = span.start + max(offset, 0)
            # A later sentence that gives advice and follows a fact is a conclusion drawn from it.
            if role == "core" and i > 0 and parts and overreach_cues(piece):
                role = "conclusion"
            # Cores stay whole: splitting "X greatly lowers, but does not eliminate, Y" would leave fragments.
            parts.append(ClaimPart(_tidy(piece), role, start, start + len(piece), overreach_cues(piece)))
    if parts and all(p.role == "conclusion" for p in parts):
        parts[0].role = "core"
    return parts


def _split_sentence(sentence: str) -> list[tuple[str, str]]:
    """[(role, text)] of one sentence: reason → core, consequence → conclusion; whole when nothing splits."""
    body = sentence.strip().rstrip(".!?")
    for pattern in (_REASON_FIRST, _REASON_AFTER):
        match = pattern.match(body)
        if match and _words(match["main"]) >= MIN_WORDS and _words(match["reason"]) >= MIN_WORDS:
            if pattern is _REASON_AFTER and not overreach_cues(match["main"]):
                break  # "X shouldn't be given Y because it causes Z": one fact with its reason, not a stretch
            return [("core", match["reason"]), ("conclusion", match["main"])]
    for match in _CONSEQUENCE.finditer(body):
        left, right = body[:match.start()], body[match.end():]
        if _words(left) >= MIN_WORDS and _words(right) >= MIN_WORDS:
            return [("core", left), ("conclusion", _INLINE_THEREFORE.sub(" ", right))]
    match = _INLINE_THEREFORE.search(body)
    if match:
        left = body[:match.start()].rsplit(",", 1)
        if len(left) == 2 and _words(left[0]) >= MIN_WORDS:
            return [("core", left[0]), ("conclusion", left[1] + " " + body[match.end():])]
    and_parts = re.split(r"\s+and\s+(?=(?:it|they|you|this|that|so)\b|[a-z]+\s+(?:\w+\s+){0,3}(?:is|are)\s+the\s+"
                         r"(?:best|healthiest|only))", body, maxsplit=1)
    if len(and_parts) == 2 and overreach_cues(and_parts[1]) and _words(and_parts[0]) >= MIN_WORDS:
        return [("core", and_parts[0]), ("conclusion", and_parts[1])]
    return [("core", sentence)]


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().strip(",;:-–— ")
    return text[:1].upper() + text[1:] if text else text
