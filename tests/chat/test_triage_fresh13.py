"""Issue 13.1: fresh13.jsonl — a thirteenth held-out set, written during round 15 by a writer who read neither the
triage code nor another set's texts. It is never trained on: scored whole in round 15, its dev half read for round
16's rules, its test half the unseen measurement. Texts are never printed: a failing assert names only ids and
counts."""

from __future__ import annotations

import re
from collections import Counter

from medtune.chat.triage_fit import (CATEGORIES, FRESH13_FILE, FRESH13_SALT, load_fresh10, load_fresh11,
                                     load_fresh12, load_fresh13, split_of, tuned_training_rows)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def test_fresh13_is_large_spread_over_every_category_and_split_once_by_group() -> None:
    rows = load_fresh13()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 300 and labels["not_emergency"] >= 300  # issue 13.1: >= 300 of each
    per_category = Counter(r["category"] for r in rows if r["label"] == "emergency")
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 17 and per_category["self_harm"] >= 60
    assert all(r["split"] == split_of(r["group"], FRESH13_SALT) for r in rows)
    assert min(Counter((r["split"], r["label"]) for r in rows).values()) >= 170
    assert len({_norm(r["text"]) for r in rows}) == len(rows)
    assert "triage-fresh13:" in (FRESH13_FILE.parent / "README.md").read_text()


def test_no_fresh13_message_is_in_any_training_source_or_an_earlier_held_out_set() -> None:
    earlier = load_fresh10() + load_fresh11() + load_fresh12()
    texts = {_norm(r["text"]) for r in tuned_training_rows()} | {_norm(r["text"]) for r in earlier}
    assert [r["id"] for r in load_fresh13() if _norm(r["text"]) in texts] == []
    assert not {r["group"] for r in load_fresh13()} & {r["group"] for r in earlier}
