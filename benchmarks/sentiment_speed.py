"""Analyse 1,000 reviews with the default sentiment analyser and print the time (target: < 60 s on 2 cores).

    flock /tmp/medtune-cpu.lock python benchmarks/sentiment_speed.py [--n 1000] [--threads 2] [--chunk-size 256]

Reviews are drug_reviews_explabox's 979 train + test inputs (real Drugs.com reviews, ~87 words each), cycled
to --n. Model loading is timed apart from analysis; the figure that counts is the analysis of the --n reviews.
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (the target machine has 2 cores)")
    parser.add_argument("--dataset", default="drug_reviews_explabox")
    parser.add_argument("--chunk-size", type=int, default=256, help="reviews per encoder call (Analyzer default)")
    parser.add_argument("--batch-size", type=int, default=None, help="encoder batch size (default: encoder.BATCH_SIZE)")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")

    import torch

    torch.set_num_threads(args.threads)
    from medtune.sentiment import encoder

    if args.batch_size:
        encoder.BATCH_SIZE = args.batch_size
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.reviews import dataset_reviews

    texts: list[str] = []
    for split in ("train", "test"):
        texts += dataset_reviews(args.dataset, split).texts
    texts = (texts * (args.n // max(len(texts), 1) + 1))[: args.n]

    t0 = time.perf_counter()
    analyzer = Analyzer()
    analyzer.analyze("warm-up: the staff were kind.")
    load_s = time.perf_counter() - t0
    t1, c1 = time.perf_counter(), time.process_time()
    results = analyzer.analyze_many(texts, chunk_size=args.chunk_size)
    run_s, cpu_s = time.perf_counter() - t1, time.process_time() - c1
    clauses = sum(len(r.clauses) for r in results)
    words = sum(len(t.split()) for t in texts)
    print(f"load: {load_s:.1f} s (MiniLM, heads, taxonomy prototypes)")
    print(f"analysed {len(results)} reviews ({words} words, {clauses} clauses) in {run_s:.1f} s "
          f"= {len(results) / run_s:.1f} reviews/s with {args.threads} torch threads, batch size "
          f"{encoder.BATCH_SIZE}, {args.chunk_size} reviews per chunk")
    # On a shared machine the wall time depends on the neighbours: report it with the load average, and run
    # under the shared CPU lock. CPU seconds / 2 is a lower bound for an idle 2-core machine.
    print(f"CPU time of the analysis: {cpu_s:.1f} s; load average after: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print("target < 60 s:", "met" if run_s < 60 else "NOT met")


if __name__ == "__main__":
    main()
