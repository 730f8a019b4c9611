"""Knowledge base page (AppTest): empty state, counts per source, search with highlighted snippets, upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "pages" / "knowledge.py")


def open_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_empty_knowledge_base_says_how_to_fill_it():
    at = open_page()
    assert at.title[0].value == "Knowledge base"
    assert any("knowledge base is empty" in i.value for i in at.info)
    assert [t.label for t in at.tabs] == ["Search", "Add documents", "Build"]


@pytest.mark.needs_shared_data
def test_counts_and_search_with_highlights(shared_data):
    from medtune.kb.sources import dailymed_documents
    from medtune.kb.store import KnowledgeBase

    labels = [d for d in dailymed_documents() if d.meta["drug"] == "ibuprofen"]
    KnowledgeBase.open().add_documents(labels)

    at = open_page()
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["FDA drug labels (DailyMed)"][0] == f"{len(labels)} docs"
    assert metrics["MedQuAD (NIH, CDC, NCI pages)"][0] == "0 docs"

    at.text_input[0].input("ibuprofen with aspirin for heart attack")
    at.button[0].click()  # the search form's submit button
    at.run()
    assert not at.exception, at.exception
    assert any(c.value.startswith("5 results in") for c in at.caption)
    body = " ".join(m.value for m in at.markdown)
    assert ":orange-background[**aspirin**]" in body and ":orange-background[**ibuprofen**]" in body
    assert "dailymed.nlm.nih.gov" in body


def test_upload_adds_a_document():
    from medtune.kb.store import KnowledgeBase

    at = open_page()
    at.file_uploader[0].set_value([
        ("travel.md", b"# Travel clinic\n\nYellow fever vaccination must be given ten days before travel.\n", "text/markdown"),
        ("facts.csv", b"title,text\nNets,Insecticide-treated nets lower the risk of malaria.\n", "text/csv"),
    ])
    at.run()
    add = next(b for b in at.button if b.label == "Add to the knowledge base")
    add.click()
    at.run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("2 documents: 2 chunks added") for s in at.success)
    stats = KnowledgeBase.open().stats()
    assert stats["sources"]["user"] == {"chunks": 2, "documents": 2}
