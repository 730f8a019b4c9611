"""Issue 13.1, round 9: fresh8.jsonl — the held-out set of the round, written by an eighth writer who read neither
the triage code nor another set's texts — and train_pool9.jsonl, the round's training-only pool. Since round 10
fresh8 trains the fine-tuned model (its test half was scored once in round 9); the pool is never evaluated. Texts are never printed: a failing assert names only ids and counts."""

from __future__ import annotations

import re
from collections import Counter

from medtune.chat.triage_fit import (CATEGORIES, FRESH8_FILE, FRESH8_SALT, load_fresh8, load_pool9, split_of,
                                     tuned_sources, tuned_training_rows)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def test_fresh8_is_large_spread_over_every_category_and_split_once_by_group() -> None:
    rows = load_fresh8()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 300 and labels["not_emergency"] >= 300  # issue 13.1: >= 300 of each
    per_category = Counter(r["category"] for r in rows if r["label"] == "emergency")
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 13 and per_category["self_harm"] >= 50
    assert all(r["split"] == split_of(r["group"], FRESH8_SALT) for r in rows)
    assert min(Counter((r["split"], r["label"]) for r in rows).values()) >= 140
    assert len({_norm(r["text"]) for r in rows}) == len(rows)
    assert "triage-fresh8:" in (FRESH8_FILE.parent / "README.md").read_text()


def test_fresh8_trains_the_fine_tuned_model_since_round_10() -> None:
    texts = {_norm(r["text"]) for r in tuned_training_rows()}
    assert all(_norm(r["text"]) in texts for r in load_fresh8())
    left_out = {_norm(r["text"]) for r in tuned_training_rows(leave_out="fresh8")}
    assert [r["id"] for r in load_fresh8() if _norm(r["text"]) in left_out] == []


def test_pool9_is_training_only_and_mostly_hard_near_misses() -> None:
    rows = load_pool9()
    assert {r["split"] for r in rows} == {"train"}
    labels = Counter(r["label"] for r in rows)
    assert labels["not_emergency"] >= 650 and labels["emergency"] >= 300
    assert Counter(r["category"] for r in rows if r["label"] == "emergency")["self_harm"] >= 60
    near_miss_categories = Counter(r["category"] for r in rows if r["label"] == "not_emergency")
    assert len(set(near_miss_categories) & set(CATEGORIES)) == len(CATEGORIES)
    kept = {r["id"] for r in tuned_sources()["pool9"]}
    assert len(kept) >= 0.95 * len(rows)  # the writer's own dedupe left (almost) nothing to drop
