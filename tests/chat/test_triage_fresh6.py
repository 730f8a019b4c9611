"""Issue 13.1, round 7: fresh6.jsonl — the held-out set of that round, written by a sixth writer who read neither
the triage code nor another set's texts — and what the fine-tuned model trains on: every earlier labelled set
by writer, with no text in two sources (since round 8 fresh6 and train_pool8 too: nine sources). Texts are never
printed: a failing assert names only ids and counts."""

from __future__ import annotations

import re
from collections import Counter

from medtune.chat.triage_fit import (CATEGORIES, FRESH6_FILE, FRESH6_SALT, INDEPENDENT_FILE, load_fresh6,
                                     load_independent, split_of, tuned_sources, tuned_training_rows)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def test_fresh6_is_large_spread_over_every_category_and_split_once_by_group() -> None:
    rows = load_fresh6()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 220 and labels["not_emergency"] >= 220
    per_category = Counter(r["category"] for r in rows if r["label"] == "emergency")
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 8 and per_category["self_harm"] >= 35
    assert all(r["split"] == split_of(r["group"], FRESH6_SALT) for r in rows)
    assert min(Counter((r["split"], r["label"]) for r in rows).values()) >= 100
    assert len({_norm(r["text"]) for r in rows}) == len(rows)
    assert "triage-fresh6:" in (FRESH6_FILE.parent / "README.md").read_text()


def test_fresh6_trains_the_fine_tuned_model_since_round_8() -> None:
    texts = {_norm(r["text"]) for r in tuned_training_rows()}
    assert all(_norm(r["text"]) in texts for r in load_fresh6())
    left_out = {_norm(r["text"]) for r in tuned_training_rows(leave_out="fresh6")}
    assert [r["id"] for r in load_fresh6() if _norm(r["text"]) in left_out] == []


def test_the_sixteen_training_sources_share_no_text() -> None:
    sources = tuned_sources()
    assert len(sources) == 16 and {"fresh5", "holdout2", "independent", "fresh6", "pool8", "fresh7",
                                   "pool9", "fresh8", "pool10", "fresh9", "fresh10", "fresh11"} <= set(sources)
    owner: dict[str, str] = {}
    clashes = [(name, r["id"]) for name, rows in sources.items() for r in rows
               if owner.setdefault(_norm(r["text"]), name) != name]
    assert clashes == []


def test_the_independent_set_is_read_in_the_labelled_form_with_our_categories() -> None:
    rows = load_independent()
    raw_lines = [line for line in INDEPENDENT_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == len(raw_lines)
    emergencies = [r for r in rows if r["label"] == "emergency"]
    assert {r["category"] for r in emergencies} <= set(CATEGORIES)
    assert Counter(r["category"] for r in emergencies)["urgent_surgical"] >= 5
    assert {r["category"] for r in rows if r["label"] != "emergency"} <= {*CATEGORIES, "general"}
