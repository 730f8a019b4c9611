"""The Chatbot page: says how to start the server when it is down, starts it on request, then shows the chat."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "chatbot.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> int:
    from medtune.settings import get_settings

    value = free_port()
    monkeypatch.setenv("MEDTUNE_API_PORT", str(value))
    get_settings.cache_clear()
    return value


def test_server_down_says_how_and_starts_it(port: int, medtune_home: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Chatbot"
    assert "medtune serve" in at.info[0].value and str(port) in at.info[0].value
    assert at.button[0].label == "Start the chat server"
    pid_file = medtune_home / "chat" / "server.pid"
    try:
        at.button[0].click().run()
        assert not at.exception, at.exception
        frames = at.get("iframe")
        assert frames and f"127.0.0.1:{port}/gradio/" in str(frames[0].proto)
        assert any("REST API docs" in m.value for m in at.markdown)
    finally:
        if pid_file.exists():
            try:
                os.killpg(int(pid_file.read_text()), signal.SIGTERM)
            except ProcessLookupError:
                pass
