"""Verifier pairs from the real datasets (a small limit per source): every split written, labels in the task's
set, evaluation splits disjoint from training, a data card naming each source."""

from __future__ import annotations

import json
from pathlib import Path

from medtune.verify.pairs import FILES, LABELS, PairOptions, build_pairs, bucket, focus_evidence, read_pairs


def test_pairs_are_built_and_disjoint(shared_data: Path, tmp_path: Path) -> None:
    stats = build_pairs(tmp_path, PairOptions(limit=120, medquad_sentences=150, dailymed_swaps=20))
    splits = {name: read_pairs(tmp_path / file) for name, file in FILES.items()}
    assert all(splits[name] for name in ("train", "validation", "test_medhallu", "test_perturb"))
    assert {p.source for p in splits["train"]} >= {"healthver", "medhallu", "pubmedqa", "medquad", "dailymed"}
    assert all(p.label in LABELS for pairs in splits.values() for p in pairs)
    train_groups = {p.group for p in splits["train"] + splits["validation"]}
    train_claims = {p.claim.lower() for p in splits["train"]}
    for name in ("calib", "test_healthver", "test_medhallu", "test_perturb"):
        assert not {p.group for p in splits[name]} & train_groups, name
        assert not {p.claim.lower() for p in splits[name]} & train_claims, name
    assert {p.label for p in splits["test_perturb"]} == {"supported", "refuted"}
    assert stats["splits"]["train"]["pairs"] == len(splits["train"])
    card = (tmp_path / "DATACARD.md").read_text()
    assert "SciFact" in card and "HealthVer" in card and "| train |" in card
    assert json.loads((tmp_path / "stats.json").read_text())["seed"] == 13


def test_bucket_is_stable_and_focus_keeps_the_relevant_sentence() -> None:
    shares = {"a": 0.5, "b": 0.5}
    assert bucket("claim x", shares, 13) == bucket("claim x", shares, 13)
    filler = "Unrelated background about hospital staffing levels. " * 20
    text = filler + "Garlic does not cure high blood pressure. " + filler
    focused = focus_evidence("Garlic cures high blood pressure", text, max_chars=200)
    assert "Garlic does not cure high blood pressure." in focused and len(focused) <= 400
