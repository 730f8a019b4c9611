"""Hard negatives: a true statement changed so that its own source contradicts it.

Four generators, each returning the changed sentence or None when it does not apply:
- `negate`: "X can cause Y" → "X cannot cause Y"; "X does not …" → "X does …"; "X is Y" → "X is not Y".
- `reverse_effect`: the first effect word swapped for its opposite ("increases" → "decreases", "common" → "rare").
- `change_number`: a number (a dose, a percentage, an age) multiplied or divided by 10, so it is clearly wrong.
- `swap_drug`: a drug name replaced by another drug from a different class.

These are the perturbation types of the "counterfactual" claims of SciFact (Wadden et al. 2020, §3: negation and
changed quantities written by annotators) and of the contrast sets of Gardner et al. 2020, made by rule so that
the source sentence stays the evidence that refutes them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

_AUX_NEG = [  # (pattern, replacement): the first that matches is applied once
    (r"\bcannot\b", "can"), (r"\bcan not\b", "can"), (r"\bdoes not\b", "does"), (r"\bdo not\b", "do"),
    (r"\bis not\b", "is"), (r"\bare not\b", "are"), (r"\bwill not\b", "will"), (r"\bshould not\b", "should"),
    (r"\bmay not\b", "may"), (r"\bhas not\b", "has"), (r"\bhave not\b", "have"),
    (r"\bcan\b", "cannot"), (r"\bmay\b", "may not"), (r"\bshould\b", "should not"), (r"\bwill\b", "will not"),
    (r"\bmust\b", "must not"), (r"\bis\b", "is not"), (r"\bare\b", "are not"), (r"\bwas\b", "was not"),
    (r"\bwere\b", "were not"), (r"\bdoes\b", "does not"), (r"\bhas\b", "does not have"),
]

# Effect words and their opposites (both directions are added below).
_OPPOSITES = {
    "increase": "decrease", "increases": "decreases", "increased": "decreased", "increasing": "decreasing",
    "raise": "lower", "raises": "lowers", "raised": "lowered", "higher": "lower", "more": "less",
    "improve": "worsen", "improves": "worsens", "improved": "worsened", "prevent": "cause", "prevents": "causes",
    "reduce": "increase", "reduces": "increases", "reduced": "increased", "common": "rare", "commonly": "rarely",
    "safe": "unsafe", "effective": "ineffective", "benefit": "harm", "beneficial": "harmful",
    "before": "after", "early": "late", "fast": "slow", "often": "rarely", "usually": "rarely",
    "above": "below", "high": "low", "larger": "smaller", "stronger": "weaker", "dominant": "recessive",
    "inherited": "not inherited", "contagious": "not contagious", "always": "never", "many": "few",
    "most": "few", "acute": "chronic", "benign": "malignant", "treatable": "untreatable",
}
OPPOSITES = {**{v: k for k, v in _OPPOSITES.items() if v not in _OPPOSITES}, **_OPPOSITES}

# Common drugs grouped by class; a swap picks a drug of another class, so the claim becomes false.
DRUG_CLASSES = {
    "analgesic": ["acetaminophen", "ibuprofen", "naproxen", "aspirin", "paracetamol"],
    "anticoagulant": ["warfarin", "heparin", "apixaban", "rivaroxaban", "clopidogrel"],
    "antidiabetic": ["metformin", "insulin", "glipizide", "sitagliptin"],
    "statin": ["atorvastatin", "simvastatin", "rosuvastatin"],
    "antihypertensive": ["lisinopril", "amlodipine", "losartan", "metoprolol", "hydrochlorothiazide"],
    "antibiotic": ["amoxicillin", "penicillin", "azithromycin", "ciprofloxacin", "doxycycline", "vancomycin"],
    "antidepressant": ["sertraline", "fluoxetine", "citalopram", "bupropion"],
    "steroid": ["prednisone", "hydrocortisone", "dexamethasone"],
    "antiviral": ["acyclovir", "oseltamivir", "remdesivir", "zidovudine"],
    "opioid": ["morphine", "oxycodone", "codeine", "fentanyl"],
    "acid": ["omeprazole", "ranitidine", "famotidine"],
    "hormone": ["levothyroxine", "estrogen", "testosterone"],
    "antiepileptic": ["levetiracetam", "phenytoin", "carbamazepine", "valproate"],
    "chemotherapy": ["cisplatin", "methotrexate", "doxorubicin", "tamoxifen", "imatinib"],
}
DRUG_CLASS = {drug: cls for cls, drugs in DRUG_CLASSES.items() for drug in drugs}
DRUG_RE = re.compile(r"\b(" + "|".join(sorted(DRUG_CLASS, key=len, reverse=True)) + r")\b", re.I)
_NUMBER_RE = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)(?![\w.]*\d)")


def _keep_case(original: str, new: str) -> str:
    return new[:1].upper() + new[1:] if original[:1].isupper() else new


def negate(sentence: str, rng: random.Random | None = None) -> str | None:
    for pattern, repl in _AUX_NEG:
        match = re.search(pattern, sentence, flags=re.I)
        if match:
            return sentence[:match.start()] + _keep_case(match.group(0), repl) + sentence[match.end():]
    return None


def reverse_effect(sentence: str, rng: random.Random | None = None) -> str | None:
    for match in re.finditer(r"[A-Za-z]+", sentence):
        opposite = OPPOSITES.get(match.group(0).lower())
        if opposite:
            return sentence[:match.start()] + _keep_case(match.group(0), opposite) + sentence[match.end():]
    return None


def change_number(sentence: str, rng: random.Random | None = None) -> str | None:
    """Multiply (or divide, for numbers ≥ 100) one number by 10; years (1900–2099) are left alone."""
    rng = rng or random.Random(0)
    candidates = [m for m in _NUMBER_RE.finditer(sentence) if not re.fullmatch(r"(19|20)\d\d", m.group(1))]
    if not candidates:
        return None
    match = rng.choice(candidates)
    raw = match.group(1).replace(",", "")
    value = float(raw)
    new = value / 10 if value >= 100 and rng.random() < 0.5 else value * 10 if value else 5.0
    text = f"{new:g}" if "." in raw or new != int(new) else str(int(new))
    if text == raw:
        return None
    return sentence[:match.start()] + text + sentence[match.end():]


def swap_drug(sentence: str, rng: random.Random | None = None) -> str | None:
    rng = rng or random.Random(0)
    match = DRUG_RE.search(sentence)
    if not match:
        return None
    own = DRUG_CLASS[match.group(1).lower()]
    others = sorted(d for d, c in DRUG_CLASS.items() if c != own)
    return sentence[:match.start()] + _keep_case(match.group(1), rng.choice(others)) + sentence[match.end():]


GENERATORS: dict[str, Callable[[str, random.Random | None], str | None]] = {
    "negation": negate, "reversed_effect": reverse_effect, "changed_number": change_number, "swapped_drug": swap_drug,
}


def perturb(sentence: str, rng: random.Random, kinds: list[str] | None = None) -> tuple[str, str] | None:
    """One perturbation of `sentence`: (kind, changed sentence), trying the kinds in a seeded random order.
    Drug and number changes are tried first when they apply, as they are the rarer, more specific ones."""
    names = list(kinds or GENERATORS)
    rng.shuffle(names)
    names.sort(key=lambda n: n not in ("swapped_drug", "changed_number"))
    for name in names:
        changed = GENERATORS[name](sentence, rng)
        if changed and changed.strip() != sentence.strip():
            return name, changed
    return None
