"""Row converters: one function per source format, turning a raw row (local JSONL or hub) into a Record.

Converters accept both the shapes in `../shared/data` and the common hub shapes where they differ, so one
registry entry serves a local copy and the hub alike. Each returns one Record, or a list for sources where
one row holds several documents (FDA label sections).
"""

from __future__ import annotations

from typing import Any

from medtune.data.schemas import (
    AnswerRecord,
    ClaimRecord,
    DialogueRecord,
    DocumentRecord,
    MCQRecord,
    QARecord,
    SentimentRecord,
    Turn,
)

Row = dict[str, Any]


def _join(value: Any, sep: str = "\n") -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return sep.join(str(v) for v in value if v)
    return str(value)


def _text(value: Any) -> str:
    """A required text field: missing or blank raises, so the row is reported instead of half-loaded."""
    if value is None or (isinstance(value, float) and value != value):
        raise ValueError("required text is missing")
    text = str(value).strip()
    if not text:
        raise ValueError("required text is empty")
    return text


def pubmedqa(row: Row) -> QARecord:
    contexts = row.get("contexts")
    if contexts is None and isinstance(row.get("context"), dict):  # hub qiaojin/PubMedQA
        contexts = row["context"].get("contexts")
    return QARecord(
        id=row.get("pubid") or row["id"],
        question=_text(row["question"]),
        context=_join(contexts, " "),
        long_answer=row.get("long_answer"),
        label=row.get("final_decision"),
        meta={k: row[k] for k in ("year", "meshes") if k in row},
    )


def medquad(row: Row) -> QARecord:
    return QARecord(
        id=row["id"],
        question=_text(row["question"]),
        answer=_text(row["answer"]),
        meta={k: row.get(k) for k in ("source", "source_name", "url", "focus", "qtype", "doc_id")},
    )


MCQ_HUB_INDEX = "ABCDEFGH"


def mcq(row: Row) -> MCQRecord:
    options = row.get("options")
    if isinstance(options, list):  # hub formats: [{"key": "A", "value": ...}] or a plain list
        options = {
            (o["key"] if isinstance(o, dict) else MCQ_HUB_INDEX[i]): (o["value"] if isinstance(o, dict) else o)
            for i, o in enumerate(options)
        }
    answer = row.get("answer_idx") or row.get("answer")
    if isinstance(answer, int):
        answer = MCQ_HUB_INDEX[answer]
    extras = ("subject", "subject_name", "meta_info", "pmids", "bioasq_batch")
    return MCQRecord(
        id=row["id"],
        question=_text(row["question"]),
        options={str(k): str(v) for k, v in (options or {}).items()},
        label=answer,
        meta={k: row[k] for k in extras if row.get(k) is not None},
    )


def covid_fake_news(row: Row) -> ClaimRecord:
    return ClaimRecord(id=row["id"], claim=_text(row.get("text") or row.get("tweet")), label=row.get("label"))


def healthver(row: Row) -> ClaimRecord:
    return ClaimRecord(
        id=row["id"],
        claim=_text(row["claim"]),
        evidence=row.get("evidence"),
        label=(row.get("label") or "").upper() or None,
        meta={k: row.get(k) for k in ("topic_id", "question")},
    )


def healthfc(row: Row) -> ClaimRecord:
    return ClaimRecord(
        id=row["id"],
        claim=_text(row.get("claim") or row.get("en_claim")),
        evidence=_join(row.get("evidence_sentences") or row.get("en_top_sentences"), " "),
        label=row.get("label"),
        meta={k: row.get(k) for k in ("url", "date")},
    )


def scifact(row: Row) -> ClaimRecord:
    return ClaimRecord(
        id=row["id"],
        claim=_text(row["claim"]),
        label=row.get("claim_label"),
        meta={"cited_doc_ids": row.get("cited_doc_ids") or []},
    )


HEALTH_FACT_HUB_LABELS = {0: "false", 1: "mixture", 2: "true", 3: "unproven"}


def pubhealth(row: Row) -> ClaimRecord:
    """PUBHEALTH / HealthFact: the TSV release (label text) and the hub copy (label ids)."""
    label = row.get("label")
    if isinstance(label, int) or (isinstance(label, str) and label.lstrip("-").isdigit()):
        label = HEALTH_FACT_HUB_LABELS.get(int(label))  # -1 marks rows without a valid label
    return ClaimRecord(
        id=row.get("claim_id") or row["id"],
        claim=_text(row["claim"]),
        evidence=row.get("explanation") or None,
        label=(label or None) if label is None else str(label).strip().lower(),
        meta={k: row.get(k) for k in ("date_published", "fact_checkers", "subjects")},
    )


def medhallu(row: Row) -> AnswerRecord:
    return AnswerRecord(
        id=row["id"],
        question=_text(row["question"]),
        context=_join(row.get("knowledge"), " "),
        answer=_text(row["answer"]),
        label=row.get("label"),
        meta={k: row.get(k) for k in ("pubid", "difficulty", "hallucination_category")},
    )


def covid_dialogue(row: Row) -> DialogueRecord:
    roles = {"patient": "user", "doctor": "assistant"}
    turns = [Turn(role=roles[t["speaker"]], content=t["text"]) for t in row["turns"] if t.get("text")]
    return DialogueRecord(
        id=row["id"], turns=turns, meta={"description": row.get("description"), "url": row.get("url")}
    )


def rating_to_sentiment(rating: int) -> str:
    """1–4 negative, 5–6 neutral, 7–10 positive: the usual Drugs.com / Druglib convention."""
    return "negative" if rating <= 4 else "neutral" if rating <= 6 else "positive"


def rating_to_intensity(rating: int) -> int:
    """1–10 stars → 1–5 levels in pairs (1–2 → 1 … 9–10 → 5)."""
    return (int(rating) + 1) // 2


def drug_review(row: Row) -> SentimentRecord:
    """Drugs.com reviews: the 3-class explabox subset (label) or the full UCI release (1–10 rating)."""
    rating = row.get("rating")
    label = row.get("label")
    intensity = None
    if rating not in (None, ""):
        rating = int(float(rating))
        label = label or rating_to_sentiment(rating)
        intensity = rating_to_intensity(rating)
    return SentimentRecord(
        id=row.get("uniqueID") or row.get("id") or row[""],
        text=_text(row["review"]).strip('"'),
        label=label,
        intensity=intensity,
        date=row.get("date"),
        meta={"drug": row.get("drugName"), "condition": row.get("condition"), "useful": row.get("usefulCount")},
    )


DRUGLIB_EFFECTIVENESS = {
    "Highly Effective": "positive", "Considerably Effective": "positive", "Moderately Effective": "neutral",
    "Marginally Effective": "negative", "Ineffective": "negative",
}
DRUGLIB_SIDE_EFFECTS = {  # polarity of the side-effect aspect: fewer side effects read as positive
    "No Side Effects": "positive", "Mild Side Effects": "positive", "Moderate Side Effects": "neutral",
    "Severe Side Effects": "negative", "Extremely Severe Side Effects": "negative",
}


def druglib(row: Row) -> SentimentRecord | list:
    """Skips (returns no record for) reviews whose three texts are all empty: nothing to classify."""
    parts = [("Benefits", row.get("benefits_review")), ("Side effects", row.get("side_effects_review")),
             ("Comments", row.get("comments_review"))]
    text = "\n".join(f"{name}: {value}" for name, value in parts if value)
    if not text.strip():
        return []
    rating = row.get("rating")
    aspects = {}
    if row.get("effectiveness") in DRUGLIB_EFFECTIVENESS:
        aspects["effectiveness"] = DRUGLIB_EFFECTIVENESS[row["effectiveness"]]
    if row.get("side_effects") in DRUGLIB_SIDE_EFFECTS:
        aspects["side_effects"] = DRUGLIB_SIDE_EFFECTS[row["side_effects"]]
    return SentimentRecord(
        id=row["id"],
        text=_text(text),
        label=row.get("rating_sentiment3") or (rating_to_sentiment(int(rating)) if rating else None),
        intensity=rating_to_intensity(int(rating)) if rating else None,
        aspects=aspects or None,
        meta={k: row.get(k) for k in ("drug", "condition", "rating", "effectiveness", "side_effects",
                                      "benefits_review", "side_effects_review", "comments_review")},
    )


def covid_tweet(row: Row) -> SentimentRecord:
    return SentimentRecord(
        id=row["id"],
        text=_text(row.get("text") or row.get("OriginalTweet")),
        label=row.get("label") or row.get("Sentiment"),
        date=row.get("date") or row.get("TweetAt"),
        meta={"location": row.get("location") or row.get("Location")},
    )


def dailymed_label(row: Row) -> list[DocumentRecord]:
    """One document per FDA label section, so retrieval can answer warnings and interactions precisely."""
    drug = row.get("drug_name") or row["id"]
    generic = ", ".join(row.get("generic_names") or []) or drug
    return [
        DocumentRecord(
            id=f"{row['id']}:{section}",
            title=f"{generic.title()} — {section.replace('_', ' ')}",
            text=_text(text),
            source="FDA drug label (DailyMed / openFDA)",
            url=f"https://dailymed.nlm.nih.gov/dailymed/search.cfm?query={row['id']}",
            meta={"drug": row["id"], "section": section, "brand_names": row.get("brand_names") or []},
        )
        for section, text in (row.get("sections") or {}).items()
        if text and str(text).strip()
    ]


def user_sentiment(row: Row) -> SentimentRecord:
    """Bring-your-own review files after column mapping (text, label?, date?)."""
    return SentimentRecord(id=row["id"], text=_text(row["text"]), label=row.get("label") or None,
                           date=row.get("date") or None)
