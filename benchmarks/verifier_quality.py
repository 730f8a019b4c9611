"""Verifier quality on held-out data: prints the figures for docs/VERIFY.md.

    MEDTUNE_DATA_DIR=../shared/data nice -n 10 python benchmarks/verifier_quality.py [--pairs DIR] [--verifier SPEC]

- HealthVer: macro F1 (3-way) on the held-out 25% of its dev claims (`test_healthver.jsonl`; HealthVer's
  official test labels are not here, and no claim of this part is trained on);
- MedHallu dev: F1 for the hallucinated class, two ways — per pair (answer + the passage it is about, as
  trained) and per answer through `medtune.verify.faithfulness_scores` (what the evaluation metrics use:
  every sentence against the whole abstract, hallucinated when trust < HALLUCINATION_THRESHOLD);
- perturbation test: accuracy on MedQuAD sentences from documents never trained on, and their perturbed copies;
- calibration: ECE of the trust score (P(supported)) on all three test sets, and each band's precision.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from medtune.settings import get_settings
    from medtune.verify.pairs import FILES, LABELS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=get_settings().home / "verify" / "pairs")
    parser.add_argument("--verifier", default=None, help="auto (default), lexical, hub:<id> or a run directory")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--only", choices=("test_healthver", "test_medhallu", "test_perturb"), action="append",
                        help="only these held-out sets (repeatable; default all, plus MedHallu answers)")
    args = parser.parse_args()
    if not (args.pairs / FILES["test_healthver"]).is_file():
        from medtune.verify.pairs import build_pairs

        build_pairs(args.pairs)
    from sklearn.metrics import accuracy_score, f1_score

    import medtune.verify as verify
    from medtune.verify.model import load_verifier
    from medtune.verify.pairs import read_pairs
    from medtune.verify.trust import band_report, calibration_for, ece_of, raw_score

    verifier = load_verifier(args.verifier)
    cal = calibration_for(verifier)
    started = time.perf_counter()
    figures: dict = {"verifier": verifier.name, "calibration": cal.source}
    trust_all, y_all = [], []
    for name in args.only or ("test_healthver", "test_medhallu", "test_perturb"):
        pairs = read_pairs(args.pairs / FILES[name])
        probs = verifier.predict([(p.claim, p.evidence) for p in pairs])
        pred = [LABELS[int(row.argmax())] for row in probs]
        gold = [p.label for p in pairs]
        trust = [cal.trust(raw_score(float(r[0]), float(r[1]))) for r in probs]
        trust_all += trust
        y_all += [int(g == "supported") for g in gold]
        if name == "test_healthver":
            figures["healthver_macro_f1"] = f1_score(gold, pred, labels=list(LABELS), average="macro")
            figures["healthver_accuracy"] = accuracy_score(gold, pred)
            figures["healthver_pairs"] = len(pairs)
        elif name == "test_medhallu":
            hallucinated = [int(t < verify.HALLUCINATION_THRESHOLD) for t in trust]
            figures["medhallu_f1_hallucinated_pair"] = f1_score([int(g != "supported") for g in gold], hallucinated)
            figures["medhallu_pairs"] = len(pairs)
        else:
            figures["perturb_accuracy"] = accuracy_score(gold, pred)
            figures["perturb_pairs"] = len(pairs)
    if not args.only:
        figures.update(medhallu_answers(verify))
    report = ece_of(trust_all, y_all)
    figures["trust_ece"] = report["ece"]
    figures["trust_ece_ci"] = report["ece_ci"]
    figures["bands"] = band_report(trust_all, y_all, cal)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    for key, value in figures.items():
        print(f"{key}: {round(value, 4) if isinstance(value, float) else value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return 0


def medhallu_answers(verify) -> dict:
    """MedHallu dev through the faithfulness path: each answer against its full abstract."""
    from sklearn.metrics import f1_score

    from medtune.data.registry import iter_records

    records = list(iter_records("medhallu", "dev"))
    scores = verify.faithfulness_scores([r.answer for r in records], [r.context or "" for r in records])
    flags = [int(s < verify.HALLUCINATION_THRESHOLD) for s in scores]
    gold = [int(r.label == "hallucinated") for r in records]
    return {"medhallu_f1_hallucinated_answer": f1_score(gold, flags), "medhallu_answers": len(records)}


if __name__ == "__main__":
    sys.exit(main())
