"""The REST API against the real server: `medtune serve --api-only` under uvicorn on 127.0.0.1, limits included."""

from __future__ import annotations

import importlib.util
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = "Can I take ibuprofen if I'm already on aspirin for heart disease?"
RATE = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"server not healthy after {timeout_s} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(built_kb: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("api_home")
    port = free_port()
    env = {**os.environ, "MEDTUNE_HOME": str(home), "MEDTUNE_KB_DIR": str(built_kb),
           "MEDTUNE_CHAT_RATE_LIMIT_PER_MINUTE": str(RATE), "MEDTUNE_CHAT_MAX_QUESTION_CHARS": "300"}
    log = home / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "medtune", "serve", "--api-only", "--port", str(port)],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log)
        yield url, home
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_health_and_openapi(server: tuple[str, Path]) -> None:
    url, _ = server
    health = httpx.get(f"{url}/api/health").json()
    assert health["status"] == "ok"
    assert health["thresholds"]["source"] == "default" or health["thresholds"]["source"].startswith("calibrated")
    assert {"name": "embedded", "configured": True}.items() <= health["generators"][0].items()
    paths = httpx.get(f"{url}/openapi.json").json()["paths"]
    assert {"/api/chat", "/api/check", "/api/health"} <= set(paths)
    assert "413" in paths["/api/chat"]["post"]["responses"] and "429" in paths["/api/chat"]["post"]["responses"]
    assert httpx.get(f"{url}/docs").status_code == 200


def test_chat_answers_the_seed_question(server: tuple[str, Path]) -> None:
    url, home = server
    resp = httpx.post(f"{url}/api/chat", json={"question": SEED, "generator": "embedded"}, timeout=120)
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert set(out) == {"answer", "confidence", "band", "sentences", "citations", "safety", "readability", "latency_ms",
                        "relevance", "abstained"}
    assert "ibuprofen may decrease this benefit of aspirin" in out["answer"]
    assert any("FDA" in c["source"] for c in out["citations"]) and out["band"] in ("green", "yellow")
    audit = home / "chat" / "audit.jsonl"
    assert audit.is_file()
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600 and stat.S_IMODE(audit.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(home.stat().st_mode) == 0o700  # MEDTUNE_HOME itself is owner-only (issue 19.5)
    assert out["abstained"] is False and out["relevance"]["verdict"] == "relevant"


def test_chat_abstains_on_a_personal_prognosis_and_says_why(server: tuple[str, Path]) -> None:
    url, _ = server
    resp = httpx.post(f"{url}/api/chat", json={"question": "I'm 54 with type 2 diabetes, how many years do I have left?"},
                      timeout=120)
    out = resp.json()
    assert resp.status_code == 200 and out["abstained"] is True and out["band"] == "yellow"
    assert out["relevance"]["reason"] == "personal_prognosis" and out["relevance"]["message"] in out["answer"]
    assert out["sentences"] == [] and out["citations"] == []


def test_errors_are_json_with_a_reason(server: tuple[str, Path]) -> None:
    url, _ = server
    resp = httpx.post(f"{url}/api/chat", json={"question": "What is asthma?", "generator": "nope"}, timeout=60)
    assert resp.status_code == 400 and resp.json()["error"]["reason"] == "CONFIG"
    long_q = httpx.post(f"{url}/api/chat", json={"question": "why " * 100}, timeout=60)
    assert long_q.status_code == 413 and long_q.json()["error"]["reason"] == "TOO_LARGE"
    huge = httpx.post(f"{url}/api/chat", content=b'{"question": "' + b"a" * 50_000 + b'"}',
                      headers={"Content-Type": "application/json"}, timeout=60)
    assert huge.status_code == 413 and "limit" in huge.json()["error"]["message"]


def test_check_delegates_to_the_verifier_or_says_it_is_missing(server: tuple[str, Path]) -> None:
    url, _ = server
    resp = httpx.post(f"{url}/api/check", json={"claim": "Vitamin C prevents COVID-19"}, timeout=120)
    if importlib.util.find_spec("medtune.verify") is None:
        assert resp.status_code == 501 and "medtune.verify" in resp.json()["error"]["message"]
    else:
        assert resp.status_code == 200 and "verdict" in resp.json()


def test_rate_limit_answers_429_with_retry_after(server: tuple[str, Path]) -> None:
    url, _ = server
    statuses = []
    for _ in range(RATE + 1):
        resp = httpx.post(f"{url}/api/chat", json={"question": "hi", "generator": "nope"}, timeout=60)
        statuses.append(resp.status_code)
        if resp.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    assert int(resp.headers["Retry-After"]) >= 1 and resp.json()["error"]["reason"] == "RATE_LIMITED"
    assert httpx.get(f"{url}/api/health").status_code == 200  # health is never rate limited
