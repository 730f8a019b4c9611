"""Relevance and abstention of the chatbot (issue 13): does a green answer answer what was asked?

    python data/eval/relevance/build.py                                   # once: the labelled set
    MEDTUNE_KB_DIR=FULL_KB_DIR python benchmarks/relevance_quality.py --fit   # dev half → relevance_calibration.json
    MEDTUNE_KB_DIR=FULL_KB_DIR python benchmarks/relevance_quality.py         # test half: the targets

Three measurements on one split of data/eval/relevance (README there):
- **pairs**: each MedQuAD question answered by the embedded generator from ONE passage — its own answer
  (relevant), the same topic's answer to another question type or the same type on a neighbouring topic (not
  relevant) — through the real `finish` (guardrails, relevance, support, bands). Off-question green = share of
  green answers whose passage was not relevant (target ≤ 5 %).
- **written**: the hand-written personal / out-of-scope questions through the whole pipeline against the
  knowledge base (MEDTUNE_KB_DIR): share abstained (target ≥ 90 %); the in-scope written ones: share answered.
- **medquad**: the split's MedQuAD questions through the whole pipeline: share green (target ≥ 60 %), and the
  share of green answers citing no passage of the question's own topic and type (a stricter, approximate
  off-question count: another collection's page on the same topic is counted as off-question).

--fit gathers the dev features with a pass-through relevance model (so the support bands are seen as they
are), fits the logistic regression with repeated grouped 5-fold cross-validation, picks the cuts on the
out-of-fold probabilities (green_from: lowest cut whose green answers are ≤ 3 % off-question; abstain_below:
Youden's J under it) and writes medtune/chat/relevance_calibration.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DATA = ROOT / "data" / "eval" / "relevance"
OFF_QUESTION_TARGET = 0.03  # fitted below the 5 % target: the cut is chosen on dev, reported on test


LIMIT: list[int] = []  # --limit: the first N items of each file (a quick check of the script, not a figure)


def read_jsonl(path: Path, split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == split]
    return rows[: LIMIT[0]] if LIMIT else rows


def passages(doc_ids: set[str]) -> dict[str, list[Any]]:
    """doc_id -> the first two chunks of that MedQuAD document as Evidence, chunked as the knowledge base does."""
    from medtune.chat.evidence import to_evidence
    from medtune.kb.sources import medquad_pairs
    from medtune.kb.store import chunk_document

    found = {}
    for _, doc in medquad_pairs():
        if doc.doc_id in doc_ids:
            found[doc.doc_id] = [to_evidence({"text": row.text, "metadata": row.metadata, "id": row.id})
                                 for row in chunk_document(doc)[:2]]
    return found


def pair_result(question: str, evidence: list[Any]) -> Any:
    from medtune.chat.extractive import compose
    from medtune.chat.pipeline import finish

    return finish(" ".join(compose(question, evidence)), question, evidence, [], time.perf_counter())


def support_band(result: Any) -> str:
    """The band the answer's support alone gives (what it was before relevance)."""
    from medtune.chat.scoring import load_thresholds

    return load_thresholds().band(result.confidence) if result.sentences else "red"


def gather(split: str, sets: tuple[str, ...] = ("pairs", "written", "medquad"), progress: bool = True) -> list[dict[str, Any]]:
    """Every item of the split answered: kind, label, result, features, support band."""
    from medtune.chat.pipeline import answer

    items = []
    pairs = read_jsonl(DATA / "medquad_pairs.jsonl", split)
    found = passages({p["passage_id"] for p in pairs}) if "pairs" in sets else {}
    for n, pair in enumerate(pairs if "pairs" in sets else []):
        result = pair_result(pair["question"], found[pair["passage_id"]])
        items.append({"set": "pairs", "kind": pair["kind"], "group": pair["group"], "label": pair["relevant"],
                      "result": result})
        if progress and n % 100 == 0:
            print(f"  pairs {n}/{len(pairs)}", file=sys.stderr, flush=True)
    for row in read_jsonl(DATA / "written.jsonl", split) if "written" in sets else []:
        items.append({"set": "written", "kind": row["kind"], "group": row["group"], "question": row["question"],
                      "label": int(row["expect"] == "answer"), "result": answer(row["question"])})
    seen = set()
    for n, pair in enumerate(p for p in pairs if p["kind"] == "own" and "medquad" in sets):
        if pair["question"] in seen:
            continue
        seen.add(pair["question"])
        items.append({"set": "medquad", "kind": pair["qtype"], "group": pair["group"], "label": 1,
                      "want_title": f"{pair['focus']} ({pair['qtype']})".lower(), "result": answer(pair["question"])})
        if progress and n % 100 == 0:
            print(f"  medquad {n}", file=sys.stderr, flush=True)
    return items


# --- fitting -------------------------------------------------------------------------------------------------
def fit(args: argparse.Namespace) -> int:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    from medtune.chat import relevance

    relevance.OVERRIDE.append(relevance.PASS_THROUGH)
    t0 = time.perf_counter()
    items = gather("dev", sets=("pairs", "written"))
    relevance.OVERRIDE.pop()
    usable = [i for i in items if i["result"].relevance_features]  # rules decided the others
    x = np.array([[i["result"].relevance_features[f] for f in relevance.FEATURES] for i in usable])
    y = np.array([i["label"] for i in usable])
    groups = np.array([i["group"] for i in usable])
    green = np.array([support_band(i["result"]) == "green" for i in usable])
    oof_runs, metrics = [], []
    for seed in range(args.repeats):
        oof = np.zeros(len(y))
        for train, held in StratifiedGroupKFold(5, shuffle=True, random_state=seed).split(x, y, groups):
            oof[held] = LogisticRegression(C=args.c, max_iter=1000).fit(x[train], y[train]).predict_proba(x[held])[:, 1]
        oof_runs.append(oof)
    oof = np.mean(oof_runs, axis=0)
    green_from = pick_green_cut(oof, y, green)
    abstain_below = pick_abstain_cut(oof, y, green_from)
    for run in oof_runs:
        metrics.append(cut_metrics(run, y, green, green_from, abstain_below))
    model = LogisticRegression(C=args.c, max_iter=1000).fit(x, y)
    report = {k: f"{statistics.mean(m[k] for m in metrics):.3f} ± {statistics.stdev(m[k] for m in metrics):.3f}"
              for k in metrics[0]}
    out = {"features": list(relevance.FEATURES), "coef": [round(float(c), 4) for c in model.coef_[0]],
           "intercept": round(float(model.intercept_[0]), 4),
           "thresholds": {"green_from": round(green_from, 3), "abstain_below": round(abstain_below, 3)},
           "fitted_on": f"data/eval/relevance dev half: {len(usable)} items not decided by rules "
                        f"({int(y.sum())} relevant), {args.repeats}x grouped 5-fold CV, C={args.c}",
           "cv_out_of_fold": report}
    target = Path(args.output) if args.output else relevance.PACKAGED_CALIBRATION
    target.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print("coef: " + ", ".join(f"{f} {c:+.3f}" for f, c in zip(relevance.FEATURES, out["coef"]))
          + f", intercept {out['intercept']:+.3f}")
    print(f"thresholds: green_from {green_from:.3f}, abstain_below {abstain_below:.3f}")
    print(f"dev out-of-fold ({args.repeats} repeats, mean ± sd): " + "; ".join(f"{k} {v}" for k, v in report.items()))
    print(f"wrote {target} in {time.perf_counter() - t0:.0f} s")
    return 0


def cut_metrics(p: Any, y: Any, green: Any, green_from: float, abstain_below: float) -> dict[str, float]:
    is_green = green & (p >= green_from)
    return {"off_question_green": float((is_green & (y == 0)).sum() / max(1, is_green.sum())),
            "relevant_green": float(is_green[y == 1].mean()),
            "irrelevant_abstained": float((p[y == 0] < abstain_below).mean())}


def pick_green_cut(p: Any, y: Any, green: Any) -> float:
    for cut in [c / 100 for c in range(5, 100)]:
        chosen = green & (p >= cut)
        if chosen.sum() and (chosen & (y == 0)).sum() / chosen.sum() <= OFF_QUESTION_TARGET:
            return cut
    return 0.99


def pick_abstain_cut(p: Any, y: Any, green_from: float) -> float:
    best, best_j = 0.0, -1.0
    for cut in [c / 100 for c in range(1, int(green_from * 100) + 1)]:
        j = (p[y == 1] >= cut).mean() + (p[y == 0] < cut).mean() - 1
        if j > best_j:
            best, best_j = cut, j
    return best


# --- evaluation ----------------------------------------------------------------------------------------------
def share(n: int, d: int) -> str:
    return f"{n}/{d} = {100 * n / d:.1f}%" if d else "0/0"


def with_model(result: Any, model: Any) -> Any:
    """The outcome the pipeline gives with `model`, from a result gathered with the pass-through model (the
    verdict is a function of the features; rules, drug pairs and support bands do not depend on the model)."""
    from types import SimpleNamespace

    from medtune.chat.pipeline import at_most

    out = SimpleNamespace(band=result.band, abstained=result.abstained, relevance=result.relevance,
                          citations=result.citations, answer=result.answer)
    if result.abstained or not result.relevance_features:
        return out
    p = model.probability(result.relevance_features)
    verdict = model.verdict(p)
    out.relevance = {"verdict": verdict, "score": round(p, 3), "reason": None}
    if verdict == "not_relevant":
        out.band, out.abstained, out.citations = "red", True, []
        out.relevance["reason"] = "off_question"
    elif verdict == "partial":
        out.band = at_most(result.band, "yellow")
    return out


def evaluate(args: argparse.Namespace) -> int:
    import pickle

    from medtune.chat import relevance
    from medtune.chat.evidence import knowledge_base

    model = relevance.load_model()
    print(f"split {args.split}; knowledge base {knowledge_base().location} ({knowledge_base().count()} chunks); "
          f"relevance model {model.source}")
    t0 = time.perf_counter()
    if args.load_raw:  # answers gathered earlier with the pass-through model (--save-raw): apply this model
        items = pickle.loads(Path(args.load_raw).read_bytes())
        for i in items:
            i["result"] = with_model(i["result"], model)
    else:
        if args.save_raw:
            relevance.OVERRIDE.append(relevance.PASS_THROUGH)
        items = gather(args.split, sets=tuple(args.sets.split(",")))
        if args.save_raw:
            Path(args.save_raw).write_bytes(pickle.dumps(items))
            print(f"saved {len(items)} pass-through answers to {args.save_raw}")
            return 0
    by_set = defaultdict(list)
    for i in items:
        by_set[i["set"]].append(i)
    pairs = by_set["pairs"]
    if pairs:
        report_pairs(pairs)
    if by_set["written"]:
        report_written(by_set["written"], args.show_misses)
    if by_set["medquad"]:
        report_medquad(by_set["medquad"])
    print(f"{time.perf_counter() - t0:.0f} s")
    return 0


def report_pairs(pairs: list[dict[str, Any]]) -> None:
    green = [i for i in pairs if i["result"].band == "green"]
    off = [i for i in green if i["label"] == 0]
    print(f"pairs (one passage each): green answers off-question {share(len(off), len(green))} (target ≤ 5%)")
    for kind in ("own", "other_qtype", "neighbour_topic"):
        sel = [i for i in pairs if i["kind"] == kind]
        bands = Counter(i["result"].band for i in sel)
        print(f"  {kind}: {len(sel)} — green {bands['green']}, yellow {bands['yellow']}, red {bands['red']}; "
              f"abstained {sum(i['result'].abstained for i in sel)}")


def report_written(written: list[dict[str, Any]], show_misses: bool) -> None:
    oos = [i for i in written if i["label"] == 0]
    print(f"written out-of-scope / personal: abstained {share(sum(i['result'].abstained for i in oos), len(oos))} "
          "(target ≥ 90%)")
    for kind in sorted({i["kind"] for i in oos}):
        sel = [i for i in oos if i["kind"] == kind]
        reasons = Counter(i["result"].relevance.get("reason") for i in sel if i["result"].abstained)
        print(f"  {kind}: {share(sum(i['result'].abstained for i in sel), len(sel))} {dict(reasons)}")
    if show_misses:
        for i in oos:
            if not i["result"].abstained:
                print(f"    answered ({i['result'].band}, {i['result'].relevance}): {i['question']!r} → "
                      f"{i['result'].answer[:100]!r}")
    ins = [i for i in written if i["label"] == 1]
    print(f"written in-scope: answered {share(sum(not i['result'].abstained for i in ins), len(ins))}, "
          f"green {share(sum(i['result'].band == 'green' for i in ins), len(ins))}")


def report_medquad(mq: list[dict[str, Any]]) -> None:
    mq_green = [i for i in mq if i["result"].band == "green"]
    other = [i for i in mq_green if not any(c["title"].lower() == i["want_title"] for c in i["result"].citations)]
    print(f"MedQuAD in-scope, whole pipeline: green {share(len(mq_green), len(mq))} (target ≥ 60%), "
          f"abstained {share(sum(i['result'].abstained for i in mq), len(mq))}; "
          f"green citing no passage of the question's own topic and type {share(len(other), len(mq_green))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="fit on the dev half and write relevance_calibration.json")
    parser.add_argument("--split", default="test", choices=("dev", "test"))
    parser.add_argument("--repeats", type=int, default=5, help="cross-validation repeats (--fit)")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength (--fit)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--show-misses", action="store_true", help="print the out-of-scope questions answered")
    parser.add_argument("--sets", default="pairs,written,medquad", help="which measurements (comma-separated)")
    parser.add_argument("--save-raw", help="answer the split with the pass-through model and save the answers here")
    parser.add_argument("--load-raw", help="report from answers saved by --save-raw, with the current model")
    parser.add_argument("--output", help="--fit: write here instead of medtune/chat/relevance_calibration.json")
    parser.add_argument("--limit", type=int, help="only the first N items of each file (to check the script)")
    args = parser.parse_args()
    if args.limit:
        LIMIT.append(args.limit)
    os.environ.setdefault("MEDTUNE_CHAT_AUDIT", "false")
    import torch

    torch.set_num_threads(args.threads)
    return fit(args) if args.fit else evaluate(args)


if __name__ == "__main__":
    raise SystemExit(main())
