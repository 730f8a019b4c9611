"""End-to-end chat latency with the embedded (offline) generator: p50 / p95 over MedQuAD questions.

Target (issue 6): p95 < 1.5 s on 2 CPU cores with the full MedQuAD knowledge base. Build the base first:

    medtune kb build --source medquad --source dailymed
    python benchmarks/chat_latency.py --questions 200 --threads 2

Each answer runs the whole pipeline: triage, PHI redaction, hybrid retrieval, the extractive answer,
guardrails, the relevance check (and abstention), sentence scoring and the audit-log write. The first few answers (model and index loading) are
warm-up and not counted.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED_QUESTION = "Can I take ibuprofen if I'm already on aspirin for heart disease?"


def questions(n: int, seed: int) -> list[str]:
    from medtune.data.registry import iter_records

    pool = [r.question for r in iter_records("medquad", "all") if r.question]
    random.Random(seed).shuffle(pool)
    return [SEED_QUESTION, *pool[: n - 1]]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (the target is for 2 cores)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--generator", default="embedded",
                        help="embedded (default), local (MEDTUNE_CHAT_LOCAL_MODEL), openai or gemini")
    parser.add_argument("--tiny-local", action="store_true",
                        help="with --generator local: a tiny random Llama built from a config (no download), to "
                        "time the streaming path itself (time to first token) on this machine")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.tiny_local:
        import os
        import tempfile

        from tests.tiny_models import build_tiny_model, sample_texts

        os.environ["MEDTUNE_CHAT_LOCAL_MODEL"] = str(build_tiny_model("causal", Path(tempfile.mkdtemp()) / "m",
                                                                      sample_texts(300)))
        os.environ.setdefault("MEDTUNE_CHAT_MAX_NEW_TOKENS", "64")

    import torch

    from medtune.chat.evidence import knowledge_base
    from medtune.chat.pipeline import answer

    torch.set_num_threads(args.threads)
    kb = knowledge_base()
    stats = {"kb_chunks": kb.count(), "kb_location": kb.location}
    if stats["kb_chunks"] == 0:
        print("the knowledge base is empty: run `medtune kb build --source medquad --source dailymed` first",
              file=sys.stderr)
        return 2
    asked = questions(args.questions + args.warmup, args.seed)
    for q in asked[: args.warmup]:
        answer(q, generator=args.generator)
    times, ttfts, bands, abstained = [], [], {"green": 0, "yellow": 0, "red": 0}, 0
    for q in asked[args.warmup:]:
        t0 = time.perf_counter()
        result = answer(q, generator=args.generator)
        times.append((time.perf_counter() - t0) * 1000)
        bands[result.band] += 1
        abstained += result.abstained
        if result.ttft_ms is not None:
            ttfts.append(result.ttft_ms)
    if ttfts:  # generative paths stream: the time until the first piece of text reaches the user
        stats.update({"ttft_p50_ms": round(percentile(ttfts, 0.5), 1),
                      "ttft_p95_ms": round(percentile(ttfts, 0.95), 1)})
    stats.update({"generator": args.generator,
        # the count actually used: loading the embedding model drops to 1 thread on an oversubscribed machine
        "questions": len(times), "threads": torch.get_num_threads(),
        "p50_ms": round(percentile(times, 0.5), 1), "p95_ms": round(percentile(times, 0.95), 1),
        "mean_ms": round(statistics.mean(times), 1), "max_ms": round(max(times), 1), "bands": bands,
        "abstained": abstained,
        "target_p95_ms": 1500, "meets_target": percentile(times, 0.95) < 1500,
    })
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        print(f"{stats['questions']} answers, {stats['threads']} threads, KB {stats['kb_chunks']} chunks: "
              f"p50 {stats['p50_ms']} ms, p95 {stats['p95_ms']} ms (target < 1500), mean {stats['mean_ms']} ms; "
              f"bands {bands}, abstained {abstained}; generator {args.generator}"
              + (f"; time to first token p50 {stats['ttft_p50_ms']} ms, p95 {stats['ttft_p95_ms']} ms"
                 if ttfts else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
