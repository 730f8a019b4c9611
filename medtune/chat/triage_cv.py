"""Grouped cross-validation of triage's learned layer on dev + train_extra (what `triage_fit` chooses by).

Folds are drawn over paraphrase groups (a group's variants — role-play wrapper, typos, buried in a long
message — stay in one fold), 5 folds x 3 shuffles. Each held-out fold is scored by a head fitted without it,
through the same code the chat uses (`score_units`: the highest P(emergency) over the message and its
clauses). Per shuffle, the thresholds are chosen on the pooled out-of-fold scores:
- emergency: the lowest threshold at which "rules OR head" raises at most FA_BUDGET false alarms on the
  near-misses (under the 5 % target: the held-out test half is harder than rows the rules were written on);
- self-harm (the crisis text from the head alone): the lowest threshold giving it to at most
  SELF_HARM_BUDGET of the other rows, not under SELF_HARM_FLOOR;
- self-harm assist (an overdose or poisoning filed as self-harm): the lowest threshold giving it to at most
  ASSIST_BUDGET of the overdose / poisoning emergencies that are not self-harm, not under ASSIST_FLOOR.
Figures are mean ± sd over the 15 held-out folds at those thresholds.
"""

from __future__ import annotations

import hashlib
import statistics
from typing import Any

from medtune.chat.triage_learned import score_units

FOLDS = 5
SEEDS = (0, 1, 2)
#: (C of the logistic head, weight of the nearest-exemplar signal): the scorers compared.
CANDIDATES = ((16.0, 0.0), (64.0, 0.0), (16.0, 0.5), (64.0, 0.5))
FA_BUDGET = 0.03
SELF_HARM_BUDGET = 0.01
SELF_HARM_FLOOR = 0.5
ASSIST_BUDGET = 0.05
ASSIST_FLOOR = 0.2


def group_folds(rows: list[dict[str, Any]], seed: int, k: int = FOLDS) -> list[int]:
    """The fold of each row: groups hashed with `seed`, so paraphrases stay together."""
    def fold(g: str) -> int:
        return int(hashlib.sha256(f"{seed}:{g}".encode()).hexdigest()[:8], 16) % k
    return [fold(r["group"]) for r in rows]


def out_of_fold(enc: Any, negatives: Any, c: float, weights: tuple[float, ...],
                seed: int) -> dict[float, list[tuple[int, float, float]]]:
    """For each exemplar weight: (fold, P(emergency), P(self_harm)) of every row from a head fitted without its
    fold. The logistic part is fitted once per fold and shared by the weights."""
    from dataclasses import replace

    from medtune.chat.triage_fit import fit_scorer

    folds = group_folds(enc.rows, seed)
    scores = {w: [(0, 0.0, 0.0)] * len(enc.rows) for w in weights}
    for f in range(FOLDS):
        train = [i for i, k in enumerate(folds) if k != f]
        full = fit_scorer(enc, train, negatives, c, max(weights))
        for w in weights:
            head = replace(full, exemplar_weight=w)
            for i, k in enumerate(folds):
                if k == f:
                    v = score_units(head, enc.unit_embeddings[i])
                    scores[w][i] = (f, v.p_emergency, v.p_self_harm)
    return scores


def rates(rows: list[dict[str, Any]], decided: list[bool]) -> tuple[float, float]:
    """(recall on emergencies, false-alarm rate on near-misses)."""
    em = [d for r, d in zip(rows, decided) if r["label"] == "emergency"]
    nm = [d for r, d in zip(rows, decided) if r["label"] != "emergency"]
    return sum(em) / max(len(em), 1), sum(nm) / max(len(nm), 1)


def choose_threshold(enc: Any, scores: list[tuple[int, float, float]]) -> float:
    """The lowest threshold whose pooled false-alarm rate (rules OR head) stays within FA_BUDGET."""
    chosen = 0.999
    for t in sorted({round(s[1], 4) for s in scores if s[1] < 0.999}, reverse=True):
        decided = [bool(n) or s[1] >= t for n, s in zip(enc.rule_names, scores)]
        if rates(enc.rows, decided)[1] > FA_BUDGET:
            break
        chosen = t
    return chosen


def _is_self_harm(row: dict[str, Any]) -> bool:
    return row["label"] == "emergency" and row["category"] == "self_harm"


def _lowest_within(values: list[float], budget: float, floor: float) -> float:
    """The lowest threshold that at most `budget` of `values` reach, not under `floor`."""
    ordered = sorted(values, reverse=True)
    allowed = int(budget * len(ordered))
    return max(floor, ordered[allowed] + 1e-4) if len(ordered) > allowed else floor


def choose_self_harm_thresholds(enc: Any, scores: list[tuple[int, float, float]]) -> tuple[float, float]:
    others = [s[2] for r, s in zip(enc.rows, scores) if not _is_self_harm(r)]
    drugs = [s[2] for r, s in zip(enc.rows, scores)
             if r["label"] == "emergency" and r["category"] in ("overdose", "poisoning")]
    return (_lowest_within(others, SELF_HARM_BUDGET, SELF_HARM_FLOOR),
            _lowest_within(drugs, ASSIST_BUDGET, ASSIST_FLOOR))


def fold_figures(enc: Any, scores: list[tuple[int, float, float]], t: float, with_rules: bool,
                 only_dev: bool = False) -> list[tuple[float, float]]:
    """(recall, false-alarm rate) of each held-out fold at threshold `t`, with the rules or the head alone."""
    out = []
    for f in range(FOLDS):
        idx = [i for i, s in enumerate(scores) if s[0] == f and (not only_dev or enc.rows[i]["split"] == "dev")]
        decided = [(with_rules and bool(enc.rule_names[i])) or scores[i][1] >= t for i in idx]
        out.append(rates([enc.rows[i] for i in idx], decided))
    return out


def cross_validate(enc: Any, negatives: Any, candidates: tuple[tuple[float, float], ...]) -> list[dict[str, Any]]:
    """Figures and chosen thresholds of each (C, exemplar weight) candidate."""
    results = []
    for c in sorted({c for c, _ in candidates}):
        weights = tuple(w for cc, w in candidates if cc == c)
        per_seed = [out_of_fold(enc, negatives, c, weights, seed) for seed in SEEDS]
        for w in weights:
            results.append(_summarise(enc, c, w, [s[w] for s in per_seed]))
    return results


def _summarise(enc: Any, c: float, w: float, runs: list[list[tuple[int, float, float]]]) -> dict[str, Any]:
    figures: dict[str, list[tuple[float, float]]] = {"both": [], "head": [], "dev_both": [], "dev_head": []}
    thresholds, sh, assist, sh_recall = [], [], [], []
    for scores in runs:
        t = choose_threshold(enc, scores)
        ts, ta = choose_self_harm_thresholds(enc, scores)
        thresholds.append(t)
        sh.append(ts)
        assist.append(ta)
        figures["both"] += fold_figures(enc, scores, t, True)
        figures["head"] += fold_figures(enc, scores, t, False)
        figures["dev_both"] += fold_figures(enc, scores, t, True, only_dev=True)
        figures["dev_head"] += fold_figures(enc, scores, t, False, only_dev=True)
        hits = [s[2] >= ts for r, s in zip(enc.rows, scores) if _is_self_harm(r)]
        sh_recall.append(sum(hits) / max(len(hits), 1))
    out = {"C": c, "weight": w, "threshold": statistics.median(thresholds),
           "self_harm_threshold": statistics.median(sh), "self_harm_assist": statistics.median(assist),
           "head_self_harm_recall": mean_sd(sh_recall)}
    for name, values in figures.items():
        out[f"{name}_recall"] = mean_sd([v[0] for v in values])
        out[f"{name}_fa"] = mean_sd([v[1] for v in values])
    return out


def mean_sd(values: list[float]) -> tuple[float, float]:
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def describe(r: dict[str, Any]) -> str:
    def f(key: str) -> str:
        return f"{r[key][0]:.3f} ± {r[key][1]:.3f}"
    return (f"C={r['C']:g}, exemplar weight {r['weight']:g}: threshold {r['threshold']:.3f}, self-harm "
            f"{r['self_harm_threshold']:.3f}, assist {r['self_harm_assist']:.3f}\n"
            f"    head alone: recall {f('head_recall')}, false alarms {f('head_fa')} "
            f"(dev rows: {f('dev_head_recall')}, {f('dev_head_fa')})\n"
            f"    rules OR head: recall {f('both_recall')}, false alarms {f('both_fa')} "
            f"(dev rows: {f('dev_both_recall')}, {f('dev_both_fa')}); head's self-harm recall "
            f"{f('head_self_harm_recall')}")
