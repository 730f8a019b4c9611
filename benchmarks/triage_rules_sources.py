"""The rules alone on every training source of triage: false alarms and emergencies caught, per source.

    python benchmarks/triage_rules_sources.py --out NEW.json                  # this checkout's rules
    python benchmarks/triage_rules_sources.py --out NEW.json --compare OLD.json  # OLD: the same, from another checkout

Runs `medtune.chat.triage_rules.rule_flags` of the current directory's medtune (no model) on every message of
`triage_fit.tuned_sources()` and prints, per source and pooled, near-misses that fire a rule and emergencies
that do. With `--compare` (a file this script wrote in another checkout, e.g. main) it prints how many false
alarms each side removed or added and the ids of emergencies one side catches and the other does not — what a
rule change is judged by (round 9: it may lose none). Texts are not printed: these are training data, and ids
are enough to look a row up.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path


def rule_table() -> dict[str, dict]:
    """`source|id` -> {label, source, rules} for every training message."""
    from medtune.chat.triage_fit import tuned_sources
    from medtune.chat.triage_rules import rule_flags

    return {f"{name}|{r['id']}": {"label": r["label"], "source": name,
                                  "rules": [f.name for f in rule_flags(r["text"])]}
            for name, rows in tuned_sources().items() for r in rows}


def report(table: dict[str, dict]) -> None:
    per = defaultdict(lambda: [0, 0, 0, 0])  # false alarms, near-misses, caught, emergencies
    for row in table.values():
        cell = per[row["source"]]
        if row["label"] == "emergency":
            cell[2] += bool(row["rules"])
            cell[3] += 1
        else:
            cell[0] += bool(row["rules"])
            cell[1] += 1
    per["all"] = [sum(c[i] for c in list(per.values())) for i in range(4)]
    for name, (fa, near, caught, em) in per.items():
        print(f"{name:22} rule false alarms {fa:4d}/{near:<5d} ({fa / max(near, 1):.3f})   "
              f"emergencies caught {caught:4d}/{em:<5d} ({caught / max(em, 1):.3f})")


def compare(new: dict[str, dict], old: dict[str, dict]) -> None:
    common = new.keys() & old.keys()
    fired = {k for k in common if new[k]["rules"]}
    was = {k for k in common if old[k]["rules"]}
    near = {k for k in common if new[k]["label"] != "emergency"}
    print(f"against {len(common)} shared rows: false alarms removed {len(was & near - fired)}, "
          f"added {len(fired & near - was)}")
    print(f"emergencies lost: {sorted(was - near - fired)}")
    print(f"emergencies gained: {len(fired - near - was)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write every row's rule verdict here (JSON)")
    parser.add_argument("--compare", type=Path, help="a file this script wrote in another checkout")
    args = parser.parse_args()
    sys.path.insert(0, str(Path.cwd()))
    table = rule_table()
    report(table)
    if args.out:
        args.out.write_text(json.dumps(table), encoding="utf-8")
    if args.compare:
        compare(table, json.loads(args.compare.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
