"""End to end in a real browser: launch a small job from the Train page, watch it on the Jobs page, reload,
and find it still there (the job lives in its own process and directory, not in the page)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def set_number(page: Any, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True).locator("visible=true").first
    box.fill(value)
    box.press("Enter")


def test_launch_from_train_watch_on_jobs_and_survive_reload(start_streamlit: Any, browser_page: Any,
                                                            tmp_path: Path, wait_for_streamlit: Any,
                                                            shared_data: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with start_streamlit(home) as url:
        job_id = launch_and_watch(url, browser_page, tmp_path, wait_for_streamlit)
    # The page showed what the job directory says: the planned step count, then (after the final
    # evaluation and save) a finished job.
    status_file = home / "runs" / job_id / "status.json"
    deadline = time.monotonic() + 300
    while (status := json.loads(status_file.read_text()))["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"job still {status['state']} after 300 s"
        time.sleep(1)
    assert status["state"] == "succeeded" and status["step"] == 2
    assert (home / "runs" / job_id / "metrics.jsonl").stat().st_size > 0


def launch_and_watch(url: str, page: Any, tmp_path: Path, wait_for_streamlit: Any) -> str:
    from playwright.sync_api import expect

    page.goto(f"{url}/train")
    expect(page.get_by_role("heading", name="Train", exact=True)).to_be_visible(timeout=60_000)
    launch = page.get_by_role("button", name="Launch training job")
    expect(launch).to_be_visible(timeout=90_000)
    wait_for_streamlit(page)

    # A small job: two optimisation steps on the first 200 rows of the default dataset.
    set_number(page, "max steps", "2")
    wait_for_streamlit(page)
    page.get_by_text("Data preparation", exact=True).click()
    limit = page.get_by_label("limit", exact=True).locator("visible=true").first
    limit.fill("200")
    limit.press("Enter")
    wait_for_streamlit(page)
    launch.click()
    started = page.get_by_text(re.compile(r"Started job"))
    expect(started).to_be_visible(timeout=60_000)
    job_id = re.search(r"Started job\s+(\S+)\.", started.inner_text()).group(1)

    page.get_by_role("link", name="Open the Jobs page").click()
    expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible(timeout=60_000)
    main = page.get_by_role("main")
    expect(main.get_by_test_id("stProgress")).to_be_visible(timeout=60_000)
    expect(main.get_by_text(re.compile(r"^step \d+(/2)?")).locator("visible=true").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "jobs_before_reload.png"))

    page.reload()
    expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible(timeout=60_000)
    # Still there after the reload (the URL keeps the selection), and it reaches the end on its own:
    # the live fragment shows the final step count without another reload.
    expect(page).to_have_url(re.compile(f"job={job_id}"))
    done = page.get_by_role("main").get_by_text(re.compile(r"^step 2/2 \(100%\)")).locator("visible=true").first
    expect(done).to_be_visible(timeout=300_000)
    page.screenshot(path=str(tmp_path / "jobs_after_reload.png"))
    return job_id
