"""The analyser's time outside the encoder: 1,000 Drugs.com reviews analysed twice with every clause embedding
kept in memory; the second pass (no encoding) is timed. Compares code versions independently of the load the
encoder's time depends on.

    flock /tmp/medtune-cpu.lock python benchmarks/sentiment_overhead.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    import torch

    from benchmarks.sentiment_rules_cv import MemoEncoder
    from medtune.sentiment.analyze import Analyzer
    from medtune.sentiment.encoder import get_encoder
    from medtune.sentiment.reviews import dataset_reviews

    torch.set_num_threads(2)
    texts: list[str] = []
    for split in ("train", "test"):
        texts += dataset_reviews("drug_reviews_explabox", split).texts
    texts = (texts * 2)[:1000]
    analyzer = Analyzer(encoder=MemoEncoder(get_encoder()))
    started = time.perf_counter()
    analyzer.analyze_many(texts)
    first = time.perf_counter() - started
    cpu, started = time.process_time(), time.perf_counter()
    analyzer.analyze_many(texts)
    print(f"first pass (encodes) {first:.1f} s; second pass, no encoding: {time.perf_counter() - started:.1f} s "
          f"wall, {time.process_time() - cpu:.1f} s CPU per 1,000 reviews; load {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
