"""What noticing other processes' writes costs a knowledge-base reader (docs/KNOWLEDGE_BASE.md, issue 21).

Builds a small store (FDA labels) in a temporary MEDTUNE_HOME, then prints: the cost of the change check
that every use of the collection makes (two `stat` calls), a warm hybrid search, and the first search after
another process added a document (client reopened, collection re-got, BM25 cache reloaded).

    flock /tmp/medtune-cpu.lock python benchmarks/kb_reopen.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kb-reopen-") as home:
        os.environ["MEDTUNE_HOME"] = home
        sys.path.insert(0, str(REPO))
        from medtune.kb.build import build
        from medtune.kb.store import KnowledgeBase, store_token

        report = build(["dailymed"])
        kb = KnowledgeBase.open()
        query = "Can I take ibuprofen with low-dose aspirin?"
        kb.search(query, k=5)
        n = 5000
        check_us = timeit.timeit(lambda: store_token(kb.path), number=n) / n * 1e6
        access_us = timeit.timeit(lambda: kb.collection, number=n) / n * 1e6
        warm = [_ms(lambda: kb.search(query, k=5)) for _ in range(50)]
        after = []
        for i in range(5):
            note = Path(home) / f"note{i}.md"
            note.write_text(f"# Note {i}\n\nAspirin and ibuprofen note number {i} for the benchmark.\n")
            subprocess.run([sys.executable, "-m", "medtune", "kb", "add", str(note)], cwd=REPO, check=True,
                           capture_output=True, env=os.environ.copy())
            after.append(_ms(lambda: kb.search(query, k=5)))
        print(f"store: {kb.count()} chunks ({report.added} FDA label chunks + 5 notes), load average "
              f"{os.getloadavg()[0]:.2f}")
        print(f"change check (2 stat calls): {check_us:.1f} us; collection access with the check: {access_us:.1f} us")
        print(f"warm hybrid search, k=5, 50 queries: p50 {statistics.median(warm):.1f} ms")
        print(f"first search after another process's `kb add` (reopen + BM25 rebuild of {kb.count()} chunks), "
              f"5 times: median {statistics.median(after):.1f} ms, max {max(after):.1f} ms")


def _ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
