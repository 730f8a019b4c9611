"""End to end in a real browser: Streamlit Chatbot page → Gradio chat in its iframe → ask the seed question →
the answer with its confidence band, its relevance verdict and its sources (the FDA ibuprofen label), all
visible without scrolling inside the frame; then a personal prognosis (the chat abstains and says why) and an
emergency (the triage message)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import REPO, free_port, run_streamlit

pytestmark = pytest.mark.e2e

SEED = "Can I take ibuprofen if I'm already on aspirin for heart disease?"
SHARED = REPO.parent / "shared" / "data"


def wait_for(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"medtune serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {timeout_s} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def chat_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real knowledge base, `medtune serve` (API + Gradio) on a free port, and Streamlit pointing at it."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not present")
    from tests.chat.kbutil import build_kb

    home = tmp_path_factory.mktemp("chat_e2e_home")
    kb_dir = build_kb(home / "kb", medquad=20)
    port = free_port()
    env = {"MEDTUNE_KB_DIR": str(kb_dir), "MEDTUNE_API_PORT": str(port)}
    log = home / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "medtune", "serve", "--port", str(port)], cwd=REPO,
                                  env={**os.environ, "MEDTUNE_HOME": str(home), **env}, stdout=out,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", server, log)  # also warms what the page's check loads
        wait_for(f"http://127.0.0.1:{port}/gradio/", server, log)
        with run_streamlit(home, env=env) as url:
            yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_ask_the_seed_question_in_the_chatbot_page(chat_stack: str, browser_page: Any, tmp_path: Path,
                                                   wait_for_streamlit: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{chat_stack}/chatbot")
    expect(page.get_by_role("heading", name="Chatbot", exact=True)).to_be_visible(timeout=90_000)
    wait_for_streamlit(page)
    chat = page.frame_locator("iframe").first
    question = chat.get_by_label("Your question")
    expect(question).to_be_visible(timeout=90_000)
    question.fill(SEED)
    chat.get_by_role("button", name="Ask", exact=True).click()

    badge = chat.get_by_role("status").filter(has_text=re.compile(r"(GREEN|YELLOW):"))
    expect(badge).to_be_visible(timeout=240_000)  # the first answer also loads the models
    expect(chat.get_by_role("heading", name="Sources", exact=True)).to_be_visible()
    expect(chat.get_by_text("Ibuprofen — warnings").first).to_be_visible()
    expect(chat.get_by_text(re.compile("ibuprofen may decrease this benefit of aspirin")).first).to_be_visible()
    expect(chat.get_by_text(re.compile("Reading grade"))).to_be_visible()
    expect(chat.get_by_text(re.compile(r"Answers the question asked \(relevance"))).to_be_visible()
    # Issue 17: the whole sources list fits in the frame — no scrolling inside it to reach the sources.
    frame = next(f for f in page.frames if "/gradio" in f.url)
    bottom, height = frame.evaluate(
        "() => [document.querySelector('.mt-sources').getBoundingClientRect().bottom, window.innerHeight]")
    assert bottom <= height, f"sources end at {bottom:.0f} px, the frame shows {height} px"
    shot = tmp_path / "chatbot.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def ask(chat: Any, question: str) -> None:
    box = chat.get_by_label("Your question")
    box.fill(question)
    chat.get_by_role("button", name="Ask", exact=True).click()


def test_a_personal_prognosis_abstains_and_an_emergency_gets_help(chat_stack: str, browser_page: Any, tmp_path: Path,
                                                                  wait_for_streamlit: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{chat_stack}/chatbot")
    wait_for_streamlit(page)
    chat = page.frame_locator("iframe").first
    expect(chat.get_by_label("Your question")).to_be_visible(timeout=90_000)

    ask(chat, "I'm 54 with type 2 diabetes, how many years do I have left?")
    expect(chat.get_by_role("status").filter(has_text="NOT ANSWERED")).to_be_visible(timeout=240_000)
    expect(chat.get_by_text(re.compile(r"Not answered from the sources .*personal prognosis"))).to_be_visible()
    expect(chat.get_by_role("heading", name="Sources", exact=True)).to_have_count(0)  # nothing quoted
    page.screenshot(path=str(tmp_path / "abstained.png"), full_page=True)

    ask(chat, "I have crushing chest pain right now")
    expect(chat.get_by_role("status").filter(has_text="Emergency")).to_be_visible(timeout=120_000)
    expect(chat.get_by_text(re.compile("emergency", re.I)).first).to_be_visible()
