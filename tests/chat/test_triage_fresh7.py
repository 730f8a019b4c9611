"""Issue 13.1, round 8: fresh7.jsonl — the held-out set of that round, written by a seventh writer who read neither
the triage code nor another set's texts — and train_pool8.jsonl, the round's training-only pool. Since round 9
fresh7 trains the fine-tuned model (its test half was scored twice in round 8); the pool is never evaluated. Texts
are never printed: a failing assert names only ids and counts."""

from __future__ import annotations

import re
from collections import Counter

from medtune.chat.triage_fit import (CATEGORIES, FRESH7_FILE, FRESH7_SALT, load_fresh7, load_pool8, split_of,
                                     tuned_sources, tuned_training_rows)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def test_fresh7_is_large_spread_over_every_category_and_split_once_by_group() -> None:
    rows = load_fresh7()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 250 and labels["not_emergency"] >= 290
    per_category = Counter(r["category"] for r in rows if r["label"] == "emergency")
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 8 and per_category["self_harm"] >= 40
    assert all(r["split"] == split_of(r["group"], FRESH7_SALT) for r in rows)
    assert min(Counter((r["split"], r["label"]) for r in rows).values()) >= 100
    assert len({_norm(r["text"]) for r in rows}) == len(rows)
    assert "triage-fresh7:" in (FRESH7_FILE.parent / "README.md").read_text()


def test_fresh7_trains_the_fine_tuned_model_since_round_9() -> None:
    texts = {_norm(r["text"]) for r in tuned_training_rows()}
    assert all(_norm(r["text"]) in texts for r in load_fresh7())
    left_out = {_norm(r["text"]) for r in tuned_training_rows(leave_out="fresh7")}
    assert [r["id"] for r in load_fresh7() if _norm(r["text"]) in left_out] == []


def test_the_pool_is_training_only_and_mostly_hard_near_misses() -> None:
    rows = load_pool8()
    assert {r["split"] for r in rows} == {"train"}
    labels = Counter(r["label"] for r in rows)
    assert labels["not_emergency"] >= 600 and labels["emergency"] >= 200
    near_miss_categories = Counter(r["category"] for r in rows if r["label"] == "not_emergency")
    assert len(set(near_miss_categories) & set(CATEGORIES)) == len(CATEGORIES)
    kept = {r["id"] for r in tuned_sources()["pool8"]}
    assert len(kept) >= 0.95 * len(rows)  # the writer's own dedupe left (almost) nothing to drop
