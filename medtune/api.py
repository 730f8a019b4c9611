"""medtune's REST API (FastAPI, no UI framework): the chatbot and the claim checker.

`POST /api/chat` answers a question (the `medtune chat --json` object), `POST /api/check` checks a claim
(medtune.verify; 501 until it is installed), `GET /api/health` says what is ready. The OpenAPI schema is at
/openapi.json and the docs at /docs. Limits, each with one JSON error: a body or question that is too long →
413, more than `MEDTUNE_CHAT_RATE_LIMIT_PER_MINUTE` requests from one client in a minute → 429 (with
Retry-After). `app/server.py` mounts the Gradio chat on this app; run both with `medtune serve`.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from medtune import __version__
from medtune.errors import MedtuneError, Reason

STATUS = {Reason.DATA: 400, Reason.CONFIG: 400, Reason.NOT_AVAILABLE: 503, Reason.CANCELLED: 409}


class ChatRequest(BaseModel):
    question: str = Field(..., description="The user's question.", examples=["Can I take ibuprofen if I'm on aspirin?"])
    generator: str | None = Field(None, description="embedded (default), local, local-base, openai or gemini.")
    style: Literal["patient", "clinician"] | None = Field(None, description="Plain language or clinical terms.")
    session_id: str | None = Field(None, max_length=128, description="Keeps conversation history per session.")


class SentenceOut(BaseModel):
    text: str
    score: float | None
    band: Literal["green", "yellow", "red"]
    note: str | None = Field(None, description="Set when only a user-added document supports the sentence.")


class CitationOut(BaseModel):
    source: str = Field(..., description="The organisation (e.g. U.S. FDA, NIH MedlinePlus).")
    title: str
    url: str
    snippet: str
    provenance: Literal["trusted", "user"] = Field("trusted", description="user: a file added with `medtune kb add`.")


class SafetyOut(BaseModel):
    emergency: bool = Field(..., description="True when the question has emergency red flags.")
    redacted: list[dict[str, Any]] = Field(..., description="Identifiers removed from the question: kind and span.")


class ChatResponse(BaseModel):
    answer: str
    confidence: float | None = Field(..., description="0–1 support of the answer by the sources; null for emergencies.")
    band: Literal["green", "yellow", "red"]
    sentences: list[SentenceOut]
    citations: list[CitationOut]
    safety: SafetyOut
    readability: float | None = Field(..., description="Flesch-Kincaid grade level of the answer.")
    latency_ms: float
    relevance: dict[str, Any] = Field(default_factory=dict, description="Does the answer answer the question: "
                                      "verdict, score, reason, message (docs/CHATBOT.md).")
    abstained: bool = Field(False, description="True when the sources do not answer the question and nothing is quoted.")


class CheckRequest(BaseModel):
    claim: str = Field(..., description="A health claim to check against trusted sources.")


class ErrorOut(BaseModel):
    error: dict[str, str] = Field(..., description="{reason, message, hint}")


class RateLimiter:
    """A sliding one-minute window of request times per client."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def retry_after(self, client: str, now: float | None = None) -> int:
        """0 when the request may go ahead (and is counted), else seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits[client]
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(1, int(60 - (now - hits[0])) + 1)
            hits.append(now)
            return 0


def error(status: int, reason: str, message: str, hint: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"reason": reason, "message": message, "hint": hint}}, status, headers=headers)


def create_app() -> FastAPI:
    from medtune.chat.config import get_chat_settings

    cfg = get_chat_settings()
    app = FastAPI(title="medtune API", version=__version__,
                  description="A healthcare chatbot grounded in trusted sources, with safety triage, guardrails and "
                              "sentence-level confidence; and a claim checker.")
    limiter = RateLimiter(cfg.rate_limit_per_minute)
    max_body = cfg.max_question_chars * 4 + 4096  # UTF-8 worst case plus the JSON around the question

    @app.middleware("http")
    async def limits(request: Request, call_next: Any) -> Any:
        if not request.url.path.startswith("/api/") or request.url.path == "/api/health":
            return await call_next(request)  # health checks (monitors, the Chatbot page) are not rate limited
        size = request.headers.get("content-length")
        if size and size.isdigit() and int(size) > max_body:
            return too_large(f"request body of {size} bytes")
        client = request.client.host if request.client else "unknown"
        wait = limiter.retry_after(client)
        if wait:
            return error(429, "RATE_LIMITED", f"more than {limiter.per_minute} requests a minute from {client}",
                         f"wait {wait} s and try again", headers={"Retry-After": str(wait)})
        return await call_next(request)

    def too_large(what: str) -> JSONResponse:
        return error(413, "TOO_LARGE", f"{what} is over the limit of {cfg.max_question_chars} characters",
                     "shorten the question (MEDTUNE_CHAT_MAX_QUESTION_CHARS sets the limit)")

    @app.exception_handler(MedtuneError)
    async def medtune_error(_: Request, err: MedtuneError) -> JSONResponse:
        return JSONResponse({"error": err.to_dict()}, STATUS.get(err.reason, 500))

    responses: dict[int | str, dict[str, Any]] = {
        413: {"model": ErrorOut, "description": "Question too long"},
        429: {"model": ErrorOut, "description": "Too many requests from this client"},
    }

    @app.post("/api/chat", response_model=ChatResponse, responses=responses, tags=["chat"])
    def chat(req: ChatRequest) -> Any:
        """Answer a health question from trusted sources, with confidence, citations and safety flags."""
        from medtune.chat.pipeline import answer

        if len(req.question) > cfg.max_question_chars:
            return too_large(f"question of {len(req.question)} characters")
        return answer(req.question, generator=req.generator, style=req.style, session_id=req.session_id).to_dict()

    @app.post("/api/check", responses={**responses, 501: {"model": ErrorOut, "description": "No verifier installed"}},
              tags=["check"])
    def check(req: CheckRequest) -> Any:
        """Check a claim against trusted sources: verdict, trust score, band and evidence (medtune.verify)."""
        if len(req.claim) > cfg.max_question_chars:
            return too_large(f"claim of {len(req.claim)} characters")
        checker = claim_checker()
        if checker is None:
            return error(501, "NOT_IMPLEMENTED", "claim checking needs medtune.verify, which is not installed here",
                         "use POST /api/chat meanwhile; the checker arrives with the verifier (medtune check)")
        result = checker(req.claim)
        return result if isinstance(result, dict) else getattr(result, "to_dict", lambda: vars(result))()

    @app.get("/api/health", tags=["status"])
    def health() -> dict[str, Any]:
        """Version, generators (and which are configured), the band thresholds in use, and the verifier."""
        from medtune.chat.generators import list_generators
        from medtune.chat.scoring import load_thresholds

        thresholds = load_thresholds()
        return {"status": "ok", "version": __version__, "generators": list_generators(cfg),
                "thresholds": {"green": thresholds.green, "yellow": thresholds.yellow, "source": thresholds.source},
                "checker": claim_checker() is not None}

    return app


def claim_checker() -> Any:
    """medtune.verify's claim check function when that package is installed, else None."""
    try:
        import medtune.verify as verify  # type: ignore[import-not-found]
    except ImportError:
        return None
    return getattr(verify, "check_claim", None) or getattr(verify, "check", None)
