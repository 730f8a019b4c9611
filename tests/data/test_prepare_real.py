"""Preparation on the real datasets in ../shared/data, with the report checked against PROVENANCE.md counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.data.prep_dedup import normalize
from medtune.data.prepare import PrepareOptions, prepare_dataset

SPLITS = ("train", "validation", "test")
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _rows(out: Path, split: str) -> list[dict]:
    return [json.loads(line) for line in (out / f"{split}.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def covid(tmp_path_factory):
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    out = tmp_path_factory.mktemp("covid_prep")
    return out, prepare_dataset("covid_fake_news", "misinformation", out, PrepareOptions(balance="class_weights"))


def test_covid_fake_news_sources_and_label_mapping_match_provenance(covid):
    _, report = covid
    # PROVENANCE.md: train 6,420 (3,360 real / 3,060 fake), val 2,140 (1,120 / 1,020), test unlabelled
    assert [(s["split"], s["role"], s["rows"]) for s in report["sources"]] == [("train", "train", 6420),
                                                                               ("val", "validation", 2140)]
    assert report["label_mapping"]["counts"] == {"real -> true": 3360 + 1120, "fake -> false": 3060 + 1020}
    assert report["funnel"]["loaded"] == 8560
    assert any("official test labels are withheld" in note for note in report["notes"])
    assert report["splits"]["validation"]["source"] == "official"
    assert report["splits"]["test"]["source"].startswith("carved from the official train split")


def test_covid_fake_news_splits_respect_official_ones_and_do_not_leak(covid):
    out, report = covid
    rows = {s: _rows(out, s) for s in SPLITS}
    assert all(r["id"].startswith("val-") for r in rows["validation"])
    assert all(r["id"].startswith("train-") for r in rows["train"] + rows["test"])
    texts = {s: {normalize(r["text"]) for r in rows[s]} for s in SPLITS}
    assert not texts["train"] & texts["validation"] and not texts["train"] & texts["test"]
    assert not texts["validation"] & texts["test"]
    assert report["leakage"]["ok"]
    for s in SPLITS:
        assert report["splits"][s]["rows"] == len(rows[s]) == report["funnel"][f"final_{s}"]
        assert {r["label"] for r in rows[s]} == {"true", "false"}
    # the carved test split is about 10% of what was left of train, stratified
    test_share = len(rows["test"]) / (len(rows["test"]) + len(rows["train"]))
    assert 0.09 < test_share < 0.11
    true_share = [report["splits"][s]["labels"]["true"] / report["splits"][s]["rows"] for s in ("train", "test")]
    assert abs(true_share[0] - true_share[1]) < 0.01


def test_covid_fake_news_report_accounts_for_duplicates_weights_and_tokens(covid):
    out, report = covid
    dropped = report["duplicates"]["dropped"] + report["near_duplicates"]["dropped"] + report["alignment"]["dropped"]
    assert report["duplicates"]["dropped"] > 50  # reposted tweets are common in CONSTRAINT
    assert sum(report["splits"][s]["rows"] for s in SPLITS) + dropped + len(report["leakage"]["dropped"]) == 8560
    assert sum(report["fates"].values()) == len(report["rows"]) == 8560
    for item in report["duplicates"]["rows"][:20]:  # the kept copy really has the same normalized text
        assert report["rows"][item["id"]].startswith("dropped: exact duplicate")
    weights = report["balancing"]["class_weights"]
    labels = report["splits"]["train"]["labels"]
    n = sum(labels.values())
    assert weights == {k: round(n / (2 * v), 4) for k, v in sorted(labels.items())}
    tok = report["tokenization"]["splits"]["train"]
    assert 20 < tok["median"] < 120 and tok["rows"] == labels["true"] + labels["false"]
    assert sum(b["rows"] for b in tok["histogram"]) == tok["rows"]
    assert report["phi"]["by_kind"].get("url", 0) > 100  # tweets carry t.co links, a Safe Harbor identifier
    assert report["phi"]["sampled"] and report["phi"]["scanned_rows"] == 5000
    assert "of 5,000 scanned" in report["phi"]["warning"]
    saved = json.loads((out / "report.json").read_text())
    assert saved["splits"] == report["splits"]


def test_healthver_dev_only_is_pooled_and_claims_stay_in_one_split(shared_data, tmp_path):
    report = prepare_dataset("healthver", None, tmp_path, PrepareOptions(near_dedup=False))
    assert report["sources"] == [{"split": "dev", "role": "pool", "rows": 1917, "official": "official"}]
    # PROVENANCE.md: dev SUPPORTS 533 / REFUTES 391 / NEUTRAL 993
    assert report["label_mapping"]["counts"] == {"NEUTRAL -> not_enough_info": 993, "SUPPORTS -> supported": 533,
                                                 "REFUTES -> refuted": 391}
    assert any("no labelled official train split" in n for n in report["notes"])
    claims = {s: {normalize(r["text"]) for r in _rows(tmp_path, s)} for s in SPLITS}
    assert not claims["train"] & claims["test"] and not claims["train"] & claims["validation"]
    assert not claims["validation"] & claims["test"]
    assert all(_rows(tmp_path, s)[0]["text_pair"] for s in SPLITS)  # evidence travels with its claim
