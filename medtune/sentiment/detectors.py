"""The brief's detectors on top of the review analysis.

- patient dissatisfaction: the review is negative overall, or a care/service aspect is negative;
- negative sentiment towards medications or treatments: the effectiveness or side-effect aspect is negative,
  or a clause naming a medicine is negative;
- tone of doctor–patient communication: on dialogues (covid_dialogue_en), the polarity of the doctor's turns
  and whether they use empathy phrases, next to the patient's own sentiment.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

SERVICE_ASPECTS = ("staff", "wait_time", "communication", "cost", "cleanliness", "facilities", "appointment_access")
MEDICATION_ASPECTS = ("effectiveness", "side_effects")
_MEDICINE = re.compile(r"\b(medication|medicine|drug|pill|tablet|dose|prescription|treatment|injection|"
                       r"antibiotic|inhaler|therapy)s?\b", re.IGNORECASE)
#: Phrases of empathic doctor communication, after the "empathic opportunity" responses coded in
#: Suchman et al., JAMA 1997 ("I understand", acknowledging worry, reassurance, well-wishing).
EMPATHY = re.compile(
    r"\b(i understand|i can understand|understand your (concern|worry)|sorry to hear|i am sorry|i'm sorry|"
    r"don't worry|do not worry|no need to (worry|panic)|rest assured|take care|hope (you|this)|wish you|"
    r"get well|thank you for|thanks for|glad|reassur\w*)\b", re.IGNORECASE)


def review_flags(aspects: dict[str, str], overall: str, clause_rows: list[Any]) -> dict[str, Any]:
    service = [a for a in SERVICE_ASPECTS if aspects.get(a) == "negative"]
    meds = [a for a in MEDICATION_ASPECTS if aspects.get(a) == "negative"]
    med_clauses = [c.text for c in clause_rows if c.polarity == "negative" and _MEDICINE.search(c.text)]
    return {
        "dissatisfaction": overall == "negative" or bool(service),
        "dissatisfaction_reasons": service + (["overall"] if overall == "negative" else []),
        "medication_negative": bool(meds or med_clauses),
        "medication_reasons": meds or (["negative clause naming a medicine"] if med_clauses else []),
    }


def dialogue_tone(analyzer: Any, turns: list[tuple[str, str]]) -> dict[str, Any]:
    """Tone of one dialogue: [(role, text)] with role 'user' (patient) or 'assistant' (doctor)."""
    doctor = [t for r, t in turns if r == "assistant"]
    patient = [t for r, t in turns if r == "user"]
    results = analyzer.analyze_many(doctor + patient) if doctor or patient else []
    doc_res, pat_res = results[:len(doctor)], results[len(doctor):]
    empathic = sum(1 for t in doctor if EMPATHY.search(t))
    doc_score = sum(r.score for r in doc_res) / len(doc_res) if doc_res else 0.0
    # An empathic doctor whose advice reads neutral is still warm: empathy phrases lift the tone.
    tone_score = doc_score + (0.25 if empathic else 0.0)
    tone = "positive" if tone_score > 0.2 else "negative" if tone_score < -0.2 else "neutral"
    pat_score = sum(r.score for r in pat_res) / len(pat_res) if pat_res else 0.0
    return {"doctor_tone": tone, "doctor_score": round(doc_score, 3), "empathy_turns": empathic,
            "doctor_turns": len(doctor), "patient_sentiment": "positive" if pat_score > 0.2 else
            "negative" if pat_score < -0.2 else "neutral", "patient_score": round(pat_score, 3)}


def communication_tone_report(dataset: str = "covid_dialogue_en", *, limit: int | None = None,
                              analyzer: Any = None) -> dict[str, Any]:
    """Doctor tone and patient sentiment over a dialogue dataset, with per-dialogue rows."""
    from medtune.data.registry import get_dataset, iter_records
    from medtune.data.schemas import DialogueRecord
    from medtune.errors import ConfigError
    from medtune.sentiment.analyze import Analyzer

    spec = get_dataset(dataset)
    if spec.record_kind != "dialogue":
        raise ConfigError(f"dataset {dataset!r} holds {spec.record_kind} records, not dialogues")
    analyzer = analyzer or Analyzer()
    split = next(iter(spec.files), "all")
    rows = []
    for record in iter_records(dataset, split, limit=limit):
        assert isinstance(record, DialogueRecord)
        tone = dialogue_tone(analyzer, [(t.role, t.content) for t in record.turns])
        rows.append({"id": record.id, **tone})
    doctor = Counter(r["doctor_tone"] for r in rows)
    patient = Counter(r["patient_sentiment"] for r in rows)
    turns = sum(r["doctor_turns"] for r in rows)
    return {"n": len(rows), "doctor_tone": dict(doctor), "patient_sentiment": dict(patient),
            "empathy_share": sum(r["empathy_turns"] for r in rows) / turns if turns else 0.0, "dialogues": rows}
