"""The knowledge base on a Chroma server (MEDTUNE_CHROMA_URL) started locally by the test: `chroma run`."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from medtune.kb.sources import KBDocument


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma")
    if exe is None:
        pytest.skip("the chroma command (chromadb's server) is not installed")
    port = _free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, "chroma server did not start"
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_knowledge_base_through_http_client(chroma_server, monkeypatch, medtune_home):
    from medtune.kb.store import KnowledgeBase
    from medtune.settings import get_settings

    monkeypatch.setenv("MEDTUNE_CHROMA_URL", chroma_server)
    get_settings.cache_clear()
    kb = KnowledgeBase.open()
    assert kb.location == chroma_server
    report = kb.add_documents([KBDocument("user", "a", "Statins lower LDL cholesterol.", "Statins"),
                               KBDocument("user", "b", "Insulin lowers blood glucose.", "Insulin")])
    assert report.added == 2 and kb.count() == 2
    assert not any((medtune_home / "kb").glob("*.sqlite3"))  # nothing stored locally but the BM25 cache
    hits = kb.search("cholesterol medicine", k=1)
    assert hits[0].doc_id == "a"
    assert KnowledgeBase.open().add_documents([KBDocument("user", "a", "Statins lower LDL cholesterol.")]).added == 0


def test_unreachable_server_is_a_clear_error(monkeypatch):
    from medtune.errors import NotAvailableError
    from medtune.kb.store import KnowledgeBase
    from medtune.settings import get_settings

    monkeypatch.setenv("MEDTUNE_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    get_settings.cache_clear()
    with pytest.raises(NotAvailableError, match="cannot open the knowledge base at http://127.0.0.1"):
        KnowledgeBase.open().count()
