"""Hardening of `medtune serve` against the real server (uvicorn subprocesses on 127.0.0.1, issues 17, 19, 20).

Body cap while streaming, rate limit keyed on the socket peer (X-Forwarded-For only from configured proxies),
Host allow-list, 400 `{"error": ...}` for malformed bodies and lone surrogates, start-up warm-up reported by
/api/health, and the Gradio side doors (uploads, file serving, its own rate limit) closed.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.chat.test_api_server import REPO, free_port, wait_healthy

RATE = 30  # /api/ requests a client may make a minute: the tests before the rate-limit ones stay under it


def start_server(home: Path, kb: Path, extra_env: dict[str, str], *args: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "MEDTUNE_HOME": str(home), "MEDTUNE_KB_DIR": str(kb),
           "MEDTUNE_CHAT_RATE_LIMIT_PER_MINUTE": str(RATE), "MEDTUNE_CHAT_MAX_QUESTION_CHARS": "300", **extra_env}
    log = home / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "medtune", "serve", *args, "--port", str(port)],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log, timeout_s=180)
    except BaseException:
        proc.kill()
        raise
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def api(built_kb: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """`medtune serve --api-only` with the default settings (no trusted proxy, no extra host names)."""
    home = tmp_path_factory.mktemp("hardening_api")
    proc, url = start_server(home, built_kb, {}, "--api-only")
    try:
        yield url, home, proc
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def full(built_kb: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`medtune serve` (API + Gradio chat) trusting 127.0.0.1 as a reverse proxy and one extra host name."""
    home = tmp_path_factory.mktemp("hardening_full")
    proc, url = start_server(home, built_kb, {"MEDTUNE_TRUSTED_PROXIES": "127.0.0.1",
                                              "MEDTUNE_ALLOWED_HOSTS": "medtune.example, *.hospital.example"})
    try:
        yield url
    finally:
        stop(proc)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


# ----------------------------------------------------------------------------------------------- bodies


def stream_chunked(port: int, path: str, total: int, chunk: int = 64 * 1024) -> tuple[int, bytes]:
    """POST a chunked JSON body of about `total` bytes; returns (bytes sent when the first response byte was
    readable, the response). Sending stops as soon as the server answers or closes the connection."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)  # keep kernel buffering small
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n".encode())
    payload = b'{"question": "' + b"a" * (total - 20) + b'"}'
    sent, answered_at = 0, None
    try:
        for start in range(0, len(payload), chunk):
            piece = payload[start:start + chunk]
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            sent += len(piece)
            time.sleep(0.002)  # a client on a network, not a loopback burst
            if select.select([sock], [], [], 0)[0]:
                answered_at = sent
                break
        else:
            sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        answered_at = sent
    data = b""
    try:
        while b"\r\n\r\n" not in data or len(data) < 200:
            part = sock.recv(65536)
            if not part:
                break
            data += part
    except (ConnectionResetError, TimeoutError):
        pass
    sock.close()
    return (sent if answered_at is None else answered_at), data


def test_a_chunked_body_over_the_cap_is_refused_before_it_is_read_whole(
        api: tuple[str, Path, subprocess.Popen]) -> None:
    url, _, _ = api
    total = 8 * 1024 * 1024
    answered_at, response = stream_chunked(port_of(url), "/api/chat", total)
    assert response.startswith(b"HTTP/1.1 413"), response[:300]
    assert answered_at < total // 4, f"the 413 came only after {answered_at} of {total} bytes"
    body = json.loads(response.split(b"\r\n\r\n", 1)[1].split(b"\r\n0\r\n")[0].strip() or b"{}")
    assert body["error"]["reason"] == "TOO_LARGE"


def test_malformed_bodies_answer_400_with_the_error_object(api: tuple[str, Path, subprocess.Popen]) -> None:
    url, _, _ = api
    cases = {
        "not JSON": (b'{"question": ', "JSON"),
        "wrong type": (json.dumps({"question": 5}).encode(), "question"),
        "missing field": (json.dumps({"generator": "embedded"}).encode(), "question"),
        "not an object": (b"[1, 2]", "object"),
    }
    for what, (body, named) in cases.items():
        resp = httpx.post(f"{url}/api/chat", content=body, headers={"Content-Type": "application/json"}, timeout=60)
        assert resp.status_code == 400, (what, resp.status_code, resp.text)
        err = resp.json()["error"]
        assert set(err) == {"reason", "message", "hint"} and err["reason"] == "DATA", (what, err)
        assert named.lower() in err["message"].lower(), (what, err)
    check = httpx.post(f"{url}/api/check", json={"claims": "x"}, timeout=60)
    assert check.status_code == 400 and "claim" in check.json()["error"]["message"]
    spec = httpx.get(f"{url}/openapi.json").json()["paths"]["/api/chat"]["post"]["responses"]
    assert "400" in spec and "422" not in spec


def test_a_lone_surrogate_is_a_400_and_the_connection_stays_usable(api: tuple[str, Path, subprocess.Popen]) -> None:
    url, home, _ = api
    with httpx.Client(timeout=60) as client:
        for path, field in (("/api/chat", "question"), ("/api/check", "claim")):
            resp = client.post(f"{url}{path}", content=b'{"%s": "why \\ud800 hurts?"}' % field.encode(),
                               headers={"Content-Type": "application/json"})
            assert resp.status_code == 400, (path, resp.status_code, resp.text)
            assert resp.json()["error"]["reason"] == "DATA" and field in resp.json()["error"]["message"]
            assert client.get(f"{url}/api/health").status_code == 200  # same connection, not reset
    assert "Traceback" not in (home / "server.log").read_text(errors="replace")


def test_host_header_must_be_a_configured_name(api: tuple[str, Path, subprocess.Popen]) -> None:
    url, _, _ = api
    bad = httpx.get(f"{url}/api/health", headers={"Host": "evil.example"})
    assert bad.status_code == 400 and bad.json()["error"]["reason"] == "HOST_NOT_ALLOWED"
    assert "MEDTUNE_ALLOWED_HOSTS" in bad.json()["error"]["hint"]
    for host in ("localhost", f"localhost:{port_of(url)}", "127.0.0.1", f"[::1]:{port_of(url)}"):
        assert httpx.get(f"{url}/api/health", headers={"Host": host}).status_code == 200, host


def test_health_reports_the_start_up_warm_up(api: tuple[str, Path, subprocess.Popen]) -> None:
    url, _, _ = api
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        warm = httpx.get(f"{url}/api/health", timeout=10).json()["warmup"]
        assert warm["state"] in ("warming", "ready"), warm
        if warm["state"] == "ready":
            break
        time.sleep(1)
    assert warm["state"] == "ready", warm
    assert [s["name"] for s in warm["steps"]] == ["knowledge base", "encoder", "scorer"]
    assert all(s["seconds"] >= 0 for s in warm["steps"]) and warm["seconds"] > 0


def test_forwarded_for_does_not_buy_a_fresh_quota(api: tuple[str, Path, subprocess.Popen]) -> None:
    """Runs last in this module: it spends the client's quota for a minute."""
    url, _, _ = api
    statuses = []
    with httpx.Client(timeout=60) as client:
        for i in range(RATE + 1):
            resp = client.post(f"{url}/api/chat", json={"question": "hi", "generator": "nope"},
                               headers={"X-Forwarded-For": f"203.0.113.{i}"})
            statuses.append(resp.status_code)
    assert statuses[-1] == 429, statuses
    assert "127.0.0.1" in resp.json()["error"]["message"]


# ------------------------------------------------------------------------------- full server (Gradio)


def test_configured_proxies_and_host_names_are_honoured(full: str) -> None:
    statuses = []
    with httpx.Client(timeout=60) as client:
        for i in range(RATE + 2):  # each forwarded client has its own quota when 127.0.0.1 is a trusted proxy
            resp = client.post(f"{full}/api/chat", json={"question": "hi", "generator": "nope"},
                               headers={"X-Forwarded-For": f"198.51.100.{i}"})
            statuses.append(resp.status_code)
    assert 429 not in statuses, statuses
    for host in ("medtune.example", "ward3.hospital.example:443"):
        assert httpx.get(f"{full}/api/health", headers={"Host": host}).status_code == 200, host
    assert httpx.get(f"{full}/api/health", headers={"Host": "hospital.example.evil"}).status_code == 400


def test_gradio_uploads_and_file_serving_are_closed(full: str) -> None:
    assert httpx.get(f"{full}/gradio/", timeout=60).status_code == 200  # the chat itself still loads
    assert httpx.get(f"{full}/gradio/config", timeout=60).status_code == 200
    upload = httpx.post(f"{full}/gradio/gradio_api/upload", files={"files": ("x.html", b"<script>1</script>")},
                        headers={"Origin": "https://evil.example"}, timeout=60)
    assert upload.status_code == 404, upload.text
    assert upload.json()["error"]["reason"] == "NOT_FOUND"
    for path in ("/gradio/gradio_api/file=/etc/hostname", "/gradio/gradio_api/upload_progress?upload_id=x",
                 "/gradio/gradio_api/proxy=https://example.org/"):
        assert httpx.get(f"{full}{path}", timeout=60).status_code == 404, path


def test_gradio_chat_shares_the_rest_rate_limit(full: str) -> None:
    """Gradio's queue/join (what the chat's Ask button calls) and /api/chat spend one quota per client."""
    config = httpx.get(f"{full}/gradio/config", timeout=60).json()
    respond = next(d for d in config["dependencies"] if d.get("api_name") == "respond")
    # The Ask button's own call; generator "nope" fails at once, so no model work is queued.
    join = {"data": ["hi", [], "nope", "patient", None], "fn_index": respond["id"], "session_hash": "test",
            "trigger_id": respond["targets"][0][0], "event_data": None}
    statuses = []
    with httpx.Client(timeout=60) as client:
        for _ in range(RATE):
            statuses.append(client.post(f"{full}/gradio/gradio_api/queue/join", json=join).status_code)
    assert 429 not in statuses, statuses
    limited = httpx.post(f"{full}/gradio/gradio_api/queue/join", json=join, timeout=60)
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert "requests a minute" in limited.json()["detail"]  # what Gradio's client shows in its error toast
    rest = httpx.post(f"{full}/api/chat", json={"question": "hi"}, timeout=60)
    assert rest.status_code == 429, rest.text
