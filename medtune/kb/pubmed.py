"""PubMed through NCBI E-utilities: esearch (query → PMIDs) and efetch (PMIDs → abstracts).

Follows NCBI's usage policy (https://www.ncbi.nlm.nih.gov/books/NBK25497/): at most 3 requests per second
without an API key and 10 with one (`MEDTUNE_NCBI_API_KEY`), and a `tool` name on every request. Searches are
cached on disk for a week and abstracts forever (a PMID's abstract does not change), so a repeated search
costs no request. Fetched abstracts are added to the knowledge base under their PMID — the same id the
local PubMedQA abstracts use, so the two never duplicate. Offline (`settings.is_offline`) or when PubMed
cannot be reached, `search_pubmed` says so and searches the local PubMed abstracts instead.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from medtune.errors import DataError, NotAvailableError
from medtune.io import atomic_write_json, read_json
from medtune.settings import get_settings

TOOL = "medtune"
SEARCH_TTL_S = 7 * 24 * 3600
FETCH_BATCH = 100  # PMIDs per efetch; NCBI recommends POST beyond ~200


@dataclass
class Article:
    pmid: str
    title: str
    abstract: str
    journal: str = ""
    year: str = ""

    @property
    def url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"


@dataclass
class PubMedSearch:
    query: str
    offline: bool
    message: str
    articles: list[Article] = field(default_factory=list)
    added_chunks: int = 0
    local_results: list[dict[str, Any]] = field(default_factory=list)  # filled when PubMed was not used

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RateLimiter:
    """Spaces calls at least `1 / rate` seconds apart (per client); `times` records when each call went."""

    def __init__(self, rate_per_s: float):
        self.interval = 1.0 / rate_per_s
        self._last = -1e9
        self._lock = threading.Lock()
        self.times: list[float] = []

    def wait(self) -> None:
        with self._lock:
            # 5% margin: NCBI counts arrivals, and network jitter can bring two requests closer together.
            delay = self._last + self.interval * 1.05 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._last = time.monotonic()
            self.times.append(self._last)


class EUtilsClient:
    """esearch + efetch with rate limiting and an on-disk cache."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None, cache_dir: Path | None = None,
                 timeout_s: float = 15.0, email: str = ""):
        settings = get_settings()
        self.base_url = (base_url or settings.eutils_url).rstrip("/") + "/"
        self.api_key = settings.ncbi_api_key if api_key is None else api_key
        self.cache_dir = Path(cache_dir) if cache_dir else settings.kb_path / "pubmed_cache"
        self.timeout_s = timeout_s
        self.email = email
        self.limiter = RateLimiter(10.0 if self.api_key else 3.0)
        self.requests_made = 0

    # --- HTTP ----------------------------------------------------------------------------------------------

    def _get(self, endpoint: str, params: dict[str, Any]) -> bytes:
        params = {**params, "tool": TOOL, **({"email": self.email} if self.email else {}),
                  **({"api_key": self.api_key} if self.api_key else {})}
        url = self.base_url + endpoint + "?" + urllib.parse.urlencode(params)
        for attempt in range(3):
            self.limiter.wait()
            self.requests_made += 1
            try:
                with urllib.request.urlopen(url, timeout=self.timeout_s) as response:  # noqa: S310 (https/config URL)
                    return response.read()
            except urllib.error.HTTPError as exc:
                if exc.code == 429 and attempt < 2:  # over the rate limit: back off and retry
                    time.sleep(1.0 + attempt)
                    continue
                raise NotAvailableError(f"PubMed {endpoint} answered HTTP {exc.code}",
                                        hint="Check MEDTUNE_EUTILS_URL and MEDTUNE_NCBI_API_KEY.") from exc
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                raise NotAvailableError(f"PubMed is not reachable at {self.base_url} ({exc})",
                                        hint="Check the network, or work offline with the local abstracts.") from exc
        raise NotAvailableError(f"PubMed {endpoint} kept answering HTTP 429 (rate limited)")

    # --- esearch / efetch ------------------------------------------------------------------------------------

    def esearch(self, term: str, retmax: int = 10) -> list[str]:
        key = hashlib.sha1(f"{term}\x00{retmax}".encode()).hexdigest()
        cached = read_json(self.cache_dir / "esearch" / f"{key}.json")
        if cached and time.time() - cached.get("time", 0) < SEARCH_TTL_S:
            return cached["pmids"]
        raw = self._get("esearch.fcgi", {"db": "pubmed", "term": term, "retmax": retmax, "retmode": "json"})
        try:
            pmids = [str(p) for p in json.loads(raw)["esearchresult"]["idlist"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"PubMed esearch returned an unexpected answer: {raw[:200]!r}") from exc
        atomic_write_json(self.cache_dir / "esearch" / f"{key}.json", {"term": term, "time": time.time(), "pmids": pmids})
        return pmids

    def efetch(self, pmids: list[str]) -> list[Article]:
        """Articles for these PMIDs (cached ones without a request), in the order given."""
        found: dict[str, Article] = {}
        missing = []
        for pmid in pmids:
            cached = read_json(self.cache_dir / "articles" / f"{pmid}.json")
            if cached:
                found[pmid] = Article(**cached)
            else:
                missing.append(pmid)
        for i in range(0, len(missing), FETCH_BATCH):
            raw = self._get("efetch.fcgi", {"db": "pubmed", "id": ",".join(missing[i:i + FETCH_BATCH]),
                                            "retmode": "xml", "rettype": "abstract"})
            for article in parse_efetch(raw):
                atomic_write_json(self.cache_dir / "articles" / f"{article.pmid}.json", asdict(article))
                found[article.pmid] = article
        return [found[p] for p in pmids if p in found]


def parse_efetch(xml: bytes) -> list[Article]:
    """Articles from an efetch PubmedArticleSet; structured abstracts keep their section labels."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise DataError(f"PubMed efetch returned invalid XML ({exc})") from exc
    articles = []
    for node in root.iter("PubmedArticle"):
        pmid = _text(node.find("MedlineCitation/PMID"))
        article = node.find("MedlineCitation/Article")
        if not pmid or article is None:
            continue
        parts = []
        for part in article.findall("Abstract/AbstractText"):
            text = _text(part)
            label = part.get("Label")
            parts.append(f"{label.title()}: {text}" if label and text else text)
        abstract = " ".join(p for p in parts if p)
        year = _text(article.find("Journal/JournalIssue/PubDate/Year")) or \
            _text(article.find("Journal/JournalIssue/PubDate/MedlineDate"))[:4]
        articles.append(Article(pmid=pmid, title=_text(article.find("ArticleTitle")), abstract=abstract,
                                journal=_text(article.find("Journal/Title")), year=year))
    return articles


def _text(node: Any) -> str:
    return " ".join("".join(node.itertext()).split()) if node is not None else ""


def search_pubmed(query: str, max_results: int = 10, add_to_kb: bool = True, kb: Any = None,
                  client: EUtilsClient | None = None) -> PubMedSearch:
    """Search PubMed and add the abstracts to the knowledge base; offline, search the local abstracts."""
    from medtune.kb.sources import pubmed_abstract_document
    from medtune.kb.store import KnowledgeBase

    kb = kb or KnowledgeBase.open()
    if get_settings().is_offline:
        return _local(kb, query, max_results, "offline: PubMed is not searched; these are the local PubMed "
                      "abstracts in the knowledge base (PubMedQA).")
    client = client or EUtilsClient()
    try:
        articles = client.efetch(client.esearch(query, retmax=max_results))
    except NotAvailableError as err:
        return _local(kb, query, max_results, f"{err.message}; searched the local PubMed abstracts instead.")
    added = 0
    if add_to_kb:
        docs = [pubmed_abstract_document(a.pmid, a.abstract, a.title, year=a.year, origin="PubMed E-utilities",
                                         journal=a.journal) for a in articles if a.abstract]
        added = kb.add_documents(docs).added if docs else 0
    return PubMedSearch(query, offline=False, articles=articles, added_chunks=added,
                        message=f"PubMed: {len(articles)} articles, {added} new chunks added to the knowledge base")


def _local(kb: Any, query: str, k: int, message: str) -> PubMedSearch:
    results = kb.search(query, k=k, sources=["pubmed"]) if kb.count() else []
    return PubMedSearch(query, offline=True, message=message, local_results=[r.to_dict() for r in results])
