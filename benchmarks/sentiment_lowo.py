"""Leave-one-writer-out (LOWO) comparison of the rules analyser and the learned reader (medtune/sentiment/reader.py).

    flock /tmp/medtune-cpu.lock python benchmarks/sentiment_lowo.py [--aspects] [--margins 0.1,0.2,0.3] [--gates]
        [--cache FILE] [--json OUT]

Every labelled patient review (data/eval/reviews dev, test, dev2, fresh_*, fresh2_*, fresh3_* and both halves
of data/eval/independent; 1,005 reviews, six writers) is read once by the rules analyser with no learned head;
its results, clause embeddings and clause VADER scores are cached (`--cache`, default
$MEDTUNE_HOME/cache/sentiment_lowo.pkl, keyed by the review texts and the code and heads of medtune/sentiment).
Then each writer is held out in turn: the feature set and C of the overall head are chosen by an inner
leave-one-writer-out over the other five writers, the head is fitted on those five and the held-out writer is
scored. Prints per writer the rules' and the learned reader's overall accuracy and macro-F1, mean ± sd over
writers, the paired gain (learned − rules) and how many writers are better / worse; the same for aspect
polarity accuracy (on the aspects the detector found that the gold has) with `--aspects`. Also each fixed
setting's per-writer mean, for the record (not a selection), and with `--margins` a combination: the rules'
label stands unless the learned head's top class beats it by more than the margin. With `--gates` (round 9b) the
structure gate: the rules' label stands where the rules read the review's structure (reader.GATES: a verdict
clause, an opinionated contrast, …) and the learned head decides elsewhere; the gate and the recipe are chosen
together by the inner LOWO, and each gate is also scored fixed (recipe still nested), for the record.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def code_key(rows: list[dict]) -> str:
    """A hash of the review texts and of what the rules reader reads with (code, taxonomy, heads but the reader's)."""
    from medtune.sentiment import reader

    h = hashlib.sha256()
    for r in rows:
        h.update(r["id"].encode() + b"\0" + r["text"].encode() + b"\0")
    root = Path(reader.__file__).parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".yaml", ".npz") and not p.name.startswith("reader"):
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:16]


def cached_readings(rows: list[dict], cache: Path) -> list:
    from medtune.sentiment.reader import read_reviews

    key = code_key(rows)
    if cache.is_file():
        stored = pickle.loads(cache.read_bytes())
        if stored.get("key") == key:
            return stored["readings"]
    readings = read_reviews([r["text"] for r in rows], [r["id"] for r in rows])
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps({"key": key, "readings": readings}))
    return readings


def gated(base, text, y, group, rule, settings, margins) -> dict:
    """A combination: the rules' label stands unless the learned head's top class beats it by more than a
    margin (P(top) − P(rule's label) > margin); per fixed setting and margin, the accuracy per held-out writer."""
    import numpy as np

    from medtune.sentiment import reader as rd

    labels = np.array(rd.LABELS, dtype=object)
    writers = list(dict.fromkeys(group.tolist()))
    out = {}
    for s in settings:
        p = np.zeros((len(y), len(rd.LABELS)))
        for w in writers:
            te, tr = group == w, group != w
            model = rd.fit_stacked(base[tr], text[tr], y[tr], group[tr], s)
            p[te] = np.exp(rd._log_proba(model.head, model.features(base[te], text[te])))
        p_rule = p[np.arange(len(y)), [rd.LABELS.index(r) for r in rule]]
        for m in margins:
            pred = np.where(p.max(axis=1) - p_rule > m, labels[p.argmax(axis=1)], rule)
            out[f"{s}, margin {m}"] = [float(np.mean(pred[group == w] == y[group == w])) for w in writers]
    return out


def run(rows: list[dict], readings: list, aspects: bool = False, nested: bool = True, settings=None,
        margins=(), gates: bool = False) -> dict:
    """The LOWO figures of the learned overall (and aspect polarity) heads against the rules on `rows`."""
    import numpy as np

    from medtune.sentiment import reader as rd

    settings = settings or rd.SETTINGS
    y = np.array([r["overall"] for r in rows], dtype=object)
    group = np.array([r["writer"] for r in rows])
    rule = np.array([g.rule_overall for g in readings], dtype=object)
    base = np.array([rd.overall_base(g) for g in readings])
    text = np.array([rd.overall_text(g) for g in readings])
    out = {"overall": rd.lowo(base, text, y, group, rule, settings, nested=nested)}
    if margins:
        out["overall"]["gated"] = gated(base, text, y, group, rule, [s for s in settings if s.ce is not None], margins)
    if gates:
        masks = {g: rd.gate_mask(readings, g) for g in rd.GATES}
        out["overall"]["gate"] = rd.lowo_gated(base, text, y, group, rule, masks, settings)
    if aspects:
        ab, at, ay, owner, _, arule = rd.aspect_pairs(readings, [r["aspects"] for r in rows], rd.aspect_names())
        out["aspect"] = rd.lowo(ab, at, np.array(ay, dtype=object), group[owner], np.array(arule, dtype=object),
                                settings, nested=nested)
    return out


def report(out: dict) -> None:
    import numpy as np

    from medtune.sentiment.reader import summary

    for task, res in out.items():
        print(f"\n== {task}: leave-one-writer-out ({'accuracy' if task == 'overall' else 'aspect polarity accuracy'})")
        print(f"  {'writer':<12} {'n':>4}  {'rules':>6} {'(F1)':>6}  {'learned':>7} {'(F1)':>6}  chosen")
        ws = res["writers"]
        for w, row in ws.items():
            print(f"  {w:<12} {row['n']:>4}  {row['rule']:.3f} ({row['rule_f1']:.3f})  {row.get('learned', float('nan')):.3f}"
                  f"   ({row.get('learned_f1', float('nan')):.3f})  {row.get('chosen', '')}")
        rules = [r["rule"] for r in ws.values()]
        print(f"  mean ± sd over writers: rules {summary(rules)} (macro-F1 {summary([r['rule_f1'] for r in ws.values()])})")
        if all("learned" in r for r in ws.values()):
            learned = [r["learned"] for r in ws.values()]
            d = np.array(learned) - np.array(rules)
            print(f"  learned (nested choice) {summary(learned)} (macro-F1 "
                  f"{summary([r['learned_f1'] for r in ws.values()])})")
            print(f"  paired learned − rules {summary(d)}; better on {(d > 1e-9).sum()}, level {(abs(d) <= 1e-9).sum()},"
                  f" worse on {(d < -1e-9).sum()} of {len(d)} writers")
        print("  fixed settings (mean ± sd over writers; for the record, not a selection):")
        for s, accs in res["fixed"].items():
            print(f"    {s:<28} {summary(accs)}  " + " ".join(f"{a:.3f}" for a in accs))
        if res.get("gated"):
            print("  combination: the rules' label unless the head's top class beats it by > margin (fixed settings):")
            for s, accs in res["gated"].items():
                d = np.array(accs) - np.array(rules)
                print(f"    {s:<40} {summary(accs)}  gain {d.mean():+.3f}, better on {(d > 1e-9).sum()}, worse on "
                      f"{(d < -1e-9).sum()}  " + " ".join(f"{a:.3f}" for a in accs))


def report_gate(res: dict) -> None:
    """The structure gate's nested LOWO table: rules, ungated head, gated head per writer and their paired gains."""
    import numpy as np

    from medtune.sentiment.reader import summary

    g = res["gate"]
    ws = g["writers"]
    print("\n== overall: structure gate, nested LOWO (the rules' label where the gate keeps it, the head elsewhere)")
    print(f"  {'writer':<12} {'n':>4}  {'rules':>6}  {'ungated':>7}  {'gated':>6} {'(F1)':>6}  kept  chosen")
    ungated = g["gates"]["none"]
    for (w, row), u in zip(ws.items(), ungated):
        print(f"  {w:<12} {row['n']:>4}  {row['rule']:.3f}   {u:.3f}   {row['gated']:.3f} ({row['gated_f1']:.3f})"
              f"  {row['kept']:.2f}  {row['chosen']}")
    rules, gated = np.array([r["rule"] for r in ws.values()]), np.array([r["gated"] for r in ws.values()])
    print(f"  mean ± sd: rules {summary(rules)}, ungated {summary(ungated)}, gated {summary(gated)} (macro-F1 "
          f"{summary([r['gated_f1'] for r in ws.values()])})")
    for name, ref in (("rules", rules), ("ungated", np.array(ungated))):
        d = gated - ref
        print(f"  paired gated − {name}: {summary(d)}; better on {(d > 1e-9).sum()}, level {(abs(d) <= 1e-9).sum()},"
              f" worse on {(d < -1e-9).sum()} of {len(d)} writers")
    print("  each gate fixed (recipe nested), mean ± sd, gain vs rules, share of reviews the rules keep:")
    for k, accs in g["gates"].items():
        d = np.array(accs) - rules
        print(f"    {k:<22} {summary(accs)}  gain {d.mean():+.3f}, better on {(d > 1e-9).sum()}, worse on "
              f"{(d < -1e-9).sum()}, kept {g['kept'].get(k, 0.0):.2f}  " + " ".join(f"{a:.3f}" for a in accs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aspects", action="store_true", help="also the aspect polarity head")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("MEDTUNE_HOME", "/tmp")) / "cache"
                        / "sentiment_lowo.pkl")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--read-only", action="store_true", help="only read and cache the reviews")
    parser.add_argument("--gates", action="store_true", help="the structure gate (round 9b), nested LOWO")
    parser.add_argument("--margins", default="", help="comma-separated margins for the gated combination, e.g. 0.1,0.2,0.3")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)
    from medtune.sentiment.reader import labelled_reviews

    rows = labelled_reviews()
    readings = cached_readings(rows, args.cache)
    print(f"{len(rows)} reviews, writers: " + ", ".join(
        f"{w} {sum(r['writer'] == w for r in rows)}" for w in dict.fromkeys(r["writer"] for r in rows)))
    if args.read_only:
        return 0
    margins = [float(m) for m in args.margins.split(",") if m.strip()]
    out = run(rows, readings, aspects=args.aspects, margins=margins, gates=args.gates)
    gate = out["overall"].pop("gate", None)
    report(out)
    if gate is not None:
        out["overall"]["gate"] = gate
        report_gate(out["overall"])
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
