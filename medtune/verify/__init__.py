"""Claim and answer verification: sentence splitting, a trained verifier, a calibrated trust score and bands.

The stable functions other areas call (docs/CONTRACTS.md, "Verify"):
- `split_sentences(text) -> list[str]` — atomic sentences.
- `verify_sentences(sentences, evidence_texts) -> list[SentenceVerdict]` — each sentence against the given
  evidence passages: label, calibrated trust, support and contradiction probabilities.
- `score_sentences(sentences, evidence_texts) -> list[float]` — just the trust of each (the chatbot's seam).
- `check_claim(text, k=4) -> CheckResult` — retrieve evidence from the knowledge base, verify, aggregate:
  verdict true / false / misleading / unverifiable, trust in [0, 1], band green / yellow / red.
- `faithfulness_scores(answers, evidence) -> list[float]` and `HALLUCINATION_THRESHOLD` — the evaluation
  area's faithfulness and hallucination-rate metrics (medtune.eval.faithfulness).
- `load_thresholds() -> {"green", "yellow", "path"}` — the calibrated band thresholds.
- `band_for(verdict, trust) -> "green" | "yellow" | "red"` — the one band rule (`BAND_RULE`), for the checker and
  the chat alike; `verdict_for_label(sentence_label)` reads a sentence label as a verdict first.

Importing this package is cheap: torch, the verifier and the knowledge base load on first use.
"""

from __future__ import annotations

from typing import Any

from medtune.verify.sentences import split_sentences
from medtune.verify.trust import BAND_RULE, SentenceVerdict, band_for, verdict_for_label

#: An answer whose trust (calibrated P(supported)) is below this counts as hallucinated: trust is a
#: probability, so 0.5 is the decision point that minimises expected errors.
HALLUCINATION_THRESHOLD = 0.5
MAX_PASSAGES = 4

__all__ = ["BAND_RULE", "HALLUCINATION_THRESHOLD", "SentenceVerdict", "band_for", "check_claim", "faithfulness_scores",
           "load_thresholds", "score_answer", "score_sentences", "split_sentences", "verdict_for_label", "verify_sentences"]


def evidence_passages(sentence: str, evidence_texts: list[str], limit: int = MAX_PASSAGES) -> list[str]:
    """The `limit` passages (≤ EVIDENCE_CHARS, whole sentences) of the evidence sharing most words with `sentence`."""
    from medtune.verify.pairs import EVIDENCE_CHARS, content_words

    passages: list[str] = []
    for text in evidence_texts:
        passages.extend(_windows(text or "", EVIDENCE_CHARS))
    want = content_words(sentence)
    ranked = sorted(range(len(passages)), key=lambda i: (-len(want & content_words(passages[i])), i))
    return [passages[i] for i in ranked[:limit]]


def _windows(text: str, max_chars: int) -> list[str]:
    sents = split_sentences(text, split_conjunctions=False)
    out, current = [], ""
    for s in sents:
        if current and len(current) + len(s) + 1 > max_chars:
            out.append(current)
            current = s
        else:
            current = f"{current} {s}".strip()
    if current:
        out.append(current[: max_chars * 2])
    return out


def verify_sentences(sentences: list[str], evidence_texts: list[str], verifier: Any = None,
                     calibration: Any = None) -> list[SentenceVerdict]:
    """Each sentence judged against the given evidence texts (no retrieval)."""
    from medtune.verify.model import load_verifier
    from medtune.verify.trust import calibration_for, judge_sentence

    verifier = verifier or load_verifier()
    cal = calibration or calibration_for(verifier)
    pairs, owners = [], []
    for i, sentence in enumerate(sentences):
        for passage in evidence_passages(sentence, evidence_texts):
            pairs.append((sentence, passage))
            owners.append(i)
    probs = verifier.predict(pairs) if pairs else []
    out = []
    for i, sentence in enumerate(sentences):
        ids = [j for j, owner in enumerate(owners) if owner == i]
        out.append(judge_sentence(sentence, [probs[j] for j in ids], cal, evidence_ids=ids))
    return out


def score_sentences(sentences: list[str], evidence_texts: list[str]) -> list[float]:
    """The calibrated trust (P(supported)) of each sentence given the evidence texts, in [0, 1]."""
    return [v.trust for v in verify_sentences(list(sentences), list(evidence_texts))]


def score_answer(answer: str, evidence: str | list[str]) -> dict[str, Any]:
    """An answer's trust, verdict and band against its evidence (one text or several)."""
    from medtune.verify.model import resolved_spec
    from medtune.verify.trust import calibration_for, judge_claim

    cal = calibration_for(resolved_spec())
    texts = [evidence] if isinstance(evidence, str) else list(evidence)
    verdicts = verify_sentences(split_sentences(answer), texts, calibration=cal)
    judged = judge_claim(verdicts, cal, answer)
    return {"trust": judged.trust, "verdict": judged.verdict, "band": judged.band,
            "sentences": [v.to_dict() for v in verdicts]}


def faithfulness_scores(answers: list[str], evidence: list[str]) -> list[float]:
    """P(supported) of each answer by its evidence: the weakest sentence's trust (NaN for an empty answer)."""
    scores = []
    for answer, ev in zip(answers, evidence):
        sentences = split_sentences(answer or "")
        if not sentences:
            scores.append(float("nan"))
            continue
        scores.append(min(v.trust for v in verify_sentences(sentences, [ev or ""])))
    return scores


def check_claim(text: str, k: int | None = None, claim_id: Any = None) -> Any:
    """Check a claim against the knowledge base: a `CheckResult` (`.to_dict()` for JSON)."""
    from medtune.verify.checker import DEFAULT_K
    from medtune.verify.checker import check_claim as _check

    return _check(text, k=k or DEFAULT_K, claim_id=claim_id)


def load_thresholds() -> dict[str, Any]:
    """The band thresholds in use: {"green", "yellow", "path"} (calibrated file, or the defaults)."""
    from medtune.verify.model import resolved_spec
    from medtune.verify.trust import calibration_for

    return calibration_for(resolved_spec()).thresholds()
