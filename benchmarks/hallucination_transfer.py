"""Does a hallucination detector transfer beyond MedHallu's style? F1 (hallucinated class) of trained runs on
the hand-written set in data/eval/hallucination (README there), and on MedHallu dev.

    python benchmarks/hallucination_transfer.py --run RUN_DIR [--run RUN_DIR ...] [--show-dev] [--no-medhallu]
    python benchmarks/hallucination_transfer.py --build     # set.jsonl from source.txt (the split never changes)

Prints, per run: F1 hallucinated, accuracy and recall per distortion kind on the set's dev half and test half
(report-only: never tune on it), and F1 on MedHallu's dev split (the data both recipes validate on); with
several runs, mean ± sd over them. `--show-dev` lists the dev half's misses (the test half's are never printed).
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
    import tempfile

    from medtune.train.predict import classify, load_run, read_input

    run = load_run(run_dir)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        examples = read_input("medhallu", path, "hallucination")
    return {r["id"]: r["label"] for r in classify(run, examples)}


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
    args = parser.parse_args()
    if args.build:
        rows = parse_source((DATA / "source.txt").read_text(encoding="utf-8"))
        (DATA / "set.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        for split in SPLITS:
            part = [r for r in rows if r["split"] == split]
            print(f"{split}: {len(part)} answers, {sum(r['label'] == POSITIVE for r in part)} hallucinated")
        return
    rows = [json.loads(line) for line in (DATA / "set.jsonl").read_text(encoding="utf-8").splitlines() if line]
    medhallu = [] if args.no_medhallu else medhallu_dev()
    table: dict[str, list[float]] = {}
    for run_dir in args.run:
        preds = predict(run_dir, rows + medhallu)
        print(f"run {run_dir}")
        for split in SPLITS:
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
    if len(args.run) > 1:
        for name, values in table.items():
            print(f"mean ± sd over {len(values)} runs, {name}: {statistics.mean(values):.3f} ± "
                  f"{statistics.stdev(values):.3f}")


if __name__ == "__main__":
    main()
