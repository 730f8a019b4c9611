"""medtune's REST API (FastAPI, no UI framework): the chatbot and the claim checker.

`POST /api/chat` answers a question (the `medtune chat --json` object), `POST /api/check` checks a claim
(medtune.verify; 501 until it is installed), `GET /api/health` says what is ready (and how far the start-up
warm-up got). The OpenAPI schema is at /openapi.json and the docs at /docs. Every error is one JSON object
`{"error": {reason, message, hint}}`: a malformed body, a missing or mistyped field or text that is not valid
Unicode → 400; a body or question that is too long → 413 (a streamed body is cut off at the cap, never read
whole); more than `MEDTUNE_CHAT_RATE_LIMIT_PER_MINUTE` requests from one client in a minute → 429 (with
Retry-After); a Host header that is not one of the server's names → 400. The `Guard` middleware in front of the
app applies the host, size and rate limits to everything on the port, the mounted Gradio chat included
(`app/server.py` adds its paths); run both with `medtune serve`. docs/SECURITY.md explains the settings.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from medtune import __version__
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


class CitationOut(BaseModel):
    source: str = Field(..., description="The organisation (e.g. U.S. FDA, NIH MedlinePlus).")
    title: str
    url: str
    snippet: str


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


class CheckRequest(BaseModel):
    claim: str = Field(..., description="A health claim to check against trusted sources.")

    _text = field_validator("claim")(valid_text)


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
            if len(self._hits) > 10_000:  # many clients over time: forget those idle for a minute
                self._hits = defaultdict(deque, {c: h for c, h in self._hits.items() if h and now - h[-1] < 60})
            return 0


def error(status: int, reason: str, message: str, hint: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"reason": reason, "message": message, "hint": hint}}, status, headers=headers)


# ------------------------------------------------------------------------------------------ the guard

#: Body cap outside /api/ (the mounted Gradio chat: its queue/join bodies carry the chat history).
OTHER_BODY_LIMIT = 1024 * 1024


@dataclass
class GuardRules:
    """What the Guard enforces; `app.state.guard` holds it so app/server.py can add the Gradio paths."""

    allowed_hosts: list[str]
    api_body_limit: int
    limiter: RateLimiter
    max_question_chars: int
    #: Path prefixes that spend the client's rate-limit quota (one quota per client for all of them).
    rate_limited: list[str] = field(default_factory=lambda: ["/api/"])
    not_rate_limited: list[str] = field(default_factory=lambda: ["/api/health"])
    #: Path prefixes answered 404 before they reach the app (Gradio's upload and file serving).
    blocked: list[str] = field(default_factory=list)

    def host_allowed(self, host_header: str) -> bool:
        name = host_name(host_header)
        for allowed in self.allowed_hosts:
            if allowed == "*" or name == allowed or (allowed.startswith("*.") and name.endswith(allowed[1:])):
                return True
        return False

    def body_limit(self, path: str) -> int:
        return self.api_body_limit if path.startswith("/api/") else OTHER_BODY_LIMIT

    def spends_quota(self, path: str) -> bool:
        return (any(path.startswith(p) for p in self.rate_limited)
                and not any(path.startswith(p) for p in self.not_rate_limited))


def host_name(host_header: str) -> str:
    """'Example.org:8765' -> 'example.org'; '[::1]:8765' -> '::1'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_host_names(host: str, extra: str) -> list[str]:
    """The names the server answers to: loopback names, the bound host (unless a wildcard), MEDTUNE_ALLOWED_HOSTS."""
    from medtune.settings import LOOPBACK_HOSTS, split_names

    names = [*LOOPBACK_HOSTS, *(n.lower() for n in split_names(extra))]
    if host not in ("", "0.0.0.0", "::"):
        names.append(host_name(host) if not host.startswith("[") and host.count(":") <= 1 else host.strip("[]"))
    return names


class Guard:
    """Pure ASGI middleware in front of everything on the port: Host allow-list (DNS rebinding, issue 20.6),
    blocked paths, declared and streamed body size (issue 19.2: a chunked body is cut off at the cap instead of
    being buffered whole), then the per-client rate limit (keyed on the socket peer; uvicorn rewrites it from
    X-Forwarded-For only for MEDTUNE_TRUSTED_PROXIES, issue 19.3). Pure ASGI because it must see the body as
    it arrives, which a BaseHTTPMiddleware cannot."""

    def __init__(self, app: Any, rules: GuardRules):
        self.app, self.rules = app, rules

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refusal = self.refuse_before_body(scope)
        if refusal is None and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            body = await read_capped(receive, self.rules.body_limit(scope["path"]))
            if body is None:
                refusal = self.too_large("the request body", close=True)
            else:
                receive = replay(body, receive)
        if refusal is not None:
            return await refusal(scope, receive, send)
        return await self.app(scope, receive, send)

    def refuse_before_body(self, scope: dict[str, Any]) -> JSONResponse | None:
        path, headers = scope["path"], dict(scope["headers"])
        host = headers.get(b"host", b"").decode("latin-1")
        if not self.rules.host_allowed(host):
            return error(400, "HOST_NOT_ALLOWED", f"Host {host!r} is not a name this server answers to",
                         "use http://127.0.0.1:PORT, or add the name to MEDTUNE_ALLOWED_HOSTS on the server "
                         "(docs/SECURITY.md)")
        if any(path.startswith(p) for p in self.rules.blocked):
            return self.for_gradio(path, error(404, "NOT_FOUND", f"{path} is not served here",
                                               "the chat accepts no file uploads and serves no files"))
        size = headers.get(b"content-length", b"").decode("latin-1")
        if size.isdigit() and int(size) > self.rules.body_limit(path):
            return self.too_large(f"request body of {size} bytes", close=True)
        if self.rules.spends_quota(path):
            client = scope["client"][0] if scope.get("client") else "unknown"
            wait = self.rules.limiter.retry_after(client)
            if wait:
                return self.for_gradio(path, error(
                    429, "RATE_LIMITED", f"more than {self.rules.limiter.per_minute} requests a minute from {client}",
                    f"wait {wait} s and try again", headers={"Retry-After": str(wait)}))
        return None

    def too_large(self, what: str, *, close: bool = False) -> JSONResponse:
        resp = error(413, "TOO_LARGE", f"{what} is over the limit of {self.rules.max_question_chars} characters",
                     "shorten the question (MEDTUNE_CHAT_MAX_QUESTION_CHARS sets the limit)")
        if close:  # the rest of the body is never read: end the connection rather than drain it
            resp.headers["Connection"] = "close"
        return resp

    @staticmethod
    def for_gradio(path: str, resp: JSONResponse) -> JSONResponse:
        """Outside /api/ the caller is Gradio's client, which shows a failed call's `detail` in its error toast."""
        if path.startswith("/api/"):
            return resp
        err = json.loads(resp.body)["error"]
        out = JSONResponse({"error": err, "detail": f"{err['message']}; {err['hint']}"}, resp.status_code)
        for name in ("Retry-After",):
            if name in resp.headers:
                out.headers[name] = resp.headers[name]
        return out


async def read_capped(receive: Any, limit: int) -> bytes | None:
    """The whole request body, or None as soon as more than `limit` bytes have arrived."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        size += len(message.get("body", b""))
        if size > limit:
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes, receive: Any) -> Any:
    """A receive callable that hands the app the body already read, then waits on the real one (disconnects)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive_again() -> dict[str, Any]:
        return pending.pop() if pending else await receive()

    return receive_again


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
    from medtune.chat.scoring import get_scorer

    redact("warm-up")
    get_scorer().score_sentences(["Asthma narrows the airways."], ["Asthma is a disease of the airways."])


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
        """Version, generators (and which are configured), the band thresholds in use, the verifier, and the
        start-up warm-up: `warmup.state` is warming | ready | failed | off (not asked for)."""
        from medtune.chat.generators import list_generators
        from medtune.chat.scoring import load_thresholds

        thresholds = load_thresholds()
        return {"status": "ok", "version": __version__, "generators": list_generators(cfg),
                "thresholds": {"green": thresholds.green, "yellow": thresholds.yellow, "source": thresholds.source},
                "checker": claim_checker() is not None, "warmup": app.state.warmup.to_dict()}

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


def claim_checker() -> Any:
    """medtune.verify's claim check function when that package is installed, else None."""
    try:
        import medtune.verify as verify  # type: ignore[import-not-found]
    except ImportError:
        return None
    return getattr(verify, "check_claim", None) or getattr(verify, "check", None)
