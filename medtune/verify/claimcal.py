"""Claim-level calibration data: everyday-style claims written from MedQuAD pages no model was trained on.

    rows = calibration_claims(pages=120, seed=29)       # [{"id", "claim", "label", "group", "kind"}]

Why: the claim trust (P(the claim is true)) and its band cuts need labelled *claims* checked end to end
(retrieval included). Fitting them on the dev halves of the benchmarks made the trust a constant per verdict
(≈ the dev precision of "true", 0.71) just under the green cut (0.73), so no claim was ever green. These claims
come from the MedQuAD documents of pairs.py's held-out bucket ("test"; consumer-health sources, not GHR / GARD: never in the cross-encoder's or the
stance head's training pairs), minus every page and topic of the two claim benchmarks. Per page:
- **true**: a sentence of the page, reworded the lay way (`stance_train.lay_rewording`);
- **false**: a sentence distorted: a term swapped for another of its kind (bacterial → viral, heart → liver;
  when the sentence has one, 60%), else negation, reversed / flipped effect, changed number, swapped comparison
  or population; reworded;
- **misleading**: the true rewording plus a conclusion the page does not draw (stop treatment, completely
  safe, no need for a doctor, everyone should, cure) with a varied connector.
One group per page, so grouped cross-validation never scores a page's claims with a model fitted on them.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any


INDEPENDENT_FILE = Path(__file__).resolve().parents[2] / "data" / "eval" / "independent" / "claims.jsonl"
# Genetic / rare-disease pages (GHR, GARD) are half of MedQuAD but not what everyday claims are about.
RARE_DISEASE_SOURCES = ("GHR_QA", "GARD_QA")
CONCLUSIONS = (
    ", so there is no need to see a doctor about it.",
    ", so you can stop taking your prescribed medicine.",
    ". That means it is completely safe for everyone.",
    ", which means home remedies can cure it.",
    ", therefore everyone should take supplements to prevent it.",
    ". So treatment is pointless.",
    ", so you can safely ignore any symptoms.",
    ". This proves natural remedies work better than medicine.",
)


_BOILERPLATE = re.compile(r"^(?:summary|-|these resources|see )|orphanet|genetic and rare diseases|this page|"
                          r"information (?:center|about)|clinicaltrials|watch the video|learn (?:more|less) about|\bGARD\b|contact|www\.", re.I)
_DOUBLE_NEGATION = re.compile(r"\b(?:not|n't|never)\s+(?:no|not|none|never|without)\b", re.I)
_HEDGED = re.compile(r"\b(?:may|might|could|whether|some|sometimes|often)\b", re.I)
_REFERRING = re.compile(r"^(?:this condition|the condition|this disorder|the disorder|this disease|the disease)\b",
                        re.I)


def _named(sentence: str, focus: str) -> str | None:
    """The sentence with a leading "This condition" / "The disease" replaced by the page's topic; None when the topic is
    still not named (a claim a reader checks names what it is about)."""
    focus = re.sub(r"\s*\(.*?\)", "", focus).strip()
    if not focus:
        return None
    text = _REFERRING.sub(focus, sentence, count=1)
    words = [w for w in re.findall(r"[a-z]{4,}", focus.lower())]
    return text if words and any(w in text.lower() for w in words) else None


# Distortions whose result is false for sure: a hedge made absolute ("many" → "all") is often still true, and
# such label noise at the top of the trust ranking is what decides the green cut.
CALIBRATION_DISTORTIONS = ["negation", "reversed_effect", "changed_number", "flipped_direction",
                           "swapped_comparison", "swapped_population"]


# "Wrong attribute" falsehoods, the kind that reads as a paraphrase ("Athlete's foot is a bacterial infection"
# where the page says fungus; "psoriasis is a skin infection" where it says immune system): a term swapped for
# another of its kind.
ENTITY_KINDS = (
    ("bacteria", "virus", "fungus", "parasite"), ("bacterial", "viral", "fungal", "parasitic"),
    ("heart", "lungs", "liver", "kidneys", "brain", "skin", "bones", "stomach", "eyes", "muscles", "joints"),
    ("genetic", "infectious", "autoimmune", "contagious"), ("children", "adults", "older adults", "women", "men"),
    ("blood pressure", "blood sugar", "cholesterol"), ("surgery", "antibiotics", "chemotherapy", "radiation"),
)


def swap_entity(sentence: str, rng: random.Random) -> str | None:
    """The sentence with one term swapped for another of its kind that the sentence does not use; None if it
    names no such term."""
    found = [(kind, term) for kind in ENTITY_KINDS for term in kind
             if re.search(rf"\b{re.escape(term)}\b", sentence, re.I)]
    if not found:
        return None
    kind, term = rng.choice(found)
    others = [t for t in kind if t != term and not re.search(rf"\b{re.escape(t)}\b", sentence, re.I)]
    if not others:
        return None
    return re.sub(rf"\b{re.escape(term)}\b", rng.choice(others), sentence, count=1, flags=re.I)


def _reworded(sentence: str, rng: random.Random) -> str:
    """The lay rewording, but whole: a rewording cut to its first clause can drop the very words a distortion
    changed ("When sweat mixes with bacteria on your skin." from "..., it does not smell"), or leave a fragment."""
    from medtune.verify.stance_train import lay_rewording

    text = lay_rewording(sentence, rng)
    return text if len(text) >= 0.85 * len(sentence) else sentence


def _excluded() -> tuple[set[str], set[str]]:
    """MedQuAD ids and topics of both claim benchmarks (ours and the independent one): never calibrated on."""
    from medtune.verify.stance_train import benchmark_exclusions

    ids, topics = benchmark_exclusions()
    if INDEPENDENT_FILE.is_file():
        for line in INDEPENDENT_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                ids.add(str(row.get("medquad_id", "")))  # compared with a page's id, not its group
                topics.add(str(row.get("medquad_focus", "")).lower())
    return ids, topics


def calibration_claims(pages: int = 120, seed: int = 29) -> list[dict[str, Any]]:
    """Three claims (true / false / misleading) from each of up to `pages` held-out MedQuAD pages."""
    from medtune.verify.sentences import split_sentences
    from medtune.verify.stance_train import DISTORTIONS, medquad_pages

    rng = random.Random(seed)
    ids, topics = _excluded()
    docs = medquad_pages(ids, topics, held_out=True, skip_sources=RARE_DISEASE_SOURCES)
    rng.shuffle(docs)
    out: list[dict[str, Any]] = []
    seen_focus: set[str] = set()
    for doc in docs:
        if len(out) >= 3 * pages:
            break
        focus = str(doc.get("focus", "")).lower()
        if focus in seen_focus:  # one page per topic: MedQuAD repeats a topic's facts across its pages
            continue
        sents = [named for s in split_sentences(doc["answer"], split_conjunctions=False)
                 if 40 <= len(s) <= 200 and not _BOILERPLATE.search(s) and " - " not in s
                 and (named := _named(s, str(doc.get("focus", ""))))]
        if not sents:
            continue
        sentence = rng.choice(sents)
        swapped = swap_entity(sentence, rng)
        false = ("swapped_entity", swapped) if swapped and rng.random() < 0.6 else None
        for kind in rng.sample(CALIBRATION_DISTORTIONS, len(CALIBRATION_DISTORTIONS)) if false is None else []:
            changed = DISTORTIONS[kind](sentence, rng)
            # A negation of a negative ("not no treatment") still says the same: not a false claim.
            # "may not" / "whether ... not" does not contradict "may": a hedged sentence is not negated.
            hedged = kind == "negation" and _HEDGED.search(sentence)
            if changed and changed != sentence and not _DOUBLE_NEGATION.search(changed) and not hedged:
                false = (kind, changed)
                break
        if false is None:
            continue
        seen_focus.add(focus)
        true = _reworded(sentence, rng).rstrip(" .")
        group = f"{doc.get('source', '')}:{doc['id']}"  # MedQuAD ids repeat across its sources
        out.append({"id": f"{group}-true", "claim": true + ".", "label": "true", "group": group, "kind": "reworded"})
        out.append({"id": f"{group}-false", "claim": _reworded(false[1], rng), "label": "false", "group": group,
                    "kind": false[0]})
        out.append({"id": f"{group}-misleading", "claim": true + rng.choice(CONCLUSIONS), "label": "misleading",
                    "group": group, "kind": "overreach"})
    return out


def results_from_dicts(rows: list[dict[str, Any]]) -> list[Any]:
    """Saved check results (`CheckResult.to_dict()` lines) back as objects `claimfit` reads."""
    from types import SimpleNamespace

    from medtune.verify.trust import SentenceVerdict

    fields = set(SentenceVerdict.__dataclass_fields__)
    return [SimpleNamespace(sentences=[SentenceVerdict(**{k: v for k, v in s.items() if k in fields})
                                       for s in d["sentences"]],
                            verdict=d["verdict"], unsupported_parts=d.get("unsupported_parts") or [])
            for d in rows]


def check_calibration_claims(rows: list[dict[str, Any]], checker: Any = None) -> list[dict[str, Any]]:
    """Each calibration claim checked end to end (retrieval included), as a result dict with its label."""
    from medtune.verify.checker import default_checker

    checker = checker or default_checker()
    out = []
    for row in rows:
        d = checker.check(row["claim"], row["id"]).to_dict()
        d.update(gold=row["label"], group=row["group"], kind=row["kind"])
        out.append(d)
    return out


def fit_from_results(checked: list[dict[str, Any]], c: float = 1.0) -> dict[str, Any]:
    """The claim trust model and its band cuts (grouped 5-fold CV, `claimfit.fit_claim_model`) on checked
    calibration claims, with where they came from."""
    from medtune.errors import DataError
    from medtune.verify.claimfit import FOLDS, fit_claim_model

    pages = len({d["group"] for d in checked})
    if pages < FOLDS:
        raise DataError(f"{pages} calibration pages: the claim model's {FOLDS}-fold CV needs at least {FOLDS}",
                        hint="python -m medtune.verify claimcal --pages 150")
    fitted = fit_claim_model(results_from_dicts(checked), [d["gold"] for d in checked],
                             [d["group"] for d in checked], c=c)
    fitted["data"] = (f"{len(checked)} calibration claims (medtune.verify.claimcal: held-out MedQuAD pages, "
                      "true / false / misleading per page), checked end to end; grouped 5-fold CV by page")
    return fitted
