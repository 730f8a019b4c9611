"""End to end in a real browser: launch a small job from the Train page, watch it on the Jobs page (including
the evaluating-validation phase after the last step), reload, and find it still there with its loss and
validation metric in the table, state glyphs a plain font draws, a clean log, and its validation score on the
Evaluation leaderboard under the name it was given. And: a 7B model on this CPU machine cannot be launched,
and the Train page says why while still offering the config."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

RUN_NAME = "covid e2e run"


def set_field(page: Any, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True).locator("visible=true").first
    box.fill(value)
    box.press("Enter")


def grid_text(page: Any, has_column: str) -> str:
    """The text of the st.dataframe whose header has `has_column` (its cells sit in a hidden grid table)."""
    table = page.get_by_role("main").get_by_test_id("stDataFrame").filter(
        has=page.locator('th[role="columnheader"]', has_text=has_column)).first
    return table.locator('[role="grid"]').first.text_content() or ""


def font_covers(char: str) -> bool:
    """True when an installed font (what Chromium draws with offline) has a glyph for `char`."""
    out = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


def test_launch_from_train_watch_on_jobs_and_survive_reload(start_streamlit: Any, browser_page: Any,
                                                            tmp_path: Path, wait_for_streamlit: Any,
                                                            shared_data: Path) -> None:
    from playwright.sync_api import expect

    home = tmp_path / "home"
    home.mkdir()
    page = browser_page
    with start_streamlit(home) as url:
        job_id = launch_and_watch(url, page, tmp_path, wait_for_streamlit)
        status_file = home / "runs" / job_id / "status.json"
        deadline = time.monotonic() + 300
        while (status := json.loads(status_file.read_text()))["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, f"job still {status['state']} after 300 s"
            time.sleep(1)
        assert status["state"] == "succeeded" and status["step"] == 2

        # After a reload the finished job's row has its figures, not blanks.
        page.reload()
        expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible(timeout=60_000)
        wait_for_streamlit(page)
        main = page.get_by_role("main")
        expect(main.get_by_text(re.compile(r"^step 2/2 \(100%\) · took ")).first).to_be_visible(timeout=60_000)
        cells = grid_text(page, "validation metric")
        assert f"{status['loss']:.4g}" in cells, cells
        assert f"{status['val_metric']:.4g} (weighted_f1)" in cells, cells
        assert "done" in cells
        # The state glyph is one any installed font draws (colour emoji rendered as empty boxes offline).
        assert "✓ succeeded" in cells
        assert all(font_covers(ch) for ch in set(cells) if ord(ch) > 127), [ch for ch in set(cells) if ord(ch) > 127]
        # Validation figures on the job itself, not only in the raw log.
        expect(main.get_by_text(re.compile(r"judged by")).first).to_be_visible()
        expect(main.get_by_test_id("stMetric").filter(has_text="accuracy").first).to_be_visible()
        # The log: no terminal colour codes, library warnings folded away.
        log_view = main.get_by_test_id("stCode").first.text_content() or ""
        assert "\x1b" not in log_view and "[0m" not in log_view
        assert "FutureWarning" not in log_view
        page.screenshot(path=str(tmp_path / "jobs_finished.png"), full_page=True)

        # The run's own validation evaluation is on the leaderboard, by the name given on the Train page.
        page.goto(f"{url}/evaluation")
        expect(page.get_by_role("heading", name="Evaluation", exact=True)).to_be_visible(timeout=60_000)
        wait_for_streamlit(page)
        expect(main.get_by_text("No evaluations yet")).to_have_count(0)
        # (A wide table's cells are not in the hidden grid, so read the bar labels of the leaderboard chart.)
        chart = main.get_by_test_id("stPlotlyChart").first
        expect(chart.locator("g.xtick text", has_text=RUN_NAME).first).to_be_attached(timeout=90_000)
        labels = [t.text_content() or "" for t in chart.locator("g.xtick text").all()]
        assert not any(job_id in label for label in labels), labels
        page.screenshot(path=str(tmp_path / "leaderboard.png"), full_page=True)


def launch_and_watch(url: str, page: Any, tmp_path: Path, wait_for_streamlit: Any) -> str:
    from playwright.sync_api import expect

    page.goto(f"{url}/train")
    expect(page.get_by_role("heading", name="Train", exact=True)).to_be_visible(timeout=60_000)
    launch = page.get_by_role("button", name="Launch training job")
    expect(launch).to_be_visible(timeout=90_000)
    wait_for_streamlit(page)
    expect(launch).to_be_enabled()
    expect(page.get_by_text("This machine can run this job.")).to_be_visible()

    # A small job: two optimisation steps, on at most 600 rows per split of the default dataset, so that the
    # validation pass afterwards (a few hundred rows, in batches of 16) is long enough to be seen.
    set_field(page, "Run name", RUN_NAME)
    wait_for_streamlit(page)
    set_field(page, "Stop after N steps (-1 = use epochs)", "2")
    wait_for_streamlit(page)
    set_field(page, "Evaluation batch size", "16")
    wait_for_streamlit(page)
    page.get_by_text("Data preparation", exact=True).click()
    set_field(page, "Read at most N rows per split", "600")
    wait_for_streamlit(page)
    launch.click()
    started = page.get_by_text(re.compile(r"Started job"))
    expect(started).to_be_visible(timeout=60_000)
    job_id = re.search(r"Started job\s+(\S+)\.", started.inner_text()).group(1)

    page.get_by_role("link", name="Open the Jobs page").click()
    expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible(timeout=60_000)
    main = page.get_by_role("main")
    expect(main.get_by_test_id("stProgress").first).to_be_visible(timeout=60_000)
    expect(main.get_by_text(re.compile(r"^step \d+(/2)?")).locator("visible=true").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "jobs_before_reload.png"))

    page.reload()
    expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible(timeout=60_000)
    # Still there after the reload (the URL keeps the selection); after its last step the page says it is
    # evaluating the validation rows, with their count, instead of "100 % · ETA 0 s".
    expect(page).to_have_url(re.compile(f"job={job_id}"))
    phase = page.get_by_role("main").get_by_text(re.compile(r"^evaluating validation \(\d+ / \d+\)"))
    expect(phase.locator("visible=true").first).to_be_visible(timeout=300_000)
    page.screenshot(path=str(tmp_path / "jobs_evaluating.png"))
    return job_id


def test_a_7b_model_on_this_cpu_says_why_launch_is_off(start_streamlit: Any, browser_page: Any, tmp_path: Path,
                                                      wait_for_streamlit: Any, streamlit_select: Any) -> None:
    import torch
    from playwright.sync_api import expect

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    home = tmp_path / "home"
    home.mkdir()
    page = browser_page
    with start_streamlit(home) as url:
        page.goto(f"{url}/train")
        expect(page.get_by_role("heading", name="Train", exact=True)).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Launch training job")).to_be_visible(timeout=90_000)
        wait_for_streamlit(page)
        streamlit_select(page, "Model", "mistral-7b")
        wait_for_streamlit(page)
        main = page.get_by_role("main")
        expect(main.get_by_text(re.compile("This machine cannot run this job"))).to_be_visible(timeout=60_000)
        expect(main.get_by_text(re.compile(r"No GPU: training runs on the CPU"))).to_be_visible()
        expect(main.get_by_role("button", name="Launch training job")).to_be_disabled()
        expect(main.get_by_text(re.compile(r"^Launch is disabled here: .*on this CPU"))).to_be_visible()
        expect(main.get_by_role("button", name="Download config.yaml")).to_be_visible()
        expect(main.get_by_text(re.compile(r"medtune train --task \S+ --dataset \S+ --model mistral-7b"))).to_be_visible()
        page.screenshot(path=str(tmp_path / "train_7b_cpu.png"), full_page=True)
