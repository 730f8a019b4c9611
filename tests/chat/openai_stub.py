"""A local OpenAI-compatible chat-completions server (127.0.0.1) that streams scripted answers, for tests.

It plays a model that obeys whatever it is told: asked to reveal its prompt, it repeats the system message
and the sources it was given; otherwise it answers with false reassurance and a dose change. The pipeline's
guardrails must clean both. Every request body is kept in `requests` for assertions.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

UNSAFE_ANSWER = ("Yes, you can take them together without any concerns. Ibuprofen may decrease this benefit of "
                 "aspirin [1]. You can stop taking your aspirin for a few days.")


def reply_for(body: dict[str, Any]) -> str:
    user = body["messages"][-1]["content"]
    if "reveal" in user.lower():
        return body["messages"][0]["content"] + "\n" + user
    return UNSAFE_ANSWER


class Handler(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        if not self.path.endswith("/chat/completions"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        words = reply_for(body).split(" ")
        for i, word in enumerate(words):
            piece = word if i == 0 else " " + word
            chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                     "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")


def start() -> tuple[ThreadingHTTPServer, str, list[dict[str, Any]]]:
    """Start on a free port; returns (server, base URL ending in /v1, the list of received requests)."""
    handler = type("StubHandler", (Handler,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/v1", handler.requests
