"""The answering pipeline: question → triage → redaction → retrieval → answer → verification → confidence.

`answer(question, ...)` returns the contract object of `medtune chat --json` and `POST /api/chat`:
{"answer", "confidence", "band", "sentences": [{"text", "score", "band"}], "citations": [{"source", "title",
"url", "snippet"}], "safety": {"emergency", "redacted"}, "readability", "latency_ms"}. `answer_stream` yields
the generator's text as it comes, then the same result, for the chat UI.

- An emergency is answered at once with the triage message: nothing is retrieved or generated; its
  confidence is null and its band red (it is advice to get help, not a checked answer).
- Only the redacted question is logged, retrieved with or sent to a model.
- `sentences` are the answer's claims, each scored against the evidence by medtune.verify's one support scorer
  (`medtune/chat/scoring.py`: the checker's stance verifier and calibration; a sentence quoted from a passage
  is entailed by it); the fixed safety notes (cautions and the disclaimer) follow them in `answer` but are not
  claims, so they are not scored.
- Bands follow medtune.verify's one rule (`band_for`): green = the sources support the answer, red = they
  contradict it, yellow = not enough or conflicting evidence. A red answer, or a yellow one with low support,
  starts by saying plainly that it is not sure and to consult a clinician.
- Green needs support *and* relevance (medtune/chat/relevance.py): a personal prognosis, a result only a
  clinician can read, an unknown product, a pair of medicines no answer sentence covers, or evidence that does
  not answer the question make the answer abstain (`abstained: true`, no quoted sentences: it says
  what the sources do not cover and points to a clinician; band yellow: a missing source is never red); a
  partial match caps the band at yellow.
- A sentence supported only by a user's own document (KB source "user") is at most yellow, and so is the
  answer it is in; such citations carry `provenance: "user"`.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from medtune.chat import guardrails, relevance
from medtune.chat.config import get_chat_settings
from medtune.chat.evidence import Evidence, redact, retrieve
from medtune.chat.generators import GenerationRequest, build_generator
from medtune.chat.scoring import Thresholds, aggregate, assess_sentences, load_thresholds, score_sentences
from medtune.chat.text import PLAIN_WORDS, apply_lexicon, flesch_kincaid_grade, split_sentences
from medtune.chat.triage import triage
from medtune.errors import DataError
from medtune.io import append_jsonl
from medtune.settings import get_settings

_MARKER = re.compile(r"\s*\[(\d+)\]")
_BAND_ORDER = ("red", "yellow", "green")
USER_ONLY_NOTE = "supported only by a document a user added, not by a trusted source"


def at_most(band: str, cap: str) -> str:
    return band if _BAND_ORDER.index(band) <= _BAND_ORDER.index(cap) else cap


@dataclass
class ChatResult:
    """The contract object (`to_dict`) plus what the UI and the audit log also want."""

    answer: str
    confidence: float | None
    band: str
    sentences: list[dict[str, Any]]
    citations: list[dict[str, str]]
    emergency: bool
    redacted: list[dict[str, Any]]
    readability: float | None
    latency_ms: float
    ttft_ms: float | None = None
    generator: str = "embedded"
    rules: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    relevance: dict[str, Any] = field(default_factory=lambda: relevance.Relevance("not_checked").to_dict())
    abstained: bool = False
    relevance_features: dict[str, float] = field(default_factory=dict)  # for fitting and the audit, not the API

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer, "confidence": self.confidence, "band": self.band, "sentences": self.sentences,
            "citations": self.citations, "safety": {"emergency": self.emergency, "redacted": self.redacted},
            "readability": self.readability, "latency_ms": self.latency_ms,
            "relevance": self.relevance, "abstained": self.abstained,
        }


class Sessions:
    """Conversation history per session id, in memory, the least recently used sessions forgotten first."""

    def __init__(self, max_sessions: int = 1000, max_turns: int = 20):
        self._data: OrderedDict[str, deque[dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_sessions, self.max_turns = max_sessions, max_turns

    def history(self, session_id: str | None) -> list[dict[str, str]]:
        with self._lock:
            return list(self._data.get(session_id or "", ()))

    def add(self, session_id: str | None, question: str, answer: str) -> None:
        if not session_id:
            return
        with self._lock:
            turns = self._data.setdefault(session_id, deque(maxlen=self.max_turns))
            self._data.move_to_end(session_id)
            turns.extend([{"role": "user", "content": question}, {"role": "assistant", "content": answer}])
            while len(self._data) > self.max_sessions:
                self._data.popitem(last=False)


SESSIONS = Sessions()


def validate_question(question: str) -> str:
    question = (question or "").strip()
    limit = get_chat_settings().max_question_chars
    if not question:
        raise DataError("question: empty; type a health question", hint="e.g. medtune chat \"What is asthma?\"")
    if len(question) > limit:
        raise DataError(f"question: {len(question)} characters, more than the limit of {limit}",
                        hint="shorten the question (MEDTUNE_CHAT_MAX_QUESTION_CHARS sets the limit)")
    return question


def answer(question: str, *, generator: str | None = None, style: str | None = None,
           session_id: str | None = None) -> ChatResult:
    """Answer one question (see the module docstring for the steps and the result)."""
    result = None
    for event in answer_stream(question, generator=generator, style=style, session_id=session_id):
        if isinstance(event, ChatResult):
            result = event
    assert result is not None
    return result


def answer_stream(question: str, *, generator: str | None = None, style: str | None = None,
                  session_id: str | None = None) -> Iterator[str | ChatResult]:
    """Yield text pieces as the generator produces them, then the final ChatResult."""
    start = time.perf_counter()
    cfg = get_chat_settings()
    question = validate_question(question)
    name, style = generator or cfg.default_generator, style or cfg.style
    clean_q, findings = redact(question)
    ask_q = without_identity_sentences(clean_q)  # what is retrieved with, judged and sent to a model
    check = triage(question)
    if check.emergency:
        result = _emergency_result(check.message, findings, start)
        yield check.message
    else:
        gen = build_generator(name, cfg)  # fails fast, before retrieval, when not configured
        early = relevance.question_rules(ask_q, relevance.kb_vocabulary())
        if early is not None:  # a personal prognosis or an unknown product: say so, quote nothing
            result = abstention(early, ask_q, findings, start)
            result.generator = name
            yield result.answer
            SESSIONS.add(session_id, clean_q, result.answer)
            audit(clean_q, result, session_id)
            yield result
            return
        evidence = retrieve(ask_q, k=cfg.k)
        request = GenerationRequest(ask_q, evidence, style, SESSIONS.history(session_id))
        pieces: list[str] = []
        ttft = None
        for piece in gen.stream(request):
            if ttft is None:
                ttft = round((time.perf_counter() - start) * 1000, 1)
            pieces.append(piece)
            yield piece
        result = finish("".join(pieces), ask_q, evidence, findings, start, generative=gen.generative)
        result.ttft_ms, result.generator = ttft, name
    SESSIONS.add(session_id, clean_q, result.answer)
    audit(clean_q, result, session_id)
    yield result


_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
# Words of a sentence that only introduces the person ("My email is [EMAIL].", "Hi, I'm [NAME]").
_IDENTITY_WORDS = frozenset(
    "hi hello hey dear i im am my me is are this it name names called e mail email address phone number mobile "
    "cell contact dob date of birth born mrn patient id insurance member plan and the at on you can reach".split())


def without_identity_sentences(question: str) -> str:
    """The redacted question without sentences that only introduce the asker ("My email is [EMAIL]."): they say
    nothing about health, and left in they pull retrieval and the relevance score off the real question."""
    kept = [s for s in split_sentences(question)
            if not (_PLACEHOLDER.search(s)
                    and set(re.findall(r"[a-z]+", _PLACEHOLDER.sub(" ", s).lower())) <= _IDENTITY_WORDS)]
    return " ".join(kept) if kept else question


def _emergency_result(message: str, findings: list[dict[str, Any]], start: float) -> ChatResult:
    return ChatResult(answer=message, confidence=None, band="red", sentences=[], citations=[], emergency=True,
                      redacted=findings, readability=flesch_kincaid_grade(message),
                      latency_ms=round((time.perf_counter() - start) * 1000, 1), generator="triage")


def renumber(sentences: list[str], evidence: list[Evidence],
             generative: bool) -> tuple[list[str], list[Evidence], list[str]]:
    """Cited documents in order of first citation, markers renumbered to match (chunks of one document share a
    number); an uncited generative answer cites everything it was given (it saw all of it). Also returns, per
    cited document, the answer text citing it (to pick each snippet)."""
    keys: list[str] = []
    docs: dict[str, Evidence] = {}
    focus: dict[str, str] = {}
    for s in sentences:
        for n in (int(m) for m in _MARKER.findall(s)):
            if 1 <= n <= len(evidence):
                key = evidence[n - 1].key
                if key not in docs:
                    keys.append(key)
                    docs[key] = evidence[n - 1]
                focus[key] = focus.get(key, "") + " " + _MARKER.sub("", s)
    if not keys and generative:
        return sentences, evidence, [""] * len(evidence)
    number = {key: i for i, key in enumerate(keys, 1)}

    def fix(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f" [{number[evidence[n - 1].key]}]" if 1 <= n <= len(evidence) else ""

    return [_MARKER.sub(fix, s) for s in sentences], [docs[k] for k in keys], [focus[k] for k in keys]


def support(plain: list[str], evidence: list[Evidence]) -> tuple[list[float], list[bool], list[bool]]:
    """Each sentence's support score against all the evidence retrieved — not only what it cites: a sentence
    supported by a passage it forgot to cite is still supported —, whether it would lose green without the
    user-added documents (scored again against the trusted passages only, when there are user documents), and
    whether the evidence contradicts it (the band rule's red)."""
    if not plain or not evidence:
        return [0.0] * len(plain), [False] * len(plain), [False] * len(plain)
    thresholds = load_thresholds()
    scores, contradicted = assess_sentences(plain, [e.text for e in evidence])
    trusted = [e.text for e in evidence if e.trusted]
    if len(trusted) == len(evidence):
        return scores, [False] * len(plain), contradicted
    trusted_scores = score_sentences(plain, trusted) if trusted else [0.0] * len(plain)
    return scores, [thresholds.band(s) == "green" and thresholds.band(t) != "green"
                    for s, t in zip(scores, trusted_scores)], contradicted


def sentence_subjects(body: list[str], cited: list[Evidence]) -> list[str]:
    """What each sentence's cited passages are about (title, focus, drug): "The chance is higher if you take a
    blood thinning drug [1]" quoted from the ibuprofen label speaks of ibuprofen."""
    out = []
    for sentence in body:
        docs = [cited[int(n) - 1] for n in _MARKER.findall(sentence) if 1 <= int(n) <= len(cited)]
        out.append(" ".join(f"{e.title} {e.metadata.get('focus', '')} {e.metadata.get('drug', '')}" for e in docs))
    return out


def assess(question: str, body: list[str], cited: list[Evidence], evidence: list[Evidence]) -> relevance.Relevance:
    """Relevance of the answer to the question: the question's own rules, the drug pair, then P(relevant)."""
    vocab = relevance.kb_vocabulary()
    early = relevance.question_rules(question, vocab)
    if early is not None:
        return early
    plain = [apply_lexicon(_MARKER.sub("", s), PLAIN_WORDS) for s in body]
    return relevance.assess_answer(question, plain, sentence_subjects(body, cited), cited or evidence, vocab)


def abstention(verdict: relevance.Relevance, question: str, findings: list[dict[str, Any]], start: float,
               rules: list[str] | None = None) -> ChatResult:
    """Say plainly what the sources do not cover and who can answer; quote nothing, band yellow (a missing
    source is never red: the band rule of medtune.verify)."""
    notes = guardrails.cautions(question) + [guardrails.DISCLAIMER]
    text = "\n\n".join([verdict.message, " ".join(notes)])
    return ChatResult(answer=text, confidence=0.0, band="yellow", sentences=[], citations=[], emergency=False,
                      redacted=findings, readability=flesch_kincaid_grade(text),
                      latency_ms=round((time.perf_counter() - start) * 1000, 1), rules=rules or [], notes=notes,
                      relevance=verdict.to_dict(), abstained=True)


def finish(text: str, question: str, evidence: list[Evidence], findings: list[dict[str, Any]], start: float,
           generative: bool = False) -> ChatResult:
    """Guardrails on the output, relevance, sentence scores, confidence, band, cautions and the answer text."""
    checked = guardrails.check_output(split_sentences(text))
    body, cited, focus = renumber(checked.sentences, evidence, generative)
    if body:
        verdict = assess(question, body, cited, evidence)
        if verdict.abstain:
            return abstention(verdict, question, findings, start, checked.rules)
    else:  # nothing found, or nothing left once the guardrails removed what could not be said
        message = (relevance.off_question_message([e.title for e in evidence], relevance.question_type(question))
                   if evidence else guardrails.NO_EVIDENCE)
        verdict = relevance.Relevance("not_relevant", None, "no_evidence", message)
    thresholds = load_thresholds()
    scores, user_only, contradicted = support([_MARKER.sub("", s) for s in body], evidence)
    confidence = aggregate(scores) if evidence else 0.0
    # medtune.verify's band rule (Thresholds.band → band_for): red only where the sources contradict; an answer
    # with nothing to say, or one the sources do not cover, is yellow (issue 14.1 / 18.3).
    band = thresholds.band(confidence, contradicted=any(contradicted)) if body else "yellow"
    sentences = [sentence_entry(s, sc, u, thresholds, c) for s, sc, u, c in zip(body, scores, user_only, contradicted)]
    if any(user_only) or verdict.verdict == "partial":  # user files and partial matches never make green
        band = at_most(band, "yellow")
    unsure = band == "red" or (band == "yellow" and (confidence or 0.0) < thresholds.yellow)
    lead = [guardrails.NOT_SURE] if unsure and body else []
    if verdict.verdict == "partial":
        lead = lead or [verdict.message]
    if not body:
        lead = [verdict.message]
    notes = guardrails.cautions(question) + [guardrails.DISCLAIMER]
    answer_text = "\n\n".join(p for p in (" ".join(lead), " ".join(body), " ".join(notes)) if p)
    return ChatResult(
        answer=answer_text, confidence=confidence if body else 0.0, band=band, sentences=sentences,
        citations=[e.citation(f) for e, f in zip(cited, focus)], emergency=False, redacted=findings,
        readability=flesch_kincaid_grade(answer_text), latency_ms=round((time.perf_counter() - start) * 1000, 1),
        rules=checked.rules, notes=notes, relevance=verdict.to_dict(), abstained=not body,
        relevance_features=verdict.features,
    )


def sentence_entry(text: str, score: float, user_only: bool, thresholds: Thresholds,
                   contradicted: bool = False) -> dict[str, Any]:
    band = thresholds.band(score, contradicted)
    if user_only:
        return {"text": text, "score": score, "band": at_most(band, "yellow"), "note": USER_ONLY_NOTE}
    return {"text": text, "score": score, "band": band}


def audit(question: str, result: ChatResult, session_id: str | None) -> None:
    """One JSON line per answer under HOME/chat/audit.jsonl; the question is already redacted, the answer is
    redacted again (a model can echo or invent identifiers), the session id is hashed."""
    if not get_chat_settings().audit:
        return
    answer_text, _ = redact(result.answer)
    record = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "session": hashlib.sha256(session_id.encode()).hexdigest()[:16] if session_id else None,
        "generator": result.generator, "question": question, "answer": answer_text,
        "confidence": result.confidence, "band": result.band, "emergency": result.emergency,
        "relevance": result.relevance.get("verdict"), "abstained": result.abstained,
        "abstain_reason": result.relevance.get("reason"),
        "redacted": [f["kind"] for f in result.redacted], "rules": result.rules,
        "citations": [c["url"] or c["title"] for c in result.citations],
        "latency_ms": result.latency_ms, "ttft_ms": result.ttft_ms,
    }
    append_jsonl(get_settings().home / "chat" / "audit.jsonl", record)
