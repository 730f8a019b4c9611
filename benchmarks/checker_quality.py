"""Checker quality on the everyday health claims of data/eval/claims (true / false / misleading, 3 per fact).

    MEDTUNE_KB_DIR=FULL_KB_DIR python benchmarks/checker_quality.py --split dev
    MEDTUNE_KB_DIR=FULL_KB_DIR flock /tmp/medtune-cpu.lock python benchmarks/checker_quality.py --split test
    MEDTUNE_KB_DIR=FULL_KB_DIR python benchmarks/checker_quality.py --claims data/eval/claims/fresh6.jsonl --split dev

Prints accuracy (verdict = label), the confusion matrix, green precision (share of green claims that are true),
red precision (share of red claims that are false or misleading), the share of `unverifiable` (every topic here
is covered by the knowledge base), the ECE of the trust score as P(true), and check latency (p50 / p95).
`--kb gold` checks against a small knowledge base of only the claims' own MedQuAD pages (built in a temporary
folder): a diagnosis of the verifier and the verdict rules with retrieval taken out.
`--claims PATH` reads another claim set: claims.jsonl's fields (fresh6.jsonl) or the independent set's
(data/eval/independent/claims.jsonl: its facts grouped by MedQuAD focus). `--out` lines carry each claim's
`gold` label and `group` besides the check result (what `benchmarks/claim_model_cv.py` fits on).
`--fit-claims OUT.json` fits the claim-level trust model and its band thresholds on this split (use it on dev
only) and writes them where `python -m medtune.verify package-claims` picks them up.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLAIMS = ROOT / "data" / "eval" / "claims" / "claims.jsonl"
LABELS = ("true", "false", "misleading")


def gold_kb(rows: list[dict], folder: Path | None = None):
    """A knowledge base of the claims' own MedQuAD answers only (diagnosis: retrieval cannot miss); kept in
    `folder` when given, so a second run reuses it."""
    from medtune.kb.sources import KBDocument
    from medtune.kb.store import KnowledgeBase
    from medtune.settings import get_settings

    # MedQuAD ids repeat across its collections: a page is its id *and* its URL (keyed by the id alone, the
    # pages sharing an id overwrote each other and the claim's own page could be the one lost).
    wanted = {(r["evidence"]["medquad_id"], r["evidence"]["url"]) for r in rows}
    docs = []
    with open(Path(get_settings().data_dir) / "medquad" / "medquad.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if (row["id"], row["url"]) in wanted:
                docs.append(KBDocument(source="medquad", doc_id=f"{row['id']}|{row['url']}", text=row["answer"],
                                       title=row["focus"], url=row["url"]))
    kb = KnowledgeBase.open(path=folder or Path(tempfile.mkdtemp(prefix="claims_kb_")))
    if kb.count() == 0:
        kb.add_documents(docs)
    return kb


def ece(probs: list[float], hits: list[int], bins: int = 10) -> float:
    """Expected calibration error of P(true) (equal-width bins over [0, 1], Guo et al. 2017)."""
    total, n = 0.0, len(probs)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, p in enumerate(probs) if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if idx:
            total += len(idx) / n * abs(sum(hits[i] for i in idx) / len(idx) - sum(probs[i] for i in idx) / len(idx))
    return total


def report(rows: list[dict], results: list[dict]) -> dict:
    gold = [r["label"] for r in rows]
    pred = [x["verdict"] for x in results]
    bands = [x["band"] for x in results]
    green = [g for g, b in zip(gold, bands) if b == "green"]
    red = [g for g, b in zip(gold, bands) if b == "red"]
    lat = sorted(x["latency_ms"] for x in results)
    return {
        "claims": len(rows), "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(rows),
        "confusion": {g: dict(Counter(p for gg, p in zip(gold, pred) if gg == g)) for g in LABELS},
        "green": len(green), "green_precision": sum(g == "true" for g in green) / len(green) if green else None,
        "red": len(red), "red_precision": sum(g != "true" for g in red) / len(red) if red else None,
        "yellow": bands.count("yellow"), "unverifiable_share": pred.count("unverifiable") / len(rows),
        "trust_ece": ece([x["trust"] for x in results], [int(g == "true") for g in gold]),
        "latency_p50_ms": lat[len(lat) // 2], "latency_p95_ms": lat[min(len(lat) - 1, int(0.95 * len(lat)))],
    }


def rejudge(rows: list[dict], args: argparse.Namespace) -> None:
    """Apply the current verdict rules (and τ, and a claim model) to saved per-part probabilities."""
    from types import SimpleNamespace

    from medtune.verify import trust as T
    from medtune.verify.decompose import overreach_cues

    lines = args.from_results.read_text(encoding="utf-8").split("\n")
    saved = {d["id"]: d for d in (json.loads(line) for line in lines if line.strip())}
    cal = T.load_calibration()
    cal.claim = json.loads(args.claims_model.read_text()) if args.claims_model else {}
    if args.tau is not None:
        cal.tau = args.tau
    if args.margin is not None:
        cal.margin = args.margin
    results = []
    for row in rows:
        d = saved[row["id"]]
        parts = [T.judge_sentence(x["text"], [[e["support"], e["contradiction"], max(0.0, 1 - e["support"]
                                                                                  - e["contradiction"])]
                                              for e in d["evidence"] if e["sentence"] == i], cal,
                                  role=x["role"], cues=overreach_cues(x["text"]))
                 for i, x in enumerate(d["sentences"])]
        for part, x in zip(parts, d["sentences"]):  # the claim model reads it; the checker sets it after judging
            part.coverage = float(x.get("coverage", 0.0))
        judged = T.judge_claim(parts, cal, d["claim"])
        results.append(SimpleNamespace(sentences=parts, verdict=judged.verdict, trust=judged.trust, band=judged.band,
                                       unsupported_parts=judged.unsupported, claim=d["claim"],
                                       latency_ms=d["latency_ms"]))
    if args.fit_claims:
        from medtune.verify.claimfit import fit_claim_model

        fitted = fit_claim_model(results, [r["label"] for r in rows], [r["group"] for r in rows])
        args.fit_claims.write_text(json.dumps(fitted, indent=2))
        print(f"claim model: {json.dumps(fitted['cv'])} -> {args.fit_claims}")
        cal.claim = fitted
        for res in results:
            judged = T.judge_claim(res.sentences, cal, res.claim)
            res.verdict, res.trust, res.band = judged.verdict, judged.trust, judged.band
    print(f"re-judged {len(results)} saved results (τ = {cal.tau}, margin = {cal.margin})")
    dicts = [{"verdict": r.verdict, "trust": r.trust, "band": r.band, "latency_ms": r.latency_ms} for r in results]
    if args.show:
        for row, res in zip(rows, results):
            if row["label"] != res.verdict:
                print(f"- {row['label']} → {res.verdict}/{res.band} ({res.trust:.2f}): " + " || ".join(
                    f"[{s.role[:4]} {s.label} s={s.support:.2f} c={s.contradiction:.2f}] {s.text}" for s in res.sentences))
    for key, value in report(rows, dicts).items():
        print(f"{key}: {round(value, 4) if isinstance(value, float) else value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev", choices=("dev", "test", "all"))
    parser.add_argument("--claims", type=Path, default=CLAIMS, help="the claim set (JSONL; default: claims.jsonl)")
    parser.add_argument("--kb", default="full", choices=("full", "gold"), help="full = MEDTUNE_KB_DIR / home kb")
    parser.add_argument("--gold-dir", type=Path, help="where to keep the --kb gold knowledge base between runs")
    parser.add_argument("--verifier", default=None, help="auto (default) | lexical | a run directory")
    parser.add_argument("--out", type=Path, help="write one result per claim (JSONL) here")
    parser.add_argument("--fit-claims", type=Path, help="fit the claim trust model on this split; write it here")
    parser.add_argument("--claims-model", type=Path, help="use this fitted claim model (JSON from --fit-claims)")
    parser.add_argument("--from-results", type=Path, help="re-judge saved --out results with the current rules "
                        "(no retrieval or verifier run: for tuning the rules and τ on dev)")
    parser.add_argument("--margin", type=float, help="the stronger side's margin (default: the calibration's)")
    parser.add_argument("--tau", type=float, help="the verifier's decision threshold τ (default: the calibration's)")
    parser.add_argument("--show", action="store_true", help="print each wrong verdict")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from medtune.kb.store import KnowledgeBase
    from medtune.verify.checker import Checker
    from medtune.verify.claimsets import load_claim_set
    from medtune.verify.model import load_verifier

    rows = load_claim_set(args.claims, args.split)
    if args.from_results:
        return rejudge(rows, args)
    kb = gold_kb(load_claim_set(args.claims), args.gold_dir) if args.kb == "gold" else KnowledgeBase.open()
    checker = Checker(kb=kb, verifier=load_verifier(args.verifier))
    if args.claims_model:
        checker.cal.claim = json.loads(args.claims_model.read_text())
    print(f"claims: {args.claims.name}; split: {args.split} ({len(rows)} claims); knowledge base: {args.kb} ({kb.count()} chunks)")
    print(f"verifier: {checker.verifier.name}")
    for _ in range(3):  # warm-up: model and index loads are not part of a check's latency
        checker.check("High blood pressure usually has no symptoms.")
    started = time.perf_counter()
    results = [checker.check(r["claim"], r["id"]) for r in rows]
    print(f"checked in {time.perf_counter() - started:.1f} s")
    if args.fit_claims:
        from medtune.verify.claimfit import fit_claim_model

        fitted = fit_claim_model(results, [r["label"] for r in rows], [r["group"] for r in rows])
        args.fit_claims.write_text(json.dumps(fitted, indent=2))
        print(f"claim model: {json.dumps(fitted['cv'])} -> {args.fit_claims}")
        from medtune.verify import trust as T

        checker.cal.claim = fitted
        for res in results:
            judged = T.judge_claim(res.sentences, checker.cal, res.claim)
            res.verdict, res.trust, res.band = judged.verdict, judged.trust, judged.band
    dicts = [r.to_dict() for r in results]
    for d, row in zip(dicts, rows):
        d.update(gold=row["label"], group=row["group"])
    if args.out:
        args.out.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dicts))
    if args.show:
        for row, res in zip(rows, dicts):
            if row["label"] != res["verdict"]:
                parts = " || ".join(f"[{s['role'][:4]} {s['label']} s={s['support']:.2f} c={s['contradiction']:.2f}"
                                    f"{' ' + ','.join(s['cues']) if s['cues'] else ''}] {s['text']}"
                                    for s in res["sentences"])
                print(f"- {row['label']} → {res['verdict']}/{res['band']} ({res['trust']:.2f}): {parts}")
    for key, value in report(rows, dicts).items():
        print(f"{key}: {round(value, 4) if isinstance(value, float) else value}")


if __name__ == "__main__":
    main()
