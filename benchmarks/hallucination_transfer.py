"""Does a hallucination detector transfer beyond MedHallu's style? F1 (hallucinated class) of trained runs and
of the entailment detectors (medtune/eval/hallu_detect.py) on the hand-written set in data/eval/hallucination
(README there), and on MedHallu dev.

    python benchmarks/hallucination_transfer.py --run RUN_DIR [--run RUN_DIR ...] [--show-dev] [--no-medhallu]
    python benchmarks/hallucination_transfer.py --detector support            # the support scorer's rule
    python benchmarks/hallucination_transfer.py --detector stack:FILE.json [--run RUN_DIR]   # a fitted stack
    python benchmarks/hallucination_transfer.py ... --test      # also the set's test half (report once, at the end)
    python benchmarks/hallucination_transfer.py --build     # set.jsonl from source.txt (the split never changes)

Prints, per run or detector: F1 hallucinated, accuracy and the share judged right per distortion kind on the
set's dev half (the test half only with --test: never tune on it), and F1 on MedHallu's dev split (the data
every recipe validates on); with several runs, mean ± sd over them. A stack that reads a classifier's
probability takes it from the --run given with it (one run per stack line). `--show-dev` lists the dev half's
misses (the test half's are never printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "data" / "eval" / "hallucination"
SPLITS = ("dev", "test")
POSITIVE = "hallucinated"


def split_of(question: str) -> str:
    """dev or test, by a hash of the item's question: all answers to one question stay on one side."""
    return "dev" if int(hashlib.sha1(question.strip().encode()).hexdigest(), 16) % 2 == 0 else "test"


def parse_source(text: str) -> list[dict]:
    """Rows in MedHallu's format from source.txt's blocks (Q:, E:, then 'F style: …' / 'H kind style: …')."""
    rows, group, question, evidence = [], 0, "", ""
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        tag, _, body = line.partition(":")
        if tag == "Q":
            group, question, evidence = group + 1, body.strip(), ""
        elif tag == "E":
            evidence = body.strip()
        elif tag.split()[0] in ("F", "H") and question and evidence:
            parts = tag.split()
            faithful = parts[0] == "F"
            kind, style = ("faithful", parts[1]) if faithful else (parts[1], parts[2])
            rows.append({"id": f"h{group:03d}-{parts[0].lower()}", "group": f"h{group:03d}",
                         "split": split_of(question), "kind": kind, "style": style, "question": question,
                         "knowledge": [evidence], "answer": body.strip(),
                         "label": "faithful" if faithful else POSITIVE})
        else:
            raise ValueError(f"source.txt line {n}: expected Q:, E:, 'F style:' or 'H kind style:'")
    return rows


def f1_hallucinated(gold: list[str], pred: list[str]) -> float:
    """F1 of the hallucinated class (0.0 when it is never predicted or never present)."""
    tp = sum(g == POSITIVE and p == POSITIVE for g, p in zip(gold, pred))
    fp = sum(g != POSITIVE and p == POSITIVE for g, p in zip(gold, pred))
    fn = sum(g == POSITIVE and p != POSITIVE for g, p in zip(gold, pred))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def scores(rows: list[dict], preds: dict[str, str]) -> dict:
    """F1, accuracy and, per kind, the share judged correctly (recall for distortions, specificity for
    faithful answers)."""
    gold, pred = [r["label"] for r in rows], [preds[r["id"]] for r in rows]
    by_kind: dict[str, list[bool]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(preds[r["id"]] == r["label"])
    return {"n": len(rows), "f1": f1_hallucinated(gold, pred),
            "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(rows),
            "kinds": {k: (sum(v), len(v)) for k, v in sorted(by_kind.items())}}


def predict(run_dir: str, rows: list[dict]) -> dict[str, str]:
    """A trained run's labels."""
    import tempfile

    from medtune.train.predict import classify, load_run, read_input

    run = load_run(run_dir)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        examples = read_input("medhallu", path, "hallucination")
    return {r["id"]: r["label"] for r in classify(run, examples)}


def detect(detector: str, rows: list[dict], run_dir: str | None = None) -> dict[str, str]:
    """An entailment detector's labels (medtune/eval/hallu_detect.py): `support` (the weakest sentence's
    trust below medtune.verify's HALLUCINATION_THRESHOLD) or `stack:FILE` (a fitted stack; one that reads a
    classifier's probability takes it from `run_dir`)."""
    from medtune.eval import hallu_detect as hd
    from medtune.verify import HALLUCINATION_THRESHOLD

    support = hd.support_features(rows)
    if detector == "support":
        return {r["id"]: hd.label_of(float(s[0] < HALLUCINATION_THRESHOLD)) for r, s in zip(rows, support)}
    if not detector.startswith("stack:"):
        raise SystemExit(f"unknown detector {detector!r}: use support or stack:FILE.json")
    model = json.loads(Path(detector.split(":", 1)[1]).read_text(encoding="utf-8"))
    probs = None
    if hd.CLASSIFIER_FEATURE in model["features"]:
        if not run_dir:
            raise SystemExit(f"{detector} reads a classifier's probability: give the run with --run")
        probs = hd.classifier_probs(run_dir, rows)
    p = hd.stack_probs(model, hd.feature_matrix(support, probs))
    return {r["id"]: hd.label_of(v, model.get("threshold", 0.5)) for r, v in zip(rows, p)}


def medhallu_dev() -> list[dict]:
    from medtune.data.readers import read_rows
    from medtune.data.registry import find_local_file, get_dataset

    path = find_local_file(get_dataset("medhallu"), "dev")
    return [dict(r, kind=r.get("hallucination_category") or "faithful") for r in read_rows(path)] if path else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", action="append", default=[], help="a finished hallucination run directory")
    parser.add_argument("--build", action="store_true", help="write set.jsonl from source.txt")
    parser.add_argument("--show-dev", action="store_true")
    parser.add_argument("--no-medhallu", action="store_true", help="skip MedHallu dev")
    parser.add_argument("--detector", help="support, or stack:FILE.json (medtune/eval/hallu_detect.py)")
    parser.add_argument("--test", action="store_true", help="also score the test half (once, at the end)")
    args = parser.parse_args()
    if args.build:
        rows = parse_source((DATA / "source.txt").read_text(encoding="utf-8"))
        (DATA / "set.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        for split in SPLITS:
            part = [r for r in rows if r["split"] == split]
            print(f"{split}: {len(part)} answers, {sum(r['label'] == POSITIVE for r in part)} hallucinated")
        return
    splits = SPLITS if args.test else ("dev",)
    rows = [json.loads(line) for line in (DATA / "set.jsonl").read_text(encoding="utf-8").splitlines() if line]
    rows = [r for r in rows if r["split"] in splits]
    medhallu = [] if args.no_medhallu else medhallu_dev()
    jobs = ([(args.detector, run) for run in args.run] or [(args.detector, None)]) if args.detector else \
        [(None, run) for run in args.run]
    table: dict[str, list[float]] = {}
    for detector, run_dir in jobs:
        preds = detect(detector, rows + medhallu, run_dir) if detector else predict(run_dir, rows + medhallu)
        print(" + ".join(x for x in (detector, run_dir and f"run {run_dir}") if x))
        for split in splits:
            s = scores([r for r in rows if r["split"] == split], preds)
            table.setdefault(split, []).append(s["f1"])
            kinds = "  ".join(f"{k} {a}/{b}" for k, (a, b) in s["kinds"].items())
            print(f"  set {split:4} (n={s['n']}): F1 hallucinated {s['f1']:.3f}  acc {s['accuracy']:.3f}  | {kinds}")
        if medhallu:
            s = scores(medhallu, preds)
            table.setdefault("medhallu_dev", []).append(s["f1"])
            print(f"  MedHallu dev (n={s['n']}): F1 hallucinated {s['f1']:.3f}  acc {s['accuracy']:.3f}")
        if args.show_dev:
            for r in rows:
                if r["split"] == "dev" and preds[r["id"]] != r["label"]:
                    print(f"    dev MISS [{r['kind']}] {r['answer'][:110]}")
    if len(jobs) > 1:
        for name, values in table.items():
            print(f"mean ± sd over {len(values)} runs, {name}: {statistics.mean(values):.3f} ± "
                  f"{statistics.stdev(values):.3f}")


if __name__ == "__main__":
    main()
