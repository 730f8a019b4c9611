"""Can a claim be green? Grouped cross-validation of green rules on the dev halves only (issue 14, green round 4).

    MEDTUNE_KB_DIR=FULL_KB_DIR flock /tmp/medtune-cpu.lock python benchmarks/green_rule_cv.py --work DIR

Checks the dev half of our own claims (data/eval/claims, 120) and of the independent claims (58) end to end
with the current checker (cached in --work: `own_dev.jsonl`, `indep_dev.jsonl`; never a test half), then, for
each claim judged true, reads the evidence of its cores: the decisive passage's support / refutation and term
coverage, the MiniLM similarity of the closest sentence, any polarity / relation mismatch against it, and how
many *distinct documents* support the core (agreement). A green rule is a set of minimum values on those; in
grouped 5-fold CV (one group per fact / topic, both sets pooled) each fold picks, on the other four folds, the
loosest rule on the grid whose greens are ≥ 95 % true (at least `--min-green` of them), and applies it to the
held-out fold. Printed: the out-of-fold greens and their precision per fold, mean ± sd, pooled, each set
separately — what green would promise on unseen claims. Round 6: a `fresh6_dev.jsonl` in --work
(`checker_quality.py --claims data/eval/claims/fresh6.jsonl --split dev --out`) joins the pool, groups are the
deciding passage's MedQuAD topic, and `--repeats 3` reruns the CV on shuffled folds; `--write` then writes the
rule only if its out-of-fold precision is ≥ 95 % pooled over the repeats *and* in each repeat. `--diagnose` lists the dev true claims and why they
are not green (retrieval, stance, coverage).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 0.95
GRID = {"support": (0.4, 0.5, 0.6, 0.7, 0.8), "coverage": (0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
        "sim": (0.4, 0.5, 0.6, 0.7, 0.8, 0.9), "agree": (1, 2), "max_refute": (0.5, 0.4, 0.3, 0.2)}
NARROW = {"support": (0.5, 0.6, 0.7, 0.8), "coverage": (0.6, 0.7, 0.8, 0.9, 1.0), "sim": (0.6, 0.7, 0.8, 0.85, 0.9),
          "agree": (1, 2), "max_refute": (0.3, 0.2, 0.1)}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def dev_rows() -> tuple[list[dict], list[dict]]:
    from medtune.verify.claimcal import INDEPENDENT_FILE

    own = [r for r in _jsonl(ROOT / "data" / "eval" / "claims" / "claims.jsonl") if r["split"] == "dev"]
    indep = [r for r in _jsonl(INDEPENDENT_FILE) if r["split"] == "dev"]
    return own, indep


def gold_dev_kb(folder: Path):
    """A knowledge base of the dev claims' own MedQuAD pages only (both sets; retrieval taken out): a diagnosis
    for when the full knowledge base is not available, never a figure to report as the checker's. MedQuAD ids
    repeat across its collections, so a page is its id and its URL (own claims) or focus (independent ones)."""
    from medtune.kb.sources import KBDocument
    from medtune.kb.store import KnowledgeBase
    from medtune.settings import get_settings

    own, indep = dev_rows()
    wanted = {(r["evidence"]["medquad_id"], r["evidence"]["url"]) for r in own}
    wanted_focus = {(r["medquad_id"], r["medquad_focus"].lower()) for r in indep}
    docs = []
    with open(Path(get_settings().data_dir) / "medquad" / "medquad.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if (row["id"], row["url"]) in wanted or (row["id"], str(row["focus"]).lower()) in wanted_focus:
                docs.append(KBDocument(source="medquad", doc_id=f"{row['id']}|{row['url']}", text=row["answer"],
                                       title=row["focus"], url=row["url"]))
    kb = KnowledgeBase.open(path=folder)
    if kb.count() == 0:
        kb.add_documents(docs)
    print(f"gold dev knowledge base: {len(docs)} pages, {kb.count()} chunks")
    return kb


def checked(work: Path, kb=None) -> list[dict]:
    """Own dev + independent dev (+ fresh6 dev) results, with "gold", "group" and "set"; checked once and
    cached. A `benchmarks/checker_quality.py --out` file already in `work` under the set's name is read as is
    (round 6: `fresh6_dev.jsonl`, the dev half of data/eval/claims/fresh6.jsonl, is only read from there)."""
    from medtune.verify.checker import Checker, default_checker

    own, indep = dev_rows()
    wanted = {"own_dev": [(r["id"], r["claim"], r["label"], f"own:{r['group']}") for r in own],
              "indep_dev": [(r["id"], r["claim"], r["label"], f"indep:{r['medquad_focus'].lower()}") for r in indep]}
    work.mkdir(parents=True, exist_ok=True)
    out = []
    for name, rows in wanted.items():
        path = work / f"{name}.jsonl"
        if not path.is_file():
            checker = Checker(kb=kb) if kb is not None else default_checker()
            done = []
            for cid, claim, gold, group in rows:
                d = checker.check(claim, cid).to_dict()
                d.update(gold=gold, group=group, set=name)
                done.append(d)
            path.write_text("".join(json.dumps(d) + "\n" for d in done), encoding="utf-8")
            print(f"checked {len(done)} {name} claims -> {path}", flush=True)
        out.extend(_tagged(_jsonl(path), name))
    if (work / "fresh6_dev.jsonl").is_file():
        out.extend(_tagged(_jsonl(work / "fresh6_dev.jsonl"), "fresh6_dev"))
    return out


def _tagged(rows: list[dict], name: str) -> list[dict]:
    """Each row with its set and its CV group: the MedQuAD topic of its deciding passage (round 6: a topic two
    sets share is never on both sides of a fold)."""
    from benchmarks.claim_model_cv import fact_group

    groups = fact_group(name)
    for d in rows:
        d["set"], d["group"] = name, groups.get(d["id"], f"{name}:{d['group']}")
    return rows


def green_features(results: list[dict]) -> list[dict]:
    """Per claim, the weakest core's evidence figures (`medtune.verify.support_rule.core_evidence`)."""
    from medtune.verify.support_rule import claim_evidence_figures

    return [claim_evidence_figures(d) for d in results]


def passes(f: dict, rule: dict) -> bool:
    from medtune.verify.support_rule import passes as rule_passes

    return rule_passes(f, rule)


def rules() -> list[dict]:
    keys = list(GRID)
    return [dict(zip(keys, values)) for values in itertools.product(*(GRID[k] for k in keys))]


def best_rule(feats: list[dict], gold: list[int], min_green: int, target: float = TARGET) -> dict | None:
    """The rule with most greens at ≥ `target` precision (ties: the stricter similarity, then support)."""
    best, best_key = None, None
    for rule in rules():
        hits = [g for f, g in zip(feats, gold) if passes(f, rule)]
        if len(hits) < min_green or sum(hits) / len(hits) < target:
            continue
        key = (len(hits), rule["sim"], rule["support"], rule["coverage"])
        if best_key is None or key > best_key:
            best, best_key = rule, key
    return best


def _x(f: dict) -> list[float]:
    return [f["support"], f["coverage"], f["sim"], f["max_refute"], float(f["mismatch"]), min(f["agree"], 2)]


def logistic_cv(feats: list[dict], gold: list[int], groups: list[str], min_green: int, target: float) -> None:
    """The smooth alternative: among claims judged true, a logistic regression on the figures; each fold's
    green cut is the loosest at which the fitting folds' own predictions reach `target` (≥ min_green)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    idx = [i for i, f in enumerate(feats) if f["verdict"] == "true"]
    x = np.array([_x(feats[i]) for i in idx])
    y = np.array([gold[i] for i in idx])
    g = [groups[i] for i in idx]
    counts, precs, hits_all = [], [], []
    for fit, held in GroupKFold(5).split(x, y, g):
        model = LogisticRegression(C=1.0, max_iter=2000).fit(x[fit], y[fit])
        p_fit, p_held = model.predict_proba(x[fit])[:, 1], model.predict_proba(x[held])[:, 1]
        cut = next((c for c in np.round(np.arange(0.5, 1.0, 0.01), 2)
                    if (p_fit >= c).sum() >= min_green and y[fit][p_fit >= c].mean() >= target), 1.01)
        hit = y[held][p_held >= cut]
        counts.append(len(hit))
        hits_all.extend(hit.tolist())
        if len(hit):
            precs.append(hit.mean())
        print(f"  logistic fold: cut {cut:.2f}, held-out greens {len(hit)}, precision "
              f"{hit.mean() if len(hit) else float('nan'):.3f}")
    print(f"logistic: greens per fold {counts}; precision per fold {np.mean(precs):.3f} ± {np.std(precs):.3f}; "
          f"pooled {len(hits_all)} greens, precision {np.mean(hits_all) if hits_all else float('nan'):.3f}")


def rule_oof(feats: list[dict], gold: list[int], groups: list[str], splitter, min_green: int, target: float):
    """Out-of-fold greens of the rule each fold picks on its fitting folds, and (fold, rule, greens, precision)."""
    import numpy as np

    oof = np.zeros(len(feats), dtype=bool)
    per_fold = []
    for k, (fit, held) in enumerate(splitter.split(feats, gold, groups)):
        rule = best_rule([feats[i] for i in fit], [gold[i] for i in fit], min_green, target)
        if rule is None:
            per_fold.append((k, None, 0, float("nan")))
            continue
        for i in held:
            oof[i] = passes(feats[i], rule)
        g = [gold[i] for i in held if oof[i]]
        per_fold.append((k, rule, len(g), sum(g) / len(g) if g else float("nan")))
    return oof, per_fold


def main() -> None:
    import numpy as np
    from sklearn.model_selection import GroupKFold

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--min-green", type=int, default=5, help="a rule must make at least this many greens on "
                        "the fitting folds")
    parser.add_argument("--diagnose", action="store_true")
    parser.add_argument("--fit-target", type=float, default=TARGET, help="precision a rule must reach on the "
                        "fitting folds (above 0.95 leaves room for the optimism of choosing among many rules)")
    parser.add_argument("--gold-dir", type=Path, help="check against a knowledge base of the dev claims' own pages "
                        "(kept here): a diagnosis while the full knowledge base is not built")
    parser.add_argument("--grid", choices=("narrow", "wide"), default="wide", help="narrow: the grid first "
                        "written (support 0.5-0.8, coverage / similarity 0.6-0.9, refutation 0.1-0.3); wide: looser")
    parser.add_argument("--write", type=Path, help="write the rule refitted on all dev claims, with its "
                        "out-of-fold precision as its trust, for `python -m medtune.verify supportrule --claims`")
    parser.add_argument("--repeats", type=int, default=1, help="repeat the grouped 5-fold CV with shuffled folds "
                        "(round 6: 3); repeat 0 is the unshuffled split of earlier rounds")
    parser.add_argument("--rule", help="JSON rule to score on the whole pool (in-sample, for reading only)")
    args = parser.parse_args()
    if args.grid == "narrow":
        GRID.update(NARROW)
    results = checked(args.work, gold_dev_kb(args.gold_dir) if args.gold_dir else None)
    from benchmarks.checker_quality import report

    for name in sorted({d["set"] for d in results}):
        part = [d for d in results if d["set"] == name]
        figures = report([{"label": d["gold"]} for d in part], part)
        print(f"{name}: " + json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()
                                         if not k.startswith("latency")}))
    feats = green_features(results)
    gold = [int(d["gold"] == "true") for d in results]
    groups = [d["group"] for d in results]
    sets = np.array([d["set"] for d in results])
    judged_true = [f["verdict"] == "true" for f in feats]
    print(f"claims {len(results)} (own dev {int((sets == 'own_dev').sum())}, independent dev "
          f"{int((sets == 'indep_dev').sum())}, fresh6 dev {int((sets == 'fresh6_dev').sum())}); true {sum(gold)}; "
          f"judged true {sum(judged_true)} "
          f"({sum(g for g, t in zip(gold, judged_true) if t)} of them true)")
    if args.diagnose:
        for d, f, g in zip(results, feats, gold):
            if g or f["verdict"] == "true":
                print(f"{'T' if g else 'F'} {d['verdict']:12} s={f['support']:.2f} c={f['max_refute']:.2f} "
                      f"cov={f['coverage']:.2f} sim={f['sim']:.2f} agree={f['agree']} mm={f['mismatch']} "
                      f"| {d['claim'][:90]} || {f['passage'][:120]}")
    if args.rule:
        rule = json.loads(args.rule)
        hits = [(g, s) for f, g, s in zip(feats, gold, sets) if passes(f, rule)]
        print(f"rule {rule} in-sample: green {len(hits)}, true {sum(g for g, _ in hits)}")
        for d, f, g in zip(results, feats, gold):
            if passes(f, rule):
                print(f"  green {'T' if g else 'WRONG ' + d['gold']}: {d['claim'][:100]}")
    y = np.array(gold)
    oofs, repeat_prec = [], []
    for rep in range(args.repeats):
        splitter = GroupKFold(5) if rep == 0 else GroupKFold(5, shuffle=True, random_state=rep)
        oof, per_fold = rule_oof(feats, gold, groups, splitter, args.min_green, args.fit_target)
        oofs.append(oof)
        for k, rule, n, prec in per_fold:
            print(f"repeat {rep} fold {k}: rule {rule}; held-out greens {n}, precision {prec:.3f}")
        precs = [p for _, _, n, p in per_fold if n]
        counts = [n for _, _, n, _ in per_fold]
        repeat_prec.append(float(y[oof].mean()) if oof.any() else float("nan"))
        print(f"repeat {rep}: out-of-fold greens per fold {counts} (mean {np.mean(counts):.1f} ± {np.std(counts):.1f}); "
              f"precision per fold with greens {np.mean(precs) if precs else float('nan'):.3f} ± "
              f"{np.std(precs) if precs else float('nan'):.3f}; pooled {int(oof.sum())} greens, "
              f"precision {repeat_prec[-1]:.3f}, {int((oof & (y == 1)).sum())}/{int(y.sum())} true claims green")
        for name in sorted(set(sets)):
            m = sets == name
            print(f"  {name}: greens {int((oof & m).sum())}, wrong {int((oof & m & (y == 0)).sum())}")
    stacked = np.concatenate(oofs)
    yy = np.tile(y, len(oofs))
    pooled = float(yy[stacked].mean()) if stacked.any() else float("nan")
    ok = pooled >= TARGET and all(p >= TARGET for p in repeat_prec)
    print(f"all repeats: {int(stacked.sum())} out-of-fold greens, precision {pooled:.3f}; per repeat "
          f"{[round(p, 3) for p in repeat_prec]} -> {'packageable' if ok else 'NOT packageable'} (>= {TARGET} pooled "
          "and per repeat)")
    oof = oofs[0]
    logistic_cv(feats, gold, groups, args.min_green, args.fit_target)
    full = best_rule(feats, gold, args.min_green, args.fit_target)
    print(f"rule refitted on all dev claims: {json.dumps(full)}")
    if args.write and full and not ok:
        print(f"not written: out-of-fold precision under {TARGET} (pooled or in a repeat)")
    elif args.write and full:
        # the trust a green claim gets: out-of-fold precision over all repeats by the rule of succession
        # (32 of 32 is not 1.0)
        trust = (int(yy[stacked].sum()) / len(oofs) + 1) / (int(stacked.sum()) / len(oofs) + 2)
        full.update(trust=round(trust, 3), cv={
            "folds": 5, "repeats": len(oofs), "precision_per_repeat": [round(p, 4) for p in repeat_prec],
            "precision_pooled": round(pooled, 4), "greens_pooled": int(stacked.sum()),
            "fit_target": args.fit_target, "grid": args.grid,
            "data": "dev halves of data/eval/claims, data/eval/independent/claims.jsonl and (when in --work) "
                    "data/eval/claims/fresh6.jsonl, grouped by fact"})
        args.write.write_text(json.dumps(full, indent=2))
        print(f"support rule -> {args.write} (trust {full['trust']})")

if __name__ == "__main__":
    main()
