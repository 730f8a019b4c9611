"""Retrieval benchmark: MedQuAD questions as queries, their answers as the documents to find.

    nice -n 10 python benchmarks/retrieval.py --sample 1000 --seed 13

Prints recall@1, recall@5 and MRR@10 over a random sample of questions (hybrid, dense-only, lexical-only),
query latency p50 / p95 after a warm-up, and build throughput (chunks/s) measured on a fresh temporary
store. Ranks count distinct documents (the chunks of one answer count once). A hit is the question's own
answer, or an answer with identical text (MedQuAD repeats 596 answers word for word under other questions).

Run it against a knowledge base holding the full MedQuAD base (`medtune kb build --source medquad`);
with a partial base it says how much is missing and samples only questions whose answer is stored.
Targets (issue 4): recall@5 ≥ 0.90, p95 < 50 ms on 2 cores, build ≥ 40 chunks/s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb-dir", type=Path, help="knowledge base directory (default: settings.kb_path)")
    parser.add_argument("--sample", type=int, default=1000, help="questions to sample (default 1000)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--warmup", type=int, default=20, help="queries run before latency is measured")
    parser.add_argument("--threads", type=int, default=2,
                        help="torch threads (the target is 2 cores; lowered to 1 when the machine is oversubscribed)")
    parser.add_argument("--modes", default="hybrid,dense,lexical")
    parser.add_argument("--throughput-docs", type=int, default=300,
                        help="MedQuAD answers built into a temporary store to time the build (0 = skip)")
    parser.add_argument("--lexical-full-base", action="store_true",
                        help="also score BM25 alone over every MedQuAD chunk (needs no embeddings, so it runs "
                             "even while the dense base is still being built)")
    parser.add_argument("--embedding-choices", type=int, default=0, metavar="N",
                        help="only time the embedding settings of the build (batch size, length sorting, 128 vs "
                             "256 word pieces) on N random MedQuAD chunks, and dense recall@5 with 128 vs 256 on "
                             "1000 questions over 2000 random answers; needs no built base")
    parser.add_argument("--no-tails", action="store_true",
                        help="rank without looking at the unseen tails of the top candidates (the ranking before "
                             "issue 21.3, medtune.kb.rerank), for a before / after comparison")
    parser.add_argument("--json-out", type=Path, help="also write the figures as JSON here")
    return parser.parse_args()


def load_pairs(kb) -> tuple[list[tuple[str, str]], dict[str, set[str]], int, int]:
    """(question, gold doc_id) for stored answers; doc_id -> ids of documents with identical text."""
    from medtune.kb.sources import medquad_pairs

    stored = set()
    for _, _, meta in kb.iter_all(include=("metadatas",)):
        if meta and meta.get("source") == "medquad":
            stored.add(meta["doc_id"])
    pairs, by_text = [], {}
    total = 0
    for question, doc in medquad_pairs():
        total += 1
        by_text.setdefault(doc.text.strip(), set()).add(doc.doc_id)
        if doc.doc_id in stored:
            pairs.append((question, doc.doc_id))
    same = {doc_id: ids for ids in by_text.values() for doc_id in ids}
    return pairs, same, len(stored), total


#: Options of every search the benchmark runs (`--no-tails` sets tails=False).
SEARCH: dict = {}


def rank_metrics(kb, sample, same, mode: str) -> dict[str, float]:
    hits1 = hits5 = 0
    reciprocal = 0.0
    for question, gold in sample:
        results = kb.search(question, k=10, sources=["medquad"], mode=mode, per_doc=1, **SEARCH)
        ranked = [r.doc_id for r in results]
        good = same.get(gold, {gold})
        rank = next((i for i, d in enumerate(ranked, start=1) if d in good), None)
        hits1 += rank == 1
        hits5 += rank is not None and rank <= 5
        reciprocal += 1.0 / rank if rank else 0.0
    n = len(sample)
    return {"recall@1": hits1 / n, "recall@5": hits5 / n, "mrr@10": reciprocal / n}


def lexical_full_base(sample_size: int, seed: int) -> dict[str, float]:
    """BM25 over all MedQuAD chunks (built in memory from the chunk plan), on its own random sample."""
    from medtune.kb.build import plan
    from medtune.kb.lexical import LexicalIndex
    from medtune.kb.sources import medquad_pairs

    rows = plan(["medquad"])["medquad"]
    index = LexicalIndex.build([r.id for r in rows], [r.indexed_text for r in rows], ["medquad"] * len(rows))
    doc_of = {r.id: r.metadata["doc_id"] for r in rows}
    pairs, by_text = [], {}
    for question, doc in medquad_pairs():
        pairs.append((question, doc.doc_id))
        by_text.setdefault(doc.text.strip(), set()).add(doc.doc_id)
    same = {d: ids for ids in by_text.values() for d in ids}
    sample = random.Random(seed).sample(pairs, min(sample_size, len(pairs)))
    hits1 = hits5 = 0
    reciprocal = 0.0
    for question, gold in sample:
        ranked: list[str] = []
        for row, _ in index.search(question, k=100):
            if doc_of[index.ids[row]] not in ranked:
                ranked.append(doc_of[index.ids[row]])
        rank = next((i for i, d in enumerate(ranked[:10], start=1) if d in same.get(gold, {gold})), None)
        hits1 += rank == 1
        hits5 += rank is not None and rank <= 5
        reciprocal += 1.0 / rank if rank else 0.0
    n = len(sample)
    return {"chunks": len(rows), "sample": n, "recall@1": hits1 / n, "recall@5": hits5 / n, "mrr@10": reciprocal / n}


def latency(kb, queries: list[str], warmup: list[str]) -> dict[str, float]:
    """Wall time of `search(q, k=5)` per query; the warm-up questions are not among the timed ones, and the
    query-embedding cache is emptied first, so every timed query is embedded."""
    from medtune.kb.embedding import embed_query

    from medtune.kb.rerank import _WINDOW_CACHE

    for q in warmup:
        kb.search(q, k=5, **SEARCH)
    embed_query.cache_clear()
    _WINDOW_CACHE.clear()  # nor are the candidates' tail windows remembered
    times = []
    for q in queries:
        started = time.perf_counter()
        kb.search(q, k=5, **SEARCH)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
            "mean_ms": statistics.fmean(times), "queries": len(times)}


def throughput(n_docs: int) -> dict[str, float]:
    """Build the first n MedQuAD answers into a fresh temporary store; chunks per second of embed + add."""
    from medtune.kb.build import build
    from medtune.kb.store import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="kb-throughput-") as tmp:
        report = build(["medquad"], kb=KnowledgeBase(path=Path(tmp)), limit=n_docs)
    return {"chunks": report.added, "seconds": report.add_seconds, "chunks_per_s": report.chunks_per_s,
            "embed_seconds": report.embed_seconds, "threads": report.threads}


def embedding_choices(n_chunks: int, seed: int) -> None:
    """Chunks/s of the build's embedding step under each setting, then what 128 vs 256 word pieces do to
    dense retrieval (in memory, no Chroma: the dense ranking alone, over the chunks of 2000 random answers)."""
    import numpy as np

    from medtune.kb.build import plan
    from medtune.kb.embedding import bulk_threads, load_model
    from medtune.kb.sources import medquad_pairs
    from medtune.kb.store import chunk_document

    model = load_model()
    rng = random.Random(seed)
    texts = [r.indexed_text for r in rng.sample(plan(["medquad"])["medquad"], n_chunks)]
    with bulk_threads() as threads:
        print(f"embedding {n_chunks} random MedQuAD chunks, torch threads {threads}")
        model.encode(texts[:16])
        settings = [(256, 128, 32, "before: 256 word pieces, calls of 128 chunks, batch 32")]
        settings += [(256, n_chunks, b, f"256 word pieces, one sorted call, batch {b}") for b in (16, 32, 64, 128)]
        settings += [(128, n_chunks, b, f"128 word pieces, one sorted call, batch {b}") for b in (16, 32)]
        for length, group, batch, label in settings:
            model.max_seq_length = length
            started = time.perf_counter()
            for i in range(0, len(texts), group):
                model.encode(texts[i:i + group], batch_size=batch, normalize_embeddings=True)
            print(f"  {label}: {len(texts) / (time.perf_counter() - started):.1f} chunks/s", flush=True)

        pairs = rng.sample(list(medquad_pairs()), 2000)
        rows = [row for _, doc in pairs for row in chunk_document(doc)]
        doc_of = [row.metadata["doc_id"] for row in rows]
        questions, gold = [q for q, _ in pairs[:1000]], [d.doc_id for _, d in pairs[:1000]]
        queries = model.encode(questions, batch_size=64, normalize_embeddings=True)
        for length in (128, 256):
            model.max_seq_length = length
            sims = queries @ model.encode([r.indexed_text for r in rows], batch_size=16, normalize_embeddings=True).T
            hits1 = hits5 = 0
            for i, order in enumerate(np.argsort(-sims, axis=1)[:, :50]):
                ranked = list(dict.fromkeys(doc_of[j] for j in order))[:5]
                hits1 += bool(ranked) and ranked[0] == gold[i]
                hits5 += gold[i] in ranked
            print(f"  dense, {length} word pieces, {len(rows)} chunks of 2000 answers, 1000 of their questions: "
                  f"recall@1 {hits1 / 1000:.3f}  recall@5 {hits5 / 1000:.3f}", flush=True)
    load_model.cache_clear()  # the model's max_seq_length was changed above


def main() -> int:
    args = parse_args()
    import os

    import torch

    torch.set_num_threads(args.threads)
    if args.embedding_choices:
        print(f"load average at start {os.getloadavg()[0]:.2f}")
        embedding_choices(args.embedding_choices, args.seed)
        print(f"load average at end {os.getloadavg()[0]:.2f}")
        return 0
    from medtune.kb.store import KnowledgeBase

    kb = KnowledgeBase(path=args.kb_dir) if args.kb_dir else KnowledgeBase.open()
    SEARCH["tails"] = not args.no_tails
    pairs, same, stored_docs, total_docs = load_pairs(kb)
    if not pairs:
        print(f"no MedQuAD answers in {kb.location}; run `medtune kb build --source medquad` first", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    sample = rng.sample(pairs, min(args.sample, len(pairs)))
    timed = {q for q, _ in sample}
    warmup = [q for q, _ in rng.sample(pairs, min(len(pairs), args.warmup + len(sample))) if q not in timed]
    warmup = warmup[: args.warmup]
    figures = {"kb": kb.location, "chunks": kb.count(), "medquad_docs_stored": stored_docs,
               "medquad_docs_total": total_docs, "sample": len(sample), "seed": args.seed,
               "threads": args.threads, "load_avg_start": os.getloadavg(), "tails": SEARCH["tails"]}
    kb.search("warm up the model and the lexical index", k=5)
    figures["threads"] = torch.get_num_threads()  # the embedding drops to 1 thread on an oversubscribed machine
    figures["latency"] = latency(kb, [q for q, _ in sample], warmup)
    figures["retrieval"] = {mode: rank_metrics(kb, sample, same, mode) for mode in args.modes.split(",")}
    if args.lexical_full_base:
        figures["lexical_full_base"] = lexical_full_base(args.sample, args.seed)
    if args.throughput_docs:
        figures["build"] = throughput(args.throughput_docs)
    figures["load_avg_end"] = os.getloadavg()
    print_figures(figures)
    if args.json_out:
        args.json_out.write_text(json.dumps(figures, indent=2))
    return 0


def print_figures(f: dict) -> None:
    print(f"knowledge base: {f['kb']} — {f['chunks']:,} chunks; MedQuAD answers stored "
          f"{f['medquad_docs_stored']:,} / {f['medquad_docs_total']:,}")
    print(f"sample: {f['sample']} questions (seed {f['seed']}), unseen tails {'on' if f['tails'] else 'off'}, "
          f"torch threads {f['threads']}, "
          f"load average at start {f['load_avg_start'][0]:.1f}, at end {f['load_avg_end'][0]:.1f}")
    for mode, m in f["retrieval"].items():
        print(f"  {mode:8s} recall@1 {m['recall@1']:.3f}  recall@5 {m['recall@5']:.3f}  MRR@10 {m['mrr@10']:.3f}")
    if "lexical_full_base" in f:
        m = f["lexical_full_base"]
        print(f"  BM25 alone over the full MedQuAD base ({m['chunks']:,} chunks, {m['sample']} questions): "
              f"recall@1 {m['recall@1']:.3f}  recall@5 {m['recall@5']:.3f}  MRR@10 {m['mrr@10']:.3f}")
    lat = f["latency"]
    print(f"query latency (hybrid, k=5, {lat['queries']} queries after warm-up): p50 {lat['p50_ms']:.1f} ms, "
          f"p95 {lat['p95_ms']:.1f} ms")
    if "build" in f:
        b = f["build"]
        print(f"build throughput: {b['chunks']} chunks in {b['seconds']:.1f} s = {b['chunks_per_s']:.1f} chunks/s "
              f"(embedding {b['embed_seconds']:.1f} s, torch threads {b['threads']})")


if __name__ == "__main__":
    raise SystemExit(main())
