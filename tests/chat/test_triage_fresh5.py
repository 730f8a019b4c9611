"""Issue 13.1: fresh5.jsonl itself — the held-out test of triage, written independently of the code. Its size, its
categories, its one split by group hash, and that no message repeats one of the other triage sets (its texts are
never printed here: a failing assert names only ids and counts)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from medtune.chat.triage_fit import (CATEGORIES, FRESH5_FILE, FRESH5_SALT, load_fresh5, split_of, training_rows,
                                     tuned_training_rows)


def _norm(text: str) -> str:
    """Case and punctuation aside, as the README's overlap check."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def test_fresh5_is_large_spread_over_every_category_and_split_once_by_group() -> None:
    rows = load_fresh5()
    labels = Counter(r["label"] for r in rows)
    assert labels["emergency"] >= 170 and labels["not_emergency"] >= 170
    per_category = Counter(r["category"] for r in rows if r["label"] == "emergency")
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 5 and per_category["self_harm"] >= 35
    assert all(r["split"] == split_of(r["group"], FRESH5_SALT) for r in rows)
    halves = Counter((r["split"], r["label"]) for r in rows)
    assert min(halves.values()) >= 80
    assert len({_norm(r["text"]) for r in rows}) == len(rows)
    assert "triage-fresh5:" in (FRESH5_FILE.parent / "README.md").read_text()


def test_no_fresh5_message_repeats_another_triage_set() -> None:
    root = FRESH5_FILE.parents[1]
    others = {
        _norm(json.loads(line)["text"])
        for path in [*sorted((root / "triage").glob("*.jsonl")), root / "independent" / "triage.jsonl"]
        if path.name != FRESH5_FILE.name
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    assert [r["id"] for r in load_fresh5() if _norm(r["text"]) in others] == []


def test_the_test_half_of_fresh5_is_not_training_data() -> None:
    texts = {_norm(r["text"]) for r in training_rows()}
    assert not [r["id"] for r in load_fresh5("test") if _norm(r["text"]) in texts]


def test_the_fine_tuned_model_trains_on_all_of_fresh5_since_round_7() -> None:
    # fresh5's test half was scored three times in round 6, so round 7 trains on it and holds out fresh6.
    texts = {_norm(r["text"]) for r in tuned_training_rows()}
    assert all(_norm(r["text"]) in texts for r in load_fresh5())
