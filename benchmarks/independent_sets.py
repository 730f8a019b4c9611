"""Scores on the independently written held-out sets (data/eval/independent, README there).

    python benchmarks/independent_sets.py [--only triage|claims|reviews] [--show-dev]
    MEDTUNE_KB_DIR=/path/to/full/kb python benchmarks/independent_sets.py --only claims

Prints, for each set, the dev half, the test half (report-only: never tune on it) and both together:
- triage: emergency recall, false alarms on near-misses, self-harm messages not given the crisis response;
- claims: the checker's accuracy, green / red precision, unverifiable share, trust ECE (needs a knowledge base);
- reviews: overall accuracy / macro-F1, aspect detection F1 and aspect polarity accuracy.
`--show-dev` lists the dev half's misses (the test half's are never printed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "data" / "eval" / "independent"
SPLITS = ("dev", "test", "all")


def rows_of(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]


def pick(rows: list[dict], split: str) -> list[dict]:
    return [r for r in rows if split == "all" or r["split"] == split]


def print_dev_misses(rows: list[dict], results: dict, wrong, describe) -> None:
    """The dev half's misses only: the test half's are never printed, so nobody tunes on them."""
    for r in pick(rows, "dev"):
        if wrong(r, results[r["id"]]):
            print(f"  dev {describe(r, results[r['id']])}")


def triage_scores(show_dev: bool) -> None:
    from medtune.chat.triage import triage

    rows = rows_of("triage")
    results = {r["id"]: triage(r["text"]) for r in rows}
    for split in SPLITS:
        part = pick(rows, split)
        emergencies = [r for r in part if r["emergency"]]
        near = [r for r in part if not r["emergency"]]
        caught = sum(results[r["id"]].emergency for r in emergencies)
        alarms = sum(results[r["id"]].emergency for r in near)
        self_harm = [r for r in emergencies if r["category"] == "self_harm"]
        no_crisis = sum(not results[r["id"]].self_harm for r in self_harm)
        print(f"triage {split:4}: recall {caught}/{len(emergencies)} = {caught / len(emergencies):.3f}   "
              f"false alarms {alarms}/{len(near)} = {alarms / len(near):.3f}   "
              f"self-harm without the crisis response {no_crisis}/{len(self_harm)}")
    if show_dev:
        print_dev_misses(rows, results, lambda r, res: res.emergency != r["emergency"],
                         lambda r, res: f"{'MISS' if r['emergency'] else 'FALSE ALARM'} [{r['category']} → "
                                        f"{res.category}] {r['text']}")


def claims_scores(show_dev: bool) -> None:
    from benchmarks.checker_quality import report
    from medtune.kb.store import KnowledgeBase
    from medtune.verify.checker import Checker
    from medtune.verify.model import load_verifier

    rows = rows_of("claims")
    kb = KnowledgeBase.open()
    checker = Checker(kb=kb, verifier=load_verifier(None))
    print(f"claims: knowledge base {kb.count()} chunks; verifier {checker.verifier.name}")
    checker.check("High blood pressure usually has no symptoms.")  # warm-up: loads are not a check's latency
    results = {r["id"]: checker.check(r["claim"], r["id"]).to_dict() for r in rows}
    for split in SPLITS:
        part = pick(rows, split)
        figures = report(part, [results[r["id"]] for r in part])
        shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in figures.items() if k != "confusion"}
        print(f"claims {split:4}: {json.dumps(shown)}")
    if show_dev:
        print_dev_misses(rows, results, lambda r, res: res["verdict"] != r["label"],
                         lambda r, res: f"{r['label']} → {res['verdict']}/{res['band']}: {r['claim']}")


def reviews_scores(show_dev: bool) -> None:
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.quality import reviews_scores as score

    rows = rows_of("reviews")
    analyzer = Analyzer()
    results = dict(zip([r["id"] for r in rows], analyzer.analyze_many([r["text"] for r in rows],
                                                                       [r["id"] for r in rows])))
    for split in SPLITS:
        part = pick(rows, split)
        figures = score(part, [results[r["id"]] for r in part])
        aspects = figures["aspects"]
        print(f"reviews {split:4}: n {figures['n']}, overall accuracy {figures['overall_accuracy']:.3f}, macro-F1 "
              f"{figures['overall_macro_f1']:.3f}, aspect F1 {aspects['f1']:.3f} (P {aspects['precision']:.3f} / "
              f"R {aspects['recall']:.3f}), aspect polarity {aspects['polarity_accuracy']:.3f}")
    if show_dev:
        print_dev_misses(rows, results, lambda r, res: (res.overall, res.aspects) != (r["overall"], r["aspects"]),
                         lambda r, res: f"{r['overall']}→{res.overall} {r['aspects']} vs {res.aspects}: {r['text']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("triage", "claims", "reviews"))
    parser.add_argument("--show-dev", action="store_true", help="list the dev half's misses (never the test half's)")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for name, run in (("triage", triage_scores), ("claims", claims_scores), ("reviews", reviews_scores)):
        if args.only in (None, name):
            run(args.show_dev)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
