"""Home page: rendered through the real navigation (app/main.py) and on its own."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from medtune.data.info import list_dataset_rows
from medtune.data.registry import USE_CASES

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(shared_data: Path) -> AppTest:
    at = AppTest.from_file(str(REPO / "app" / "main.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_home_is_the_default_page_and_counts_datasets_on_disk(home: AppTest) -> None:
    assert [t.value for t in home.title] == ["medtune"]
    rows = list_dataset_rows()
    states = Counter(r["availability"] for r in rows)
    metrics = {m.label: m.value for m in home.metric}
    assert metrics["Datasets on disk"] == f"{states['full'] + states['sample']} / {len(rows)}"
    # With ../shared/data configured, the shipped datasets are full copies, and the table lists every entry.
    assert states["full"] >= 15
    table = home.dataframe[0].value
    assert sorted(table["dataset"]) == sorted(r["name"] for r in rows)
    assert table.set_index("dataset").loc["healthfc", "licence"].endswith("⚠")


def test_home_shows_the_four_use_cases_with_their_dataset_counts(home: AppTest) -> None:
    markdown = " ".join(m.value for m in home.markdown)
    for title in USE_CASES.values():
        assert f"**{title}**" in markdown
    captions = [c.value for c in home.caption]
    served = sum(1 for r in list_dataset_rows() if "misinformation" in r["use_cases"])
    assert f"{served} datasets" in captions


def test_home_links_to_existing_pages(home: AppTest) -> None:
    links = {p.proto.label: p.proto.page for p in home.page_link}
    assert links["Browse and prepare datasets"] == "datasets"
    for label, page in links.items():
        assert (REPO / "pages" / f"{page}.py").is_file(), label


def test_home_from_the_datasets_link_reaches_the_datasets_page(home: AppTest) -> None:
    home.switch_page("../pages/datasets.py").run()
    assert not home.exception
    assert [t.value for t in home.title] == ["Datasets"]


def test_home_page_runs_on_its_own_without_navigation() -> None:
    at = AppTest.from_file(str(REPO / "pages" / "home.py"), default_timeout=60).run()
    assert not at.exception
    # Without st.navigation there is nothing to link to: captions say where to go instead of crashing.
    assert any("open it from the navigation" in c.value for c in at.caption)


def test_home_counts_registered_models_and_jobs_on_disk(shared_data: Path) -> None:
    registry = pytest.importorskip("medtune.models.registry")
    store = pytest.importorskip("medtune.jobs.store")
    store.create_job({"kind": "train", "name": "home-count-a"})
    store.create_job({"kind": "eval", "name": "home-count-b"})
    at = AppTest.from_file(str(REPO / "app" / "main.py"), default_timeout=60).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Models"] == str(len(registry.list_models()))
    assert metrics["Jobs"] == "2"
    assert metrics["Knowledge-base chunks"] == "0"  # never built in this test's MEDTUNE_HOME


def test_one_page_list_drives_the_navigation_and_the_home_links(home: AppTest) -> None:
    """Issue 18.6: app/navigation.py is the only list; every page file is in it once, Home links its entries."""
    from app.navigation import NAVIGATION, start_links

    files = [entry.filename for entry in NAVIGATION]
    assert sorted(files) == sorted(p.name for p in (REPO / "pages").glob("*.py")) and len(set(files)) == len(files)
    links = {p.proto.label: p.proto.page for p in home.page_link}
    assert links == {entry.start: entry.filename.removesuffix(".py") for entry in start_links()}
    for stale in ("NAVIGATION = [", "START_LINKS"):
        assert stale not in (REPO / "app" / "main.py").read_text() + (REPO / "pages" / "home.py").read_text()
