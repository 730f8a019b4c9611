"""Does the answer answer what was asked? Relevance of (question, evidence, answer) and when to abstain.

The support score (scoring.py) says whether the sources *say* an answer sentence; an extractive answer quotes
the sources, so it is always "supported" — even when the quoted sentences are about something else (issue 13:
a personal prognosis answered with facts about prediabetes, a question about ibuprofen with warfarin answered
"Warfarin is given in pill form"). This module adds the second question: is the evidence *about* the question?

Two layers:
1. **Rules that abstain whatever the evidence says** (`question_rules`): a personal prognosis ("how many years do
   I have left"), a result only a clinician can read ("what will my lab results say"), a personal diagnosis, a
   word the whole knowledge base never uses (an unknown product, not a typo of a known word), and a pair of
   medicines when no answer sentence covers both (say so rather than answer about one drug).
2. **A relevance probability** P(the evidence answers the question) from a logistic regression over cheap
   features (`FEATURES`), fitted by `benchmarks/relevance_quality.py --fit` on the dev half of
   data/eval/relevance with cross-validation; coefficients and cuts live in `relevance_calibration.json`.
   P ≥ `green_from` → "relevant" (the support band stands); `abstain_below` ≤ P < `green_from` → "partial"
   (the band is at most yellow); P < `abstain_below` → "not_relevant" (abstain).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGED_CALIBRATION = Path(__file__).resolve().parent / "relevance_calibration.json"

#: Features of P(relevant), in coefficient order (see relevance_features).
FEATURES = ("question_evidence", "question_answer", "coverage", "missing_rare", "qtype_match", "drug_coverage")
#: Used when no fitted file can be read: hand-set, conservative (chosen on the seed examples).
DEFAULT_MODEL = {"coef": [4.0, 4.0, 3.0, -2.0, 1.5, 2.0], "intercept": -7.5, "green_from": 0.6, "abstain_below": 0.3}

VERDICTS = ("relevant", "partial", "not_relevant", "not_checked")

# --- question types (MedQuAD's qtypes, plus the medicine questions FDA labels answer) -----------------------
# Checked in order: the first match wins, so the specific templates come before "what is".
QTYPES: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(p, re.I)) for name, p in [
    ("interaction", r"\binteract\w*\b|\b(take|taking|use|using|mix|mixing|combine|combining)\b.{0,60}"
                    r"\b(with|and|while|together|on top of|if i'?m\b.{0,15}\b(on|taking))\b"),
    ("side effects", r"\bside[- ]?effects?\b|\badverse\b"),
    ("dosage", r"\b(dose|doses|dosage|how much|how many (pills|tablets|mg))\b"),
    ("research", r"\b(research|clinical trials?)\b"),
    ("genetic changes", r"\bgenetic changes?\b|\bgenes?\b.{0,30}\b(related|linked|cause)\b|\bmutations?\b"),
    ("inheritance", r"\binherit\w*\b|\brun in (the )?famil|\bpassed (down|on)\b|\bhereditary\b"),
    ("frequency", r"\bhow (many people|common|rare|often|frequent)\b|\bprevalence\b|\bhow many .{0,20}(have|get|affected)\b"),
    ("outlook", r"\b(outlook|prognosis|life expectancy|survival|chances? of (recovery|survival))\b|\bhow long\b.{0,40}\blive\b"),
    ("susceptibility", r"\b(at risk|risk factors?|who (gets|is likely|can get|is more likely)|susceptib\w*)\b"),
    ("stages", r"\bstag(e|es|ing)\b"),
    ("complications", r"\bcomplications?\b"),
    ("prevention", r"\bprevent\w*\b|\bavoid (getting)?\b|\blower (my|the) risk\b"),
    ("exams and tests", r"\b(diagnos\w*|tests?|exams?|screen\w*|detect\w*)\b"),
    ("symptoms", r"\b(symptoms?|signs?)\b|\bwhat does .{0,30} feel like\b"),
    ("treatment", r"\b(treat\w*|therap\w*|cure[sd]?|manag\w*|remed\w*|what (drugs|medicines?|medications?) (are|is) (used|given))\b"),
    ("causes", r"\b(caus\w*|why do|why does|what leads to|reasons? for)\b"),
    ("considerations", r"\bwhat to do for\b|\b(eating|diet|nutrition)\b"),
    ("information", r"^\W*(what|what's|whats|tell me about|explain|define|describe)\b"),
]]
# Evidence types compatible with a question type, beyond the same name (FDA label sections have no qtype).
COMPATIBLE = {
    "interaction": {"interaction", "drug_interactions", "warnings", "warnings_and_cautions", "contraindications",
                    "boxed_warning"},
    "side effects": {"side effects", "adverse_reactions", "warnings", "warnings_and_cautions", "boxed_warning"},
    "dosage": {"dosage", "dosage_and_administration", "overdosage"},
    "treatment": {"treatment", "indications_and_usage"},
    "information": {"information", "indications_and_usage", "mechanism_of_action"},
    "genetic changes": {"genetic changes", "inheritance"},
    "inheritance": {"inheritance", "genetic changes"},
}


def question_type(question: str) -> str:
    """The question's type (a MedQuAD qtype or interaction / side effects / dosage), "" when none is clear."""
    for name, pattern in QTYPES:
        if pattern.search(question):
            return name
    return ""


def evidence_type(meta: dict[str, Any]) -> str:
    """A passage's type: MedQuAD's qtype, or the FDA label section; "" when unknown (PubMed, user files)."""
    return str(meta.get("qtype") or meta.get("section") or "").strip().lower()


def qtype_match(qtype: str, ev_types: list[str]) -> float:
    """+1 when a cited passage is of the asked type, −1 when all are of known other types, 0 when unknown."""
    known = [t for t in ev_types if t]
    if not qtype or not known:
        return 0.0
    ok = COMPATIBLE.get(qtype, {qtype})
    return 1.0 if any(t in ok or t == qtype for t in known) else -1.0 if len(known) == len(ev_types) else 0.0


# --- personal questions only a clinician can answer -----------------------------------------------------------
_ME = r"(i|i'm|im|i've|ive|me|my|mine)"
PERSONAL: list[tuple[str, re.Pattern[str]]] = [(code, re.compile(p, re.I)) for code, p in [
    ("personal_prognosis",
     r"\bhow (many|much) (more )?(years|months|weeks|time|longer)\b.{0,40}\b(do|will|have|would|can|should)\b.{0,10}\b(i|me)\b"
     r"|\bhow long\b.{0,25}\b(do|will|have|would|can|could)\b.{0,6}\b(i|me|my \w+)\b.{0,25}\b(live|have left|got left|last|survive|left)\b"
     r"|\b(years|months|time) (do )?i (have|got) left\b|\b(am i|will i be|i'm|im) (going to|gonna) (die|survive|make it|live)\b"
     r"|\bwill i (die|survive|live|make it|recover|get better|be cured|ever)\b|\bwhen will i (die|recover|get better)\b"
     r"|\b(my|mine) (life expectancy|prognosis|odds|chances?|survival)\b|\bwhat are my (chances|odds)\b"
     r"|\bwill (my|mine) \w+( \w+)? (come back|return|spread|kill me|go away|get worse)\b"
     r"|\bhow long until (i|my|he|she|they)\b|\bis (my|this) \w+( \w+)? (terminal|fatal|curable)\b|\bam i dying\b"
     r"|\bhow long (will|does|do|has|have|can) (he|she|they|my \w+)( \w+)? (live|have left|got left|last|survive)\b"
     r"|\bwhen will (i|he|she|they|my \w+) (need|have to|die|recover|get better|be able)\b"),
    ("personal_result",
     r"\bwhat (will|would|do|does|did|should)\b.{0,8}\bmy\b.{0,40}\b(results?|tests?|labs?|scans?|biopsy|report|numbers?|levels?|readings?|bloodwork|blood work|x-?rays?|mri|ct|ecg|ekg)\b"
     r"|\bmy\b.{0,30}\b(results?|tests?|labs?|scans?|biopsy|report|numbers?|levels?|readings?|bloodwork|blood work|x-?rays?|mri|ct|ecg|ekg)\b.{0,40}\b(say|says|mean|means|show|shows|come back|be|look|normal|bad|good|okay|ok|worry|worried|interpret|read)\b"
     r"|\b(read|interpret|explain|look at|check)\b.{0,10}\bmy\b.{0,30}\b(results?|tests?|labs?|scans?|biopsy|report|bloodwork|blood work|x-?rays?|mri|ecg|ekg)\b"
     r"|\bmy (a1c|hba1c|psa|inr|tsh|ldl|hdl|cholesterol|creatinine|egfr|ferritin|glucose|sugar|blood pressure|bp|heart rate|white (blood )?count|platelets?)\b.{0,25}\b(is|was|came back|reads?|at|of)\b.{0,6}\d"),
    ("personal_diagnosis",
     r"\b(do|did|could|might|may) i (have|got|be having)\b(?! to\b)|\b(am|could|might|may) i (be )?(having|getting|pregnant|sick|ill|diabetic|allergic|infected)\b"
     r"|\bwhat('?s| is) wrong with me\b|\bwhat do i have\b|\bdiagnose (me|my)\b|\bis (it|this) (cancer|serious|a tumou?r)\b"
     r"|\bwhat('?s| is) (this|the) (lump|rash|spot|mole|pain) (on|in) my\b|\bwhy (do|does) (i|my)\b.{0,40}\b(hurt|ache|itch|swell|feel)\b"),
]]


def personal_reason(question: str) -> str:
    """"personal_prognosis" / "personal_result" / "personal_diagnosis" when the question asks about the asker's
    own outlook, results or diagnosis; "" otherwise. General questions ("What is the outlook for diabetes?")
    are not personal."""
    for code, pattern in PERSONAL:
        if pattern.search(question):
            return code
    return ""


# --- medicines named in a question ---------------------------------------------------------------------------
#: brand name -> generic (the labels use generic names)
BRANDS = {"tylenol": "acetaminophen", "panadol": "acetaminophen", "paracetamol": "acetaminophen",
          "advil": "ibuprofen", "motrin": "ibuprofen", "nurofen": "ibuprofen", "aleve": "naproxen",
          "coumadin": "warfarin", "jantoven": "warfarin", "norvasc": "amlodipine", "bayer": "aspirin",
          "eliquis": "apixaban", "xarelto": "rivaroxaban", "plavix": "clopidogrel", "glucophage": "metformin",
          "zoloft": "sertraline", "prozac": "fluoxetine", "lipitor": "atorvastatin", "viagra": "sildenafil"}
#: Words by which a source may speak of a medicine's class instead of its name ("a blood thinning
#: (anticoagulant) drug" on the ibuprofen label covers warfarin).
CLASS_WORDS = {
    "anticoagulant": ("anticoagulant", "anticoagulants", "anticoagulation", "blood thinner", "blood thinners",
                      "blood thinning", "thinning the blood"),
    "nsaid": ("nsaid", "nsaids", "nonsteroidal anti-inflammatory", "non-steroidal anti-inflammatory"),
}
DRUG_CLASS = {**{d: "anticoagulant" for d in ("warfarin", "heparin", "apixaban", "rivaroxaban", "dabigatran",
                                                "enoxaparin", "edoxaban")},
              **{d: "nsaid" for d in ("ibuprofen", "naproxen", "aspirin", "diclofenac", "celecoxib", "ketoprofen",
                                      "indomethacin", "meloxicam")}}
# Common generic-name endings (WHO INN stems), so a medicine missing from every list is still seen as one.
_INN_STEM = re.compile(r"\b[a-z]{3,}(pril|sartan|olol|statin|dipine|azole|cillin|mycin|floxacin|prazole|tidine|"
                       r"gliptin|gliflozin|afil|oxetine|azepam|zolam|triptan|mab|nib|parin|xaban|vir|profen|"
                       r"dronate|lukast|semide|thiazide|setron|caine|fibrate|lactone|sone|olone|tropin)\b", re.I)


@lru_cache(maxsize=1)
def _known_drugs() -> frozenset[str]:
    from medtune.verify.perturb import DRUG_CLASS as VERIFY_DRUGS

    return frozenset({*VERIFY_DRUGS, *BRANDS.values(), *DRUG_CLASS, "amlodipine", "metformin", "lithium",
                      "digoxin", "sildenafil", "tramadol", "diazepam", "alprazolam", "levodopa", "carbidopa"})


def drugs_in(text: str) -> list[str]:
    """Generic names of the medicines a text names, in order (brands mapped to generics)."""
    found: list[str] = []
    for word in re.findall(r"[a-z]+", text.lower()):
        name = BRANDS.get(word, word)
        if (name in _known_drugs() or _INN_STEM.fullmatch(word)) and name not in found:
            found.append(name)
    return found


def drug_terms(drug: str) -> tuple[str, ...]:
    """The drug's name, its brands and its class words: any of them in a text means the text speaks of it."""
    brands = tuple(b for b, g in BRANDS.items() if g == drug)
    return (drug, *brands, *CLASS_WORDS.get(DRUG_CLASS.get(drug, ""), ()))


def mentions(text: str, drug: str) -> bool:
    low = text.lower()
    return any(re.search(rf"\b{re.escape(t)}\b", low) for t in drug_terms(drug))


# --- terms of the question and the knowledge base's vocabulary ---------------------------------------------
#: Chat words that are not in medical sources and mean nothing for coverage.
CHAT_WORDS = frozenset("gonna wanna gotta kinda pls plz thanks thank hello hey okay yeah someone something "
                       "anything everything really actually basically".split())


@dataclass(frozen=True)
class Vocabulary:
    """Document frequencies of the knowledge base's (stemmed) terms: what the sources ever talk about."""

    df: dict[str, int]
    n_docs: int

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log1p((self.n_docs - df + 0.5) / (df + 0.5))

    def has(self, word: str) -> bool:
        from medtune.kb.lexical import tokenize

        stems = tokenize(word)
        return not stems or stems[0] in self.df

    def knows(self, word: str) -> bool:
        """The word is an everyday word, or it or a one-edit typo of it (Norvig's edits1) is a term of the
        knowledge base or an everyday word ("symptons", "ibuprofin" are known)."""
        low = word.lower()
        common = common_words()
        if low in common or self.has(low):
            return True
        return any(edit in common or self.has(edit) for edit in edits1(low))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Everyday English words: the whole words of MiniLM's WordPiece vocabulary (uncased BERT, ~20k words). An
    invented product name ("Zorvexa") is not one of them and splits into pieces; a real drug name is not one
    either, but the knowledge base uses it when it covers it."""
    from medtune.kb.embedding import load_model

    vocab = load_model().tokenizer.get_vocab()
    return frozenset(w for w in vocab if w.isalpha() and w.islower())


def edits1(word: str) -> set[str]:
    """Every string one delete, transpose, replace or insert away (Norvig, "How to Write a Spelling Corrector")."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters} | {a + c + b for a, b in splits for c in letters})


_VOCAB: dict[tuple[str, int], Vocabulary] = {}


def kb_vocabulary() -> Vocabulary | None:
    """The open knowledge base's term statistics (its BM25 index, read once per chunk count); None if none."""
    try:
        from medtune.chat.evidence import knowledge_base

        kb = knowledge_base()
        index = kb.lexical()
    except Exception:  # no knowledge base here: the unknown-term rule and idf weights are off, nothing fails
        return None
    key = (kb.location, len(index.ids))
    if key not in _VOCAB:
        import numpy as np

        weights = index.weights.tocsc()
        counts = np.diff(weights.indptr)
        _VOCAB.clear()
        _VOCAB[key] = Vocabulary({term: int(counts[col]) for term, col in index.vocab.items()}, len(index.ids))
    return _VOCAB[key]


def unknown_words(question: str, vocab: Vocabulary | None) -> list[str]:
    """Words of the question the knowledge base never uses, typos of known words aside: an unknown product,
    a made-up name. Only words of 4+ letters (short ones are abbreviations or chat)."""
    if vocab is None:
        return []
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]{3,}", question) if w.lower() not in CHAT_WORDS]
    return [w for w in dict.fromkeys(words) if "'" not in w and not vocab.knows(w)]


# Contractions ("I'm", "don't") and words that frame a question rather than name its subject: the BM25
# tokenizer keeps "i'm" as a rare term (idf 9.2 on the full base), which made the seed question look as if
# its sources missed its rarest word.
_FRAMING = re.compile(r"\b(i|you|we|they|he|she|it|what|that|there|let|don|can|won|isn|aren|doesn|didn|wasn|"
                      r"shouldn|wouldn|couldn)'\w+\b|\b(already|currently|still|really|please|just|actually)\b", re.I)


def question_terms(question: str) -> list[str]:
    from medtune.kb.lexical import tokenize

    text = _FRAMING.sub(" ", question.replace("’", "'"))
    return list(dict.fromkeys(t for t in tokenize(text) if not t.isdigit() and t not in CHAT_WORDS))


# --- the verdict ----------------------------------------------------------------------------------------------
@dataclass
class Relevance:
    """Whether the evidence answers the question: verdict, P(relevant), the reason code and a sentence for people."""

    verdict: str  # relevant | partial | not_relevant | not_checked
    score: float | None = None
    reason: str = ""  # code: personal_prognosis, personal_result, personal_diagnosis, unknown_term, drug_pair, off_question, question_type
    message: str = ""  # what the sources do not cover, for the reader
    features: dict[str, float] = field(default_factory=dict)

    @property
    def abstain(self) -> bool:
        return self.verdict == "not_relevant"

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "score": self.score, "reason": self.reason or None,
                "message": self.message or None}


ASK = "Please ask a doctor, nurse or pharmacist."
MESSAGES = {
    "personal_prognosis": ("I can't say how an illness will go for one person or how long someone will live: that "
                           "depends on your own health and history, which the general sources I have do not cover. "
                           "Your doctor, who knows your situation, can talk this through with you."),
    "personal_result": ("I can't read or predict your own test results: the general sources I have do not cover "
                        "them, and only the clinician who ordered the test can interpret them with your history. "
                        "Please ask them or your pharmacist."),
    "personal_diagnosis": ("I can't tell whether you have a condition: the general sources I have cannot diagnose "
                           "anyone. A doctor who can examine you can tell you what is going on."),
}


def drug_pair_gap(question: str, sentences: list[str], sources: list[str]) -> tuple[list[str], list[str]]:
    """(drugs asked about, those no answer sentence covers together with the others) for a question about
    taking medicines together. A sentence covers a drug when it, or the subject of the passage it quotes
    (`sources[i]`: e.g. the "Ibuprofen — warnings" label), names the drug or its class."""
    drugs = drugs_in(question)
    if len(drugs) < 2:
        return drugs, []
    best: list[str] = drugs
    for sentence, source in zip(sentences, sources):
        missing = [d for d in drugs if not (mentions(sentence, d) or mentions(source, d))]
        if len(missing) < len(best):
            best = missing
    return drugs, best


def question_rules(question: str, vocab: Vocabulary | None) -> Relevance | None:
    """An abstention decided by the question alone (personal questions, unknown words); None otherwise."""
    code = personal_reason(question)
    if code:
        return Relevance("not_relevant", 0.0, code, MESSAGES[code])
    unknown = unknown_words(question, vocab)
    drugs = drugs_in(question)
    if len(drugs) > 1 and any(w.lower() in drugs or BRANDS.get(w.lower()) in drugs for w in unknown):
        missing = [d for d in drugs if any(d == BRANDS.get(w.lower(), w.lower()) for w in unknown)]
        return drug_pair_relevance(drugs, missing)
    if unknown:
        names = ", ".join(f"“{w}”" for w in unknown[:3])
        return Relevance("not_relevant", 0.0, "unknown_term",
                         f"The trusted sources I have say nothing about {names}, so I can't answer this. {ASK}")
    return None


def relevance_features(question: str, q_vec: Any, ev_vecs: Any, ans_vecs: Any, cited_text: str,
                       cited_types: list[str], drug_cov: float, vocab: Vocabulary | None) -> dict[str, float]:
    """The features of P(relevant) (FEATURES): cosines of the question to the cited evidence sentences (max)
    and to the answer sentences (mean), the idf-weighted share of the question's terms the cited passages use,
    the rarest question term they miss (idf / 12), the question-type match and the drug coverage."""
    import numpy as np

    from medtune.kb.lexical import tokenize

    q_ev = float(np.max(ev_vecs @ q_vec)) if len(ev_vecs) else 0.0
    q_ans = float(np.mean(ans_vecs @ q_vec)) if len(ans_vecs) else 0.0
    terms = question_terms(question)
    have = set(tokenize(cited_text))
    idf = {t: (vocab.idf(t) if vocab else 5.0) for t in terms}
    total = sum(idf.values())
    coverage = sum(v for t, v in idf.items() if t in have) / total if total else 0.0
    missing = max((v for t, v in idf.items() if t not in have), default=0.0)
    return {"question_evidence": round(max(0.0, q_ev), 4), "question_answer": round(max(0.0, q_ans), 4),
            "coverage": round(coverage, 4), "missing_rare": round(min(1.0, missing / 12.0), 4),
            "qtype_match": qtype_match(question_type(question), cited_types), "drug_coverage": drug_cov}


@dataclass(frozen=True)
class RelevanceModel:
    coef: tuple[float, ...]
    intercept: float
    green_from: float
    abstain_below: float
    source: str

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(c * features[f] for c, f in zip(self.coef, FEATURES))
        return 1.0 / (1.0 + math.exp(-z))

    def verdict(self, p: float) -> str:
        return "relevant" if p >= self.green_from else "partial" if p >= self.abstain_below else "not_relevant"


#: A model that calls everything relevant: collects features and support bands without the verdict in the way
#: (benchmarks/relevance_quality.py --fit sets it as OVERRIDE while it gathers the dev features).
PASS_THROUGH = RelevanceModel(tuple(0.0 for _ in FEATURES), 0.0, 0.0, 0.0, "pass-through")
OVERRIDE: list[RelevanceModel] = []


def load_model(path: Path | None = None) -> RelevanceModel:
    """The fitted model (relevance_calibration.json beside this module), else DEFAULT_MODEL."""
    if OVERRIDE and path is None:
        return OVERRIDE[-1]
    path = path or PACKAGED_CALIBRATION
    try:
        return _load(str(path), path.stat().st_mtime)
    except (OSError, ValueError, KeyError, TypeError):
        d = DEFAULT_MODEL
        return RelevanceModel(tuple(d["coef"]), d["intercept"], d["green_from"], d["abstain_below"], "default")


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> RelevanceModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if list(data["features"]) != list(FEATURES) or len(data["coef"]) != len(FEATURES):
        raise ValueError(f"{path} was fitted on other features")
    green, abstain = float(data["thresholds"]["green_from"]), float(data["thresholds"]["abstain_below"])
    if not 0 <= abstain <= green <= 1:
        raise ValueError(f"{path}: thresholds out of order")
    return RelevanceModel(tuple(float(c) for c in data["coef"]), float(data["intercept"]), green, abstain, path)


def off_question_message(titles: list[str], qtype: str) -> str:
    about = "; ".join(dict.fromkeys(t for t in titles if t))[:200]
    asked = f" (you asked about {qtype})" if qtype and qtype not in ("information", "interaction") else ""
    found = f" The closest sources I found are about: {about}." if about else ""
    return f"The trusted sources I have do not answer this question{asked}.{found} {ASK}"


def partial_message(features: dict[str, float], qtype: str) -> str:
    if features.get("qtype_match", 0) < 0 and qtype:
        return f"The sources found may not answer exactly what you asked (you asked about {qtype}): check with a clinician."
    return "The sources found may not answer exactly what you asked: check with a doctor or pharmacist."


def judge(question: str, features: dict[str, float], titles: list[str],
          model: RelevanceModel | None = None) -> Relevance:
    """P(relevant) from the features and the verdict with its reason and message."""
    model = model or load_model()
    p = round(model.probability(features), 3)
    verdict = model.verdict(p)
    qtype = question_type(question)
    if verdict == "not_relevant":
        return Relevance(verdict, p, "off_question", off_question_message(titles, qtype), features)
    if verdict == "partial":
        reason = "question_type" if features.get("qtype_match", 0) < 0 else "weak_match"
        return Relevance(verdict, p, reason, partial_message(features, qtype), features)
    return Relevance(verdict, p, "", "", features)


def drug_pair_relevance(drugs: list[str], missing: list[str]) -> Relevance:
    covered = [d for d in drugs if d not in missing]
    pair = " and ".join(drugs[:3])
    only = f" They only have information on {', '.join(covered)} on its own." if covered else ""
    return Relevance("not_relevant", 0.0, "drug_pair",
                     f"The trusted sources I have do not cover taking {pair} together.{only} "
                     "Please ask a pharmacist or doctor before taking them together.")


def answer_features(question: str, plain_sentences: list[str], used: list[Any], vocab: Vocabulary | None,
                    drugs: list[str] | None = None) -> dict[str, float]:
    """relevance_features of an answer (its sentences in plain words) quoting the passages `used` (Evidence).
    The encodings are the ones the support score and the extractive answer compute anyway (cached)."""
    from medtune.chat.extractive import units
    from medtune.chat.scoring import encode
    from medtune.chat.text import PLAIN_WORDS, apply_lexicon

    ev_units = list(dict.fromkeys(apply_lexicon(u, PLAIN_WORDS) for e in used for u in units(e.text)))
    cited_text = " ".join(f"{e.title} {e.metadata.get('focus', '')} {e.metadata.get('drug', '')} {e.text}"
                          for e in used)
    drugs = drugs_in(question) if drugs is None else drugs
    drug_cov = sum(mentions(cited_text, d) for d in drugs) / len(drugs) if drugs else 1.0
    return relevance_features(question, encode([question])[0], encode(ev_units), encode(plain_sentences),
                              cited_text, [evidence_type(e.metadata) for e in used], drug_cov, vocab)


def assess_answer(question: str, plain_sentences: list[str], subjects: list[str], used: list[Any],
                  vocab: Vocabulary | None, model: RelevanceModel | None = None) -> Relevance:
    """The verdict on an answer: abstain on a drug pair no sentence covers, else P(relevant) and its cuts."""
    drugs, missing = drug_pair_gap(question, plain_sentences, subjects)
    if missing:
        return drug_pair_relevance(drugs, missing)
    features = answer_features(question, plain_sentences, used, vocab, drugs)
    return judge(question, features, [e.title for e in used], model)
