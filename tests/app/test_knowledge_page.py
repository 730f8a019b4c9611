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
    assert metrics["FDA drug labels (DailyMed)"] == (f"{len(labels)} docs", "")  # no delta, so no "↑" arrow
    assert metrics["MedQuAD (NIH, CDC, NCI pages)"] == ("0 docs", "")
    chunks = KnowledgeBase.open().stats()["sources"]["dailymed"]["chunks"]
    assert any(c.value == f"{chunks} chunks" for c in at.caption)

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


@pytest.mark.needs_shared_data
def test_whole_chunk_is_shown_so_the_answering_sentence_is_not_cut(shared_data):
    """The ibuprofen warning that answers the placeholder question ends a 697-character chunk; the old
    320-character snippet cut it off (issue 21)."""
    from medtune.kb.store import KnowledgeBase
    from tests.kb.conftest import ibuprofen_sections

    KnowledgeBase.open().add_documents(ibuprofen_sections())
    at = open_page()
    at.text_input[0].input("Can I take ibuprofen with low-dose aspirin?")
    at.slider[0].set_value(10)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    body = " ".join(m.value for m in at.markdown)
    assert "because :orange-background[**ibuprofen**] may decrease this benefit of :orange-background[**aspirin**]" in body


def build_tab_table(at: AppTest) -> dict[str, dict]:
    frame = next(d for d in at.dataframe if "time to build" in d.value.columns)
    return {row["source"]: row for row in frame.value.to_dict("records")}


@pytest.mark.needs_shared_data
def test_build_tab_defaults_to_unbuilt_sources_with_sizes_and_estimates(shared_data):
    from medtune.kb.build import plan
    from medtune.kb.sources import dailymed_documents
    from medtune.kb.store import KnowledgeBase

    at = open_page()
    table = build_tab_table(at)
    medquad_chunks = len(plan(["medquad"])["medquad"])
    assert table["MedQuAD (NIH, CDC, NCI pages)"]["chunks"] == medquad_chunks > 10_000
    assert table["MedQuAD (NIH, CDC, NCI pages)"]["status"] == "not built"
    minutes = round((10 + medquad_chunks / 40) / 60)  # default throughput before any build: 40 chunks/s
    assert table["MedQuAD (NIH, CDC, NCI pages)"]["time to build"] == f"about {minutes} min"
    picker = next(m for m in at.multiselect if m.label == "Sources to build")
    assert picker.value == ["medquad", "dailymed", "pubmed"]  # nothing is built yet

    # FDA labels stored in full (the same chunks a build makes): no longer offered, shown as built.
    KnowledgeBase.open().add_documents(list(dailymed_documents()))
    at = open_page()
    table = build_tab_table(at)
    fda = table["FDA drug labels (DailyMed)"]
    assert fda["status"] == "built" and fda["stored"] == fda["chunks"] == len(plan(["dailymed"])["dailymed"])
    picker = next(m for m in at.multiselect if m.label == "Sources to build")
    assert picker.value == ["medquad", "pubmed"]
    remaining = medquad_chunks + table["PubMed abstracts"]["chunks"]
    assert any(c.value.startswith(f"Selected: {remaining:,} chunks to embed, about ") for c in at.caption)


@pytest.mark.needs_shared_data
def test_search_sees_a_build_made_by_another_process_while_the_page_was_open(shared_data):
    """Issue 21's blocker in-process: the page opened the empty store, a build in another process filled it,
    and the page's next search found nothing on disk (chromadb InternalError) until a restart."""
    import subprocess
    import sys

    at = open_page()
    assert any("knowledge base is empty" in i.value for i in at.info)
    done = subprocess.run([sys.executable, "-c", "from medtune.kb.build import build; build(['dailymed'], limit=4)"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]

    at.text_input[0].input("acetaminophen liver damage")
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(c.value.startswith("5 results in") for c in at.caption)


@pytest.mark.needs_shared_data
def test_build_tab_does_not_offer_a_source_a_running_job_is_building(shared_data):
    from medtune.jobs.manager import cancel, get_job, submit

    job_id = submit({"kind": "kb_build", "name": "kb-build-pubmed", "sources": ["pubmed"]})
    try:
        at = open_page()
        assert get_job(job_id).active, get_job(job_id).status
        assert build_tab_table(at)["PubMed abstracts"]["status"] == f"building (job {job_id})"
        picker = next(m for m in at.multiselect if m.label == "Sources to build")
        assert picker.value == ["medquad", "dailymed"]
    finally:
        cancel(job_id)
