"""Leave-one-source-out comparison of triage's learned scorers (issue 13 item 1, fourth learned round).

    flock /tmp/medtune-cpu.lock python -u benchmarks/triage_loso.py              # the shipped recipe
    flock /tmp/medtune-cpu.lock python -u benchmarks/triage_loso.py --layers 2 --epochs 4  # tmodel's recipe (see --help)

Holds out each training source in turn — triage v1 dev, train_extra + train_extra3, fresh3 dev, fresh4 dev,
fresh5 dev (since tmodel2), each written by a different writer or sitting — trains on the others and prints, per held-out source and mean ± sd:
recall and false alarms at the threshold that keeps the pooled out-of-fold false alarms within 3 %, self-harm
recall, and "rules OR scorer" (optimistic: the rules were extended while reading these rows), for the frozen
head, the fine-tuned MiniLM (`medtune.chat.triage_tune`), their maximum and their mean. Fits nothing and saves
nothing; `python -m medtune.chat.triage_tune` runs the same comparison and then fits the shipped model.
No test half, holdout2 or data/eval/independent is read (of fresh5, only the dev half).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> int:
    from medtune.chat.triage_tune import main as tune_main

    return tune_main(["--cv-only", *sys.argv[1:]])


if __name__ == "__main__":
    raise SystemExit(main())
