"""Issue 13.1, fourth round: fresh4.jsonl itself — its size, its categories and its one split by group hash (the
test half is scored once, by benchmarks/triage_quality.py, and never printed)."""

from __future__ import annotations

from collections import Counter

from medtune.chat.triage_fit import CATEGORIES, FRESH4_FILE, FRESH4_SALT, load_fresh4, split_of, training_rows


def test_fresh4_is_large_spread_over_every_category_and_split_once_by_group() -> None:
    rows = load_fresh4()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 150 and labels["not_emergency"] >= 150
    assert {r["category"] for r in rows if r["label"] == "emergency"} == set(CATEGORIES)
    assert sum(r["category"] == "self_harm" for r in rows if r["label"] == "emergency") >= 40
    assert all(r["split"] == split_of(r["group"], FRESH4_SALT) for r in rows)
    halves = Counter((r["split"], r["label"]) for r in rows)
    assert min(halves.values()) >= 80
    assert len({r["text"].lower() for r in rows}) == len(rows)
    assert "triage-fresh4:" in (FRESH4_FILE.parent / "README.md").read_text()


def test_only_the_dev_half_of_fresh4_is_training_data() -> None:
    texts = {r["text"] for r in training_rows()}
    assert all(r["text"] in texts for r in load_fresh4("dev"))
    assert not any(r["text"] in texts for r in load_fresh4("test"))
