"""End to end in a real browser: the Evaluation page compares two real evaluations and filters the flips.

The evaluations are the page AppTest's (majority baseline and the embedded MiniLM on PubMedQA dev, made once
per session), copied into a fresh MEDTUNE_HOME that a real `streamlit run app/main.py` serves.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.app.test_evaluation_page import install, shared_evaluations

pytestmark = pytest.mark.e2e


def flipped(before: Path, after: Path, kind: str) -> list[str]:
    def rows(d: Path) -> dict[str, dict]:
        return {r["id"]: r for r in map(json.loads, filter(None, (d / "predictions.jsonl").read_text().splitlines()))}

    a, b = rows(before), rows(after)
    want = (True, False) if kind == "right→wrong" else (False, True)
    return sorted(i for i in a if (a[i]["correct"], b[i]["correct"]) == want)


def test_compare_two_evaluations_and_filter_flips(start_streamlit: Any, browser_page: Any, medtune_home: Path,
                                                  tmp_path: Path, wait_for_streamlit: Any, streamlit_select: Any,
                                                  shared_data: Path,
                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    from playwright.sync_api import expect

    evals = install(shared_evaluations(tmp_path_factory), medtune_home / "runs")
    right_to_wrong = flipped(evals["before"], evals["after"], "right→wrong")
    assert right_to_wrong

    with start_streamlit(medtune_home) as url:
        page = browser_page
        page.goto(url + "/evaluation")
        expect(page.get_by_role("heading", name="Evaluation", exact=True)).to_be_visible(timeout=60_000)
        wait_for_streamlit(page)
        page.get_by_test_id("stRadio").get_by_text("Compare before / after", exact=True).click()

        main = page.get_by_role("main")
        verdict = main.get_by_text(re.compile(r"McNemar \(exact binomial\) p [=<]"))
        expect(verdict).to_be_visible(timeout=60_000)
        sides = re.compile(r"accuracy [0-9.]+ \(A, majority\) → [0-9.]+ \(B, minilm\)")
        expect(main.get_by_text(sides)).to_be_visible()
        expect(main.get_by_text("51 of 51 examples shown")).to_be_visible(timeout=60_000)
        wait_for_streamlit(page)

        streamlit_select(page, "Flip", "right→wrong")
        expect(main.get_by_text(f"{len(right_to_wrong)} of 51 examples shown")).to_be_visible(timeout=60_000)
        wait_for_streamlit(page)
        table = main.get_by_test_id("stDataFrame").filter(has=page.locator('th[role="columnheader"]', has_text="flip"))
        table.scroll_into_view_if_needed()
        grid = table.locator('[role="grid"]')
        expect(grid).to_have_attribute("aria-rowcount", str(len(right_to_wrong) + 1), timeout=30_000)
        for item_id in right_to_wrong[:5]:
            expect(grid.locator('td[role="gridcell"]', has_text=item_id).first).to_be_attached()
        expect(grid.locator('td[role="gridcell"]', has_text="wrong→right")).to_have_count(0)

        page.set_viewport_size({"width": 1400, "height": 2400})
        wait_for_streamlit(page)
        page.screenshot(path=str(tmp_path / "evaluation_flips.png"))
        verdict.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "evaluation_compare.png"))
        assert (tmp_path / "evaluation_compare.png").stat().st_size > 20_000
        print(f"screenshots in {tmp_path}")


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_leaderboard_chart_legend_is_clear_of_its_title(
        start_streamlit: Any, browser_page: Any, medtune_home: Path, tmp_path: Path, wait_for_streamlit: Any,
        shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    from playwright.sync_api import expect

    install(shared_evaluations(tmp_path_factory), medtune_home / "runs")
    with start_streamlit(medtune_home) as url:
        page = browser_page
        page.goto(url + "/evaluation")
        expect(page.get_by_role("heading", name="Evaluation", exact=True)).to_be_visible(timeout=60_000)
        wait_for_streamlit(page)
        main = page.get_by_role("main")
        expect(main.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=60_000)
        # A published row without a metric reads "–" (the grid draws a null cell as "None").
        table = main.get_by_test_id("stDataFrame").filter(
            has=page.locator('th[role="columnheader"]', has_text="accuracy 95% CI")).first
        expect(table.locator('td[role="gridcell"]', has_text="BioGPT").first).to_be_attached(timeout=60_000)
        cells = [c.text_content() for c in table.locator('td[role="gridcell"]').all()]
        assert "–" in cells and "None" not in cells, " | ".join(map(str, cells))
        page.set_viewport_size({"width": 1000, "height": 1000})  # a laptop window: charts in half-width columns
        wait_for_streamlit(page)
        # Plotly legends sit under the plot, never over the chart's title: on every chart with both, here and in
        # one evaluation's view (the reliability diagram's three-entry legend ran over its title there).
        checked = charts_clear_of_titles(main)
        page.get_by_test_id("stRadio").get_by_text("One evaluation", exact=True).click()
        expect(main.get_by_text(re.compile(r"examples shown"))).to_be_visible(timeout=60_000)
        wait_for_streamlit(page)
        checked += charts_clear_of_titles(main)
        assert checked >= 3, checked
        page.screenshot(path=str(tmp_path / "leaderboard.png"))


def charts_clear_of_titles(main: Any) -> int:
    """Assert that no chart's legend box overlaps its title box; returns how many charts had both."""
    checked = 0
    for chart in main.get_by_test_id("stPlotlyChart").all():
        chart.scroll_into_view_if_needed()
        title, legend = chart.locator("g.g-gtitle text"), chart.locator("g.legend")
        if not title.count() or not legend.count():
            continue
        title_box, legend_box = title.first.bounding_box(), legend.first.bounding_box()
        assert title_box and legend_box and not boxes_overlap(title_box, legend_box), \
            (title.first.text_content(), title_box, legend_box)
        checked += 1
    return checked
