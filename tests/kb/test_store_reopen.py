"""A knowledge base opened in this process sees what another process built, added or rebuilt (issue 21).

An embedded Chroma client keeps its HNSW readers in memory: before the fix, a collection opened while empty
failed with "Nothing found on disk" after another process built it, and one opened non-empty never saw the
other process's new chunks in its dense ranking. Every writer here is a real second process.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.kb.conftest import REPO, run_cli

pytestmark = pytest.mark.needs_shared_data


def in_another_process(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


BUILD_FDA = "from medtune.kb.build import build; print(build(['dailymed'], limit={limit}).added)"


def test_empty_store_opened_here_then_built_elsewhere_is_searchable(kb, shared_data):
    assert kb.count() == 0 and kb.search("ibuprofen and aspirin", k=3) == []  # opened while empty

    added = int(in_another_process(BUILD_FDA.format(limit=5)).split()[-1])
    assert added > 0

    assert kb.count() == added
    hits = kb.search("ibuprofen and aspirin", k=3)  # raised chromadb InternalError before
    assert hits and all(h.source == "dailymed" for h in hits)
    assert any(h.dense is not None for h in hits)  # the dense ranker (HNSW) answered, not only BM25


def test_grown_store_is_seen_by_the_dense_ranker(kb, shared_data, tmp_path):
    in_another_process(BUILD_FDA.format(limit=3))
    before = {h.id for h in kb.search("cholesterol lowering statin muscle pain", k=5, mode="dense")}
    count_before = kb.count()

    note = tmp_path / "statins.md"
    note.write_text("# Statin clinic note\n\nSimvastatin lowers cholesterol; unexplained muscle pain while "
                    "taking a statin should be reported to your doctor.\n", encoding="utf-8")
    done = run_cli("kb", "add", str(note))  # `medtune kb add` in another process
    assert done.returncode == 0, done.stderr

    assert kb.count() == count_before + 1
    after = kb.search("cholesterol lowering statin muscle pain", k=5, mode="dense")
    assert after[0].source == "user" and after[0].id not in before
    assert "Simvastatin" in after[0].text


def test_store_deleted_and_rebuilt_elsewhere(kb, shared_data):
    in_another_process(BUILD_FDA.format(limit=2))
    assert kb.search("acetaminophen liver", k=2)
    shutil.rmtree(kb.path)
    added = int(in_another_process(BUILD_FDA.format(limit=4)).split()[-1])

    assert kb.count() == added
    hits = kb.search("acetaminophen liver damage", k=3)
    assert hits and any(h.dense is not None for h in hits)
    assert kb.stats()["sources"]["dailymed"]["chunks"] == added


def test_no_reopen_without_a_write(kb, shared_data):
    """Reads (here and in other processes) leave the generation alone: no client churn per query."""
    from medtune.kb import store

    in_another_process(BUILD_FDA.format(limit=2))
    kb.search("acetaminophen", k=2)
    epoch = kb._epoch
    in_another_process("from medtune.kb.store import KnowledgeBase as K; print(len(K.open().search('fever', k=2)))")
    for query in ("fever", "liver", "dose"):
        kb.search(query, k=2)
    assert kb._epoch == epoch
    assert store.store_token(kb.path)[0] is not None  # the writer bumped the generation file


def test_running_api_sees_documents_added_with_kb_add(kb, shared_data, tmp_path):
    """Issue 20.6: `medtune serve` keeps one KnowledgeBase open between requests; documents that
    `medtune kb add` stores from another process must reach its evidence without a restart."""
    from fastapi.testclient import TestClient

    from medtune.rest_api import create_app

    in_another_process(BUILD_FDA.format(limit=3))
    client = TestClient(create_app(), base_url="http://127.0.0.1")  # a host the server answers to (issue 20.6)
    claim = {"claim": "Yellow fever vaccination must be given ten days before travel."}
    before = client.post("/api/check", json=claim)
    assert before.status_code == 200, before.text
    assert not any("yellow fever" in e["text"].lower() for e in before.json()["evidence"])

    note = tmp_path / "travel.md"
    note.write_text("# Travel clinic\n\nYellow fever vaccination must be given at least ten days before "
                    "travel to a country where the disease occurs.\n", encoding="utf-8")
    done = run_cli("kb", "add", str(note))
    assert done.returncode == 0, done.stderr

    after = client.post("/api/check", json=claim)
    assert after.status_code == 200, after.text
    evidence = after.json()["evidence"]
    assert evidence[0]["source"] == "user" and "Yellow fever" in evidence[0]["text"], evidence


def test_reads_recover_from_a_client_closed_underneath(kb, shared_data):
    """Streamlit serves sessions in threads: a session that sees a write reopens the shared client, closing
    it under a search another session is running (chromadb then raises AttributeError from its own code).
    The worst moment, deterministically: the client is closed while this KnowledgeBase still holds it."""
    from medtune.kb import store

    in_another_process(BUILD_FDA.format(limit=2))
    count = kb.count()

    def close_shared_client() -> None:
        store._CLIENTS[store._client_key(kb.path, None)].client.close()

    close_shared_client()
    assert kb.count() == count
    close_shared_client()
    assert len(kb.search("acetaminophen liver", k=2)) == 2
    close_shared_client()
    store._STATS.clear()
    assert kb.stats()["chunks"] == count
