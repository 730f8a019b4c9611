"""Checking a claim against the trusted knowledge base: retrieve, verify each sentence, aggregate.

    result = check_claim("Vitamin C prevents COVID-19")
    result.verdict, result.trust, result.band, result.evidence

Per sentence, the top-k passages of the knowledge base (hybrid retrieval, at most one passage per document)
are trimmed to the part about the sentence and scored by the verifier in one batch; `trust.judge_*` turn
the probabilities into verdicts. Personal identifiers in a claim are redacted before anything else sees it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from medtune.errors import DataError
from medtune.verify import trust as T
from medtune.verify.decompose import ClaimPart, decompose
from medtune.verify.evidence import expand_query, rank_windows, term_coverage

DEFAULT_K = 6  # chunks retrieved per core (distinct documents)
PASSAGES = 3  # best windows over them that the verifier reads, per core
CONCLUSION_PASSAGES = 2
STANCES = {"supported": "supports", "contradicted": "refutes", "conflicting": "refutes"}
MAX_CLAIM_CHARS = 5000


@dataclass
class EvidenceItem:
    text: str
    source: str
    url: str
    score: float  # retrieval score (fused, in (0, 1])
    title: str = ""
    passage: str = ""  # the part of `text` the verifier read
    stance: str = "neutral"  # supports | refutes | neutral, by the verifier
    support: float = 0.0
    contradiction: float = 0.0
    sentence: int = 0  # index of the sentence it was retrieved for

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckResult:
    id: Any
    claim: str
    verdict: str
    trust: float
    band: str
    evidence: list[EvidenceItem]
    sentences: list[T.SentenceVerdict]
    reasons: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    verifier: str = ""
    calibration: str = ""
    redacted: list[str] = field(default_factory=list)  # kinds of personal identifiers removed from the claim
    note: str = ""
    supported_parts: list[int] = field(default_factory=list)  # indices into `sentences`
    unsupported_parts: list[int] = field(default_factory=list)  # the stretch of a misleading claim

    @property
    def band_label(self) -> str:
        return T.BANDS[self.band]["label"]

    @property
    def band_icon(self) -> str:
        return T.BANDS[self.band]["icon"]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "claim": self.claim, "verdict": self.verdict, "trust": self.trust, "band": self.band,
                "band_label": self.band_label, "band_icon": self.band_icon,
                "evidence": [e.to_dict() for e in self.evidence], "sentences": [s.to_dict() for s in self.sentences],
                "reasons": self.reasons, "latency_ms": self.latency_ms, "verifier": self.verifier,
                "calibration": self.calibration, "redacted": self.redacted, "note": self.note,
                "supported_parts": self.supported_parts, "unsupported_parts": self.unsupported_parts,
                "band_rule": T.BAND_RULE}


class Checker:
    """Holds the knowledge base, the verifier and the calibration; `check(text)` is safe to call repeatedly."""

    def __init__(self, kb: Any = None, verifier: Any = None, calibration: T.Calibration | None = None,
                 k: int = DEFAULT_K, sources: list[str] | None = None, passages: int = PASSAGES):
        from medtune.verify.model import load_verifier

        self.kb = kb if kb is not None else _open_kb()
        self.verifier = verifier if verifier is not None else load_verifier()
        self.cal = calibration or T.calibration_for(self.verifier)
        self.k, self.sources, self.passages = k, sources, passages

    def check(self, claim: str, claim_id: Any = None) -> CheckResult:
        started = time.perf_counter()
        text, redacted = _clean_claim(claim)
        parts = decompose(text)
        evidence, pairs, owners = self._gather(parts)
        probs = self.verifier.predict(pairs) if pairs else []
        for item, p in zip(evidence, probs):
            item.support, item.contradiction = round(float(p[0]), 4), round(float(p[1]), 4)
            label = T.sentence_label(item.support, item.contradiction, self.cal.tau, self.cal.margin)
            item.stance = STANCES.get(label, "neutral")
        verdicts = []
        for i, part in enumerate(parts):
            ids = [j for j, owner in enumerate(owners) if owner == i]
            verdict = T.judge_sentence(part.text, [probs[j] for j in ids], self.cal, part.start, part.end, ids,
                                       role=part.role, cues=part.cues)
            verdict.coverage = round(term_coverage(part.text, evidence[verdict.evidence[0]].passage), 4) \
                if verdict.evidence else 0.0
            verdicts.append(verdict)
        judged = T.judge_claim(verdicts, self.cal, text)
        reasons = judged.reasons
        if judged.verdict == "true" and self.cal.claim.get("support_rule"):
            judged.trust, reasons = self._support_rule(verdicts, evidence, judged.trust, reasons)
            judged.band = T.band_for(judged.verdict, judged.trust, self.cal, level="claim")
        note = "" if evidence or not parts else "no evidence found: is the knowledge base built? (`medtune kb build`)"
        return CheckResult(id=claim_id, claim=text, verdict=judged.verdict, trust=judged.trust, band=judged.band,
                           evidence=evidence, sentences=verdicts, reasons=reasons,
                           latency_ms=round((time.perf_counter() - started) * 1000, 2),
                           verifier=public_name(getattr(self.verifier, "name", type(self.verifier).__name__)),
                           calibration=public_name(self.cal.source), redacted=redacted, note=note,
                           supported_parts=judged.supported, unsupported_parts=judged.unsupported)

    def _support_rule(self, verdicts: list[T.SentenceVerdict], evidence: list[EvidenceItem], trust: float,
                      reasons: list[str]) -> tuple[float, list[str]]:
        """A claim judged true whose every core its sources entail outright (`support_rule`: strong support,
        term coverage and similarity, no mismatch, no passage refuting it) gets the rule's cross-validated
        precision as its trust — that is what green promises; any other keeps the claim model's trust."""
        from medtune.verify.support_rule import claim_evidence_figures, passes

        rule = self.cal.claim["support_rule"]
        result = {"verdict": "true", "sentences": [v.to_dict() for v in verdicts],
                  "evidence": [e.to_dict() for e in evidence]}
        figures = claim_evidence_figures(result, getattr(self.verifier, "embed", None))
        if not passes(figures, rule):
            return trust, reasons
        return max(trust, float(rule["trust"])), [*reasons, "every part entailed by a close source passage"]

    def _gather(self, parts: list[ClaimPart]) -> tuple[list[EvidenceItem], list[tuple[str, str]], list[int]]:
        """Evidence for each part, and the (part, passage) pairs the verifier reads. A core gets its own search
        (expanded query) and its best windows; a conclusion is read against its core's passages, since it is
        an inference the sources would have to state themselves to support."""
        evidence: list[EvidenceItem] = []
        pairs: list[tuple[str, str]] = []
        owners: list[int] = []
        last_core: list[tuple[Any, str]] = []
        for i, part in enumerate(parts):
            if part.role == "core" or not last_core:
                hits = self._retrieve(expand_query(part.text))
                windows = rank_windows(part.text, [h.text for h in hits], limit=self.passages)
                found = [(hits[w.chunk], w.text) for w in windows]
                last_core = found
            else:
                found = last_core[:CONCLUSION_PASSAGES]
            for hit, passage in found:
                evidence.append(EvidenceItem(text=hit.text, source=hit.source, url=hit.url, score=hit.score,
                                             title=hit.title, passage=passage, sentence=i))
                pairs.append((part.text, passage))
                owners.append(i)
        return evidence, pairs, owners

    def _retrieve(self, query: str) -> list[Any]:
        if self.kb is None:
            return []
        return self.kb.search(query, k=self.k, sources=self.sources, per_doc=1)

def public_name(text: str) -> str:
    """`text` with every absolute file path shortened to its last part: results reach pages and API clients,
    which have no business seeing the server's directories (issue 17)."""
    return re.sub(r"(?<![\w.])/(?:[^\s/()+,]+/)*([^\s/()+,]+)", r"\1", text or "")


def _clean_claim(claim: str) -> tuple[str, list[str]]:
    from medtune.data.phi import redact

    if not isinstance(claim, str) or not claim.strip():
        raise DataError("the claim is empty", hint='medtune check "Vitamin C prevents COVID-19"')
    if len(claim) > MAX_CLAIM_CHARS:
        raise DataError(f"the claim has {len(claim)} characters; at most {MAX_CLAIM_CHARS} are checked",
                        hint="split a long text into claims, one per line of a JSONL file (--input)")
    text, findings = redact(claim.strip())
    return text, sorted({f.kind for f in findings})


def _open_kb() -> Any:
    """The knowledge base, or None when it cannot be opened (the checker then says it found no evidence)."""
    from medtune.errors import NotAvailableError
    from medtune.kb.store import KnowledgeBase

    try:
        kb = KnowledgeBase.open()
        kb.count()
        return kb
    except NotAvailableError:
        return None


_DEFAULT: dict[str, Checker] = {}


def default_checker() -> Checker:
    """One checker per process and knowledge-base location (the verifier and BM25 index stay loaded)."""
    from medtune.kb.store import KnowledgeBase

    key = KnowledgeBase.open().location
    if key not in _DEFAULT:
        _DEFAULT[key] = Checker()
    return _DEFAULT[key]


def check_claim(text: str, k: int = DEFAULT_K, claim_id: Any = None) -> CheckResult:
    """Check one claim with the default knowledge base, verifier and calibration."""
    checker = default_checker()
    checker.k = k
    return checker.check(text, claim_id)


def check_many(items: Iterable[tuple[Any, str]], checker: Checker | None = None) -> list[CheckResult]:
    checker = checker or default_checker()
    return [checker.check(text, claim_id) for claim_id, text in items]


def read_claims(path: str | Path) -> list[tuple[Any, str]]:
    """(id, claim) from a JSONL file of {"id", "claim"} (or "text") objects, or a CSV with a claim/text column."""
    from medtune.data.readers import read_jsonl_rows

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if path.suffix.lower() in (".csv", ".tsv"):
        return claims_from_csv(path.read_bytes(), path.name)
    items = []
    # read_jsonl_rows reports malformed or non-UTF-8 lines by number and splits on newlines only (not U+2028).
    for n, row in enumerate(read_jsonl_rows(path), start=1):
        text = row.get("claim") or row.get("text")
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{path} row {n}: expected {{\"id\", \"claim\"}} with a non-empty claim")
        items.append((row.get("id", n), text))
    return items


def claims_from_csv(data: bytes, name: str = "claims.csv") -> list[tuple[Any, str]]:
    """Claims from CSV bytes: the column named claim / text / statement (else the first); ids from an id column."""
    import csv
    import io

    text = data.decode("utf-8-sig", errors="replace")
    delimiter = "\t" if name.lower().endswith(".tsv") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not reader.fieldnames:
        raise DataError(f"{name}: no header row", hint="the first row names the columns, e.g. id,claim")
    lower = {c.lower().strip(): c for c in reader.fieldnames if c}
    column = next((lower[c] for c in ("claim", "text", "statement", "sentence") if c in lower), reader.fieldnames[0])
    id_col = lower.get("id")
    items = []
    for n, row in enumerate(reader, start=1):
        value = (row.get(column) or "").strip()
        if value:
            items.append(((row.get(id_col) or n) if id_col else n, value))
    if not items:
        raise DataError(f"{name}: no claims in column {column!r}")
    return items
