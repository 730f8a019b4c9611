"""Evaluate the 500 official PubMedQA test items with the embedded model and print seconds (target < 30 s, 2 cores).

    python benchmarks/eval_speed.py [--run RUN_DIR] [--labels FILE] [--threads 2] [--n-boot 1000] [--quantize int8]
    python benchmarks/eval_speed.py --agreement --run RUN_DIR --dataset D --split S   # float vs int8 predictions

The model is a trained MiniLM classifier run (--run) or, without one, MiniLM with an untrained head (same
compute, chance-level answers). The test labels are withheld on this machine, so without --labels the
benchmark writes seeded stand-in labels for the 500 ids first (not timed) and evaluates against them: one
labelled `evaluate()` call, with the whole metric suite (all classification and calibration metrics with
1,000-resample bootstrap intervals) — the same work as with the real labels; only the metric values are
meaningless.

The figure that counts is `end to end`: process start (interpreter, torch and medtune imports) + data + model
load + prediction of the 500 items + metrics + writing the files. CPU seconds are printed beside wall seconds:
on a shared machine wall time depends on the neighbours, and CPU seconds / threads is what idle cores need.

--agreement evaluates the same labelled split twice, in float32 and with int8 dynamic quantisation, and prints
both metric sets, the share of items whose label is the same, and the largest probability difference.
"""

from __future__ import annotations

import time

_T0, _C0 = time.perf_counter(), time.process_time()  # noqa: E402 - before the heavy imports, on purpose

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", help="a trained run directory (default: MiniLM, untrained head)")
    parser.add_argument("--dataset", default="pubmedqa")
    parser.add_argument("--split", default="test")
    parser.add_argument("--labels", help="id,label file for the test items (then metrics are on real labels)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (the target machine has 2 cores)")
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=None, help="tokens per item (default: the recipe's 320)")
    parser.add_argument("--quantize", choices=("int8",), default=None, help="int8 dynamic quantisation (CPU)")
    parser.add_argument("--agreement", action="store_true", help="float32 vs int8 on a labelled split")
    parser.add_argument("--limit", type=int, default=None, help="only the first N items (a smoke test)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from medtune.eval.runner import evaluate
    from medtune.models.batch_inference import reuse_freed_memory

    reuse_freed_memory()  # as `medtune eval` and job workers do at start-up

    imports_s, imports_cpu = time.perf_counter() - _T0, time.process_time() - _C0
    if args.agreement:
        return agreement(args)
    max_length = args.max_length or _recipe_max_length()
    out = tempfile.mkdtemp(prefix="medtune-eval-speed-")
    labels_file = args.labels or _stand_in_labels(args, out)
    t0, c0 = time.perf_counter(), time.process_time()
    ev = evaluate(None if args.run else "minilm", args.dataset, args.split, out, run_dir=args.run, labels=labels_file,
                  n_boot=args.n_boot, max_length=None if args.run else max_length, batch_size=args.batch_size,
                  quantize=args.quantize, limit=args.limit)
    eval_s, eval_cpu = time.perf_counter() - t0, time.process_time() - c0
    model, t = ev["model"], ev["timings"]
    print(f"model: {model.get('name')} ({ev['baseline_kind']}, engine {model.get('engine', 'transformers')}), "
          f"max_length {model.get('max_length', 'run default')}, threads {args.threads}, batch {args.batch_size}, "
          f"weights {args.quantize or 'float32'}")
    print(f"items: {ev['split']['n_items']} (official: {ev['split']['official']}); labels: "
          f"{'given' if args.labels else 'withheld — seeded stand-in labels (metric values meaningless)'}")
    print(f"process start + imports: {imports_s:.1f} s wall, {imports_cpu:.1f} s CPU")
    print(f"evaluate(): {eval_s:.1f} s wall, {eval_cpu:.1f} s CPU — data {t['data_s']:.1f} s, model load "
          f"{t['load_s']:.1f} s, predict {t['predict_s']:.1f} s "
          f"({ev['split']['n_items'] / max(t['predict_s'], 1e-9):.1f} items/s), metrics {t['metrics_s']:.1f} s "
          f"({len(ev['metrics'])} metrics, {args.n_boot} bootstrap resamples), write {eval_s - sum(t.values()):.1f} s")
    total, cpu = imports_s + eval_s, imports_cpu + eval_cpu
    print(f"end to end: {total:.1f} s wall, {cpu:.1f} s CPU (≈ {cpu / args.threads:.1f} s on {args.threads} idle "
          f"cores); target < 30 s")


def _stand_in_labels(args: argparse.Namespace, out: str) -> str:
    """A seeded {id: label} file over the split's items, so the timed evaluation computes every metric."""
    import json

    from medtune.data.examples import load_examples
    from medtune.data.registry import get_dataset

    spec = get_dataset(args.dataset)
    rng = random.Random(0)
    labels = spec.task_labels(spec.default_task)
    items = load_examples(args.dataset, args.split, spec.default_task, limit=args.limit)
    path = os.path.join(out, "stand_in_labels.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({e.id: rng.choice(labels) for e in items}, fh)
    return path


def agreement(args: argparse.Namespace) -> None:
    """The same labelled split in float32 and int8: metrics side by side, label agreement, largest prob gap."""
    from medtune.eval.runner import evaluate
    from medtune.io import read_jsonl

    if not args.run:
        raise SystemExit("--agreement needs a trained run (--run): an untrained head's answers mean nothing")
    results = {}
    for quantize in (None, "int8"):
        out = tempfile.mkdtemp(prefix="medtune-eval-agree-")
        t0, c0 = time.perf_counter(), time.process_time()
        ev = evaluate(None, args.dataset, args.split, out, run_dir=args.run, labels=args.labels, n_boot=args.n_boot,
                      batch_size=args.batch_size, quantize=quantize, limit=args.limit)
        rows = read_jsonl(os.path.join(out, "predictions.jsonl"))
        results[quantize or "float32"] = (ev, rows)
        print(f"{quantize or 'float32':8s} {ev['split']['n_items']} items: predict {ev['timings']['predict_s']:.1f} s "
              f"wall; evaluate() {time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU; "
              + ", ".join(f"{k} {v:.4f}" for k, v in ev["summary"].items() if isinstance(v, float)))
    (_, a), (_, b) = results["float32"], results["int8"]
    same = sum(x["pred"] == y["pred"] for x, y in zip(a, b))
    gap = max(abs(x["probs"][k] - y["probs"][k]) for x, y in zip(a, b) for k in x["probs"])
    print(f"labels equal on {same}/{len(a)} items ({same / len(a):.2%}); largest probability difference {gap:.4f}")


def _recipe_max_length() -> int:
    try:
        from medtune.data.tasks import get_task

        return int(get_task("qa_decision").recipe["max_length"])
    except (ImportError, KeyError):
        return 320


if __name__ == "__main__":
    main()
