"""Browser-test fixtures: the real Streamlit server as a subprocess, and headless Chromium through Playwright.

Chromium is Debian's (`apt-get install chromium`), launched from /usr/bin/chromium because
`playwright install` cannot download browsers here (see ../shared/OFFLINE-NOTES.md). Wait for Streamlit
elements by role or text (`expect(...)`), never for page load: Streamlit renders after the load event.

    @pytest.mark.e2e
    def test_x(streamlit_server, browser_page, streamlit_select):
        browser_page.goto(streamlit_server + "/datasets")
        expect(browser_page.get_by_role("heading", name="Datasets", exact=True)).to_be_visible()
        streamlit_select(browser_page, "Dataset", re.compile("^covid_fake_news "))

Fixtures: `streamlit_server` (base URL of `streamlit run app/main.py`, one per session, own MEDTUNE_HOME),
`start_streamlit` (a context manager for a server with extra environment: `with start_streamlit(home,
{"MEDTUNE_X": "1"}) as url:`), `browser` / `browser_page` (a failing test leaves `failure.png` in its tmp
dir), `wait_for_streamlit(page)` (the current script run has finished) and `streamlit_select(page, label,
option)` (pick an st.selectbox option). Tips: st.dataframe draws on a canvas; its cells are in a hidden
`[role="grid"]` table (use CSS locators, not get_by_role); plotly text is in the chart's SVG.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 90  # two shared cores: a cold `streamlit run` can take 10-20 s under load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
    """Poll /_stcore/health until it answers "ok"; fail with the server's log if it dies or never answers."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"streamlit not healthy after {timeout_s:.0f} s:\n{log.read_text()[-3000:]}")


@contextmanager
def run_streamlit(home: Path, env: dict[str, str] | None = None, script: str = "app/main.py") -> Iterator[str]:
    """Start `streamlit run <script>` on a free port with medtune's test environment; yield its base URL.

    The server's output goes to `home/streamlit.log` (a file, never a pipe that could fill and hang it).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = home / "streamlit.log"
    server_env = {**os.environ, "MEDTUNE_HOME": str(home), **(env or {})}
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=server_env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    try:
        wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app (`streamlit run app/main.py`) for the whole session, with its own MEDTUNE_HOME."""
    home = tmp_path_factory.mktemp("streamlit_home")
    with run_streamlit(home) as url:
        yield url


@pytest.fixture
def start_streamlit() -> Any:
    """`with start_streamlit(home, env) as url:` runs another server, e.g. with different settings."""
    return run_streamlit


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (Debian's binary; Playwright cannot download its own here)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing: `apt-get install chromium` to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def browser_page(browser: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh page (own context, 1400×1000) with generous timeouts; a failing test leaves failure.png."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        try:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print(f"screenshot of the failure: {tmp_path / 'failure.png'}")
        except Exception:  # the browser may be the thing that failed
            pass
    context.close()


def wait_until_idle(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished the current script run.

    The app root carries `data-test-script-state` ("initial", "running", "notRunning", ...); the frontend
    sets it from the server's session events, so it is the one signal that the page is complete.
    """
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)


@pytest.fixture
def wait_for_streamlit() -> Any:
    """`wait_for_streamlit(page)` returns once the current script run has finished."""
    return wait_until_idle


def select_option(page: Any, label: str, option: str | re.Pattern[str], attempts: int = 4) -> None:
    """Pick `option` in the visible st.selectbox labelled `label`.

    The dropdown can close again when Streamlit re-renders the widget at the end of a script run, so open it
    and look for the option a few times before giving up.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label).locator("visible=true").first
    target = page.get_by_role("option", name=option)
    for attempt in range(attempts):
        box.click()
        try:
            target.wait_for(state="visible", timeout=5_000)
            target.click()
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")


@pytest.fixture
def streamlit_select() -> Any:
    """`streamlit_select(page, "Dataset", re.compile("^covid_fake_news "))` picks an st.selectbox option."""
    return select_option
