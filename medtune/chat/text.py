"""Text helpers for answers: sentence splitting, Flesch-Kincaid grade, and the patient / clinician rewrite.

The rewrite is a word-for-word lexicon (a fixed list of clinical terms and their plain equivalents) plus
splitting of long sentences at ';' — it changes words, never facts, so a rewritten sentence still says
exactly what its source said. The lexicon follows the spirit of the CDC Plain Language Thesaurus.
"""

from __future__ import annotations

import re

_SPL_XREF = re.compile(r"\s*\(\s*\d+(?:\.\d+)*(?:\s*,\s*\d+(?:\.\d+)*)*\s*\)|\s*\[\s*see [^\]]{0,80}\]", re.I)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences (`medtune.text.sentence_spans`); line breaks and bullets are boundaries too."""
    from medtune.text import sentence_spans

    out: list[str] = []
    for block in re.split(r"\s*\n\s*(?:[-*•]\s+)?", text or ""):  # a line break ends a sentence (or a heading)
        block = re.sub(r"\s+", " ", block).strip(" -*•")
        out.extend(block[a:b].strip(" -*•") for a, b in sentence_spans(block, capital_next=True))
    return [s for s in out if s]


def clean_source_text(text: str) -> str:
    """Drop label cross-references such as '( 5.1 )' and '[see Warnings (5.2)]' and squeeze whitespace."""
    return re.sub(r"\s+", " ", _SPL_XREF.sub("", text or "")).strip()


def flesch_kincaid_grade(text: str) -> float | None:
    """The shared reading grade (`medtune.text`), rounded to one decimal for display."""
    from medtune.text import flesch_kincaid_grade as grade

    value = grade(text)
    return None if value is None else round(value, 1)


# clinical term -> plain words; words that are part of disease names ("acute", "chronic", "oral") are left out.
# clinical term -> plain words. Longest terms first when applied so "myocardial infarction" wins over parts.
PLAIN_WORDS: dict[str, str] = {
    "myocardial infarction": "heart attack",
    "cerebrovascular accident": "stroke",
    "hypertension": "high blood pressure",
    "hypotension": "low blood pressure",
    "hyperglycemia": "high blood sugar",
    "hypoglycemia": "low blood sugar",
    "adverse reactions": "side effects",
    "adverse events": "side effects",
    "adverse effects": "side effects",
    "is contraindicated": "must not be used",
    "are contraindicated": "must not be used",
    "contraindicated": "not to be used",
    "concomitant use": "use at the same time",
    "concomitantly": "at the same time",
    "coadministration": "taking together",
    "co-administration": "taking together",
    "co-administered": "taken together",
    "administered": "given",
    "administration": "use",
    "physician": "doctor",
    "healthcare provider": "doctor or nurse",
    "health care provider": "doctor or nurse",
    "gastrointestinal": "stomach and gut",
    "hepatic": "liver",
    "renal": "kidney",
    "cardiac": "heart",
    "edema": "swelling",
    "hemorrhage": "heavy bleeding",
    "analgesic": "pain reliever",
    "antipyretic": "fever reducer",
    "anticoagulant": "blood thinner",
    "pediatric": "children's",
    "geriatric": "older adults'",
    "approximately": "about",
    "prior to": "before",
    "subsequently": "later",
    "utilize": "use",
    "individuals": "people",
    "initiate": "start",
    "discontinue": "stop",
    "discontinuation": "stopping",
    "symptomatic": "with symptoms",
    "asymptomatic": "without symptoms",
    "dyspnea": "shortness of breath",
    "pruritus": "itching",
    "erythema": "redness",
    "syncope": "fainting",
    "emesis": "vomiting",
    "malignant": "cancerous",
    "prognosis": "outlook",
    "etiology": "cause",
}
CLINICAL_WORDS: dict[str, str] = {
    "heart attack": "myocardial infarction",
    "high blood pressure": "hypertension",
    "low blood pressure": "hypotension",
    "blood thinner": "anticoagulant",
    "side effects": "adverse effects",
    "shortness of breath": "dyspnea",
    "pain reliever": "analgesic",
    "fever reducer": "antipyretic",
    "by mouth": "orally",
}


def apply_lexicon(text: str, lexicon: dict[str, str]) -> str:
    for term in sorted(lexicon, key=len, reverse=True):
        pattern = re.compile(rf"\b{re.escape(term)}\b", re.I)

        def keep_case(m: re.Match[str], repl: str = lexicon[term]) -> str:
            return repl[:1].upper() + repl[1:] if m.group(0)[:1].isupper() else repl

        text = pattern.sub(keep_case, text)
    # a substitution can leave "an blood thinner" / "a analgesic": fix the article to the new word
    text = re.sub(r"\b([Aa])n (?=[^aeiouhAEIOUH\W])", r"\1 ", text)
    return re.sub(r"\b([Aa]) (?=[aeioAEIO](?!ne\b|nce\b))", r"\1n ", text)


def _sentence_case(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def to_patient(sentence: str) -> list[str]:
    """Plain words and short sentences: semicolons become sentence breaks; cross-references go."""
    text = apply_lexicon(clean_source_text(sentence), PLAIN_WORDS)
    parts = [p for p in re.split(r"\s*;\s*", text) if len(p.split()) >= 3]
    return [_sentence_case(p) for p in parts] or [_sentence_case(text)]


def to_clinician(sentence: str) -> list[str]:
    """Clinical terms, the source's own sentence structure."""
    return [_sentence_case(apply_lexicon(clean_source_text(sentence), CLINICAL_WORDS))]


def rewrite(sentence: str, style: str) -> list[str]:
    return to_clinician(sentence) if style == "clinician" else to_patient(sentence)
