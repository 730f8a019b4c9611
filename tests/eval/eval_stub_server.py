"""A small OpenAI-compatible app for the API tests: /v1/chat/completions with deterministic answers."""

from __future__ import annotations

from typing import Any


def stub_answer(user_message: str) -> str:
    """Deterministic: 'no' when the question contains ' not ' or "n't", else 'yes'; wrapped in prose."""
    question = user_message.split("Question:", 1)[-1].split("\n", 1)[0].lower()
    word = "no" if (" not " in f" {question} " or "n't" in question) else "yes"
    return f"Based on the context, the answer is {word}."


def build_stub_app(requests_seen: list[dict[str, Any]]) -> Any:
    from fastapi import FastAPI, Header, HTTPException

    app = FastAPI()

    @app.post("/v1/chat/completions")
    def chat(body: dict[str, Any], authorization: str | None = Header(None)) -> dict[str, Any]:
        if authorization == "Bearer bad-key":
            raise HTTPException(status_code=401, detail={"error": {"message": "Incorrect API key provided"}})
        requests_seen.append(body)
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        reply = stub_answer(user) if "Reply with exactly one of" in user else "Drink fluids and rest. See a doctor if it worsens."
        return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": reply}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}

    return app
