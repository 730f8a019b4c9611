"""End to end in a real browser (issue 17): while `medtune serve` is still loading its models, the Chatbot page
shows how far it got ("Loading models… 0/3: knowledge base") and a question asked meanwhile waits in a bubble
that says so, never an empty one; once loaded, the line says "Ready" and the answer arrives.

The server runs in this process (app.server.build_app under uvicorn, on a free port) so the test can hold the
warm-up at its first step for as long as it looks: it holds the knowledge-base client lock that the warm-up's
first search needs (a real lock of medtune.kb.store, as a slow disk would hold the warm-up), then lets go.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import REPO, free_port, run_streamlit

pytestmark = pytest.mark.e2e

SHARED = REPO.parent / "shared" / "data"


@pytest.fixture
def chat_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    """A real knowledge base and the chat server (API + Gradio) in a thread, its warm-up not started yet."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not present")
    import uvicorn

    from medtune.chat.config import get_chat_settings
    from medtune.settings import get_settings
    from tests.chat.kbutil import build_kb

    kb_dir = build_kb(tmp_path / "kb", medquad=5)
    port = free_port()
    monkeypatch.setenv("MEDTUNE_KB_DIR", str(kb_dir))
    monkeypatch.setenv("MEDTUNE_API_PORT", str(port))
    get_settings.cache_clear()
    get_chat_settings.cache_clear()
    from app.server import build_app

    app = build_app(warmup=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="chat-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the chat server did not start"
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}", app.state.warmup
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_the_chat_shows_the_warm_up_and_a_waiting_answer_is_never_an_empty_bubble(
        chat_server: tuple[str, Any], browser_page: Any, tmp_path: Path, wait_for_streamlit: Any) -> None:
    from playwright.sync_api import expect

    from medtune.kb import store

    api_url, warmup = chat_server
    page = browser_page
    home = tmp_path / "streamlit_home"
    home.mkdir()
    with run_streamlit(home, env={"MEDTUNE_API_PORT": api_url.rsplit(":", 1)[1]}) as url:
        held = store._LOCK.acquire(timeout=30)  # the warm-up's first step (opening the knowledge base) waits on it
        assert held
        try:
            warmup.start()
            page.goto(f"{url}/chatbot")
            wait_for_streamlit(page)
            chat = page.frame_locator("iframe").first
            status = chat.locator("#mt-warmup-status")
            expect(status).to_have_text("○ Loading models… 0/3: knowledge base", timeout=90_000)

            chat.get_by_label("Your question").fill("What are the symptoms of glaucoma?")
            chat.get_by_role("button", name="Ask", exact=True).click()
            bubble = chat.get_by_text(re.compile(r"Loading models… 0/3: knowledge base — your answer starts when "
                                                 r"they are ready"))
            expect(bubble).to_be_visible(timeout=60_000)
            page.screenshot(path=str(tmp_path / "warming.png"), full_page=True)
            assert warmup.state == "warming"  # the page did not make it up: the server is still loading
        finally:
            store._LOCK.release()

        # The warm-up goes on: the line ends at "Ready" and the waiting question is answered.
        expect(status).to_have_text(re.compile(r"✓ Ready: models loaded \(3/3\) in \d+ s"), timeout=240_000)
        badge = chat.get_by_role("status").filter(has_text=re.compile(r"GREEN|YELLOW|RED|NOT ANSWERED"))
        expect(badge).to_be_visible(timeout=240_000)
        assert warmup.state == "ready", warmup.to_dict()
        expect(bubble).to_have_count(0)
        page.screenshot(path=str(tmp_path / "ready.png"), full_page=True)
