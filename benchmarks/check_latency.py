"""Latency of one `check` of a one-sentence claim (retrieval + verifier + aggregation), p50 / p95 after warm-up.

    MEDTUNE_DATA_DIR=../shared/data python benchmarks/check_latency.py [--kb-dir DIR] [--n 50] [--threads 2]

Target (issue 4): p95 < 500 ms on 2 cores with the full MedQuAD base. The claims are MedQuAD-style
one-sentence statements (half of them perturbed, so both verdicts are exercised); the knowledge base is the one
at --kb-dir (default: MEDTUNE_KB_DIR / MEDTUNE_HOME/kb) and its chunk count is printed with the figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CLAIMS = [
    "High blood pressure usually has no symptoms.",
    "Garlic can completely cure high blood pressure.",
    "Vitamin C prevents COVID-19.",
    "Glaucoma can lead to blindness if it is not treated.",
    "Type 2 diabetes can be managed with diet, exercise and medicines.",
    "Smoking increases the risk of lung cancer.",
    "Ibuprofen may cause stomach bleeding.",
    "Alzheimer disease is caused by a bacterial infection.",
    "Most people with the common cold recover in 7 to 10 days.",
    "Osteoporosis makes bones weak and more likely to break.",
]


def claims(n: int, seed: int) -> list[str]:
    from medtune.verify.perturb import perturb

    rng = random.Random(seed)
    out = []
    for i in range(n):
        base = CLAIMS[i % len(CLAIMS)]
        changed = perturb(base, rng) if i % 2 else None
        out.append(changed[1] if changed else base)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb-dir", type=Path, help="knowledge-base directory (default: the configured one)")
    parser.add_argument("--n", type=int, default=50, help="timed checks after warm-up")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (the target is for 2 cores)")
    parser.add_argument("--verifier", default=None, help="auto (default), lexical, hub:<id> or a run directory")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from medtune.kb.store import KnowledgeBase
    from medtune.verify.checker import Checker
    from medtune.verify.model import load_verifier

    kb = KnowledgeBase.open(path=args.kb_dir) if args.kb_dir else KnowledgeBase.open()
    chunks = kb.count()
    checker = Checker(kb=kb, verifier=load_verifier(args.verifier))
    for text in claims(args.warmup, seed=1):
        checker.check(text)
    times, verdicts = [], {}
    for text in claims(args.n, seed=2):
        started = time.perf_counter()
        result = checker.check(text)
        times.append((time.perf_counter() - started) * 1000)
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"knowledge base: {kb.location} ({chunks} chunks)")
    # The count actually used: loading the embedding model drops to 1 thread on an oversubscribed machine.
    print(f"verifier: {checker.verifier.name}; torch threads: {torch.get_num_threads()}; "
          f"k = {checker.k} passages per sentence")
    print(f"checks: {len(times)}; p50 {statistics.median(times):.0f} ms; p95 {p95:.0f} ms; max {times[-1]:.0f} ms")
    print(f"verdicts: {verdicts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
