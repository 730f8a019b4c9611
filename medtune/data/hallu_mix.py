"""The `hallu_mix` dataset: MedHallu plus faithful / unfaithful answer pairs built from MedQuAD and PubMedQA.

MedHallu's hallucinated answers were all written by one LLM, so a detector trained on it alone can learn the
generator's style instead of checking the answer against the evidence (issue 15: F1 0.81 on MedHallu, 0.31 on
independently written triples). Here every generated pair shares one question and one evidence passage, and
both of its answers go through the same light rewrite; the unfaithful one then gets exactly one distortion:

- `wrong_number`: a number changed (verify.perturb.change_number, or a smaller shift of 15–60%);
- `reversed_finding`: an effect word flipped or a statement negated (verify.perturb);
- `wrong_population`: children ↔ adults, women ↔ men, older ↔ younger people, ...;
- `invented_entity`: a made-up drug, test or syndrome put in (or a drug swapped for one of another class);
- `unsupported_claim`: a sentence about another topic, re-aimed at this one, appended (plausible, but not in
  the evidence);
- `overclaim`: hedged wording made absolute ("may reduce" → "eliminates", "can help" → "cures").

So what separates the classes is the distortion, not the wording. MedQuAD items give short consumer-health
evidence (the first sentences of an NIH answer); PubMedQA items give an abstract and its conclusion (train
PMIDs only: the dev PMIDs are MedHallu's dev set, which stays the validation split). Every row carries
`item` (source:id): both answers of an item share question and evidence, so preparation's grouping by
question + evidence keeps an item on one side of every split.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from medtune.data.converters import _join, _text
from medtune.data.schemas import AnswerRecord

Row = dict[str, Any]

MEDQUAD_ITEMS = 200  # short inputs (~120 tokens): cheap to train on
PUBMEDQA_ITEMS = 40  # long inputs (256 tokens, like MedHallu)
EVIDENCE_WORDS = 90
KINDS = ("wrong_number", "reversed_finding", "wrong_population", "invented_entity", "unsupported_claim",
         "overclaim")

# Meaning-preserving word swaps for the shared rewrite (applied to both answers of a pair).
_SYNONYMS = {
    "people": "individuals", "doctor": "physician", "doctors": "physicians", "symptoms": "signs",
    "treatment": "therapy", "treatments": "therapies", "medicine": "medication", "medicines": "medications",
    "illness": "disease", "about": "around", "usually": "typically", "often": "frequently",
    "help": "aid", "helps": "aids", "begin": "start", "begins": "starts", "shows": "indicates",
    "show": "indicate", "showed": "indicated", "need": "require", "needs": "requires", "get": "develop",
    "very": "highly", "large": "big", "small": "little", "main": "primary", "important": "key",
    "risk": "chance", "occur": "happen", "occurs": "happens", "patients": "sufferers", "found": "observed",
    "use": "usage", "suggest": "indicate", "suggests": "indicates", "method": "approach", "however": "but",
}
_CONTRACTIONS = {"do not": "don't", "does not": "doesn't", "is not": "isn't", "are not": "aren't",
                 "cannot": "can't", "it is": "it's", "there is": "there's"}
# GARD / GHR answers that only point elsewhere ("The Human Phenotype Ontology provides the following list").
_BOILERPLATE = ("Human Phenotype Ontology", "MedlinePlus Medical Dictionary", "These resources address")
_OPENERS = ("", "", "", "In short, ", "Based on the evidence, ", "Briefly: ", "From what is known, ")

_POPULATION = [  # (pattern, replacement): the first that matches is swapped
    (r"\bchildren\b", "adults"), (r"\badults\b", "children"), (r"\bchild\b", "adult"), (r"\badult\b", "child"),
    (r"\bwomen\b", "men"), (r"\bmen\b", "women"), (r"\bwoman\b", "man"), (r"\bman\b", "woman"),
    (r"\bgirls\b", "boys"), (r"\bboys\b", "girls"), (r"\binfants\b", "adolescents"), (r"\bbabies\b", "teenagers"),
    (r"\bnewborns\b", "older adults"), (r"\belderly\b", "young"), (r"\bolder adults\b", "young adults"),
    (r"\bolder people\b", "young people"), (r"\bpregnant women\b", "postmenopausal women"),
    (r"\bmales\b", "females"), (r"\bfemales\b", "males"), (r"\bpatients\b", "healthy volunteers"),
    (r"\bsmokers\b", "non-smokers"), (r"\brats\b", "humans"), (r"\bmice\b", "humans"),
]
_OVERCLAIM = [
    (r"\bmay help\b", "cures"), (r"\bcan help\b", "cures"), (r"\bhelps?\b", "cures"),
    (r"\bmay (reduce|lower|decrease)\b", "eliminates"), (r"\breduces? the risk\b", "completely prevents"),
    (r"\b(reduced|lowered|decreased)\b", "eliminated"), (r"\bcan be treated\b", "can always be cured"),
    (r"\bis associated with\b", "is proven to cause"), (r"\bwas associated with\b", "was proven to cause"),
    (r"\bsuggests?\b", "proves"), (r"\bmight\b", "will definitely"), (r"\bmay\b", "will always"),
    (r"\bsome\b", "all"), (r"\bcan\b", "will always"), (r"\bimproves?\b", "cures"), (r"\bimproved\b", "cured"),
]
_OVERCLAIM_TAILS = (" It works for every patient.", " This has been proven beyond doubt.",
                    " It is a permanent cure.", " No other treatment is needed.")
_STEMS = ("zor", "vel", "lum", "trax", "pren", "quel", "dar", "mex", "sul", "tiv", "cor", "nal", "ber", "fyn")
_DRUG_SUFFIXES = ("mab", "tinib", "vir", "zole", "pril", "statin", "cillin", "oxetine", "parin", "dronate")
_INVENTED_SENTENCES = (
    "It is usually treated with {drug}.", "{drug} is the first-line treatment.",
    "Doctors confirm it with the {test} test.", "It is closely linked to {syndrome}.",
    "Taking {drug} daily prevents it.", "Most cases respond to {drug} within a week.",
)


# ---- text helpers --------------------------------------------------------------------------------------

def sentences(text: str) -> list[str]:
    """Statements of a MedQuAD / PubMedQA text (questions and headings dropped, bullet markers removed)."""
    text = re.sub(r"(?m)^\s*(Key Points|Summary)\s*$", " ", text)
    text = re.sub(r"(^|\s)[-•*]\s+", " ", text)
    text = re.sub(r"\([^()]{0,60}\)", "", text)  # short parentheticals: abbreviations, references
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", re.sub(r"\s+", " ", text).strip())
    return [p.strip() for p in parts if len(p.split()) >= 4 and p.strip()[-1:] in ".!"]


def _seed(*parts: str) -> int:
    return int(hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:12], 16)


def _swap_first(text: str, table: list[tuple[str, str]]) -> str | None:
    for pattern, repl in table:
        match = re.search(pattern, text, flags=re.I)
        if match:
            new = match.expand(repl) if "\\" in repl else repl
            if match.group(0)[:1].isupper():
                new = new[:1].upper() + new[1:]
            return text[:match.start()] + new + text[match.end():]
    return None


def rewrite(text: str, rng: random.Random) -> str:
    """A light meaning-preserving rewrite: some synonyms, contractions, an opener. Both answers of a pair
    get it, so wording alone never tells them apart."""
    words = re.split(r"(\W+)", text)
    out = [(_SYNONYMS[w.lower()] if w.lower() in _SYNONYMS and rng.random() < 0.5 else w) for w in words]
    text = "".join(out)
    if rng.random() < 0.5:
        for full, short in _CONTRACTIONS.items():
            text = re.sub(rf"\b{full}\b", short, text)
    opener = rng.choice(_OPENERS)
    if opener and text:
        text = opener + text[0].lower() + text[1:] if not text[:2].isupper() else opener + text
    return text


def _invented_name(rng: random.Random, suffixes: tuple[str, ...] = _DRUG_SUFFIXES) -> str:
    return (rng.choice(_STEMS) + rng.choice(_STEMS) + rng.choice(suffixes)).capitalize()


# ---- distortions: each returns the changed answer, or None when it does not apply ----------------------

def wrong_number(text: str, rng: random.Random, **_: Any) -> str | None:
    from medtune.verify.perturb import change_number

    numbers = [m for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.]*\d)", text)
               if not re.fullmatch(r"(19|20)\d\d", m.group(1))]
    if not numbers:
        return None
    if rng.random() < 0.5:  # a subtler change than ×10: 15–60% up or down
        m = rng.choice(numbers)
        value = float(m.group(1))
        new = value * rng.choice((1.3, 1.5, 1.6, 0.6, 0.75, 0.5)) if value else 3.0
        shown = f"{new:.1f}" if "." in m.group(1) else str(max(1, round(new)))
        if shown != m.group(1):
            return text[:m.start()] + shown + text[m.end():]
    return change_number(text, rng)


def reversed_finding(text: str, rng: random.Random, **_: Any) -> str | None:
    from medtune.verify.perturb import negate, reverse_effect

    first, second = (reverse_effect, negate) if rng.random() < 0.6 else (negate, reverse_effect)
    return first(text, rng) or second(text, rng)


def wrong_population(text: str, rng: random.Random, **_: Any) -> str | None:
    return _swap_first(text, _POPULATION)


def invented_entity(text: str, rng: random.Random, **_: Any) -> str | None:
    from medtune.verify.perturb import DRUG_RE, swap_drug

    if DRUG_RE.search(text):
        return swap_drug(text, rng) if rng.random() < 0.5 else DRUG_RE.sub(lambda m: _invented_name(rng), text, 1)
    extra = rng.choice(_INVENTED_SENTENCES).format(
        drug=_invented_name(rng), test=_invented_name(rng, ("scan", "ase assay", "in panel")),
        syndrome=_invented_name(rng, ("osis", "itis")) + " syndrome")
    return f"{text} {extra}"


def unsupported_claim(text: str, rng: random.Random, *, donor: str | None = None, **_: Any) -> str | None:
    """A real sentence from another item (its topic renamed to this one's) appended: fluent, medical, and
    not in this evidence."""
    return f"{text} {donor}" if donor else None


def overclaim(text: str, rng: random.Random, **_: Any) -> str | None:
    changed = _swap_first(text, _OVERCLAIM)
    return changed if changed else text + rng.choice(_OVERCLAIM_TAILS)


DISTORTIONS: dict[str, Callable[..., str | None]] = {
    "wrong_number": wrong_number, "reversed_finding": reversed_finding, "wrong_population": wrong_population,
    "invented_entity": invented_entity, "unsupported_claim": unsupported_claim, "overclaim": overclaim,
}


def distort(text: str, rng: random.Random, kind_order: list[str], donor: str | None = None) -> tuple[str, str] | None:
    """The first distortion in `kind_order` that applies and changes the text: (kind, distorted answer)."""
    for kind in kind_order:
        changed = DISTORTIONS[kind](text, rng, donor=donor)
        if changed and changed.strip() != text.strip():
            return kind, changed
    return None


# ---- pairs ---------------------------------------------------------------------------------------------

def make_pair(item: str, question: str, evidence: str, answer: str, kind_order: list[str],
              donor: str | None = None) -> list[Row]:
    """A faithful and an unfaithful answer to one question + evidence (empty if no distortion applies)."""
    rng = random.Random(_seed(item))
    faithful = rewrite(answer, rng) if rng.random() < 0.75 else answer
    distorted = distort(faithful, rng, kind_order, donor)
    if distorted is None:
        return []
    kind, unfaithful = distorted
    base = {"question": question, "knowledge": [evidence], "item": item}
    return [{**base, "id": f"{item}-f", "answer": faithful, "label": "faithful", "kind": "faithful"},
            {**base, "id": f"{item}-h", "answer": unfaithful, "label": "hallucinated", "kind": kind}]


def _kind_order(used: Counter[str], rng: random.Random) -> list[str]:
    """The kinds, least used so far first (ties in a seeded order): numbers and populations apply to fewer
    answers, so they are tried first whenever they have fallen behind."""
    kinds = list(KINDS)
    rng.shuffle(kinds)
    return sorted(kinds, key=lambda k: used[k])


def _sample(rows: list[Row], n: int, key: str) -> list[Row]:
    """`n` rows picked by a hash of their id: the same rows whatever order the file is in."""
    return sorted(rows, key=lambda r: _seed(key, str(r.get("id") or r.get("pubid"))))[:n]


def medquad_pairs(rows: list[Row], n_items: int = MEDQUAD_ITEMS) -> list[Row]:
    """Evidence = the first sentences of an NIH answer (≤ EVIDENCE_WORDS words); answer = one or two of them.
    MedQuAD ids repeat across its sources, so an item is named by its row number in the file."""
    usable = []
    for n, row in enumerate(rows):
        if any(phrase in (row.get("answer") or "") for phrase in _BOILERPLATE):
            continue
        sents = sentences(row.get("answer") or "")
        if len(sents) >= 2 and row.get("focus"):
            usable.append({"key": f"{n}-{row['id']}", "row": row, "sents": sents})
    picked = sorted(usable, key=lambda u: _seed("medquad", u["key"]))[:n_items]
    used: Counter[str] = Counter()
    out: list[Row] = []
    for n, item in enumerate(picked):
        row, evidence = item["row"], []
        for s in item["sents"]:
            if evidence and len(" ".join(evidence + [s]).split()) > EVIDENCE_WORDS:
                break
            evidence.append(s)
        rng = random.Random(_seed("medquad", item["key"]))
        start = rng.randrange(len(evidence))
        answer = " ".join(evidence[start:start + rng.choice((1, 2))])
        donor = _donor(picked, n, row["focus"])
        pair = make_pair(f"medquad:{item['key']}", _text(row["question"]), " ".join(evidence), answer,
                         _kind_order(used, rng), donor)
        used.update(p["kind"] for p in pair if p["label"] == "hallucinated")
        out.extend({**p, "source": "medquad"} for p in pair)
    return out


def _donor(picked: list[dict[str, Any]], n: int, focus: str) -> str | None:
    """The first sentence of another item that names its own topic, with that topic renamed to `focus`."""
    for other in picked[n + 1:n + 40]:
        other_focus = other["row"].get("focus") or ""
        if other_focus.lower() == focus.lower() or len(other_focus) < 4:
            continue
        for s in other["sents"]:
            if other_focus.lower() in s.lower() and len(s.split()) <= 30:
                return re.sub(re.escape(other_focus), focus, s, count=1, flags=re.I)
    return None


def pubmedqa_pairs(rows: list[Row], n_items: int = PUBMEDQA_ITEMS) -> list[Row]:
    """Evidence = the abstract (without its conclusion); answer = the conclusion (`long_answer`)."""
    usable = [r for r in rows if r.get("long_answer") and r.get("contexts")]
    picked = _sample(usable, n_items, "pubmedqa")
    conclusions = [r["long_answer"] for r in picked]
    out: list[Row] = []
    used: Counter[str] = Counter()
    for n, row in enumerate(picked):
        rng = random.Random(_seed("pubmedqa", str(row["pubid"])))
        donor_sents = sentences(conclusions[(n + 7) % len(conclusions)])
        donor = donor_sents[0] if donor_sents and len(picked) > 1 else None
        pair = make_pair(f"pubmedqa:{row['pubid']}", _text(row["question"]), _join(row["contexts"], " ") or "",
                         row["long_answer"].strip(), _kind_order(used, rng), donor)
        used.update(p["kind"] for p in pair if p["label"] == "hallucinated")
        out.extend({**p, "source": "pubmedqa"} for p in pair)
    return out


# ---- registry hooks ------------------------------------------------------------------------------------

def read_mix(path: Path) -> Iterator[Row]:
    """Rows of one split: MedHallu's file at `path`; the train split adds the generated pairs from the
    MedQuAD and PubMedQA train files next to it (same data directory)."""
    from medtune.data.readers import read_rows

    path = Path(path)
    for row in read_rows(path):
        yield {**row, "source": "medhallu", "item": f"medhallu:{row.get('pubid')}",
               "kind": row.get("hallucination_category") or "faithful"}
    if path.name != "train.jsonl":
        return
    root = path.parent.parent
    medquad = root / "medquad" / "medquad.jsonl"
    pubmedqa = root / "pubmedqa" / "train.jsonl"
    if medquad.is_file():
        yield from medquad_pairs(list(read_rows(medquad)))
    if pubmedqa.is_file():
        yield from pubmedqa_pairs(list(read_rows(pubmedqa)))


def record(row: Row) -> AnswerRecord:
    return AnswerRecord(
        id=row["id"], question=_text(row["question"]), context=_join(row.get("knowledge"), " "),
        answer=_text(row["answer"]), label=row.get("label"),
        meta={k: row.get(k) for k in ("source", "item", "kind", "pubid", "difficulty")},
    )
