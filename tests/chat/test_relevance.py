"""Relevance and abstention (issue 13) and the user-document trust rule (issue 19.1), end to end on a real
knowledge base (FDA labels + a MedQuAD subset; tests/chat/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medtune.chat import relevance
from medtune.chat.pipeline import answer

SEED = "Can I take ibuprofen if I'm already on aspirin for heart disease?"


def test_a_relevant_answer_is_still_green(kb_env: Path) -> None:
    out = answer(SEED).to_dict()
    assert out["band"] == "green" and out["abstained"] is False
    assert out["relevance"]["verdict"] == "relevant" and out["relevance"]["score"] >= 0.5
    assert "ibuprofen may decrease this benefit of aspirin" in out["answer"]
    assert all(c["provenance"] == "trusted" for c in out["citations"])


def test_a_drug_pair_the_sources_do_not_cover_abstains(kb_env: Path) -> None:
    """Sertraline is in no source of this base: the answer says the pair is not covered instead of quoting the
    acetaminophen label alone."""
    out = answer("Can I take acetaminophen with sertraline?").to_dict()
    assert out["abstained"] is True and out["band"] == "yellow"
    assert out["sentences"] == [] and out["citations"] == []
    assert out["relevance"]["reason"] == "drug_pair"
    assert "do not cover taking acetaminophen and sertraline together" in out["answer"]
    assert "pharmacist" in out["answer"] and "Liver warning" not in out["answer"]


def test_a_pair_of_known_drugs_no_sentence_covers_together_abstains(kb_env: Path) -> None:
    """Both labels are in the base, but no sentence speaks of acetaminophen with amlodipine."""
    out = answer("Is it safe to take acetaminophen together with amlodipine?").to_dict()
    assert out["abstained"] is True and out["relevance"]["reason"] == "drug_pair"
    assert out["band"] != "green" and out["sentences"] == []


def test_ibuprofen_with_warfarin_is_answered_about_the_pair(kb_env: Path) -> None:
    """Issue 13: 'Warfarin is given in pill form…' was the answer. The ibuprofen label's bleeding warning names
    blood thinners (warfarin's class): the answer must be about taking the two together, or abstain."""
    out = answer("Can I take ibuprofen with warfarin?").to_dict()
    if not out["abstained"]:
        assert any(relevance.mentions(s["text"], "warfarin") for s in out["sentences"])
        assert "bleeding" in out["answer"].lower()


@pytest.mark.parametrize("question, reason", [
    ("I'm 54 with type 2 diabetes, how many years do I have left?", "personal_prognosis"),
    ("What will my lab results say?", "personal_result"),
    ("My INR was 4.1 this morning, what does that mean?", "personal_result"),
    ("Is the new experimental pill Zorvexa good for Parkinson's?", "unknown_term"),
])
def test_personal_and_unknown_questions_abstain(kb_env: Path, question: str, reason: str) -> None:
    out = answer(question).to_dict()
    assert out["abstained"] is True and out["band"] == "yellow" and out["sentences"] == []
    assert out["relevance"] == {**out["relevance"], "verdict": "not_relevant", "reason": reason}
    assert out["relevance"]["message"] in out["answer"]
    assert "doctor" in out["answer"] or "clinician" in out["answer"]


def test_general_outlook_questions_are_not_personal() -> None:
    assert relevance.personal_reason("What is the outlook for people with type 2 diabetes?") == ""
    assert relevance.personal_reason("How long can someone live with COPD?") == ""
    assert relevance.personal_reason("How long do I have to take antibiotics for strep throat?") == ""


def test_an_off_topic_question_abstains(kb_env: Path) -> None:
    out = answer("What's the capital of Australia?").to_dict()
    assert out["abstained"] is True and out["band"] == "yellow" and out["sentences"] == []


def test_a_sentence_supported_only_by_a_user_document_is_never_green(
        built_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19.1: a document added with `medtune kb add` is not a trusted source: its sentences are at most
    yellow, so is the answer, and its citation says where it comes from."""
    from medtune.kb.sources import KBDocument
    from medtune.kb.store import KnowledgeBase
    from medtune.settings import get_settings

    kb_dir = tmp_path / "kb"
    shutil.copytree(built_kb, kb_dir)
    note = ("Amlodipine tablets should be taken with a full glass of grapefruit juice every morning for the best "
            "effect on blood pressure.")
    KnowledgeBase.open(path=kb_dir).add_documents([KBDocument("user", "amlodipine-note", note,
                                                              title="Amlodipine note", meta={"org": "user document"})])
    monkeypatch.setenv("MEDTUNE_KB_DIR", str(kb_dir))
    get_settings.cache_clear()
    out = answer("Should amlodipine tablets be taken with grapefruit juice in the morning?").to_dict()
    quoted = [s for s in out["sentences"] if "grapefruit juice every morning" in s["text"]]
    assert quoted, out  # the note is quoted (the test would prove nothing otherwise)
    assert all(s["band"] != "green" and "user" in s["note"] for s in quoted)
    assert out["band"] != "green"
    user = [c for c in out["citations"] if c["provenance"] == "user"]
    assert user and "not a trusted source" in user[0]["source"]
