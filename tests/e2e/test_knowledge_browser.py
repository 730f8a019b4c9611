"""End to end in a real browser: the Knowledge base page builds FDA labels as a background job from the Build
tab while the page holds the empty store open, then searches them without a restart (issue 21's blocker),
and a reload preselects only what is still unbuilt, with sizes and time estimates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.needs_shared_data]


def open_build_tab(page: Any, url: str, wait_for_streamlit: Any) -> Any:
    from playwright.sync_api import expect

    page.goto(url + "/knowledge")
    expect(page.get_by_role("heading", name="Knowledge base", exact=True)).to_be_visible(timeout=120_000)
    wait_for_streamlit(page, 180_000)  # the first visit counts MedQuAD's chunks (cached afterwards)
    page.get_by_role("tab", name="Build").click()
    return page.get_by_test_id("stMultiSelect").filter(has_text="Sources to build")


def chosen(picker: Any) -> list[str]:
    return picker.locator("[data-tag] [title]").evaluate_all("tags => tags.map(t => t.title)")


def test_build_from_the_page_then_search_without_restart(start_streamlit: Any, medtune_home: Path,
                                                         browser_page: Any, wait_for_streamlit: Any,
                                                         shared_data: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from medtune.jobs.manager import get_job, wait

    page = browser_page
    with start_streamlit(medtune_home) as url:  # this test's MEDTUNE_HOME: an empty store, jobs we can read
        picker = open_build_tab(page, url, wait_for_streamlit)
        expect(page.get_by_text("The knowledge base is empty")).to_be_visible()
        # Nothing is built: every source is preselected, each with its size and time to build.
        assert chosen(picker) == ["MedQuAD (NIH, CDC, NCI pages)", "FDA drug labels (DailyMed)", "PubMed abstracts"]
        grid = page.get_by_test_id("stDataFrame").filter(has_text="time to build").locator('[role="grid"]')
        expect(grid.locator('td[role="gridcell"]', has_text="40208")).to_be_attached()  # MedQuAD's chunks
        expect(grid.locator('td[role="gridcell"]', has_text=re.compile(r"^about \d+ min$")).first).to_be_attached()
        expect(page.get_by_text(re.compile(r"^Selected: 42,919 chunks to embed, about \d+ min"))).to_be_visible()

        # Keep only the FDA labels (143 chunks) and build them in the background.
        for name in ("MedQuAD (NIH, CDC, NCI pages)", "PubMed abstracts"):
            picker.get_by_role("button", name=f"Remove {name}").click()
            wait_for_streamlit(page)
        assert chosen(picker) == ["FDA drug labels (DailyMed)"]
        expect(page.get_by_text(re.compile(r"^Selected: 143 chunks to embed, "))).to_be_visible()
        page.get_by_role("button", name="Build in the background").click()
        started = page.get_by_text(re.compile(r"^Started job "))
        expect(started).to_be_visible(timeout=60_000)
        job_id = re.search(r"Started job (\S+);", started.inner_text()).group(1)
        wait(job_id, timeout_s=600)
        assert get_job(job_id).state == "succeeded", get_job(job_id).status

        # The same server process, which opened the store while it was empty, now searches it.
        page.get_by_role("tab", name="Search").click()
        page.get_by_role("textbox", name="Search").fill("Can I take ibuprofen with low-dose aspirin?")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_text(re.compile(r"^5 results in \d+ ms$"))).to_be_visible(timeout=60_000)
        wait_for_streamlit(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_text("Nothing found on disk")).to_have_count(0)
        expect(page.locator('a[href*="dailymed.nlm.nih.gov"]').first).to_be_attached()
        page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

        # A reload: the FDA labels count as built and are no longer offered.
        picker = open_build_tab(page, url, wait_for_streamlit)
        assert chosen(picker) == ["MedQuAD (NIH, CDC, NCI pages)", "PubMed abstracts"]
        grid = page.get_by_test_id("stDataFrame").filter(has_text="time to build").locator('[role="grid"]')
        expect(grid.locator('td[role="gridcell"]', has_text=re.compile(r"^built$"))).to_have_count(1)
        expect(page.get_by_text("143 chunks", exact=True)).to_be_visible()
        page.screenshot(path=str(tmp_path / "build_tab.png"), full_page=True)
