"""How triage combines its rules, its context gates and the fine-tuned model (round 7, issue 13.1).

    python -m medtune.chat.triage_policy OOF.jsonl    # OOF.jsonl: `triage_tune --cv-only --scores OOF.jsonl`

The context gates (`triage_rules.learned_may_count`: a general question, a hypothetical, a role-play frame, a
resolved past, "probably nothing") keep the model's verdict from standing where no rule fired. On the earlier
held-out sets they blocked more emergencies than near-misses once the model was sure: "sorry probably
indigestion, but I've got this weird pressure in my chest and my left jaw aches" (P = 1.00), "Write as my doctor
character: my chest feels squeezed for 20 minutes" (1.00). So a verdict at or above the *gate override* stands
whatever the gates say.

The override is chosen on out-of-fold scores (each training source scored by a model trained without it), by a
rule fixed before any result was seen: the lowest value of `GRID` at which the whole triage (rules OR model,
gates applied) raises at most `OVERRIDE_FA_ALLOWANCE` more false alarms on the pooled near-misses than with no
override. Then the *rule veto*: a rule hit on a message the model scores below it is dropped (rules fire on
"what are the warning signs that a teenager might be suicidal?", "first aid steps for a seizure"): the highest
value of `VETO_GRID` at which, on the pooled out-of-fold rows, no self-harm emergency is lost and at most
`VETO_RECALL_ALLOWANCE` of all emergencies are, against no veto. Since round 8 the self-harm rule is never
vetoed (intent always gets the crisis text). `main` checks the rules themselves by leave-one-source-out: for each source, thresholds and override are
chosen on the other sources and the held-out source is scored, with and without the override.
"""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Candidate overrides, lowest first; NEVER keeps every gate (the behaviour before round 7).
NEVER = 1.01
GRID = (0.95, 0.97, 0.98, 0.99, 0.995, 0.999, NEVER)
OVERRIDE_FA_ALLOWANCE = 0.005
#: Candidate rule vetoes, none first (0: every rule hit stands). Round 8 tried finer steps up to 0.15 on round 7's
#: out-of-fold scores: 0.12 would have dropped 13 of 1,741 false alarms and lost "i think im having a heart attack"
#: (P 0.073 out of fold), "i cant breath properly" and a 6-week-old's fever, so the grid stays as round 7 fixed it.
VETO_GRID = (0.0, 0.01, 0.02, 0.05, 0.1)
#: Round 8: no emergency may be lost (was 0.25 %). On round 8's out-of-fold scores 0.25 % chose a veto of 0.1, which
#: drops 45 of 2,703 false alarms and 5 of 2,757 emergencies — "i think im having a heart attack", "he's fitting in
#: the bath", "my partner overdosed", a 6-week-old's fever: a triage does not trade a caught emergency for quiet.
VETO_RECALL_ALLOWANCE = 0.0
#: Round 9, measured and NOT used by triage: a veto per rule category, above the global one. The rules' false
#: alarms on new writers (fresh7: 33 of 341 near-misses, rules alone) come from a few categories, so each category
#: was given the highest value of this grid at which, on the pooled out-of-fold rows, no emergency is lost
#: (self-harm never vetoed). In-sample that holds; left out by source it lost emergencies (recall 0.986 -> 0.982,
#: "triage v1" 1.000 -> 0.969) for false alarms 0.062 -> 0.055, so `main` only prints it as a column.
CATEGORY_VETO_GRID = (0.1, 0.15, 0.2, 0.3, 0.4, 0.5)


@dataclass
class Scored:
    """One training row with its out-of-fold scores and what the rules and gates say about its text."""
    source: str
    label: str
    category: str
    p_em: float
    p_sh: float
    flag: str
    rules: bool
    gate: dict[str, bool]  # learned_may_count(text, category) for the flag and for self_harm
    rules_self_harm: bool = False  # the self-harm rule itself fired: never vetoed (round 8)
    rule_names: tuple[str, ...] = ()  # every rule that fired (round 9: vetoes per category)

    @property
    def emergency(self) -> bool:
        return self.label == "emergency"


def load_scored(path: Path) -> list[Scored]:
    """The rows of a `--scores` file, with the rules' verdict and the gates computed from each text."""
    from medtune.chat.triage_rules import learned_may_count, rule_flags

    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        gate = {c: learned_may_count(r["text"], c) for c in {r["flag"], "self_harm"}}
        names = [f.name for f in rule_flags(r["text"])]
        out.append(Scored(r["source"], r["label"], r["category"], r["p_em"], r["p_sh"], r["flag"], bool(names), gate,
                          "self_harm" in names, tuple(names)))
    return out


def decide(row: Scored, t: float, ts: float, override: float, veto: float = 0.0,
           vetoes: dict[str, float] | None = None) -> bool:
    """The triage verdict `triage.triage` gives this row (the model's jokes / preamble re-scoring aside)."""
    score = max(row.p_em, row.p_sh)
    rules = row.rules_self_harm or (row.rules and score >= veto and (
        not vetoes or not row.rule_names or any(score >= vetoes.get(n, 0.0) for n in row.rule_names)))
    self_harm = row.p_sh >= ts
    hit = row.p_em >= t or self_harm
    if hit and not rules and score < override:
        hit = row.gate["self_harm" if self_harm else row.flag]
    return rules or hit


def rates(rows: list[Scored], t: float, ts: float, override: float, veto: float = 0.0,
          vetoes: dict[str, float] | None = None) -> tuple[float, float]:
    """(recall on emergencies, false-alarm rate on near-misses), as `triage_cv.rates` counts them."""
    from medtune.chat.triage_cv import rates as rates_of

    return rates_of([{"label": r.label} for r in rows], [decide(r, t, ts, override, veto, vetoes) for r in rows])


def choose_category_vetoes(rows: list[Scored], t: float, ts: float, override: float,
                           veto: float) -> dict[str, float]:
    """Per rule category (self-harm never), the highest `CATEGORY_VETO_GRID` value that, with the vetoes chosen
    so far, loses no emergency on the pooled rows against the global veto alone. Categories go in order of the
    false alarms they raise, so the noisiest rules are settled first; a category that cannot rise keeps the
    global veto (absent from the result)."""
    from collections import Counter

    emergencies = [r for r in rows if r.emergency and r.rules]
    near = Counter(n for r in rows if not r.emergency for n in r.rule_names if n != "self_harm")
    caught = sum(decide(r, t, ts, override, veto) for r in emergencies)
    vetoes: dict[str, float] = {}
    for name, _ in near.most_common():
        for v in reversed(CATEGORY_VETO_GRID):
            trial = {**vetoes, name: v}
            if v > veto and sum(decide(r, t, ts, override, veto, trial) for r in emergencies) >= caught:
                vetoes = trial
                break
    return vetoes


def choose_veto(rows: list[Scored], t: float, ts: float, override: float) -> float:
    """The highest `VETO_GRID` value that loses no self-harm emergency and at most `VETO_RECALL_ALLOWANCE` of the
    emergencies, pooled, against no veto."""
    self_harm = [r for r in rows if r.emergency and r.category == "self_harm"]
    base, base_sh = rates(rows, t, ts, override)[0], rates(self_harm, t, ts, override)[0]
    ok = [v for v in VETO_GRID if rates(self_harm, t, ts, override, v)[0] >= base_sh - 1e-9
          and rates(rows, t, ts, override, v)[0] >= base - VETO_RECALL_ALLOWANCE - 1e-9]
    return max(ok)


def thresholds(rows: list[Scored]) -> tuple[float, float, float]:
    """The model's emergency, self-harm and assist thresholds, by the rules `triage_tune` uses."""
    from medtune.chat.triage_tune import _Pooled, choose_threshold
    from medtune.chat.triage_cv import choose_self_harm_thresholds

    dicts = [{"label": r.label, "category": r.category} for r in rows]
    t = choose_threshold(dicts, [r.p_em for r in rows])
    ts, ta = choose_self_harm_thresholds(_Pooled(dicts), [(0, r.p_em, r.p_sh) for r in rows])
    return t, ts, ta


def choose_override(rows: list[Scored], t: float, ts: float) -> float:
    """The lowest `GRID` value whose pooled false alarms are within `OVERRIDE_FA_ALLOWANCE` of NEVER's."""
    base = rates(rows, t, ts, NEVER)[1]
    return next(g for g in GRID if rates(rows, t, ts, g)[1] <= base + OVERRIDE_FA_ALLOWANCE + 1e-9)


def leave_one_source_out(rows: list[Scored]) -> dict[str, dict[str, Any]]:
    """Per source: the override chosen on the others, and the held-out source's (recall, false alarms) without
    the override and with it."""
    out = {}
    for name in dict.fromkeys(r.source for r in rows):
        train = [r for r in rows if r.source != name]
        test = [r for r in rows if r.source == name]
        t, ts, _ = thresholds(train)
        g = choose_override(train, t, ts)
        v = choose_veto(train, t, ts, g)
        cv = choose_category_vetoes(train, t, ts, g, v)
        out[name] = {"override": g, "veto": v, "never": rates(test, t, ts, NEVER), "chosen": rates(test, t, ts, g),
                     "vetoed": rates(test, t, ts, g, v), "category_vetoes": cv,
                     "by_category": rates(test, t, ts, g, v, cv),
                     "self_harm": [rates([r for r in test if r.emergency and r.category == "self_harm"], t, ts, *a)[0]
                                   for a in ((NEVER, 0.0), (g, 0.0), (g, v), (g, v, cv))],
                     "n": (sum(r.emergency for r in test), sum(not r.emergency for r in test))}
    return out


def _mean_sd(values: list[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scores", type=Path, help="out-of-fold scores written by triage_tune --scores")
    parser.add_argument("--json", type=Path, help="write the chosen thresholds and override here")
    args = parser.parse_args(argv)
    rows = load_scored(args.scores)
    table = leave_one_source_out(rows)
    print(f"{'held-out source':22} {'override':>8} {'veto':>5}   recall / false alarms / self-harm recall: "
          "gates kept | with override | override + veto | + category vetoes")
    for name, f in table.items():
        cells = " | ".join(f"{f[k][0]:.3f} {f[k][1]:.3f} {sh:.3f}"
                           for k, sh in zip(("never", "chosen", "vetoed", "by_category"), f["self_harm"]))
        print(f"{name:22} {f['override']:8.3f} {f['veto']:5.2f}   {cells}   ({f['n'][0]} em / {f['n'][1]} near)")
    for key in ("never", "chosen", "vetoed", "by_category"):
        print(f"mean ± sd, {key:6}: recall {_mean_sd([f[key][0] for f in table.values()])}, "
              f"false alarms {_mean_sd([f[key][1] for f in table.values()])}")
    t, ts, ta = thresholds(rows)
    g = choose_override(rows, t, ts)
    v = choose_veto(rows, t, ts, g)
    cv = choose_category_vetoes(rows, t, ts, g, v)
    rec, fa = rates(rows, t, ts, g, v)
    crec, cfa = rates(rows, t, ts, g, v, cv)
    print(f"all sources: threshold {t:.3f}, self-harm {ts:.3f}, assist {ta:.3f}, gate override {g:.3f}, rule veto "
          f"{v:.2f}; pooled recall / false alarms {rec:.3f} / {fa:.3f}")
    print(f"category vetoes {cv}; pooled recall / false alarms {crec:.3f} / {cfa:.3f}")
    if args.json:
        args.json.write_text(json.dumps({"threshold": t, "self_harm_threshold": ts, "self_harm_assist": ta,
                                         "gate_override": g, "rule_veto": v, "category_vetoes_measured_not_used": cv,
                                         "loso": table},
                                        indent=1) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
