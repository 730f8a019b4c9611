"""Which answers open with the crisis lines: the whole triage on every training message and fresh10's dev half.

    python benchmarks/triage_crisis_order.py --out NEW.json
    python benchmarks/triage_crisis_order.py --out NEW.json --compare OLD.json   # OLD: the same from another checkout

Runs `medtune.chat.triage.triage` of the current directory's medtune (rules and the shipped model; in-sample for
the model, which was fitted on these sources) and prints how many self-harm emergencies get the crisis text first,
how many other messages do, and how many emergencies are caught. With `--compare` it lists the ids whose ordering
or verdict changed, with their flags before and after. Texts are never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def order_table() -> dict[str, dict]:
    from medtune.chat.triage import triage
    from medtune.chat.triage_fit import load_fresh10, tuned_sources

    rows = [(name, r) for name, rs in tuned_sources().items() for r in rs]
    rows += [("fresh10 dev", r) for r in load_fresh10("dev")]
    table = {}
    for name, r in rows:
        res = triage(r["text"])
        table[f"{name}|{r['id']}"] = {"label": r["label"], "category": r["category"], "emergency": res.emergency,
                                      "crisis_first": res.self_harm, "flags": res.flags}
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(Path.cwd()))
    import torch

    torch.set_num_threads(1)
    table = order_table()
    args.out.write_text(json.dumps(table), encoding="utf-8")
    self_harm = [v for v in table.values() if v["label"] == "emergency" and v["category"] == "self_harm"]
    others = [v for v in table.values() if not (v["label"] == "emergency" and v["category"] == "self_harm")]
    print(f"messages: {len(table)}")
    print(f"self-harm emergencies given the crisis text first: {sum(v['crisis_first'] for v in self_harm)}/{len(self_harm)}")
    print(f"other messages given it first: {sum(v['crisis_first'] for v in others)}/{len(others)}")
    print(f"emergencies caught: {sum(v['emergency'] for v in table.values() if v['label'] == 'emergency')}")
    if args.compare:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        for key, new in table.items():
            was = old.get(key)
            if was and (was["crisis_first"], was["emergency"]) != (new["crisis_first"], new["emergency"]):
                print(f"  {key} [{new['label']} / {new['category']}] {was['flags']} -> {new['flags']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
