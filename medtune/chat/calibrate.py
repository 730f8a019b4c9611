"""Fit the chatbot's calibrated support verifier: `python -m medtune.chat.calibrate`.

    python -m medtune.verify pairs                       # once: MEDTUNE_HOME/verify/pairs (labelled pairs)
    python -m medtune.chat.calibrate                     # → medtune/chat/support_calibration.json
    python -m medtune.chat.calibrate --compare-verifier  # also ROC-AUC of medtune.verify's stacked verifier

A binary logistic regression P(supported | sentence, evidence) over `scoring.FEATURES`, with sign constraints
(`fit_monotone`); refuted and not enough info are both "not supported": the chat asks whether the sources say
what the sentence says. Fitted on the train + validation pairs; the calib split checks the calibration. The
bands are cut on the calibrated probability itself: green when the sentence is at least `green_from` (0.8)
likely supported, red below 0.5 (more likely unsupported than not), yellow between. (medtune.verify's band-precision rule — the lowest cut whose whole band is ≥ 80% supported —
put both cuts at 0.33 here: a sharp model leaves the yellow band empty and calls a 1-in-3 sentence green, which
is the wrong message for one patient's one sentence.) The test splits
(HealthVer held-out claims, MedHallu dev, MedQuAD perturbation test) are only scored, never fitted on; the
report gives per split: items, ROC-AUC, accuracy at 0.5, ECE and band precision / coverage, beside the ROC-AUC
of the raw uncalibrated support score (0.7 · cosine + 0.3 · overlap).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

FIT_SPLITS = ("train", "validation")
THRESHOLD_SPLIT = "calib"
GREEN_FROM = 0.8  # P(supported) from which a sentence is green: at least 4 in 5 such sentences are supported
RED_BELOW = 0.5  # P(supported) under this: more likely unsupported than supported
TEST_SPLITS = ("test_perturb", "test_medhallu", "test_healthver")


def pair_features(pairs: list[Any]) -> Any:
    """support_features of each (claim, evidence) pair; all texts of a split are encoded in one batch first."""
    import numpy as np

    from medtune.chat.scoring import FEATURES, encode, prepared, support_features

    texts: list[str] = []
    for p in pairs:
        plain, ev_sentences, _ = prepared([p.claim], [p.evidence])
        texts += plain + ev_sentences
    encode(list(dict.fromkeys(texts)))  # fills the cache the per-pair calls read
    rows = [support_features([p.claim], [p.evidence]) for p in pairs]
    return np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))


#: Support features may only raise P(supported), mismatch features only lower it (see fit_monotone).
RAISING = frozenset({"similarity", "overlap", "quoted"})


def fit_monotone(x: Any, y: Any, features: tuple[str, ...] | list[str], c: float = 1.0) -> tuple[Any, float]:
    """L2-regularised logistic regression (sklearn's objective: ½‖w‖² + C · log loss) with sign constraints,
    solved by L-BFGS-B: weights of RAISING features ≥ 0, of the mismatch features ≤ 0. Unconstrained, the fit
    gives overlap a negative weight (−5.5 on the pairs of seed 13), because the perturbed copies share every
    word with their source; a score that falls as a sentence shares more words with its evidence is not a
    support score, so the sign is fixed by design and the data only choose the sizes."""
    import numpy as np
    from scipy.optimize import minimize

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    bounds = [(0.0, None) if f in RAISING else (None, 0.0) for f in features] + [(None, None)]

    def loss(w: Any) -> tuple[float, Any]:
        z = x @ w[:-1] + w[-1]
        p = 1.0 / (1.0 + np.exp(-z))
        value = c * np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * w[:-1] @ w[:-1]
        return float(value), np.append(c * x.T @ (p - y) + w[:-1], c * np.sum(p - y))

    w = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds).x
    return w[:-1], float(w[-1])


def load_split(pairs_dir: Path, names: tuple[str, ...] | list[str], limit: int | None = None) -> tuple[list[Any], Any]:
    """The pairs of the named splits (each capped at `limit`) and their labels (1 = supported)."""
    import numpy as np

    from medtune.verify.pairs import FILES, read_pairs

    pairs = []
    for name in names:
        path = pairs_dir / FILES[name]
        if path.is_file():
            pairs += read_pairs(path)[:limit] if limit else read_pairs(path)
    return pairs, np.array([int(p.label == "supported") for p in pairs], dtype=int)


def split_report(prob: Any, raw: Any, y: Any, cal: Any) -> dict[str, Any]:
    """Items, ROC-AUC (calibrated and raw support score), accuracy at 0.5, ECE and bands for one split."""
    from sklearn.metrics import roc_auc_score

    from medtune.verify.trust import band_report, ece_of

    both = len(set(y.tolist())) == 2
    ece = ece_of(prob.tolist(), y.tolist())
    return {"items": int(len(y)), "supported": int(y.sum()),
            "roc_auc": round(float(roc_auc_score(y, prob)), 4) if both else None,
            "roc_auc_raw_support": round(float(roc_auc_score(y, raw)), 4) if both else None,
            "accuracy_at_0.5": round(float(((prob >= 0.5) == y).mean()), 4), "ece": round(float(ece["ece"]), 4),
            "ece_ci": ece["ece_ci"], "bands": band_report(prob.tolist(), y.tolist(), cal)}


def fit(pairs_dir: Path, out: Path, limit: int | None = None, green_from: float | None = None,
        c: float = 1.0) -> dict[str, Any]:
    """Fit, set the band cuts, report; write `out` atomically and return what was written."""
    import numpy as np

    from medtune.chat.scoring import FEATURES, raw_support
    from medtune.errors import DataError
    from medtune.io import atomic_write_json
    from medtune.verify.trust import Calibration

    green_cut = green_from or GREEN_FROM
    train, y_train = load_split(pairs_dir, FIT_SPLITS, limit)
    if len(set(y_train.tolist())) < 2:
        raise DataError(f"no supported and unsupported pairs to fit on in {pairs_dir}",
                        hint="run `python -m medtune.verify pairs` first")
    coef, intercept = fit_monotone(pair_features(train), y_train, FEATURES, c)

    def scored(names: tuple[str, ...]) -> tuple[Any, Any, Any]:
        pairs, y = load_split(pairs_dir, names, limit)
        x = pair_features(pairs)
        return 1.0 / (1.0 + np.exp(-(x @ coef + intercept))), raw_support(x), y

    prob, raw, y = scored((THRESHOLD_SPLIT,))
    green, yellow = float(green_cut), min(RED_BELOW, float(green_cut))  # cuts on the calibrated probability
    cal = Calibration(a=1.0, b=0.0, green=green, yellow=yellow)  # only its band() is used by band_report
    report = {THRESHOLD_SPLIT: split_report(prob, raw, y, cal)}
    for name in TEST_SPLITS:
        prob, raw, y = scored((name,))
        if len(y):
            report[name] = split_report(prob, raw, y, cal)
    data = {"version": 1, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S"), "features": list(FEATURES),
            "coef": [float(v) for v in coef], "intercept": intercept,
            "thresholds": {"green": green, "yellow": yellow},
            "fit": {"pairs": str(pairs_dir), "splits": list(FIT_SPLITS), "items": int(len(y_train)),
                    "supported": int(y_train.sum()), "limit_per_split": limit, "C": c,
                    "thresholds": f"probability: green >= {green_cut}, red < {RED_BELOW}",
                    "checked_on": THRESHOLD_SPLIT, "signs": "similarity, overlap, quoted >= 0; mismatches <= 0",
                    "label": "supported vs refuted + not_enough_info"},
            "report": report}
    atomic_write_json(out, data)
    return data


def verifier_aucs(pairs_dir: Path, limit: int | None = None) -> dict[str, float | None]:
    """ROC-AUC of medtune.verify's verifier (calibrated trust of r = s·(1 − c)) on each test split."""
    from sklearn.metrics import roc_auc_score

    from medtune.verify.model import load_verifier
    from medtune.verify.trust import calibration_for, raw_score

    verifier = load_verifier()
    cal = calibration_for(verifier)
    repo = f"{Path(__file__).resolve().parents[2]}/"  # the record names the verifier, not this machine's checkout
    out: dict[str, float | None] = {"verifier": verifier.name.replace(repo, "")}  # type: ignore[dict-item]
    for name in TEST_SPLITS:
        pairs, y = load_split(pairs_dir, (name,), limit)
        probs = verifier.predict([(p.claim, p.evidence) for p in pairs]) if pairs else []
        trust = [cal.trust(raw_score(float(r[0]), float(r[1]))) for r in probs]
        out[name] = round(float(roc_auc_score(y, trust)), 4) if len(set(y.tolist())) == 2 else None
    return out


def main(argv: list[str] | None = None) -> int:
    from medtune.chat.scoring import PACKAGED_CALIBRATION
    from medtune.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m medtune.chat.calibrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=get_settings().home / "verify" / "pairs",
                        help="folder of medtune.verify pairs (default MEDTUNE_HOME/verify/pairs)")
    parser.add_argument("--out", type=Path, default=PACKAGED_CALIBRATION, help="where the JSON goes")
    parser.add_argument("--limit", type=int, default=None, help="at most this many pairs per split (tests)")
    parser.add_argument("--green-from", type=float, default=None,
                        help=f"P(supported) from which a sentence is green (default {GREEN_FROM})")
    parser.add_argument("--compare-verifier", action="store_true",
                        help="also score the test splits with medtune.verify's verifier (slow on CPU)")
    args = parser.parse_args(argv)
    data = fit(args.pairs, args.out, args.limit, args.green_from)
    if args.compare_verifier:
        data["compare"] = verifier_aucs(args.pairs, args.limit)
        from medtune.io import atomic_write_json

        atomic_write_json(args.out, data)
    print(f"wrote {args.out}: fitted on {data['fit']['items']} pairs ({data['fit']['supported']} supported); "
          f"thresholds green {data['thresholds']['green']}, yellow {data['thresholds']['yellow']} "
          f"(cuts on the calibrated P(supported); band figures per split below)")
    print("coef: " + ", ".join(f"{f} {c:+.3f}" for f, c in zip(data["features"], data["coef"]))
          + f", intercept {data['intercept']:+.3f}")
    for name, rep in data["report"].items():
        bands = ", ".join(f"{b} {v['items']} ({v['coverage']:.0%}, precision {v['precision']})"
                          for b, v in rep["bands"].items())
        stacked = data.get("compare", {}).get(name)
        print(f"{name}: {rep['items']} items ({rep['supported']} supported); ROC-AUC calibrated {rep['roc_auc']}, "
              f"raw support {rep['roc_auc_raw_support']}" + (f", stacked verifier {stacked}" if stacked else "")
              + f"; accuracy@0.5 {rep['accuracy_at_0.5']}; ECE {rep['ece']}; bands: {bands}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
