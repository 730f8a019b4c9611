"""Text helpers: reading grade, the style rewrite, and how FDA Drug Facts lists become whole sentences."""

from __future__ import annotations

from medtune.chat.extractive import candidates_from, is_heading
from medtune.chat.text import flesch_kincaid_grade, rewrite, split_sentences


def test_reading_grade_orders_simple_below_clinical() -> None:
    simple = flesch_kincaid_grade("Take it with food. Ask your doctor if you feel sick.")
    clinical = flesch_kincaid_grade("Concomitant administration of nonsteroidal anti-inflammatory medications "
                                    "substantially increases gastrointestinal hemorrhage probability.")
    assert simple is not None and clinical is not None and simple < 6 < 14 < clinical
    assert flesch_kincaid_grade("") is None


def test_patient_and_clinician_rewrites_change_words_not_facts() -> None:
    patient = rewrite("Aspirin is contraindicated in hypertension; monitor patients for edema ( 5.1 )", "patient")
    assert patient == ["Aspirin must not be used in high blood pressure.", "Monitor patients for swelling."]
    clinician = rewrite("Aspirin lowers the risk of a heart attack", "clinician")
    assert clinician == ["Aspirin lowers the risk of a myocardial infarction."]
    assert rewrite("Adult acute lymphoblastic leukemia is a cancer", "patient") == [
        "Adult acute lymphoblastic leukemia is a cancer."]  # disease names keep their words


def test_sentences_split_on_stops_bullets_and_lines() -> None:
    assert split_sentences("Dr. Smith saw her. It was e.g. fine!\n- bullet one\nKey Points") == [
        "Dr. Smith saw her.", "It was e.g. fine!", "bullet one", "Key Points"]


def test_drug_facts_lists_become_whole_sentences(shared_data) -> None:
    from medtune.data.registry import iter_records

    label = next(r for r in iter_records("dailymed_labels", "all") if r.id.startswith("ibuprofen")
                 and "warnings" in r.id)
    found = candidates_from(label.text)
    assert ("Ask a doctor or pharmacist before use if you are taking aspirin for heart attack or stroke, because "
            "ibuprofen may decrease this benefit of aspirin") in found
    assert "Ask a doctor before use if you are taking a diuretic" in found
    assert all(s[0].isupper() for s in found)
    assert is_heading("Treatment Options for Adult Acute Lymphoblastic Leukemia")


def test_the_chat_and_the_evaluation_give_one_reading_grade() -> None:
    """Issue 18.2: the chatbot's `readability` and the evaluation's `readability_grade` were two formulas that
    disagreed on the same text; both are now medtune.text's grade (the chat rounds it for display)."""
    import numpy as np

    from medtune.eval.generation import GenData, readability_grade

    answer = ("Ibuprofen can lower the benefit of low-dose aspirin for the heart.\n"
              "- Take the aspirin first\n- Ask your pharmacist about timing.")
    (evaluated,) = readability_grade(GenData(preds=(answer,), refs=("x",)))
    assert not np.isnan(evaluated) and flesch_kincaid_grade(answer) == round(float(evaluated), 1)
    # the bullet lines end sentences too: three sentences, not one long one
    from medtune.text import count_sentences

    assert count_sentences(answer) == 3
