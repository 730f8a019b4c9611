"""The cross-encoder's retraining data (issue 14): pairs.py's train split plus MedQuAD hard negatives, none
from the stance head's validation pages or the claims benchmark."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

DATA = Path(os.environ.get("MEDTUNE_DATA_DIR", "../shared/data"))
needs_medquad = pytest.mark.skipif(not (DATA / "medquad" / "medquad.jsonl").is_file(), reason="MedQuAD not available")


@needs_medquad
def test_encoder_pairs_add_hard_negatives_from_the_fit_pages_only(tmp_path: Path) -> None:
    from medtune.verify.encoder_train import DISTORTION_SEED, encoder_pairs, encoder_overrides
    from medtune.verify.pairs import LABELS, bucket
    from medtune.verify.stance_train import benchmark_exclusions

    released = {"id": "hv-1", "claim": "Masks reduce spread.", "evidence": "Masks reduced spread in trials.",
                "label": "supported", "source": "healthver"}
    (tmp_path / "pairs").mkdir()
    (tmp_path / "pairs" / "train.jsonl").write_text(json.dumps(released) + "\n")
    (tmp_path / "pairs" / "validation.jsonl").write_text(json.dumps({**released, "id": "hv-2"}) + "\n")
    counts = encoder_pairs(tmp_path / "pairs", tmp_path / "out", pages=40)
    rows = [json.loads(line) for line in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    extra = [r for r in rows if r["source"] == "medquad-distortion"]
    assert counts["healthver:supported"] == 1 and len(rows) == sum(counts.values())
    assert {r["label"] for r in extra} == set(LABELS)
    assert sum(r["label"] == "refuted" for r in extra) >= sum(r["label"] == "supported" for r in extra)
    # never a page of the stance head's validation fifth, nor one of the claims benchmark
    assert all(bucket(r["group"], {"fit": 0.8, "val": 0.2}, DISTORTION_SEED) == "fit" for r in extra)
    ids, _ = benchmark_exclusions()
    assert not {r["group"] for r in extra} & ids
    refuted = [r for r in extra if r["label"] == "refuted"]
    supported_by_page = {r["group"]: r["evidence"] for r in extra if r["label"] == "supported"}
    # a hard negative sits next to the passage that refutes it: the page's own window
    assert any(supported_by_page.get(r["group"]) == r["evidence"] for r in refuted)
    assert encoder_overrides("full", 10, 1)["method"] == "full"
    assert len(encoder_overrides("lora", 10, 1)["lora"]["target_modules"]) == 36  # all six layers
