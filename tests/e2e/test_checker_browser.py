"""End to end in a real browser: open the Misinformation checker, check the brief's garlic claim, see a red
FALSE verdict with its icon and words, the highlighted sentences and a source link; then a true claim (green), a
claim the sources do not cover (yellow, unverifiable) and a misleading one (red, both parts shown). Tiny real
knowledge base, lexical fallback verifier (no trained model needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import run_streamlit
from tests.verify.helpers import build_small_kb

pytestmark = pytest.mark.e2e

GARLIC = "Garlic can completely cure high blood pressure, so you don't need medications"


@pytest.fixture(scope="module")
def checker_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("checker_browser_home")
    kb_dir = home / "kb"
    build_small_kb(kb_dir)
    with run_streamlit(home, env={"MEDTUNE_KB_DIR": str(kb_dir), "MEDTUNE_VERIFIER": "lexical"}) as url:
        yield url


def test_check_a_claim_in_the_browser(checker_server: str, browser_page: Any, tmp_path: Path,
                                      wait_for_streamlit: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{checker_server}/checker")
    expect(page.get_by_role("heading", name="Misinformation checker")).to_be_visible(timeout=90_000)
    wait_for_streamlit(page)
    box = page.get_by_role("textbox", name="Claim")
    box.fill(GARLIC)
    box.press("Control+Enter")  # commit the text area's value before the click
    wait_for_streamlit(page)
    page.get_by_role("button", name="Check", exact=True).click()

    main = page.get_by_role("main")
    alert = main.get_by_test_id("stAlert").filter(has_text="FALSE")
    expect(alert).to_be_visible(timeout=180_000)
    expect(alert).to_contain_text("red band")
    expect(alert).to_contain_text("✖")
    expect(main.get_by_text("Garlic can completely cure high blood pressure", exact=True)).to_be_visible()
    link = main.get_by_role("link", name="High Blood Pressure (treatment)").first
    expect(link).to_have_attribute("href", "https://medlineplus.gov/highbloodpressure.html")
    wait_for_streamlit(page)
    shot = tmp_path / "checker.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def check_in_browser(page: Any, url: str, claim: str, wait_for_streamlit: Any) -> Any:
    from playwright.sync_api import expect

    page.goto(f"{url}/checker")
    expect(page.get_by_role("heading", name="Misinformation checker")).to_be_visible(timeout=90_000)
    wait_for_streamlit(page)
    box = page.get_by_role("textbox", name="Claim")
    box.fill(claim)
    box.press("Control+Enter")
    wait_for_streamlit(page)
    page.get_by_role("button", name="Check", exact=True).click()
    return page.get_by_role("main")


@pytest.mark.parametrize("claim, verdict, words", [
    ("High blood pressure usually has no symptoms.", "TRUE", ["green band", "✔", "support this claim"]),
    ("Turmeric supplements sharpen memory in older adults.", "UNVERIFIABLE",
     ["yellow band", "⚠", "do not settle this claim"]),
    ("High blood pressure usually has no symptoms, so you can stop taking your medicines.", "MISLEADING",
     ["red band", "✖", "support part of this claim"]),
])
def test_each_verdict_renders_with_its_band(checker_server: str, browser_page: Any, wait_for_streamlit: Any,
                                            claim: str, verdict: str, words: list[str]) -> None:
    from playwright.sync_api import expect

    main = check_in_browser(browser_page, checker_server, claim, wait_for_streamlit)
    alert = main.get_by_test_id("stAlert").filter(has_text=verdict)
    expect(alert).to_be_visible(timeout=180_000)
    for word in words:
        expect(alert).to_contain_text(word)
    if verdict == "MISLEADING":  # both parts are shown
        expect(main.get_by_text("Not supported by the sources:")).to_be_visible()
        expect(main.get_by_text("Supported by the sources:", exact=False).first).to_be_visible()
