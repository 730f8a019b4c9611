"""Issue 13.1, round 10: fresh9.jsonl — the held-out set of the round, written by a ninth writer who read neither
the triage code nor another set's texts — and train_pool10.jsonl, the round's training-only pool. fresh9 trains
the fine-tuned model since round 12 (its test half was scored twice in round 10); the pool is never evaluated.
Texts are never printed: a failing assert names only ids and counts."""

from __future__ import annotations

import re
from collections import Counter

from medtune.chat.triage_fit import (CATEGORIES, FRESH9_FILE, FRESH9_SALT, load_fresh9, load_pool10, split_of,
                                     tuned_sources, tuned_training_rows)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def test_fresh9_is_large_spread_over_every_category_and_split_once_by_group() -> None:
    rows = load_fresh9()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 300 and labels["not_emergency"] >= 300  # issue 13.1: >= 300 of each
    per_category = Counter(r["category"] for r in rows if r["label"] == "emergency")
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 13 and per_category["self_harm"] >= 50
    assert all(r["split"] == split_of(r["group"], FRESH9_SALT) for r in rows)
    assert min(Counter((r["split"], r["label"]) for r in rows).values()) >= 170
    assert len({_norm(r["text"]) for r in rows}) == len(rows)
    assert "triage-fresh9:" in (FRESH9_FILE.parent / "README.md").read_text()


def test_fresh9_trains_the_fine_tuned_model_since_round_12() -> None:
    texts = {_norm(r["text"]) for r in tuned_training_rows()}
    assert all(_norm(r["text"]) in texts for r in load_fresh9())
    left_out = {_norm(r["text"]) for r in tuned_training_rows(leave_out="fresh9")}
    assert [r["id"] for r in load_fresh9() if _norm(r["text"]) in left_out] == []


def test_pool10_is_training_only_and_mostly_hard_near_misses() -> None:
    rows = load_pool10()
    assert {r["split"] for r in rows} == {"train"}
    labels = Counter(r["label"] for r in rows)
    assert labels["not_emergency"] >= 650 and labels["emergency"] >= 300
    assert Counter(r["category"] for r in rows if r["label"] == "emergency")["self_harm"] >= 70
    near_miss_categories = Counter(r["category"] for r in rows if r["label"] == "not_emergency")
    assert len(set(near_miss_categories) & set(CATEGORIES)) == len(CATEGORIES)
    kept = {r["id"] for r in tuned_sources()["pool10"]}
    assert len(kept) >= 0.95 * len(rows)
