"""medtune's REST API (FastAPI, no UI framework): the chatbot and the claim checker.

`POST /api/chat` answers a question (the `medtune chat --json` object), `POST /api/check` checks a claim
(medtune.verify), `GET /api/health` says what is ready (and how far the start-up
warm-up got). The OpenAPI schema is at /openapi.json and the docs at /docs. Every error is one JSON object
`{"error": {reason, message, hint}}`: a malformed body, a missing or mistyped field or text that is not valid
Unicode → 400; a body or question that is too long → 413 (a streamed body is cut off at the cap, never read
whole); more than `MEDTUNE_CHAT_RATE_LIMIT_PER_MINUTE` requests from one client in a minute → 429 (with
Retry-After); a Host header that is not one of the server's names → 400. The Guard middleware
(medtune.rest_guard) applies the host, size and rate limits to everything on the port, the mounted Gradio chat
included (`app/server.py` adds its paths); run both with `medtune serve`. docs/SECURITY.md explains the settings.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from medtune import __version__
from medtune.rest_guard import Guard, GuardRules, RateLimiter, allowed_host_names, error
from medtune.errors import MedtuneError, Reason
from medtune.io import text_problem

STATUS = {Reason.DATA: 400, Reason.CONFIG: 400, Reason.NOT_AVAILABLE: 503, Reason.CANCELLED: 409}


def valid_text(value: Any) -> Any:
    """Refuse text that is not valid Unicode (a lone surrogate from a "\\ud800" JSON escape): a 400, not a 500."""
    problem = text_problem(value) if isinstance(value, str) else None
    if problem:
        raise ValueError(problem)
    return value


class ChatRequest(BaseModel):
    question: str = Field(..., description="The user's question.", examples=["Can I take ibuprofen if I'm on aspirin?"])
    generator: str | None = Field(None, description="embedded (default), local, local-base, openai or gemini.")
    style: Literal["patient", "clinician"] | None = Field(None, description="Plain language or clinical terms.")
    session_id: str | None = Field(None, max_length=128, description="Keeps conversation history per session.")

    _text = field_validator("question", "generator", "session_id")(valid_text)


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

    _text = field_validator("claim")(valid_text)


class ErrorOut(BaseModel):
    error: dict[str, str] = Field(..., description="{reason, message, hint}")


# ----------------------------------------------------------------------------------------- warm-up


class Warmup:
    """Loads what the first answer needs — the knowledge base, the MiniLM encoder, the sentence scorer — in a
    background thread when `medtune serve` starts (issue 17: the first answer waited ~17 s on them)."""

    STEPS = ("knowledge base", "encoder", "scorer")

    def __init__(self) -> None:
        self.state = "off"
        self.steps: list[dict[str, Any]] = []
        self.error: str | None = None
        self.started = self.ended = 0.0

    def start(self) -> None:
        self.state, self.started = "warming", time.perf_counter()
        threading.Thread(target=self.run, name="medtune-warmup", daemon=True).start()

    def run(self) -> None:
        actions = dict(zip(self.STEPS, (warm_knowledge_base, warm_encoder, warm_scorer)))
        for name, action in actions.items():
            began = time.perf_counter()
            try:
                action()
            except Exception as exc:  # noqa: BLE001 — the server keeps serving; the first answer says what is wrong
                self.error = f"{name}: {type(exc).__name__}: {getattr(exc, 'message', None) or exc}"
                self.steps.append({"name": name, "seconds": round(time.perf_counter() - began, 2), "ok": False})
                self.state = "failed"
                break
            self.steps.append({"name": name, "seconds": round(time.perf_counter() - began, 2), "ok": True})
        else:
            self.state = "ready"
        self.ended = time.perf_counter()
        print(f"warm-up {self.state} in {self.ended - self.started:.1f} s"
              + (f" ({self.error})" if self.error else ""), flush=True)

    def to_dict(self) -> dict[str, Any]:
        end = self.ended or (time.perf_counter() if self.state == "warming" else self.started)
        return {"state": self.state, "steps": list(self.steps), "error": self.error,
                "seconds": round(end - self.started, 2) if self.started else 0.0}


def warm_knowledge_base() -> None:
    from medtune.chat.evidence import retrieve

    retrieve("warm-up: what is asthma?", k=1)  # opens the store, its BM25 index and the query encoder


def warm_encoder() -> None:
    from medtune.chat.scoring import encode

    encode(["Warm-up sentence."])


def warm_scorer() -> None:
    from medtune.chat.evidence import redact
    from medtune.chat.scoring import score_sentences

    redact("warm-up")
    score_sentences(["Asthma narrows the airways."], ["Asthma is a disease of the airways."])


# --------------------------------------------------------------------------------------------- the app


def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 `{"detail": [...]}` becomes the documented 400 `{"error": ...}` naming the fields."""
    problems = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err.get("loc", ()) if part != "body")
        if err.get("type") == "json_invalid":
            problems.append(f"the body is not valid JSON ({err.get('ctx', {}).get('error', 'parse error')})")
        elif err.get("type") == "model_attributes_type" or (not where and err.get("type", "").endswith("_type")):
            problems.append("the body must be a JSON object")
        else:
            problems.append(f"{where or 'body'}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
    field_name = "claim" if request.url.path.startswith("/api/check") else "question"
    return error(400, "DATA", "; ".join(problems) or "invalid request body",
                 f'send a JSON object such as {{"{field_name}": "..."}} with Content-Type application/json; '
                 "the schema is at /docs")


def create_app(*, warmup: bool = False, host: str | None = None) -> FastAPI:
    """The API. `warmup=True` (medtune serve) loads the chat's models in the background at start-up; `host` is
    the address it is bound to (default MEDTUNE_HOST), one of the Host names it answers to."""
    from medtune.chat.config import get_chat_settings
    from medtune.settings import get_settings

    cfg, settings = get_chat_settings(), get_settings()
    app = FastAPI(title="medtune API", version=__version__,
                  description="A healthcare chatbot grounded in trusted sources, with safety triage, guardrails and "
                              "sentence-level confidence; and a claim checker.")
    rules = GuardRules(allowed_hosts=allowed_host_names(host or settings.host, settings.allowed_hosts),
                       api_body_limit=cfg.max_question_chars * 4 + 4096,  # UTF-8 worst case plus the JSON around it
                       limiter=RateLimiter(cfg.rate_limit_per_minute), max_question_chars=cfg.max_question_chars)
    app.state.guard = rules
    app.add_middleware(Guard, rules=rules)
    app.state.warmup = Warmup()
    if warmup:
        app.state.warmup.start()

    def too_large(what: str) -> JSONResponse:
        return error(413, "TOO_LARGE", f"{what} is over the limit of {cfg.max_question_chars} characters",
                     "shorten the question (MEDTUNE_CHAT_MAX_QUESTION_CHARS sets the limit)")

    @app.exception_handler(MedtuneError)
    async def medtune_error(_: Request, err: MedtuneError) -> JSONResponse:
        return JSONResponse({"error": err.to_dict()}, STATUS.get(err.reason, 500))

    app.exception_handler(RequestValidationError)(validation_error)

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        return error(500, "INTERNAL", f"unexpected {type(exc).__name__}", "the server log has the traceback")

    responses: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorOut, "description": "Malformed body, missing or mistyped field, or invalid text"},
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

    @app.post("/api/check", responses=responses, tags=["check"])
    def check(req: CheckRequest) -> Any:
        """Check a claim against trusted sources: verdict, trust score, band and evidence (medtune.verify)."""
        from medtune.verify import check_claim

        if len(req.claim) > cfg.max_question_chars:
            return too_large(f"claim of {len(req.claim)} characters")
        return check_claim(req.claim).to_dict()

    @app.get("/api/health", tags=["status"])
    def health() -> dict[str, Any]:
        """Version, generators (and which are configured), the band thresholds in use and the
        start-up warm-up: `warmup.state` is warming | ready | failed | off (not asked for)."""
        from medtune.chat.generators import list_generators
        from medtune.chat.scoring import load_thresholds

        thresholds = load_thresholds()
        return {"status": "ok", "version": __version__, "generators": list_generators(cfg),
                "thresholds": {"green": thresholds.green, "yellow": thresholds.yellow, "source": thresholds.source},
                "warmup": app.state.warmup.to_dict()}

    app.openapi = lambda: openapi_without_422(app)  # type: ignore[method-assign]
    return app


def openapi_without_422(app: FastAPI) -> dict[str, Any]:
    """The schema FastAPI generates, less its automatic 422 responses: this API answers 400 instead."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)
        app.openapi_schema = schema
    return app.openapi_schema

