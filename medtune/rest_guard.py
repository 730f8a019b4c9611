"""The guard in front of `medtune serve`: Host allow-list, blocked paths, body cap, per-client rate limit.

`Guard` is pure ASGI middleware around everything on the port — medtune.rest_api's routes and the Gradio chat that
app/server.py mounts — configured by one `GuardRules` (kept on `app.state.guard` so the UI layer can add its
own paths). Every refusal is the API's error object `{"error": {reason, message, hint}}`. docs/SECURITY.md
describes the limits and the settings behind them (issues 19.2, 19.3, 20.5, 20.6).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import JSONResponse


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
