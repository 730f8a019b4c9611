"""API baselines through the official clients, against a local OpenAI-compatible server — never the internet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.errors import NotAvailableError
from medtune.models.api_clients import GeminiChat, OpenAIChat, parse_ref
from medtune.eval.prompts import parse_label
from medtune.eval.runner import evaluate

from tests.eval.eval_stub_server import stub_answer  # tests/eval/eval_stub_server.py

pytest.importorskip("openai")

KEY_VARS = ("OPENAI_API_KEY", "MEDTUNE_OPENAI_API_KEY", "OPENAI_BASE_URL", "MEDTUNE_OPENAI_BASE_URL",
            "GEMINI_API_KEY", "MEDTUNE_GEMINI_API_KEY", "GOOGLE_API_KEY")


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in KEY_VARS:
        monkeypatch.delenv(var, raising=False)


def test_openai_compatible_endpoint_end_to_end(openai_stub: dict, shared_data: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDTUNE_OPENAI_BASE_URL", openai_stub["base_url"])
    before = len(openai_stub["requests"])
    ev = evaluate("openai:local-test-model", "pubmedqa", "dev", tmp_path, limit=12, n_boot=100)
    rows = [json.loads(x) for x in (tmp_path / "predictions.jsonl").read_text().split("\n") if x]
    requests = openai_stub["requests"][before:]

    assert len(requests) == 12 and {r["model"] for r in requests} == {"local-test-model"}
    assert all(r["temperature"] == 0 for r in requests)
    users = [next(m["content"] for m in r["messages"] if m["role"] == "user") for r in requests]
    assert all("Reply with exactly one of: yes, no, maybe." in u for u in users)
    # each prediction is the label the server's deterministic rule gives for that item's question
    from medtune.data.examples import load_examples

    questions = {e.id: e.text for e in load_examples("pubmedqa", "dev", limit=12)}
    for row in rows:
        expected = stub_answer(f"Question: {questions[row['id']]}\n").rsplit(" ", 1)[-1].rstrip(".")
        assert row["pred"] == expected and row["text"].startswith("Based on the context")
    correct = sum(r["pred"] == r["gold"] for r in rows)
    assert ev["metrics"]["accuracy"]["value"] == pytest.approx(correct / 12)
    assert ev["metrics"]["ece"]["unavailable"] == "the model gave no confidence scores"
    assert ev["baseline_kind"] == "api" and ev["model"]["base_url"] == openai_stub["base_url"]
    assert ev["prompt"]["id"] == "chat-label-v1" and ev["prompt"]["version"] == 1
    assert "key" not in json.dumps(ev["model"]).lower().replace("max_tokens", "")


def test_generation_through_the_api(openai_stub: dict, shared_data: Path, tmp_path: Path) -> None:
    ev = evaluate("openai:local-test-model", "medquad", "all", tmp_path, limit=3, n_boot=50,
                  base_url=openai_stub["base_url"],
                  metrics=["rouge1", "rougeL", "answer_length", "readability_grade", "faithfulness"])
    rows = [json.loads(x) for x in (tmp_path / "predictions.jsonl").read_text().split("\n") if x]
    assert ev["task"] == "sft" and ev["prompt"]["id"] == "chat-generate-v1"
    assert all(r["pred"] == "Drink fluids and rest. See a doctor if it worsens." for r in rows)
    assert 0 <= ev["metrics"]["rouge1"]["value"] <= 1
    assert ev["metrics"]["answer_length"]["value"] == 10
    assert ev["metrics"]["faithfulness"]["value"] is None
    assert set(rows[0]["scores"]) >= {"rouge1", "rougeL", "readability_grade"}


def test_no_key_and_no_base_url_says_what_to_set() -> None:
    with pytest.raises(NotAvailableError) as err:
        OpenAIChat("gpt-3.5-turbo")
    assert "OPENAI_API_KEY" in err.value.hint and "MEDTUNE_OPENAI_BASE_URL" in err.value.hint


def test_registry_api_model_without_key_fails_before_any_work(shared_data: Path, tmp_path: Path) -> None:
    with pytest.raises(NotAvailableError, match="no OpenAI key"):
        evaluate("gpt-3.5-turbo", "pubmedqa", "dev", tmp_path)
    assert parse_ref("gpt-3.5-turbo") == ("openai", "gpt-3.5-turbo-0125")
    with pytest.raises(NotAvailableError) as err:
        evaluate("gemini-1.5-flash", "pubmedqa", "dev", tmp_path)
    assert "GEMINI_API_KEY" in err.value.hint
    assert not (tmp_path / "eval.json").exists()


def test_gemini_without_key() -> None:
    with pytest.raises(NotAvailableError, match="no Gemini API key") as err:
        GeminiChat("gemini-1.5-flash")
    assert "GEMINI_API_KEY" in err.value.hint
    assert parse_ref("gemini:gemini-2.0-flash-exp") == ("google", "gemini-2.0-flash-exp")


def test_rejected_key_and_unreachable_server(openai_stub: dict) -> None:
    with pytest.raises(NotAvailableError, match="key was rejected"):
        OpenAIChat("m", base_url=openai_stub["base_url"], api_key="bad-key").complete("", "hi", 5)
    with pytest.raises(NotAvailableError, match="cannot reach"):
        OpenAIChat("m", base_url="http://127.0.0.1:9/v1").complete("", "hi", 5)


def test_reply_parsing() -> None:
    labels = ("supported", "refuted", "not_enough_info")
    assert parse_label("There is not enough information to say.", labels) == "not_enough_info"
    assert parse_label("REFUTED. The evidence contradicts it.", labels) == "refuted"
    assert parse_label("I cannot tell", labels) is None
    assert parse_label("Answer: no — not yes", ("yes", "no", "maybe")) == "no"
    assert parse_label("very negative overall", ("very_negative", "negative", "neutral")) == "very_negative"
