"""Issue 13.1: fresh11.jsonl — an eleventh held-out set, written after round 11 by a writer who read neither the
triage code nor another set's texts. It trains the fine-tuned model since round 15 (scored as a held-out set in
rounds 11 to 14). Texts are never printed: a failing assert names only ids and counts."""

from __future__ import annotations

import re
from collections import Counter

from medtune.chat.triage_fit import (CATEGORIES, FRESH11_FILE, FRESH11_SALT, load_fresh10, load_fresh11, split_of,
                                     tuned_training_rows)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def test_fresh11_is_large_spread_over_every_category_and_split_once_by_group() -> None:
    rows = load_fresh11()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 300 and labels["not_emergency"] >= 300  # issue 13.1: >= 300 of each
    per_category = Counter(r["category"] for r in rows if r["label"] == "emergency")
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 17 and per_category["self_harm"] >= 60
    assert all(r["split"] == split_of(r["group"], FRESH11_SALT) for r in rows)
    assert min(Counter((r["split"], r["label"]) for r in rows).values()) >= 170
    assert len({_norm(r["text"]) for r in rows}) == len(rows)
    assert "triage-fresh11:" in (FRESH11_FILE.parent / "README.md").read_text()


def test_fresh11_trains_the_fine_tuned_model_since_round_15_and_no_other_source_holds_its_texts() -> None:
    texts = {_norm(r["text"]) for r in tuned_training_rows()}
    assert all(_norm(r["text"]) in texts for r in load_fresh11())
    others = {_norm(r["text"]) for r in tuned_training_rows(leave_out="fresh11")}
    assert [r["id"] for r in load_fresh11() if _norm(r["text"]) in others] == []
    assert not {r["group"] for r in load_fresh11()} & {r["group"] for r in load_fresh10()}
