"""Stance-head comparison for issue 14: grouped cross-validation on the dev half of the everyday claims.

    MEDTUNE_KB_DIR=FULL_KB_DIR python benchmarks/checker_quality.py --split dev --out dev.jsonl
    flock /tmp/medtune-cpu.lock python benchmarks/stance_cv.py --pairs PAIRS_DIR --dev-results dev.jsonl \
        [--cache DIR]

For each head recipe (feature set, C, weight of the dev-claim pairs), fits the head on the training pairs of
`medtune.verify.stance_train` (plus, per fold, the dev-claim pairs of the *other* folds' facts), reads the
held-out facts' checker passages with it, and re-judges those claims with the verdict rules (τ, margin): the
verdict accuracy printed is out of fold (GroupKFold by fact, 5 folds), and so is the claim trust model's ECE and
its green / red cuts (`claimfit.fit_claim_model`). Also prints validation / HealthVer / perturbation figures
of each head fitted on the training pairs alone. `--write-claims F` writes the kept recipe's claim model,
fitted on its out-of-fold outputs, for `python -m medtune.verify claims --claims F`. Only the dev half is read.
`--cache DIR` keeps the cross-encoder's probabilities and the MiniLM embeddings between runs (pickles keyed by
text), so a rerun skips the model calls. `--dev-results CLAIMS=RESULTS` (repeatable) adds another claim set's dev
half (fresh6, the independent set, the pool7 training pool): the CV then runs over every set's dev claims, grouped
by MedQuAD topic, with per-set accuracies, and `--keep-pairs all` fits the kept recipe on every set's pairs
(round 7, docs/VERIFY.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Cached:
    """The packaged cross-encoder and MiniLM, with their outputs cached by text (optionally on disk)."""

    def __init__(self, cache: Path | None, base_dir: Path | None = None):
        self.cache, self.base, self.emb, self.model = cache, {}, {}, None
        self.base_dir = base_dir  # a cross-encoder run directory (default: the packaged one)
        if cache and (cache / "emb.pkl").is_file():
            self.emb = pickle.loads((cache / "emb.pkl").read_bytes())
            self.base = pickle.loads((cache / "base.pkl").read_bytes())

    def embed(self, texts: list[str]):
        import numpy as np

        from medtune.kb.embedding import embed

        missing = [t for t in dict.fromkeys(texts) if t not in self.emb]
        if missing:
            self.emb.update(zip(missing, np.asarray(embed(missing), dtype="float32")))
        return np.stack([self.emb[t] for t in texts])

    def probs(self, pairs: list[tuple[str, str]]):
        import numpy as np

        key = lambda c, e: hashlib.sha1((c + "\x00" + e).encode()).hexdigest()  # noqa: E731
        missing = [p for p in pairs if key(*p) not in self.base]
        if missing:
            if self.model is None:
                from medtune.verify.model import PACKAGED_VERIFIER, TrainedVerifier

                self.model = TrainedVerifier(self.base_dir or PACKAGED_VERIFIER)
            self.base.update(zip((key(*p) for p in missing), self.model.predict(missing)))
        return np.stack([self.base[key(*p)] for p in pairs])

    def features(self, pairs: list[tuple[str, str]]):
        from medtune.verify.stance import pair_features

        return pair_features(pairs, self.probs(pairs), self.embed)

    def save(self) -> None:
        if self.cache:
            self.cache.mkdir(parents=True, exist_ok=True)
            (self.cache / "emb.pkl").write_bytes(pickle.dumps(self.emb))
            (self.cache / "base.pkl").write_bytes(pickle.dumps(self.base))


def fit_head(x, y, names, c, weights=None):
    from medtune.verify.stance import fit_stance

    return fit_stance(x, y, c=c, weights=weights, names=names)


def head_probs(model, x):
    import numpy as np

    from medtune.verify.stance import FEATURES

    cols = [FEATURES.index(n) for n in model["features"]]
    z = ((x[:, cols] - np.asarray(model["mean"])) / np.asarray(model["scale"])) @ np.asarray(model["coef"]).T
    z = z + np.asarray(model["intercept"])
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def judge(saved, probs, tau, margin):
    """Re-judge saved checker results with new per-passage probabilities."""
    from medtune.verify import trust as T
    from medtune.verify.decompose import overreach_cues
    from medtune.verify.evidence import term_coverage

    cal = T.load_calibration()
    cal.tau, cal.margin, cal.claim = tau, margin, {}
    out, off = [], 0
    for d in saved:
        n = len(d["evidence"])
        owners = [e["sentence"] for e in d["evidence"]]
        parts = []
        for i, s in enumerate(d["sentences"]):
            ids = [j for j in range(n) if owners[j] == i]
            part = T.judge_sentence(s["text"], [probs[off + j] for j in ids], cal, evidence_ids=ids,
                                    role=s["role"], cues=overreach_cues(s["text"]))
            # as the checker does: the claim model reads the decisive passage's term coverage
            part.coverage = round(term_coverage(s["text"], d["evidence"][part.evidence[0]]["passage"]), 4) \
                if part.evidence else 0.0
            parts.append(part)
        off += n
        j = T.judge_claim(parts, cal, d["claim"])
        out.append(SimpleNamespace(id=d["id"], sentences=parts, verdict=j.verdict, unsupported_parts=j.unsupported))
    return out


def main() -> None:
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import GroupKFold

    from medtune.verify.claimfit import fit_claim_model
    from medtune.verify.claimsets import set_name, topic_group
    from medtune.verify.pairs import LABELS, bucket
    from medtune.verify.stance import BASE_FEATURES, FEATURES
    from medtune.verify.stance_train import (
        CLAIMS_FILE,
        RELEASED,
        _claims,
        _jsonl,
        _retrieved_dev_pairs,
        medquad_distortions,
        parse_dev_results,
        released_pairs,
    )

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=Path, required=True, help="python -m medtune.verify pairs output")
    parser.add_argument("--dev-results", action="append", required=True,
                        help="checker_quality.py --split dev --out F: F (claims.jsonl's dev half) or CLAIMS=F "
                             "(another set's dev half); repeat for several sets")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--write-claims", type=Path, help="write the kept recipe's claim model here")
    parser.add_argument("--base", type=Path, help="the cross-encoder run to read (default: the packaged one); "
                                                  "give each base its own --cache")
    parser.add_argument("--kept-only", action="store_true", help="only the kept recipe (encoder comparisons)")
    parser.add_argument("--write-oof", type=Path, help="write the dev claims re-judged with the kept recipe's "
                                                       "out-of-fold head (for benchmarks/claim_model_cv.py)")
    parser.add_argument("--keep-pairs", choices=("own", "all"), default="own",
                        help="the kept recipe's dev-claim pairs: claims.jsonl's only (as packaged) or every set's")
    parser.add_argument("--keep-weight", type=float, default=5.0, help="the kept recipe's dev-pair weight")
    args = parser.parse_args()
    seed, tools = 13, Cached(args.cache, args.base)
    synthetic = medquad_distortions(700, seed)
    held = {r["group"] for r in synthetic if bucket(r["group"], {"fit": 0.8, "val": 0.2}, seed) == "val"}
    train = [r for r in synthetic if r["group"] not in held] + released_pairs(args.pairs / "train.jsonl", RELEASED, seed)
    val = [r for r in synthetic if r["group"] in held] + _jsonl(args.pairs / "validation.jsonl")[:200]
    tests = {"healthver": _jsonl(args.pairs / "test_healthver.jsonl"), "perturb": _jsonl(args.pairs / "test_perturb.jsonl")}
    feats = {name: tools.features([(r["claim"], r["evidence"]) for r in rows])
             for name, rows in {"train": train, "val": val, **tests}.items()}
    tools.save()  # the training pairs' model calls are the slow part: keep them even if a later step fails
    # every set's dev claims (never a test half) with their gold rows; CV groups are MedQuAD topics across sets
    saved, gold_rows, dev_pairs = [], [], []
    for claims, results in map(parse_dev_results, args.dev_results):
        gold = _claims("dev", claims)
        mine = [d for d in _jsonl(results) if d["id"] in gold]
        saved += mine
        gold_rows += [dict(gold[d["id"]], set=set_name(claims)) for d in mine]
        dev_pairs += [dict(r, set=set_name(claims)) for r in _retrieved_dev_pairs(results, claims)]
    dev_x = tools.features([(d["sentences"][e["sentence"]]["text"], e["passage"]) for d in saved for e in d["evidence"]])
    dp_x = tools.features([(r["claim"], r["evidence"]) for r in dev_pairs])
    tools.save()
    y_train, y_val = [r["label"] for r in train], [r["label"] for r in val]
    groups = [topic_group(g) for g in gold_rows]
    labels = [g["label"] for g in gold_rows]
    sets = [g["set"] for g in gold_rows]
    own = set_name(CLAIMS_FILE)
    pair_claim = np.concatenate([[i] * len(d["evidence"]) for i, d in enumerate(saved)]).astype(int)
    splits = list(GroupKFold(5).split(np.zeros(len(saved)), groups=groups))

    def oof(names, c, weight, with_val, pair_sets=(own,)):
        x_fit = np.vstack([feats["train"], feats["val"]]) if with_val else feats["train"]
        y_fit = y_train + (y_val if with_val else [])
        probs = np.zeros((len(dev_x), 3))
        for _, held_c in splits:
            out = {groups[i] for i in held_c}
            keep = [i for i, r in enumerate(dev_pairs) if r["group"] not in out and (
                pair_sets == "all" or r["set"] in pair_sets)] if weight else []
            model = fit_head(np.vstack([x_fit, dp_x[keep]]), y_fit + [dev_pairs[i]["label"] for i in keep], names, c,
                             np.r_[np.ones(len(y_fit)), np.full(len(keep), weight)])
            mask = np.isin(pair_claim, held_c)
            probs[mask] = head_probs(model, dev_x[mask])
        return probs

    print(f"training pairs {len(train)}, validation {len(val)}, dev claims {len(saved)} "
          f"({dict(Counter(sets))}), dev-claim pairs {len(dev_pairs)} ({dict(Counter(r['set'] for r in dev_pairs))})")
    recipes = [("13 features, C 0.1", BASE_FEATURES, 0.1, 0.0, (own,)), ("19 features, C 0.1", FEATURES, 0.1, 0.0, (own,)),
               ("19 features, C 1", FEATURES, 1.0, 0.0, (own,)),
               ("13 features + own dev x5, C 0.1", BASE_FEATURES, 0.1, 5.0, (own,)),
               ("19 features + own dev x5, C 0.1", FEATURES, 0.1, 5.0, (own,)),
               ("19 features + own dev x5, C 1 (packaged recipe)", FEATURES, 1.0, 5.0, (own,)),
               ("19 features + own dev x20, C 0.1", FEATURES, 0.1, 20.0, (own,)),
               ("19 features + all sets' dev x2, C 1", FEATURES, 1.0, 2.0, "all"),
               ("19 features + all sets' dev x5, C 1", FEATURES, 1.0, 5.0, "all")]
    if args.kept_only:
        recipes = [r for r in recipes if r[0].startswith(("19 features, C 1", "19 features + own dev x5, C 1",
                                                          "19 features + all sets"))]
        base_line = "cross-encoder alone"
        for split, key in (("validation", "val"), ("healthver", "healthver"), ("perturb", "perturb")):
            rows = val if key == "val" else tests[key]
            pred = [LABELS[i] for i in np.exp(feats[key][:, :3]).argmax(1)]
            gold_l = [r["label"] for r in rows]
            base_line += f" | {split} macro F1 {f1_score(gold_l, pred, labels=list(LABELS), average='macro'):.3f}"
        print(base_line, flush=True)
    folds = np.zeros(len(saved), dtype=int)
    for k, (_, held_c) in enumerate(splits):
        folds[held_c] = k
    for name, names, c, weight, pair_sets in recipes:
        line = name
        if not weight:
            model = fit_head(feats["train"], y_train, names, c)
            for split, rows in (("validation", val), *tests.items()):
                pred = [LABELS[i] for i in head_probs(model, feats[{"validation": "val"}.get(split, split)]).argmax(1)]
                gold_l = [r["label"] for r in rows]
                line += (f" | {split} macro F1 {f1_score(gold_l, pred, labels=list(LABELS), average='macro'):.3f}"
                         f" acc {accuracy_score(gold_l, pred):.3f}")
        probs = oof(names, c, weight, with_val=False, pair_sets=pair_sets)
        for margin in (0.1, 0.2):
            res = judge(saved, probs, 0.4, margin)
            right = np.array([r.verdict == g for r, g in zip(res, labels)])
            per_fold = [right[folds == k].mean() for k in range(5)]
            per_set = " ".join(f"{s} {right[np.array(sets) == s].mean():.3f}" for s in dict.fromkeys(sets))
            line += (f" | dev OOF accuracy (margin {margin}) {right.mean():.3f}"
                     f" (folds {np.mean(per_fold):.3f} ± {np.std(per_fold, ddof=1):.3f}; {per_set})")
        print(line, flush=True)
    kept_sets = "all" if args.keep_pairs == "all" else (own,)
    kept = [i for i, r in enumerate(dev_pairs) if kept_sets == "all" or r["set"] in kept_sets]
    shipped = fit_head(np.vstack([feats["train"], feats["val"], dp_x[kept]]),
                       y_train + y_val + [dev_pairs[i]["label"] for i in kept], FEATURES, 1.0,
                       np.r_[np.ones(len(y_train) + len(y_val)), np.full(len(kept), args.keep_weight)])
    line = f"kept head as shipped (training + validation + {args.keep_pairs} dev pairs x{args.keep_weight:g})"
    for split in tests:
        pred = [LABELS[i] for i in head_probs(shipped, feats[split]).argmax(1)]
        gold_l = [r["label"] for r in tests[split]]
        line += f" | {split} macro F1 {f1_score(gold_l, pred, labels=list(LABELS), average='macro'):.3f}"
    print(line, flush=True)
    probs = oof(FEATURES, 1.0, args.keep_weight, with_val=True, pair_sets=kept_sets)  # the kept recipe as shipped
    res = judge(saved, probs, 0.4, 0.2)
    if args.write_oof:
        args.write_oof.write_text("".join(json.dumps({
            "id": r.id, "set": s, "sentences": [v.to_dict() for v in r.sentences], "verdict": r.verdict,
            "unsupported_parts": list(r.unsupported_parts), "gold": g, "group": grp}) + "\n"
            for r, g, grp, s in zip(res, labels, groups, sets)), encoding="utf-8")
        print(f"out-of-fold dev results -> {args.write_oof}")
    fitted = fit_claim_model(res, labels, groups)
    acc = np.mean([r.verdict == g for r, g in zip(res, labels)])
    print(f"kept (19 features + {args.keep_pairs} dev x{args.keep_weight:g}, C 1, fitted on training + validation): "
          f"dev OOF accuracy {acc:.3f}; claim model out of fold: {json.dumps(fitted['cv'])}")
    if args.write_claims:
        args.write_claims.write_text(json.dumps(fitted, indent=2))
        print(f"claim model -> {args.write_claims}")


if __name__ == "__main__":
    main()
