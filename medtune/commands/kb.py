"""`medtune kb`: build, add to, query and inspect the trusted knowledge base."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from medtune.cli import emit
from medtune.errors import DataError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("kb", help="Trusted knowledge base (Chroma + BM25): build, add, query, stats.")
    sub = parser.add_subparsers(dest="kb_command", metavar="ACTION")

    build = sub.add_parser("build", help="Ingest MedQuAD, FDA labels and PubMed abstracts (resumable).")
    build.add_argument("--source", action="append", metavar="NAME",
                       help="medquad, dailymed or pubmed (repeatable; default: all)")
    build.add_argument("--limit", type=int, help="at most N documents per source (demos and tests)")
    build.add_argument("--background", action="store_true", help="run as a background job (see `medtune jobs`)")
    build.add_argument("--json", action="store_true")
    build.set_defaults(func=cmd_build)

    add = sub.add_parser("add", help="Add documents: .txt, .md, .pdf, or .csv (a text column, one row each).")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=cmd_add)

    query = sub.add_parser("query", help="Hybrid search; one TEXT, or --input FILE.jsonl of {id, text}.")
    query.add_argument("text", nargs="?", help="the query")
    query.add_argument("--k", type=int, default=5, help="results per query (default 5)")
    query.add_argument("--source", action="append", metavar="NAME", help="only these sources (repeatable)")
    query.add_argument("--mode", choices=("hybrid", "dense", "lexical"), default="hybrid")
    query.add_argument("--input", type=Path, help="JSONL file, one {\"id\", \"text\"} per line")
    query.add_argument("--output", type=Path, help="JSONL file for --input results (default: stdout)")
    query.add_argument("--json", action="store_true")
    query.set_defaults(func=cmd_query)

    pubmed = sub.add_parser("pubmed", help="Search PubMed (E-utilities) and add the abstracts; offline: local ones.")
    pubmed.add_argument("text", help="PubMed search terms")
    pubmed.add_argument("--max", type=int, default=10, help="articles to fetch (default 10)")
    pubmed.add_argument("--no-add", action="store_true", help="do not add the abstracts to the knowledge base")
    pubmed.add_argument("--json", action="store_true")
    pubmed.set_defaults(func=cmd_pubmed)

    stats = sub.add_parser("stats", help="Chunks and documents per source, and build progress.")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=cmd_stats)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)


def cmd_build(args: argparse.Namespace) -> int:
    from medtune.kb.build import build, validate_config

    config = {"kind": "kb_build", "name": "kb-build-" + "-".join(args.source or ["all"]),
              "sources": args.source, "limit": args.limit}
    validate_config(config)
    if args.background:
        from medtune.jobs.manager import submit

        job_id = submit(config, background=True)
        emit({"job_id": job_id}, args.json, f"started background job {job_id}; follow it with `medtune jobs show {job_id}`")
        return 0

    def progress(info: dict[str, Any]) -> None:
        if not args.json:
            print(f"\r{info['source']}: {info['step']}/{info['total_steps']} chunks "
                  f"({info['chunks_per_s']} chunks/s)", end="", file=sys.stderr, flush=True)

    report = build(args.source, progress, limit=args.limit)
    if not args.json:
        print(file=sys.stderr)
    emit(report.to_dict(), args.json,
         f"{report.added} chunks added, {report.skipped} already present, {report.total_chunks} in total "
         f"({report.chunks_per_s:.1f} chunks/s, {report.seconds:.1f} s)")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from medtune.kb.documents import documents_from_file
    from medtune.kb.store import AddReport, KnowledgeBase

    kb = KnowledgeBase.open()
    total = AddReport()
    for path in args.files:
        total.merge(kb.add_documents(documents_from_file(path)))
    emit({**total.__dict__, "files": [str(p) for p in args.files]}, args.json,
         f"{total.documents} documents, {total.added} chunks added, {total.skipped} already present")
    return 0


def _result_row(result: Any) -> dict[str, Any]:
    return {"text": result.text, "source": result.source, "url": result.url, "score": result.score,
            "title": result.title, "start": result.start, "end": result.end, "doc_id": result.doc_id}


def cmd_query(args: argparse.Namespace) -> int:
    from medtune.kb.retrieve import timed_search
    from medtune.kb.store import KnowledgeBase

    if (args.text is None) == (args.input is None):
        raise DataError("give either a query TEXT or --input FILE.jsonl", hint='medtune kb query "ibuprofen and aspirin"')
    if args.k < 1:
        raise DataError(f"--k must be at least 1, got {args.k}")
    kb = KnowledgeBase.open()
    options = {"k": args.k, "sources": args.source, "mode": args.mode}
    if args.input is not None:
        return _query_file(kb, args.input, args.output, options)
    results, latency = timed_search(kb, args.text, **options)
    rows = [_result_row(r) for r in results]
    lines = [f"{i}. [{r['source']}] {r['title']} (score {r['score']:.3f})\n   {r['url']}\n   {r['text'][:300]}"
             for i, r in enumerate(rows, 1)]
    emit({"query": args.text, "results": rows, "latency_ms": round(latency, 2)}, args.json,
         "\n".join(lines) or "no results (is the knowledge base built? `medtune kb build`)")
    return 0


def _query_file(kb: Any, source: Path, output: Path | None, options: dict[str, Any]) -> int:
    from medtune.io import iter_jsonl
    from medtune.kb.retrieve import timed_search

    if not source.is_file():
        raise DataError(f"{source}: no such file")
    queries = []
    try:
        for n, row in enumerate(iter_jsonl(source, skip_partial=False), start=1):
            if not isinstance(row, dict) or not str(row.get("text") or "").strip():
                raise DataError(f"{source} line {n}: expected {{\"id\", \"text\"}} with a non-empty text")
            queries.append((row.get("id", n), str(row["text"])))
    except json.JSONDecodeError as exc:
        raise DataError(f"{source}: not valid JSONL ({exc.msg} at line {exc.lineno})") from exc
    out_rows = []
    for query_id, text in queries:
        results, latency = timed_search(kb, text, **options)
        out_rows.append({"id": query_id, "results": [_result_row(r) for r in results], "latency_ms": round(latency, 2)})
    if output is None:
        for row in out_rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        from medtune.io import write_jsonl

        write_jsonl(output, out_rows)
        print(f"{len(out_rows)} queries → {output}", file=sys.stderr)
    return 0


def cmd_pubmed(args: argparse.Namespace) -> int:
    from medtune.kb.pubmed import search_pubmed

    found = search_pubmed(args.text, max_results=args.max, add_to_kb=not args.no_add)
    if found.offline:
        lines = [f"- [{r['meta'].get('pmid', '')}] {r['title']}\n  {r['url']}" for r in found.local_results]
    else:
        lines = [f"- [{a.pmid}] {a.title} ({a.journal} {a.year})\n  {a.url}" for a in found.articles]
    emit(found.to_dict(), args.json, "\n".join([found.message, *lines]))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from medtune.kb.build import build_progress
    from medtune.kb.store import KnowledgeBase

    kb = KnowledgeBase.open()
    stats = {**kb.stats(), "build": build_progress(kb)}
    lines = [f"{stats['location']} — {stats['chunks']} chunks"]
    lines += [f"  {name}: {v['documents']} documents, {v['chunks']} chunks" for name, v in stats["sources"].items()]
    lines += [f"  build {name}: {v.get('done', 0)}/{v.get('total', 0)} chunks" for name, v in stats["build"].items()]
    emit(stats, args.json, "\n".join(lines))
    return 0
