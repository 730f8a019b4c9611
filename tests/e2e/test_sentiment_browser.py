"""End to end in a real browser: open Sentiment, upload a CSV of reviews, analyse, see the heatmap."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

REVIEWS = [
    ("2024-01-10", "General", "The nurses were great, but I had to wait over six hours in the ER before seeing a "
                              "doctor. It was a frustrating experience."),
    ("2024-01-22", "General", "The receptionist was rude and the bathroom was filthy."),
    ("2024-02-03", "Ortho", "My surgeon explained everything clearly and the new hip works perfectly."),
    ("2024-02-14", "Ortho", "The bill was outrageous and insurance covered almost nothing."),
    ("2024-03-01", "General", "Seen within ten minutes, friendly staff, spotless clinic."),
]


def test_upload_csv_and_see_the_heatmap(streamlit_server: str, browser_page: Any, tmp_path: Path,
                                        wait_for_streamlit: Any) -> None:
    from playwright.sync_api import expect

    upload = tmp_path / "ward_comments.csv"  # its own name: the app's uploads folder is shared with the Datasets browser test
    with upload.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["date", "site", "comment"])
        writer.writerows(REVIEWS)

    page = browser_page
    page.goto(f"{streamlit_server}/sentiment")
    expect(page.get_by_role("heading", name="Sentiment", exact=True)).to_be_visible(timeout=90_000)
    wait_for_streamlit(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    expect(page.get_by_text("ward_comments.csv")).to_be_visible(timeout=60_000)
    wait_for_streamlit(page)
    page.get_by_role("button", name=re.compile("Analyse")).click()

    main = page.get_by_role("main")
    heatmap = main.get_by_test_id("stPlotlyChart").filter(has_text="Aspect × polarity")
    expect(heatmap).to_be_visible(timeout=180_000)
    heatmap.scroll_into_view_if_needed()
    expect(heatmap.get_by_text("Wait time")).to_be_visible()
    expect(heatmap.get_by_text("Staff attitude")).to_be_visible()
    expect(main.get_by_test_id("stMetricValue").first).to_have_text("5")
    wait_for_streamlit(page)
    shot = tmp_path / "sentiment.png"
    page.screenshot(path=str(shot), full_page=True)
    heatmap.screenshot(path=str(tmp_path / "heatmap.png"))
    assert shot.stat().st_size > 10_000
    print(f"screenshots in {tmp_path}")
