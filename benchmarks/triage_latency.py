"""Latency of triage's learned layer and of `triage` itself, per message (issue 13: chat p95 < 1.5 s).

    flock /tmp/medtune-cpu.lock python benchmarks/triage_latency.py [--threads 1] [--n 200] [--longest]

Scores the first `--n` messages of the training rows (dev halves and train files: wording of every length, with
clauses and role-play wrappers) one at a time, after one warm-up call, and prints p50 / p95 / max in ms of the
learned layer alone (`learned_verdict`: the fine-tuned MiniLM over the message and at most 6 clauses) and of
the whole `triage` (rules + learned layer), with the number of scored units per message.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--longest", action="store_true",
                        help="the n messages with the most scored units (whole message + up to 6 clauses)")
    args = parser.parse_args()
    import torch

    from medtune.chat.triage import triage
    from medtune.chat.triage_fit import training_rows
    from medtune.chat.triage_learned import learned_verdict, units

    torch.set_num_threads(args.threads)
    texts = [r["text"] for r in training_rows()]
    texts = (sorted(texts, key=lambda t: (-len(units(t)), -len(t))) if args.longest else texts)[: args.n]
    start = time.perf_counter()
    learned_verdict("warm-up: what is a normal resting heart rate?")
    print(f"first call (loads the model): {(time.perf_counter() - start) * 1000:.0f} ms; torch threads "
          f"{torch.get_num_threads()}; {len(texts)} messages, {sum(len(units(t)) for t in texts) / len(texts):.1f} "
          "units each on average")
    for name, fn in (("learned layer", learned_verdict), ("triage (rules + learned)", triage)):
        times = []
        for t in texts:
            start = time.perf_counter()
            fn(t)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name}: p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
              f"max {max(times):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
