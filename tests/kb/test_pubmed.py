"""The PubMed connector against a local HTTP server replaying E-utilities responses (never the internet)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


class _Replay(BaseHTTPRequestHandler):
    requests: list[tuple[float, str, dict]] = []

    def do_GET(self):  # noqa: N802 (http.server API)
        url = urlparse(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append((time.monotonic(), url.path.rsplit("/", 1)[-1], params))
        if url.path.endswith("esearch.fcgi"):
            body, ctype = (FIXTURES / "esearch_aspirin.json").read_bytes(), "application/json"
        elif url.path.endswith("efetch.fcgi"):
            body, ctype = (FIXTURES / "efetch_aspirin.xml").read_bytes(), "text/xml"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def eutils(monkeypatch):
    """A replay server on 127.0.0.1 and settings that point at it, with the offline switches lifted."""
    from medtune.settings import get_settings

    _Replay.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Replay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "MEDTUNE_OFFLINE"):
        monkeypatch.delenv(flag, raising=False)
    monkeypatch.setenv("MEDTUNE_EUTILS_URL", f"http://127.0.0.1:{server.server_port}/entrez/eutils/")
    get_settings.cache_clear()
    yield _Replay
    server.shutdown()
    server.server_close()
    get_settings.cache_clear()


def test_search_fetch_cache_and_add_to_kb(eutils, kb):
    from medtune.kb.pubmed import EUtilsClient, search_pubmed

    client = EUtilsClient()
    found = search_pubmed("aspirin ibuprofen interaction", max_results=2, kb=kb, client=client)
    assert not found.offline
    assert [a.pmid for a in found.articles] == ["90000001", "90000002"]
    first = found.articles[0]
    assert first.title.startswith("Ibuprofen and the antiplatelet effect of low-dose aspirin")
    assert first.abstract.startswith("Background: Ibuprofen may interfere") and "thromboxane B2 from 98%" in first.abstract
    assert first.journal.startswith("Journal of Cardiovascular") and first.year == "2020"
    assert found.articles[1].year == "2019" and found.added_chunks >= 2

    [(t0, ep0, search), (t1, ep1, fetch)] = eutils.requests
    assert (ep0, ep1) == ("esearch.fcgi", "efetch.fcgi")
    assert search["db"] == "pubmed" and search["term"] == "aspirin ibuprofen interaction"
    assert search["retmode"] == "json" and search["tool"] == "medtune" and "api_key" not in search
    assert fetch["id"] == "90000001,90000002" and fetch["retmode"] == "xml"
    sent = client.limiter.times
    assert len(sent) == 2 and sent[1] - sent[0] >= 1 / 3  # ≤ 3 requests per second without a key
    assert t1 - t0 >= 0.25  # as the server saw them (arrival times jitter a little)

    hits = kb.search("does ibuprofen reduce the benefit of aspirin", k=3, sources=["pubmed"])
    assert {h.meta["pmid"] for h in hits} == {"90000001", "90000002"}
    assert all(h.url == f"https://pubmed.ncbi.nlm.nih.gov/{h.meta['pmid']}/" for h in hits)

    again = search_pubmed("aspirin ibuprofen interaction", max_results=2, kb=kb, client=client)
    assert len(eutils.requests) == 2  # served from the disk cache
    assert again.added_chunks == 0 and [a.pmid for a in again.articles] == ["90000001", "90000002"]


def test_api_key_rate_and_parameter(eutils, tmp_path):
    from medtune.kb.pubmed import EUtilsClient

    client = EUtilsClient(api_key="KEY123", cache_dir=tmp_path / "cache")
    assert client.limiter.interval == pytest.approx(0.1)
    assert client.esearch("aspirin") == ["90000001", "90000002"]
    assert eutils.requests[0][2]["api_key"] == "KEY123"


def test_offline_says_so_and_uses_local_abstracts(kb, monkeypatch):
    from medtune.kb.pubmed import search_pubmed
    from medtune.kb.sources import pubmed_abstract_document
    from medtune.settings import get_settings

    assert get_settings().is_offline  # the test environment is offline
    kb.add_documents([pubmed_abstract_document("12345678", "Vitamin C did not prevent colds in most adults.",
                                               "Vitamin C for the common cold?")])
    found = search_pubmed("vitamin C colds", kb=kb)
    assert found.offline and "offline" in found.message
    assert found.local_results and found.local_results[0]["meta"]["pmid"] == "12345678"


def test_unreachable_server_falls_back(kb, monkeypatch):
    from medtune.kb.pubmed import EUtilsClient, search_pubmed

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    from medtune.settings import get_settings

    get_settings.cache_clear()
    client = EUtilsClient(base_url="http://127.0.0.1:9/", timeout_s=2)  # discard port: connection refused
    found = search_pubmed("aspirin", kb=kb, client=client)
    assert found.offline and "not reachable" in found.message
