"""Quality figures for docs/SENTIMENT.md: `medtune sentiment evaluate`.

- aspect detection F1 and aspect polarity accuracy on our own labelled set (data/eval/reviews/aspect_gold.jsonl),
  on the half used to choose the detector's cut-offs ("tune": odd ids) and on the other half ("held out");
- agreement with Druglib's effectiveness and side-effect ratings (real aspect-level labels) on its dev split;
- 3-class and 5-level validation F1 with per-class false positive / negative rates, on the validation splits
  `fit.validation_sets()` holds out from training;
- sarcasm: the share of sarcastic complaints (data/eval/reviews/sarcasm.jsonl) read as negative — measured,
  not claimed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from medtune.settings import PROJECT_ROOT

GOLD = PROJECT_ROOT / "data" / "eval" / "reviews" / "aspect_gold.jsonl"  # issue 18: library code never reads tests/
#: Our labelled patient reviews (data/eval/reviews/README.md): dev.jsonl to tune on, test.jsonl held out.
REVIEWS_DIR = PROJECT_ROOT / "data" / "eval" / "reviews"
OVERALL_LABELS = ("negative", "neutral", "positive")
SARCASM = PROJECT_ROOT / "data" / "eval" / "reviews" / "sarcasm.jsonl"


def read_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def is_tune_half(item_id: str) -> bool:
    """Odd-numbered gold items tune the detector; even ones stay held out."""
    digits = "".join(ch for ch in item_id if ch.isdigit())
    return bool(digits) and int(digits) % 2 == 1


def aspect_scores(gold: list[dict[str, Any]], predicted: list[dict[str, str]]) -> dict[str, Any]:
    """Micro P/R/F1 of (review, aspect) detection; polarity accuracy on the aspects found correctly."""
    tp = fp = fn = 0
    right = found = 0
    per_aspect: dict[str, Counter] = {}
    for item, pred in zip(gold, predicted):
        truth = item["aspects"]
        for name in set(truth) | set(pred):
            c = per_aspect.setdefault(name, Counter())
            if name in truth and name in pred:
                tp += 1
                c["tp"] += 1
                found += 1
                right += truth[name] == pred[name]
            elif name in pred:
                fp += 1
                c["fp"] += 1
            else:
                fn += 1
                c["fn"] += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(gold), "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "polarity_accuracy": round(right / found, 3) if found else None, "polarity_n": found,
            "per_aspect_f1": {name: round(2 * c["tp"] / (2 * c["tp"] + c["fp"] + c["fn"]), 3)
                              for name, c in sorted(per_aspect.items())}}


def gold_report(analyzer: Any, path: Path = GOLD) -> dict[str, Any]:
    gold = read_gold(path)
    results = analyzer.analyze_many([g["text"] for g in gold], [g["id"] for g in gold])
    preds = [r.aspects for r in results]
    out: dict[str, Any] = {}
    for part, keep in (("all", lambda g: True), ("tune", lambda g: is_tune_half(g["id"])),
                       ("held_out", lambda g: not is_tune_half(g["id"]))):
        idx = [i for i, g in enumerate(gold) if keep(g)]
        out[part] = aspect_scores([gold[i] for i in idx], [preds[i] for i in idx])
        out[part]["overall_accuracy"] = round(
            sum(results[i].overall == gold[i]["overall"] for i in idx) / len(idx), 3)
    return out


def reviews_scores(gold: list[dict[str, Any]], results: list[Any]) -> dict[str, Any]:
    """Overall accuracy and macro-F1, aspect detection P/R/F1 and aspect polarity accuracy (on the aspects
    found), per setting and per tag, for analysed reviews against their labels."""
    from medtune.eval.classification import accuracy, macro_f1, make_data

    data = make_data([g["overall"] for g in gold], [r.overall for r in results], OVERALL_LABELS)
    out = {"overall_accuracy": round(accuracy(data), 3), "overall_macro_f1": round(macro_f1(data), 3),
           "aspects": aspect_scores(gold, [r.aspects for r in results]),
           "confusion": dict(Counter(f"{g['overall']}->{r.overall}" for g, r in zip(gold, results)
                                     if g["overall"] != r.overall))}
    out["n"] = out["aspects"].pop("n")
    for key in ("setting", "tags"):
        groups: dict[str, list[int]] = {}
        for i, g in enumerate(gold):
            for value in (g.get(key) or []) if key == "tags" else [g.get(key) or "?"]:
                groups.setdefault(value, []).append(i)
        out[f"by_{key}"] = {v: {"n": len(idx), "overall_accuracy":
                                round(sum(results[i].overall == gold[i]["overall"] for i in idx) / len(idx), 3)}
                            for v, idx in sorted(groups.items())}
    return out


def reviews_report(analyzer: Any, directory: Path = REVIEWS_DIR, parts: tuple[str, ...] = ("dev", "test"),
                   ) -> dict[str, Any]:
    """`reviews_scores` for each labelled file (`<part>.jsonl`) in `directory`, read from disk."""
    report: dict[str, Any] = {"directory": str(directory)}
    for part in parts:
        gold = read_gold(Path(directory) / f"{part}.jsonl")
        results = analyzer.analyze_many([g["text"] for g in gold], [g["id"] for g in gold])
        report[part] = reviews_scores(gold, results)
        report[part]["errors"] = [{"id": g["id"], "text": g["text"], "overall": g["overall"], "pred": r.overall,
                                   "aspects": g["aspects"], "pred_aspects": r.aspects}
                                  for g, r in zip(gold, results)
                                  if g["overall"] != r.overall or g["aspects"] != r.aspects]
    return report


def reviews_text(report: dict[str, Any]) -> str:
    lines = [f"labelled patient reviews ({report['directory']}):"]
    for part in [k for k in report if isinstance(report[k], dict) and "aspects" in report[k]]:
        m, a = report[part], report[part]["aspects"]
        lines.append(f"  {part:<4} n={m['n']:<3} overall accuracy {m['overall_accuracy']:.3f} "
                     f"(macro-F1 {m['overall_macro_f1']:.3f})  aspect detection P {a['precision']:.3f} "
                     f"R {a['recall']:.3f} F1 {a['f1']:.3f}  aspect polarity {a['polarity_accuracy']} "
                     f"(n={a['polarity_n']})")
        lines.append("       per setting: " + ", ".join(f"{k} {v['overall_accuracy']:.2f} (n={v['n']})"
                                                      for k, v in m["by_setting"].items()))
        lines.append("       per aspect F1: " + ", ".join(f"{k} {v:.2f}" for k, v in a["per_aspect_f1"].items()))
        lines.append(f"       overall errors: {m['confusion']}")
    return "\n".join(lines)


def sarcasm_report(analyzer: Any, path: Path = SARCASM) -> dict[str, Any]:
    items = read_gold(path)
    results = analyzer.analyze_many([g["text"] for g in items], [g["id"] for g in items])
    counts = Counter(r.overall for r in results)
    return {"n": len(items), "read_as_negative": round(counts.get("negative", 0) / len(items), 3),
            "predicted": dict(counts)}


def druglib_agreement(analyzer: Any, split: str = "dev", limit: int | None = None) -> dict[str, Any]:
    """Our effectiveness / side_effects aspect polarity against Druglib's own ratings of them."""
    from medtune.eval.agreement import make_ratings, pairwise_table
    from medtune.sentiment.reviews import dataset_reviews

    reviews = dataset_reviews("druglib", split, limit=limit)
    results = analyzer.analyze_many(reviews.texts, reviews.ids)
    out: dict[str, Any] = {"split": split, "n_reviews": len(results)}
    for aspect in ("effectiveness", "side_effects"):
        pairs = [(r.meta.get("gold_aspects", {}).get(aspect), res.aspects.get(aspect))
                 for r, res in zip(reviews.reviews, results)]
        pairs = [(g, p) for g, p in pairs if g]
        detected = [(g, p) for g, p in pairs if p]
        row: dict[str, Any] = {"rated": len(pairs), "detected": len(detected),
                               "coverage": round(len(detected) / len(pairs), 3) if pairs else None}
        if detected:
            table = pairwise_table(make_ratings({"druglib": [g for g, _ in detected],
                                                 "medtune": [p for _, p in detected]}))[0]
            row.update(accuracy=round(table["agreement"], 3),
                       kappa=None if table["cohen_kappa"] is None else round(table["cohen_kappa"], 3))
            # Every rated review counted, an undetected aspect read as neutral: the stricter figure.
            full = pairwise_table(make_ratings({"druglib": [g for g, _ in pairs],
                                                "medtune": [p or "neutral" for _, p in pairs]}))[0]
            row["accuracy_all"] = round(full["agreement"], 3)
        out[aspect] = row
    return out


def validation_report(analyzer: Any, limit: int | None = None) -> dict[str, Any]:
    """3-class (overall) and 5-level (intensity) metrics of the whole analyser on each validation set."""
    from medtune.data.tasks import INTENSITY_LABELS
    from medtune.eval.classification import accuracy, macro_f1, make_data, per_class
    from medtune.sentiment.fit import validation_sets
    from medtune.sentiment.polarity import LABELS

    out: dict[str, Any] = {"sentiment": {}, "intensity": {}}
    for name, rows in validation_sets().items():
        rows = rows[:limit] if limit else rows
        results = analyzer.analyze_many([r["text"] for r in rows])
        data = make_data([r["label"] for r in rows], [r.overall for r in results], LABELS)
        out["sentiment"][name] = _metrics(data, accuracy, macro_f1, per_class)
        levels = [(r.get("level"), res.intensity) for r, res in zip(rows, results) if r.get("level")]
        if levels:
            data5 = make_data([INTENSITY_LABELS[g - 1] for g, _ in levels],
                              [INTENSITY_LABELS[p - 1] for _, p in levels], INTENSITY_LABELS)
            out["intensity"][name] = _metrics(data5, accuracy, macro_f1, per_class)
    return out


def _metrics(data: Any, accuracy: Any, macro_f1: Any, per_class: Any) -> dict[str, Any]:
    table = per_class(data)
    return {"n": int(len(data.gold)), "macro_f1": round(macro_f1(data), 3), "accuracy": round(accuracy(data), 3),
            "per_class": {k: {m: (None if v[m] is None else round(v[m], 3)) for m in
                              ("precision", "recall", "f1", "fpr", "fnr", "support")} for k, v in table.items()}}


def quality_report(model: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """Every figure above. Clause embeddings go through fit's cache, so after `fit-default` this is quick."""
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.encoder import get_encoder
    from medtune.sentiment.fit import EmbeddingCache

    cache = EmbeddingCache(get_encoder())
    analyzer = Analyzer(model=model, encoder=cache)
    report = {"model": analyzer.model_name, "gold_aspects": gold_report(analyzer),
              "sarcasm": sarcasm_report(analyzer), "druglib_aspects": druglib_agreement(analyzer, limit=limit),
              "validation": validation_report(analyzer, limit=limit)}
    cache.save()
    return report


def report_text(report: dict[str, Any]) -> str:
    lines = [f"model: {report['model']}", "aspect gold set (data/eval/reviews/aspect_gold.jsonl):"]
    for part, m in report["gold_aspects"].items():
        lines.append(f"  {part:<9} n={m['n']:<3} detection P {m['precision']:.3f} R {m['recall']:.3f} "
                     f"F1 {m['f1']:.3f}  polarity acc {m['polarity_accuracy']}  overall acc {m['overall_accuracy']}")
    per_aspect = report["gold_aspects"]["all"]["per_aspect_f1"]
    lines.append("  per-aspect detection F1 (all): " + ", ".join(f"{k} {v:.2f}" for k, v in per_aspect.items()))
    s = report["sarcasm"]
    lines.append(f"sarcasm: {s['read_as_negative']:.1%} of {s['n']} sarcastic complaints read as negative")
    d = report["druglib_aspects"]
    for aspect in ("effectiveness", "side_effects"):
        r = d[aspect]
        lines.append(f"druglib {d['split']} {aspect:<13} coverage {r['coverage']}  accuracy {r.get('accuracy')}  "
                     f"kappa {r.get('kappa')}  accuracy (undetected=neutral) {r.get('accuracy_all')}")
    for task, sets in report["validation"].items():
        for name, m in sets.items():
            lines.append(f"{task:<10} {name:<30} n={m['n']:<4} macro-F1 {m['macro_f1']:.3f} acc {m['accuracy']:.3f}")
            for k, v in m["per_class"].items():
                lines.append(f"{'':<12}{k:<14} n={v['support']!s:<4} P {v['precision']}  R {v['recall']}  "
                             f"F1 {v['f1']}  FPR {v['fpr']}  FNR {v['fnr']}")
    return "\n".join(lines)


def tune_detector(analyzer: Any, path: Path = GOLD, gold: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Grid-search the detector's cut-offs on the tune half of the gold set (detection F1), or on `gold`
    (e.g. data/eval/reviews/dev.jsonl).

    The chosen values are written into `AspectConfig`'s defaults by hand, with the F1 they gave; the held-out
    half then measures them honestly.
    """
    import itertools

    from medtune.sentiment.aspects import AspectConfig
    from medtune.sentiment.text import clauses

    gold = gold if gold is not None else [g for g in read_gold(path) if is_tune_half(g["id"])]
    parts = [[c.text for c in clauses(g["text"])] for g in gold]
    flat = [c for p in parts for c in p]
    emb = analyzer.encoder.encode(flat)
    best: tuple[float, dict[str, float]] = (-1.0, {})
    detector = analyzer.detector
    original = detector.config
    try:
        for sim, bonus, rel in itertools.product((0.38, 0.42, 0.46, 0.50, 0.54, 0.58, 0.62, 0.66),
                                                 (0.12, 0.16, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45), (0.6, 0.7, 0.8, 0.9)):
            detector.config = AspectConfig(sim_threshold=sim, lexicon_bonus=bonus, relative=rel)
            found = detector.detect(detector.scores(emb, flat))
            preds, pos = [], 0
            for p in parts:
                names = {analyzer.taxonomy.aspects[k].name for ks in found[pos:pos + len(p)] for k in ks}
                preds.append({n: "neutral" for n in names})
                pos += len(p)
            f1 = aspect_scores(gold, preds)["f1"]
            if f1 > best[0]:
                best = (f1, {"sim_threshold": sim, "lexicon_bonus": bonus, "relative": rel})
    finally:
        detector.config = original
    return {"f1": best[0], **best[1], "n": len(gold)}
