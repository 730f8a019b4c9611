"""Evaluate the 500 official PubMedQA test items with the embedded model and print seconds (target < 30 s, 2 cores).

    python benchmarks/eval_speed.py [--run RUN_DIR] [--labels FILE] [--threads 2] [--n-boot 1000]

The model is a trained MiniLM classifier run (--run) or, without one, MiniLM with an untrained head (same
compute, chance-level answers). The test labels are withheld on this machine, so without --labels the
evaluation writes predictions only, and the metric suite (all classification and calibration metrics with
1,000-resample bootstrap intervals) is timed separately on the 500 predictions against seeded stand-in labels.
The figure that counts is `total`: model load + prediction of the 500 items + metrics.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", help="a trained qa_decision run directory (default: MiniLM, untrained head)")
    parser.add_argument("--labels", help="id,label file for the 500 test items (then metrics are on real labels)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (the target machine has 2 cores)")
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--max-length", type=int, default=None, help="tokens per item (default: the recipe's 320)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from medtune.eval.metrics import evaluate_classification
    from medtune.eval.runner import evaluate
    from medtune.io import read_jsonl

    max_length = args.max_length or _recipe_max_length()
    out = tempfile.mkdtemp(prefix="medtune-eval-speed-")
    t0, c0 = time.perf_counter(), time.process_time()
    ev = evaluate(None if args.run else "minilm", "pubmedqa", "test", out, run_dir=args.run, labels=args.labels,
                  predictions_only=not args.labels, n_boot=args.n_boot, max_length=None if args.run else max_length,
                  batch_size=32)
    predict_s, predict_cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = read_jsonl(os.path.join(out, "predictions.jsonl"))
    metrics_s = metrics_cpu = 0.0
    if not args.labels:
        rng = random.Random(0)
        stand_in = [rng.choice(("yes", "no", "maybe")) for _ in rows]
        t1, c1 = time.perf_counter(), time.process_time()
        evaluate_classification(stand_in, [r["pred"] for r in rows], ("yes", "no", "maybe"), [r["probs"] for r in rows],
                                n_boot=args.n_boot)
        metrics_s, metrics_cpu = time.perf_counter() - t1, time.process_time() - c1
    model = ev["model"]
    print(f"model: {model.get('name')} ({ev['baseline_kind']}), max_length {model.get('max_length', 'run default')}, "
          f"threads {args.threads}")
    print(f"items: {ev['split']['n_items']} (official: {ev['split']['official']}); labels: "
          f"{'given' if args.labels else 'withheld — metrics timed on stand-in labels'}")
    print(f"load + predict{' + metrics' if args.labels else ''}: {predict_s:.1f} s wall, {predict_cpu:.1f} s CPU")
    if not args.labels:
        print(f"metrics (12 metrics, {args.n_boot} bootstrap resamples): {metrics_s:.1f} s wall, {metrics_cpu:.1f} s CPU")
    total, cpu = predict_s + metrics_s, predict_cpu + metrics_cpu
    # On a shared machine wall time depends on the neighbours; CPU seconds / threads is what 2 idle cores need.
    print(f"total: {total:.1f} s wall ({len(rows) / total:.1f} items/s), {cpu:.1f} s CPU "
          f"(≈ {cpu / args.threads:.1f} s on {args.threads} idle cores); target < 30 s")


def _recipe_max_length() -> int:
    try:
        from medtune.train.config import ENCODER_RECIPES

        return int(ENCODER_RECIPES["qa_decision"]["max_length"])
    except (ImportError, KeyError):
        return 320


if __name__ == "__main__":
    main()
