"""Score the triage of the checkout you run it from on one labelled triage file, per split (no test text printed).

    cd <any checkout, e.g. a worktree of main> && python /path/to/benchmarks/triage_file.py data/eval/triage/fresh4.jsonl

Runs `medtune.chat.triage.triage` of the current directory's medtune on every row of the file (fields as in
data/eval/triage/README.md) and prints, for the dev half, the test half and both: emergency recall, false alarms
on near-misses, self-harm messages given the crisis text, other rows given it, crisis answers carrying a dose,
and recall per category (`triage_quality.report_split`). So a set written after some code can be scored with that code unchanged ("main's
triage on fresh4"). `--show-dev` lists the dev half's errors; the test half's are never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# The same per-split report as the main triage benchmark (imported before the checkout's path goes first).
from triage_quality import report_split


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--show-dev", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(Path.cwd()))
    import torch

    from medtune.chat.triage import triage
    from medtune.chat.triage_rules import rule_flags

    torch.set_num_threads(1)
    rows = [json.loads(line) for line in args.path.read_text(encoding="utf-8").splitlines() if line.strip()]
    results = {r["id"]: triage(r["text"]) for r in rows}
    rules = {r["id"]: bool(rule_flags(r["text"])) for r in rows}
    for split in ("dev", "test", "all"):
        part = [r for r in rows if split == "all" or r["split"] == split]
        report_split(split, part, [results[r["id"]] for r in part], [rules[r["id"]] for r in part],
                     args.show_dev and split == "dev")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
