"""Where the claim trust model is fitted, compared by grouped cross-validation (issue 14, green round 2).

    MEDTUNE_KB_DIR=FULL_KB_DIR flock /tmp/medtune-cpu.lock python benchmarks/claim_calibration_cv.py \
        --work DIR [--write OUT.json]

Pools three sets of labelled claims, each checked end to end by the current checker (results cached in
--work, so a rerun only re-fits):
- the **calibration claims** (`medtune.verify.claimcal`, 450 synthetic claims from held-out MedQuAD pages);
- the **dev half of our own claims** (data/eval/claims, 120);
- the **dev half of the independent claims** (data/eval/independent/claims.jsonl, 58; written by someone who
  never read the code).
Never a test half. For each recipe (which claims the model is fitted on, the weight of the real claims), the
claim model is fitted in grouped 5-fold CV (one group per page / fact / topic, folds shared by all recipes) and
*every* pooled claim gets an out-of-fold trust; the green cut is the loosest at which out-of-fold claims judged
true reach 95 % precision, read on the real dev claims (what green must be honest on) and on the pool. Printed
per recipe: ECE and green / red precision and counts of the out-of-fold trust on the real dev claims, each
set separately. `--write` writes the kept recipe, refitted on all of its claims, with its cuts, for
`python -m medtune.verify claims --claims OUT.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medtune.verify.claimfit import _ece  # noqa: E402  (one ECE for the claim model and this benchmark)
GREEN, RED = 0.95, 0.90


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def checked_sets(work: Path, pages: int, skip: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """{"calib", "own_dev", "indep_dev"}: check results with "gold" and "group", checked once and cached."""
    from medtune.verify.checker import default_checker
    from medtune.verify.claimcal import INDEPENDENT_FILE, calibration_claims

    own = [r for r in _jsonl(ROOT / "data" / "eval" / "claims" / "claims.jsonl") if r["split"] == "dev"]
    indep = [r for r in _jsonl(INDEPENDENT_FILE) if r["split"] == "dev"]
    wanted = {
        "calib": [{"id": r["id"], "claim": r["claim"], "gold": r["label"], "group": r["group"]}
                  for r in calibration_claims(pages)],
        "own_dev": [{"id": r["id"], "claim": r["claim"], "gold": r["label"], "group": f"own:{r['group']}"} for r in own],
        "indep_dev": [{"id": r["id"], "claim": r["claim"], "gold": r["label"],
                       "group": f"indep:{r['medquad_focus'].lower()}"} for r in indep],
    }
    work.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, rows in wanted.items():
        if name in skip:
            continue
        path = work / f"{name}.jsonl"
        if not path.is_file():
            checker = default_checker()
            done = []
            for r in rows:
                d = checker.check(r["claim"], r["id"]).to_dict()
                d.update(gold=r["gold"], group=r["group"])
                done.append(d)
            path.write_text("".join(json.dumps(d) + "\n" for d in done), encoding="utf-8")
            print(f"checked {len(done)} {name} claims -> {path}", flush=True)
        out[name] = _jsonl(path)
    return out


def _cut(p, y, true_judged, target):
    import numpy as np

    for cut in np.round(np.arange(0.0, 1.0001, 0.01), 2):
        band = true_judged & (p >= cut)
        if band.sum() >= 3 and y[band].mean() >= target:
            return float(cut)
    return 1.01


def main() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from medtune.verify.claimcal import results_from_dicts
    from medtune.verify.claimfit import _features

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True, help="where the checked claims are cached")
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--write", type=Path, help="write the kept recipe's claim model here")
    parser.add_argument("--keep", default="all, real x3", help="the recipe --write refits")
    parser.add_argument("--own-dev-oof", type=Path, help="our dev claims judged with an out-of-fold stance head "
                        "(benchmarks/stance_cv.py --write-oof): the shipped head was fitted on these claims' "
                        "passages, so their in-sample support is optimistic")
    args = parser.parse_args()
    sets = checked_sets(args.work, args.pages, skip=("own_dev",) if args.own_dev_oof else ())
    if args.own_dev_oof:
        sets["own_dev"] = _jsonl(args.own_dev_oof)
    rows = [(name, d) for name, ds in sets.items() for d in ds if d["sentences"]]
    x = np.array([_features(r) for r in results_from_dicts([d for _, d in rows])])
    y = np.array([int(d["gold"] == "true") for _, d in rows])
    source = np.array([name for name, _ in rows])
    groups = [d["group"] for _, d in rows]
    verdict = np.array([d["verdict"] for _, d in rows])
    real = source != "calib"
    folds = list(GroupKFold(5).split(x, y, groups))
    recipes = {"calibration claims only (shipped)": ({"calib"}, 1.0),
               "dev claims only": ({"own_dev", "indep_dev"}, 1.0),
               "all, real x1": ({"calib", "own_dev", "indep_dev"}, 1.0),
               "all, real x3": ({"calib", "own_dev", "indep_dev"}, 3.0),
               "all, real x10": ({"calib", "own_dev", "indep_dev"}, 10.0)}
    print(f"claims: {', '.join(f'{n} {int((source == n).sum())}' for n in sets)}; true share among real "
          f"{y[real].mean():.2f}")
    for name, (fit_on, weight) in recipes.items():
        oof = np.zeros(len(y))
        w = np.where(real, weight, 1.0)
        use = np.isin(source, list(fit_on))
        for fit_idx, held_idx in folds:
            fit_idx = fit_idx[use[fit_idx]]
            model = LogisticRegression(C=1.0, max_iter=3000).fit(x[fit_idx], y[fit_idx], sample_weight=w[fit_idx])
            oof[held_idx] = model.predict_proba(x[held_idx])[:, 1]
        green_real = _cut(oof[real], y[real], verdict[real] == "true", GREEN)
        green_pool = _cut(oof, y, verdict == "true", GREEN)
        line = f"{name}: green cut {green_real:.2f} on real dev ({green_pool:.2f} on the pool)"
        for part in ("own_dev", "indep_dev", "calib"):
            m = source == part
            g = m & (verdict == "true") & (oof >= green_real)
            red = m & np.isin(verdict, ["false", "misleading"])
            line += (f" | {part}: ECE {_ece(oof[m], y[m]):.3f}, green {int(g.sum())} "
                     f"(precision {y[g].mean() if g.any() else float('nan'):.2f}, "
                     f"{int((g & (y == 1)).sum())}/{int((m & (y == 1)).sum())} true claims), "
                     f"red precision {1 - y[red].mean():.3f}")
        print(line, flush=True)
        if args.write and name == args.keep:
            model = LogisticRegression(C=1.0, max_iter=3000).fit(x[use], y[use], sample_weight=w[use])
            from medtune.verify import trust as T

            fitted = {"coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]), "C": 1.0,
                      "features": list(T.CLAIM_FEATURES), "green": green_real, "red": 1.0, "items": int(use.sum()),
                      "cv": {"folds": 5, "ece_real_dev": round(_ece(oof[real], y[real]), 4), "green": green_real},
                      "data": f"recipe '{name}': {int(use.sum())} claims (claimcal {int((use & ~real).sum())}, "
                              f"own dev + independent dev {int((use & real).sum())}, weight {weight}); grouped "
                              "5-fold CV; green cut read on the real dev claims' out-of-fold trust"}
            args.write.write_text(json.dumps(fitted, indent=2))
            print(f"claim model -> {args.write}")


if __name__ == "__main__":
    main()
