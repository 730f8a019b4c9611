"""Checker page (AppTest): paste a claim → verdict, trust, band with icon and words, sentence highlighting and
evidence links; upload a CSV of claims → a results table. Tiny real knowledge base, lexical fallback verifier."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.verify.helpers import build_small_kb

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "pages" / "checker.py")
GARLIC = "Garlic can completely cure high blood pressure, so you don't need medications"


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("checker_page_kb")
    build_small_kb(path)
    return path


@pytest.fixture
def page(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    from medtune.settings import get_settings

    monkeypatch.setenv("MEDTUNE_KB_DIR", str(kb_dir))
    monkeypatch.setenv("MEDTUNE_VERIFIER", "lexical")
    get_settings.cache_clear()
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.run()
    assert not at.exception, at.exception
    return at


def test_paste_a_claim(page: AppTest) -> None:
    page.selectbox(key="checker_example").set_value(GARLIC).run()
    page.button(key="checker_run").click().run()
    assert not page.exception, page.exception
    band = page.error[0]  # red is shown as an error box, with the icon and words as well
    assert band.icon == "✖" and "FALSE" in band.value and "red band" in band.value
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Verdict"] == "false" and metrics["Band"] == "✖ red" and 0 <= float(metrics["Trust score"]) < 0.4
    text = "\n".join(m.value for m in page.markdown)
    assert ":red-background[Garlic can completely cure high blood pressure]" in text
    assert "https://medlineplus.gov/highbloodpressure.html" in text


def test_true_claim_is_green(page: AppTest) -> None:
    page.text_area(key="checker_claim_—").set_value("High blood pressure usually has no symptoms.").run()
    page.button(key="checker_run").click().run()
    assert not page.exception, page.exception
    assert page.success[0].icon == "✔" and "**TRUE**" in page.success[0].value
    assert "green band" in page.success[0].value


def test_unverifiable_and_misleading_say_which_they_are(page: AppTest) -> None:
    """Red and yellow say what they mean: a claim the sources do not cover is yellow (never red) and says it is
    unverifiable; a misleading claim is red and names its supported and its unsupported part (issues 14, 17)."""
    page.text_area(key="checker_claim_—").set_value("Turmeric supplements sharpen memory in older adults.").run()
    page.button(key="checker_run").click().run()
    assert not page.exception, page.exception
    assert not page.error and page.warning[0].icon == "⚠" and "UNVERIFIABLE" in page.warning[0].value
    assert "do not settle this claim" in page.warning[0].value
    page.text_area(key="checker_claim_—").set_value(
        "High blood pressure usually has no symptoms, so you can stop taking your medicines.").run()
    page.button(key="checker_run").click().run()
    assert not page.exception, page.exception
    assert "MISLEADING" in page.error[0].value and "support part of this claim" in page.error[0].value
    text = "\n".join(m.value for m in page.markdown)
    assert "**✔ Supported by the sources:** High blood pressure usually has no symptoms" in text
    assert "**✖ Not supported by the sources:** You can stop taking your medicines" in text
    captions = "\n".join(c.value for c in page.caption)
    assert "Verifier: lexical" in captions and "/" not in captions.split("Verifier:")[1].split("·")[0]


def test_csv_of_claims(page: AppTest, tmp_path: Path) -> None:
    from medtune.verify.checker import Checker, claims_from_csv

    page.radio(key="checker_mode").set_value("Upload a CSV of claims").run()
    assert not page.exception, page.exception
    data = f'id,claim\nc1,High blood pressure usually has no symptoms.\nc2,"{GARLIC}"\n'.encode()
    # AppTest cannot drive st.file_uploader; the page's batch path is checked through the same functions it calls
    items = claims_from_csv(data, "claims.csv")
    assert items == [("c1", "High blood pressure usually has no symptoms."), ("c2", GARLIC)]
    rows = [r.to_dict() for r in (Checker().check(t, i) for i, t in items)]
    assert [r["verdict"] for r in rows] == ["true", "false"]
    page.session_state["checker_batch"] = rows
    page.run()
    assert not page.exception, page.exception
    table = page.dataframe[0].value
    assert list(table["id"]) == ["c1", "c2"] and list(table["band"]) == ["green", "red"]
