"""Recipe selection by k-fold cross-validation (issue 15): deterministic choice, majority flag, reuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.errors import ConfigError
from medtune.train.select import (
    beats_majority,
    choose,
    cross_validate,
    load_pool,
    parse_candidate,
    stratified_folds,
)

DATASET = "drug_reviews_explabox"  # real Drugs.com reviews, 3 classes, skewed positive


def _available(name: str, split: str) -> bool:
    from medtune.data.registry import find_local_file, get_dataset, is_sample

    path = find_local_file(get_dataset(name), split)
    return path is not None and not is_sample(path)


pytestmark = pytest.mark.skipif(not _available(DATASET, "train"), reason="full drug_reviews_explabox copy not present")


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BERT-style encoder built from a config, tokenizer trained on real MedQuAD sentences."""
    from tests.tiny_models import build_tiny_model, sample_texts

    if not _available("medquad", "all"):
        pytest.skip("medquad is not present")
    return build_tiny_model("encoder", tmp_path_factory.mktemp("tiny") / "encoder", sample_texts(300))


def test_folds_are_stratified_deterministic_and_balanced() -> None:
    pool = load_pool(DATASET, "sentiment", limit=90)
    folds = stratified_folds(pool.keys, pool.labels, 3, seed=13)
    assert folds == stratified_folds(pool.keys, pool.labels, 3, seed=13)
    assert folds != stratified_folds(pool.keys, pool.labels, 3, seed=14)
    sizes = [folds.count(f) for f in range(3)]
    assert max(sizes) - min(sizes) <= 1
    for label in set(pool.labels):  # every label spread over the folds
        per_fold = [sum(1 for f, lbl in zip(folds, pool.labels) if f == k and lbl == label) for k in range(3)]
        assert max(per_fold) - min(per_fold) <= 1, (label, per_fold)


def test_decision_rule() -> None:
    assert beats_majority([0.5, 0.6], [0.3, 0.3]) is True
    assert beats_majority([0.5, 0.3], [0.3, 0.3]) is False  # equal to majority on one fold is not beating it
    assert beats_majority([0.5, None], [0.3, 0.3]) is None
    summaries = {"b": {"mean": 0.6, "sd": 0.05, "beats_majority": True},
                 "a": {"mean": 0.6, "sd": 0.05, "beats_majority": True},
                 "c": {"mean": 0.9, "sd": 0.01, "beats_majority": False}}
    assert choose(summaries)[0] == "a"  # c is higher but flagged; a/b tie on mean and sd -> name
    assert choose({"c": summaries["c"]})[0] is None
    with pytest.raises(ConfigError, match="NAME=KIND"):
        parse_candidate("lora=bogus")
    assert parse_candidate("full=recipe:method=full,epochs=2").settings == {"method": "full", "epochs": 2}


def test_cv_chooses_deterministically_and_flags_majority(tmp_path: Path, tiny_encoder: Path) -> None:
    candidates = [
        parse_candidate("majority=majority"),
        parse_candidate("head=frozen-head:C=1.0"),
        # the training engine on a tiny encoder, 3 steps: real training on each fold, seconds on CPU
        parse_candidate(f"tiny=recipe:model={tiny_encoder},max_steps=3,max_length=48,batch_size=8,"
                        "eval_batch_size=16,logging_steps=1,prepare.near_dedup=false,prepare.scan_phi=false"),
    ]
    first = cross_validate(DATASET, "sentiment", candidates, k=3, seed=13, out_dir=tmp_path / "a", limit=72,
                           log=lambda m: None)
    cv = json.loads((tmp_path / "a" / "cv.json").read_text())
    assert cv["complete"] and cv["pool"]["rows"] == 72 and cv["metric"] == "macro_f1"
    for name in ("majority", "head", "tiny"):
        s = cv["candidates"][name]
        assert s["folds_done"] == 3 and len(s["majority"]) == 3
        assert all(0.0 <= v <= 1.0 for v in s["folds"] + s["majority"])
        assert s["mean"] == pytest.approx(sum(s["folds"]) / 3, abs=1e-3)
    # predicting the majority class can never beat the majority class: flagged, never chosen
    assert cv["candidates"]["majority"]["beats_majority"] is False
    assert cv["candidates"]["majority"]["folds_not_above_majority"] == [0, 1, 2]
    assert cv["chosen"] != "majority"
    assert cv["chosen"] is None or cv["candidates"][cv["chosen"]]["beats_majority"] is True
    # the same data and seed in a fresh folder: the same fold figures and the same choice
    second = cross_validate(DATASET, "sentiment", candidates, k=3, seed=13, out_dir=tmp_path / "b", limit=72,
                            log=lambda m: None)
    assert second["chosen"] == first["chosen"]
    for name in ("majority", "head"):
        assert second["candidates"][name]["folds"] == first["candidates"][name]["folds"]
    # a rerun reuses finished folds instead of training again
    before = (tmp_path / "a" / "tiny" / "fold-0.json").stat().st_mtime_ns
    cross_validate(DATASET, "sentiment", candidates, k=3, seed=13, out_dir=tmp_path / "a", limit=72,
                   only_folds=[0], log=lambda m: None)
    assert (tmp_path / "a" / "tiny" / "fold-0.json").stat().st_mtime_ns == before


def test_cli_runs_selected_folds_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from medtune.cli import main

    args = ["select", "--dataset", DATASET, "--candidate", "majority=majority", "--candidate", "head=frozen-head",
            "--k", "3", "--limit", "60", "--out", str(tmp_path)]
    assert main([*args, "--folds", "0"]) == 0
    partial = json.loads((tmp_path / "cv.json").read_text())
    assert not partial["complete"] and partial["candidates"]["head"]["folds_done"] == 1
    assert partial["candidates"]["head"]["beats_majority"] is None
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == json.loads((tmp_path / "cv.json").read_text())
    assert out["complete"] and out["candidates"]["majority"]["beats_majority"] is False
    assert main(["select", "--dataset", DATASET, "--candidate", "x=nope", "--out", str(tmp_path)]) == 2


def test_a_claim_with_several_evidence_passages_stays_in_one_fold_and_its_training_rows_survive(tmp_path: Path) -> None:
    """HealthVer pairs one claim with several passages. Dealt row by row, a claim sat in every fold, preparation's
    leakage check dropped its training copies, and a fold trained on ~100 of ~1,150 rows. Grouped by claim, the
    folds keep the training rows; a single-text dataset's folds are those of the ungrouped deal."""
    from medtune.data.prep_dedup import normalize
    from medtune.train.select import fold_dataset, prepare_fold

    if not _available("healthver", "dev"):
        pytest.skip("full healthver copy not present")
    pool = load_pool("healthver", "claim_verification", limit=400)
    assert len(set(pool.groups)) < len(pool.rows) / 2  # several passages per claim in real HealthVer
    folds = stratified_folds(pool.keys, pool.labels, 3, seed=13, groups=pool.groups)
    fold_of_claim: dict[str, set[int]] = {}
    for row_fold, group in zip(folds, pool.groups):
        fold_of_claim.setdefault(group, set()).add(row_fold)
    assert all(len(f) == 1 for f in fold_of_claim.values())
    assert {normalize(str(r.get("claim", ""))) for r in pool.rows} >= set(pool.groups) - {""}
    name = fold_dataset(pool, folds, 0, 3, 13, tmp_path)
    data = prepare_fold(name, "claim_verification", tmp_path / "prepared")
    held_in = sum(1 for f in folds if f != 0)
    assert len(data.train) + len(data.validation) >= 0.8 * held_in  # exact / near duplicates aside
    single = load_pool(DATASET, "sentiment", limit=90)
    assert stratified_folds(single.keys, single.labels, 3, 13, single.groups) == stratified_folds(
        single.keys, single.labels, 3, 13)
