"""How well `medtune.data.phi.redact` removes identifiers from chat messages (data/eval/phi/messages.jsonl).

    python benchmarks/phi_redaction.py                 # the held-out test half (report this)
    python benchmarks/phi_redaction.py --split dev -v  # the half rules were written against, with every miss
    python benchmarks/phi_redaction.py --reviews 2000  # also: redactions in real patient reviews (no names in them)
    python benchmarks/phi_redaction.py --speed 3000    # also: scan time per MedQuAD answer (best of 3)

Prints, per identifier kind, recall (an identifier counts as removed when every character of it lies inside a
redacted span, whatever kind the span was given); the share of messages with every identifier removed; the
false-positive rate (share of no-PHI messages with any redaction); and over-redaction in PHI messages
(redacted spans touching no labelled identifier). `--reviews N` runs the first N DrugLib patient reviews of the
shared data (MEDTUNE_DATA_DIR): anonymous texts, so nearly every redaction there is a false one; it prints
them per kind with examples, a check on real writing that the labelled set cannot give.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from pathlib import Path

from medtune.data.phi import redact, scan_text

ROOT = Path(__file__).resolve().parents[1]
ITEMS = ROOT / "data" / "eval" / "phi" / "messages.jsonl"


def covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return all(any(s <= i < e for s, e in spans) for i in range(start, end) if not i < 0)


def evaluate(rows: list[dict], verbose: bool) -> None:
    found, total, whole, extra, clean_hit = Counter(), Counter(), 0, [], []
    phi_rows = [r for r in rows if r["phi"]]
    clean_rows = [r for r in rows if not r["phi"]]
    for row in rows:
        findings = scan_text(row["text"])
        spans = [(f.start, f.end) for f in findings]
        missed = []
        for gold in row["phi"]:
            total[gold["kind"]] += 1
            if covered(gold["start"], gold["end"], spans):
                found[gold["kind"]] += 1
            else:
                missed.append(f"{gold['kind']}={gold['value']!r}")
        whole += bool(row["phi"]) and not missed
        gold_spans = [(g["start"], g["end"]) for g in row["phi"]]
        stray = [f for f in findings if not any(f.start < e and s < f.end for s, e in gold_spans)]
        (extra if row["phi"] else clean_hit).extend((row["id"], f) for f in stray)
        if verbose and (missed or stray):
            print(f"  {row['id']}: missed {missed or '-'}; false {[f'{f.kind}={f.value!r}' for f in stray] or '-'}"
                  f"\n      {redact(row['text'])[0]}")
    print(f"{'kind':<12} {'recall':>8}  found/total")
    for kind in sorted(total):
        print(f"{kind:<12} {found[kind] / total[kind]:>8.1%}  {found[kind]}/{total[kind]}")
    all_found, all_total = sum(found.values()), sum(total.values())
    print(f"{'all':<12} {all_found / all_total:>8.1%}  {all_found}/{all_total}")
    print(f"messages with every identifier removed: {whole}/{len(phi_rows)} ({whole / len(phi_rows):.1%})")
    fp_msgs = len({i for i, _ in clean_hit})
    print(f"false-positive rate (no-PHI messages with any redaction): {fp_msgs}/{len(clean_rows)} "
          f"({fp_msgs / max(1, len(clean_rows)):.1%})" + (f": {[(i, f.value) for i, f in clean_hit]}" if clean_hit else ""))
    print(f"over-redaction in PHI messages (spans touching no identifier): {len(extra)}"
          + (f": {[(i, f.value) for i, f in extra]}" if extra else ""))


def reviews(n: int) -> None:
    path = Path(os.environ.get("MEDTUNE_DATA_DIR", ROOT.parent / "shared" / "data")) / "druglib" / "train.jsonl"
    if not path.exists():
        print(f"reviews: {path} not found; skipped")
        return
    texts = []
    with path.open() as f:
        for line in f:
            row = json.loads(line)
            texts.extend(row.get(k) or "" for k in ("benefits_review", "side_effects_review", "comments_review"))
            if len(texts) >= n:
                break
    start = time.perf_counter()
    hits = [(f, t) for t in texts[:n] for f in scan_text(t)]
    ms = (time.perf_counter() - start) * 1000 / max(1, n)
    kinds = Counter(f.kind for f, _ in hits)
    print(f"\nDrugLib reviews: {n} texts, {len(hits)} redactions ({dict(kinds.most_common())}), {ms:.2f} ms/text")
    for f, t in hits[:25]:
        print(f"  {f.kind}={f.value!r}: ...{t[max(0, f.start - 40):f.end + 30]!r}...")


def speed(n: int) -> None:
    """Dataset scans (prepare, uploads) run scan_text over long texts: time it on MedQuAD answers."""
    path = Path(os.environ.get("MEDTUNE_DATA_DIR", ROOT.parent / "shared" / "data")) / "medquad" / "medquad.jsonl"
    texts = [json.loads(line).get("answer") or "" for line in path.open()][:n]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            scan_text(text)
        best = min(best, time.perf_counter() - start)
    chars = sum(map(len, texts)) / max(1, len(texts))
    print(f"\nspeed: {len(texts)} MedQuAD answers (mean {chars:.0f} characters), {best * 1000 / len(texts):.2f} ms "
          "per answer (best of 3)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "test", "holdout2", "all"), default="test")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every miss and false redaction")
    ap.add_argument("--reviews", type=int, default=0, help="also scan this many real DrugLib review texts")
    ap.add_argument("--speed", type=int, default=0, help="also time scan_text on this many MedQuAD answers")
    args = ap.parse_args()
    rows = [json.loads(line) for line in ITEMS.open()]
    rows = [r for r in rows if args.split == "all" or r["split"] == args.split]
    print(f"{ITEMS.relative_to(ROOT)}, split {args.split}: {sum(bool(r['phi']) for r in rows)} messages with "
          f"identifiers, {sum(not r['phi'] for r in rows)} without")
    evaluate(rows, args.verbose)
    if args.reviews:
        reviews(args.reviews)
    if args.speed:
        speed(args.speed)


if __name__ == "__main__":
    main()
