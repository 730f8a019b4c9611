"""`medtune check`: check a health claim against the trusted knowledge base (verdict, trust, band, evidence)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from medtune.cli import emit
from medtune.errors import DataError
from medtune.io import text_problem


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check", help="Check a health claim: verdict, calibrated trust score, band and evidence.",
        description='Check one claim (medtune check "Vitamin C prevents COVID-19") or a JSONL file of '
                    '{"id", "claim"} lines (--input FILE.jsonl --output FILE.jsonl).')
    parser.add_argument("claim", nargs="?", help="the claim to check")
    parser.add_argument("--input", type=Path, help='JSONL of {"id", "claim"} per line (or a CSV with a claim column)')
    parser.add_argument("--output", type=Path, help="JSONL file for --input results (default: stdout)")
    parser.add_argument("--k", type=int, default=6, help="knowledge-base documents searched per claim part (default 6)")
    parser.add_argument("--source", action="append", metavar="NAME", help="only these knowledge-base sources")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from medtune.verify.checker import Checker, check_many, read_claims

    if (args.claim is None) == (args.input is None):
        raise DataError("give either a CLAIM or --input FILE.jsonl", hint='medtune check "Vitamin C prevents COVID-19"')
    if not 1 <= args.k <= 20:
        raise DataError(f"--k must be between 1 and 20, got {args.k}", hint="e.g. --k 4 (the default)")
    problem = text_problem(args.claim) if args.claim is not None else None
    if problem:  # bytes that are not UTF-8 arrive as lone surrogates and would crash the check (issue 20.3)
        raise DataError(f"CLAIM: {problem}", hint="pass the claim as UTF-8 text")
    if args.input is not None:
        items = read_claims(args.input)  # reads and validates the whole file before any model loads
        checker = Checker(k=args.k, sources=args.source)
        rows = [output_row(r) for r in check_many(items, checker)]
        if args.output is None:
            for row in rows:
                print(json.dumps(row, ensure_ascii=False))
        else:
            from medtune.io import write_jsonl

            write_jsonl(args.output, rows)
            print(f"{len(rows)} claims checked → {args.output}", file=sys.stderr)
        return 0
    result = Checker(k=args.k, sources=args.source).check(args.claim)
    emit(result.to_dict(), args.json, render(result))
    return 0


def output_row(result: Any) -> dict[str, Any]:
    """One JSONL line: the issue's fields first, then the per-sentence details."""
    data = result.to_dict()
    keys = ("id", "claim", "verdict", "trust", "band", "evidence", "latency_ms", "band_label", "reasons", "sentences",
            "verifier")
    return {k: data[k] for k in keys}


def render(result: Any) -> str:
    lines = [f"{result.band_icon} {result.verdict.upper()} — trust {result.trust:.2f} "
             f"({result.band}: {result.band_label})"]
    lines += [f"  because: {reason}" for reason in result.reasons]
    if result.note:
        lines.append(f"  note: {result.note}")
    lines.append("parts:")
    lines += [f"  [{s.role}: {s.label}] {s.text} (trust {s.trust:.2f})" for s in result.sentences]
    if result.verdict == "misleading":
        for title, ids in (("supported", result.supported_parts), ("not supported", result.unsupported_parts)):
            if ids:
                lines.append(f"  {title} by the sources: " + " · ".join(result.sentences[i].text for i in ids))
    shown = sorted(result.evidence, key=lambda e: -max(e.support, e.contradiction))[:5]
    if shown:
        lines.append("evidence:")
    for i, ev in enumerate(shown, 1):
        lines.append(f"  {i}. [{ev.stance}] {ev.source} — {ev.title} (retrieval {ev.score:.2f})")
        if ev.url:
            lines.append(f"     {ev.url}")
        lines.append(f"     {ev.passage[:240]}")
    lines.append(f"verifier: {result.verifier}; {result.latency_ms:.0f} ms")
    return "\n".join(lines)
