"""Issue 13.1: fresh10.jsonl — a tenth held-out set, written after round 10's model by a writer who read neither
the triage code nor another set's texts. It trains the fine-tuned model since round 15 (scored as a held-out set
in rounds 10 to 14). Texts are never printed: a failing assert names only ids and counts."""

from __future__ import annotations

import re
from collections import Counter

from medtune.chat.triage_fit import (CATEGORIES, FRESH10_FILE, FRESH10_SALT, load_fresh10, split_of,
                                     tuned_training_rows)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def test_fresh10_is_large_spread_over_every_category_and_split_once_by_group() -> None:
    rows = load_fresh10()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 300 and labels["not_emergency"] >= 300  # issue 13.1: >= 300 of each
    per_category = Counter(r["category"] for r in rows if r["label"] == "emergency")
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 17 and per_category["self_harm"] >= 55
    assert all(r["split"] == split_of(r["group"], FRESH10_SALT) for r in rows)
    assert min(Counter((r["split"], r["label"]) for r in rows).values()) >= 170
    assert len({_norm(r["text"]) for r in rows}) == len(rows)
    assert "triage-fresh10:" in (FRESH10_FILE.parent / "README.md").read_text()


def test_fresh10_trains_the_fine_tuned_model_since_round_15_and_no_earlier_source_holds_its_texts() -> None:
    texts = {_norm(r["text"]) for r in tuned_training_rows()}
    assert all(_norm(r["text"]) in texts for r in load_fresh10())
    left_out = {_norm(r["text"]) for r in tuned_training_rows(leave_out="fresh10")}
    assert [r["id"] for r in load_fresh10() if _norm(r["text"]) in left_out] == []
