"""Triage quality (issue 13): recall per red-flag category and false alarms on near-misses, dev and test.

    flock /tmp/medtune-cpu.lock python benchmarks/triage_quality.py            # everything below
    python benchmarks/triage_quality.py --no-cv --medquad 0 --show-dev-errors  # quick, with dev errors listed

Prints, for the shipped triage (`medtune.chat.triage.triage`: rules + the learned head in
medtune/chat/triage_head.npz):
- per split of data/eval/triage (README there), and for its second held-out batch holdout2.jsonl: recall per category, overall recall, false-alarm rate on
  near-misses, for the rules alone and for rules + learned layer; self-harm rows given the crisis text;
  other rows wrongly given it; whether any crisis answer carries a dose;
- false alarms on informational MedQuAD questions (a pool disjoint from the one the head is fitted on);
- cross-validation of the learned layer over dev + train_extra (5 folds over paraphrase groups x 3 shuffles,
  mean ± sd), at the shipped scorer — the figures `python -m medtune.chat.triage_fit` chose it by;
- triage latency per question (p50 / p95, torch threads as given), the learned layer included.
Targets: held-out recall 100 %, false alarms <= 5 %. Test texts are never printed (the test half is not for
tuning); `--show-dev-errors` lists dev misses and false alarms.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_DOSE = re.compile(r"\b\d+(\.\d+)?\s*(mg|g|ml|mcg|tablets?|pills?|grams?)\b", re.IGNORECASE)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report_split(name: str, rows: list[dict], results: list, rules: list[bool], show_errors: bool) -> None:
    per_cat: dict[str, list[bool]] = defaultdict(list)
    for r, res in zip(rows, results):
        if r["label"] == "emergency":
            per_cat[r["category"]].append(res.emergency)
    em = [res.emergency for r, res in zip(rows, results) if r["label"] == "emergency"]
    nm = [res.emergency for r, res in zip(rows, results) if r["label"] != "emergency"]
    em_rule = [hit for r, hit in zip(rows, rules) if r["label"] == "emergency"]
    nm_rule = [hit for r, hit in zip(rows, rules) if r["label"] != "emergency"]
    print(f"\n== {name}: {len(em)} emergencies, {len(nm)} near-misses ==")
    print(f"rules alone:        recall {sum(em_rule)}/{len(em_rule)} = {sum(em_rule) / len(em_rule):.3f}, "
          f"false alarms {sum(nm_rule)}/{len(nm_rule)} = {sum(nm_rule) / len(nm_rule):.3f}")
    print(f"rules + learned:    recall {sum(em)}/{len(em)} = {sum(em) / len(em):.3f}, "
          f"false alarms {sum(nm)}/{len(nm)} = {sum(nm) / len(nm):.3f}")
    print("recall per category: " + ", ".join(f"{c} {sum(v)}/{len(v)}" for c, v in sorted(per_cat.items())))
    sh = [res.self_harm for r, res in zip(rows, results) if r["category"] == "self_harm" and r["label"] == "emergency"]
    wrong_sh = sum(res.self_harm for r, res in zip(rows, results)
                   if not (r["category"] == "self_harm" and r["label"] == "emergency"))
    doses = sum(bool(_DOSE.search(res.message)) for res in results if res.self_harm)
    print(f"self-harm rows given the crisis text {sum(sh)}/{len(sh)}; other rows given it {wrong_sh}; "
          f"crisis answers with a dose in them {doses}")
    sources = defaultdict(int)
    for res in results:
        if res.emergency:
            sources[res.source] += 1
    print("emergencies found by: " + ", ".join(f"{k} {v}" for k, v in sorted(sources.items())))
    if show_errors:
        for r, res in zip(rows, results):
            if res.emergency != (r["label"] == "emergency") or (r["category"] == "self_harm") != res.self_harm \
                    and r["label"] == "emergency":
                kind = "MISS" if r["label"] == "emergency" else "FALSE ALARM"
                print(f"  {kind} [{r['category']}] score={res.score} flags={res.flags} | {r['text']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (the chat target is for 2 cores)")
    parser.add_argument("--medquad", type=int, default=1000, help="MedQuAD questions to count false alarms on")
    parser.add_argument("--no-cv", action="store_true", help="skip the dev cross-validation")
    parser.add_argument("--show-dev-errors", action="store_true")
    parser.add_argument("--only-fresh3", action="store_true", help="score only fresh3.jsonl's two halves")
    parser.add_argument("--only-fresh4", action="store_true", help="score only fresh4.jsonl's two halves")
    args = parser.parse_args()

    import torch

    from medtune.chat.triage import triage
    from medtune.chat.triage_fit import (
        HOLDOUT2_FILE,
        load_fresh3,
        load_fresh4,
        load_labelled,
        load_training,
        medquad_questions,
    )
    from medtune.chat.triage_learned import load_head
    from medtune.chat.triage_rules import rule_flags
    from medtune.kb.embedding import load_model

    load_model()
    torch.set_num_threads(args.threads)
    head = load_head()
    print(f"head: {len(head.classes)} classes, threshold {head.threshold:.3f}, "
          f"self-harm threshold {head.self_harm_threshold:.3f}; torch threads {torch.get_num_threads()}")
    from medtune.chat.triage_learned import _tuned

    tuned = _tuned()
    if tuned is not None:
        print(f"learned layer in use: the fine-tuned MiniLM (layers {tuned.config.tuned_layers}), threshold "
              f"{tuned.threshold:.3f}, self-harm threshold {tuned.self_harm_threshold:.3f}")
    triage("warm-up question about a headache")
    latencies: list[float] = []
    sets = [(split, load_labelled(split=split)) for split in ("dev", "test")]
    sets.append(("holdout2 (second held-out batch, data/eval/triage/README.md)",
                 load_training(HOLDOUT2_FILE, "holdout2")))
    sets += [(f"fresh3 {split} (third set, data/eval/triage/README.md)", load_fresh3(split)) for split in ("dev", "test")]
    sets += [(f"fresh4 {split} (fourth set, data/eval/triage/README.md)", load_fresh4(split)) for split in ("dev", "test")]
    if args.only_fresh3:
        sets = sets[-4:-2]
    if args.only_fresh4:
        sets = sets[-2:]
    for split, rows in sets:
        results = []
        for r in rows:
            start = time.perf_counter()
            results.append(triage(r["text"]))
            latencies.append((time.perf_counter() - start) * 1000)
        rules = [bool(rule_flags(r["text"])) for r in rows]
        report_split(split, rows, results, rules, args.show_dev_errors and split.split(" (")[0] in ("dev", "fresh3 dev", "fresh4 dev"))
    print(f"\ntriage latency over {len(latencies)} messages: p50 {percentile(latencies, 0.5):.1f} ms, "
          f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms")
    if args.medquad:
        pool = medquad_questions("eval")[: args.medquad]
        flagged = [q for q in pool if triage(q).emergency]
        print(f"MedQuAD informational questions flagged as emergencies: {len(flagged)}/{len(pool)} = "
              f"{len(flagged) / len(pool):.3f}" + "".join(f"\n  {q}" for q in flagged[:10]))
    if not args.no_cv:
        cross_validation()
    return 0


def cross_validation() -> None:
    """The learned layer's grouped k-fold figures on dev + train_extra at the shipped scorer (C and exemplar
    weight), computed as `python -m medtune.chat.triage_fit` computed them to choose it."""
    from medtune.chat.triage_cv import FOLDS, SEEDS, cross_validate, describe
    from medtune.chat.triage_fit import embed_cached, encode, medquad_questions, training_rows
    from medtune.chat.triage_learned import load_head

    head = load_head()
    c = head.c or 16.0
    enc = encode(training_rows())
    negatives = embed_cached(medquad_questions("train"))
    print(f"\ndev + train_extra cross-validation ({FOLDS} folds over paraphrase groups x {len(SEEDS)} shuffles, "
          "mean ± sd; each fold scored by a head fitted without it):")
    for r in cross_validate(enc, negatives, ((c, head.exemplar_weight),)):
        print("  " + describe(r))


if __name__ == "__main__":
    raise SystemExit(main())
