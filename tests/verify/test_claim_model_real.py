"""The packaged claim trust model on real everyday claims (issue 14, rounds 6 and 7).

`data/claim_dev_real.jsonl` holds the checker's outputs (the judged parts: support, refutation, labels, cues,
coverage) for the dev claims of the independent set, of fresh6 and of the pool7 training pool — 409 real claims
the packaged stance head never fitted, checked on the full knowledge base (`benchmarks/checker_quality.py
--out`). The packaged claim model was fitted on them among others (benchmarks/claim_model_cv.py), so this is a
guard, not a held-out figure: the synthetic-only model packaged before round 6 is off by ECE ≈ 0.1 on them, and
round 6's model by 0.13 on pool7's new writer; this test fails for both.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from medtune.verify import trust as T
from medtune.verify.claimcal import results_from_dicts
from medtune.verify.claimfit import _ece

DATA = Path(__file__).resolve().parent / "data" / "claim_dev_real.jsonl"


def _judged() -> tuple[list[dict], list[T.ClaimJudgement]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    cal = T.load_calibration(T.PACKAGED_CALIBRATION)
    return rows, [T.judge_claim(r.sentences, cal, d["claim"]) for r, d in zip(results_from_dicts(rows), rows)]


def test_packaged_claim_trust_is_calibrated_on_real_dev_claims() -> None:
    rows, judged = _judged()
    assert len(rows) >= 100 and {d["gold"] for d in rows} == {"true", "false", "misleading"}
    # the verdict rules reproduce the checker's verdicts from the saved parts (the sample is what was checked)
    assert [j.verdict for j in judged] == [d["verdict"] for d in rows]
    trust = np.array([j.trust for j in judged])
    gold = np.array([int(d["gold"] == "true") for d in rows])
    assert _ece(trust, gold) <= 0.08
    # the trust ranks: claims that are true get more of it than those that are not
    assert trust[gold == 1].mean() > trust[gold == 0].mean() + 0.15


def test_packaged_claim_bands_keep_their_promise_on_real_dev_claims() -> None:
    rows, judged = _judged()
    red = [d["gold"] != "true" for d, j in zip(rows, judged) if j.band == "red"]
    green = [d["gold"] == "true" for d, j in zip(rows, judged) if j.band == "green"]
    assert len(red) >= 30 and sum(red) / len(red) >= 0.85
    assert not green or sum(green) / len(green) >= 0.9
    cal = T.load_calibration(T.PACKAGED_CALIBRATION)
    assert "fresh6" in cal.claim.get("data", "") and "pool7" in cal.claim.get("data", "")  # what it was fitted on
