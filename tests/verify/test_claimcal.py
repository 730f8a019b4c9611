"""Claim-level calibration: the calibration claims, the coverage feature and the claim model fitted on them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from medtune.verify import trust as T
from medtune.verify.evidence import term_coverage

DATA = Path(os.environ.get("MEDTUNE_DATA_DIR", "../shared/data"))
needs_medquad = pytest.mark.skipif(not (DATA / "medquad" / "medquad.jsonl").is_file(), reason="MedQuAD not available")


def test_term_coverage_counts_synonyms_and_notices_a_new_term() -> None:
    passage = "Athlete's foot is a common infection caused by a fungus. Children get it too."
    assert term_coverage("Athlete's foot is a fungal infection kids get.", passage) < 1.0
    assert term_coverage("Athlete's foot is an infection caused by a fungus.", passage) == 1.0
    # "kids" is held through its synonym "children"; "bacteria" is a term the passage never uses.
    assert term_coverage("Kids get athlete's foot.", passage) == 1.0
    assert term_coverage("Athlete's foot is caused by bacteria.", passage) < term_coverage(
        "Athlete's foot is caused by a fungus.", passage)


def test_a_claim_model_reads_the_columns_it_names() -> None:
    """A 7-feature model (with coverage) and an older 6-feature one both give a trust; coverage moves the first."""
    cal = T.Calibration(a=1.0, b=0.0, green=0.7, yellow=0.4,
                        claim={"coef": [1.0, -1.0, -1.0, 1.0, -1.0, -1.0, 4.0], "intercept": -8.0,
                               "features": list(T.CLAIM_FEATURES), "green": 0.8, "red": 0.3})
    high = T.judge_sentence("A is B.", [[0.9, 0.05, 0.05]], cal)
    low = T.judge_sentence("A is B.", [[0.9, 0.05, 0.05]], cal)
    high.coverage, low.coverage = 1.0, 0.2
    assert T.judge_claim([high], cal).trust > T.judge_claim([low], cal).trust + 0.3
    cal.claim = {"coef": [1.0, -1.0, -1.0, 1.0, -1.0, -1.0], "intercept": 0.0, "green": 0.8, "red": 0.3}
    assert 0.0 < T.judge_claim([low], cal).trust < 1.0


@needs_medquad
def test_calibration_claims_are_three_labelled_wordings_per_held_out_page() -> None:
    from medtune.verify.claimcal import _excluded, calibration_claims

    rows = calibration_claims(pages=20, seed=29)
    assert rows == calibration_claims(pages=20, seed=29)  # deterministic
    assert len(rows) == 60
    by_group: dict[str, list[str]] = {}
    for row in rows:
        by_group.setdefault(row["group"], []).append(row["label"])
        assert row["claim"].strip() and row["kind"]
    assert all(sorted(labels) == ["false", "misleading", "true"] for labels in by_group.values())
    ids, _ = _excluded()
    assert not {g.split(":", 1)[1] for g in by_group} & ids  # never a page of either claim benchmark
    true = {r["group"]: r["claim"] for r in rows if r["label"] == "true"}
    for row in rows:
        if row["label"] == "misleading":  # the true wording plus a conclusion the page does not draw
            assert row["claim"].startswith(true[row["group"]].rstrip("."))
            assert len(row["claim"]) > len(true[row["group"]])


def test_the_claim_model_fitted_on_checked_claims_orders_support(tmp_path: Path) -> None:
    """fit_from_results on saved results: strongly supported claims judged true get a higher trust than weakly
    supported ones, and the model names its features and the data it came from."""
    import random

    from medtune.verify.claimcal import fit_from_results

    rng = random.Random(3)
    checked = []
    for g in range(60):
        truth = g % 2 == 0
        s = rng.uniform(0.75, 0.95) if truth else rng.uniform(0.45, 0.8)
        checked.append({"gold": "true" if truth else "false", "group": f"p{g}", "verdict": "true",
                        "unsupported_parts": [],
                        "sentences": [{"text": "A is B.", "label": "supported", "trust": s, "support": s,
                                       "contradiction": 0.1, "role": "core", "coverage": 1.0 if truth else 0.7}]})
    fitted = fit_from_results(checked)
    assert fitted["features"] == list(T.CLAIM_FEATURES) and fitted["items"] == 60
    assert "calibration claims" in fitted["data"]
    cal = T.Calibration(a=1.0, b=0.0, green=0.7, yellow=0.4, claim=fitted)
    strong = T.judge_sentence("A is B.", [[0.93, 0.05, 0.02]], cal)
    weak = T.judge_sentence("A is B.", [[0.55, 0.05, 0.40]], cal)
    weak.coverage = 0.7
    assert T.judge_claim([strong], cal).trust > T.judge_claim([weak], cal).trust
    json.dumps(fitted)  # JSON-able, as packaged into calibration.json


def test_swap_entity_changes_one_term_for_another_of_its_kind() -> None:
    import random

    from medtune.verify.claimcal import swap_entity

    changed = swap_entity("Athlete's foot is a common infection caused by a fungus.", random.Random(1))
    assert changed and "fungus" not in changed
    assert any(t in changed for t in ("bacteria", "virus", "parasite"))
    assert swap_entity("Wash your hands often.", random.Random(1)) is None


def test_too_few_calibration_pages_is_a_clear_error() -> None:
    from medtune.errors import DataError
    from medtune.verify.claimcal import fit_from_results

    checked = [{"gold": "true", "group": "p1", "verdict": "true", "unsupported_parts": [],
                "sentences": [{"text": "A is B.", "label": "supported", "trust": 0.9, "support": 0.9,
                               "contradiction": 0.1, "role": "core"}]}]
    with pytest.raises(DataError, match="calibration pages"):
        fit_from_results(checked)
