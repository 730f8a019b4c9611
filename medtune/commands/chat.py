"""`medtune chat "QUESTION" [--generator NAME] [--style S] [--json]` and `medtune chat --input F --output F`.

The batch form reads one {"id", "question"} per line and writes the answer object plus the id per line; a bad
line becomes {"id", "error": {reason, message, hint}} and the run goes on, so no input line is lost.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from medtune.cli import EXIT_USER_ERROR, emit
from medtune.errors import DataError, MedtuneError
from medtune.io import text_problem


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("chat", help="ask the healthcare chatbot (answers from trusted sources, with confidence)",
                              description="Answer a health question from the knowledge base with safety triage, "
                                          "guardrails, sentence-level confidence and citations.")
    p.add_argument("question", nargs="?", help="the question (or use --input)")
    p.add_argument("--generator", help="embedded (default), local, local-base, openai or gemini")
    p.add_argument("--style", choices=["patient", "clinician"], help="plain language (default) or clinical terms")
    p.add_argument("--input", type=Path, help="JSONL file with one {\"id\", \"question\"} per line")
    p.add_argument("--output", type=Path, help="JSONL file for the answers (with --input)")
    p.add_argument("--json", action="store_true", help="print the answer object as JSON")
    p.set_defaults(func=cmd_chat)


def cmd_chat(args: Any) -> int:
    if args.input or args.output:
        if not (args.input and args.output) or args.question:
            raise DataError("chat: give either a QUESTION, or both --input FILE.jsonl and --output FILE.jsonl",
                            hint='e.g. medtune chat "What is asthma?"; `medtune chat --help` lists options')
        return run_batch(args.input, args.output, args.generator, args.style)
    if not args.question:
        print("error: give a QUESTION, or --input FILE.jsonl --output FILE.jsonl", file=sys.stderr)
        return EXIT_USER_ERROR
    problem = text_problem(args.question)
    if problem:  # bytes that are not UTF-8 arrive as lone surrogates and would crash the answer (issue 20.3)
        raise DataError(f"QUESTION: {problem}", hint="pass the question as UTF-8 text")
    from medtune.chat.pipeline import answer

    result = answer(args.question, generator=args.generator, style=args.style)
    emit(result.to_dict(), args.json, None if args.json else render(result))
    return 0


def render(result: Any) -> str:
    from medtune.chat.scoring import BANDS

    band = BANDS[result.band]
    if result.emergency:
        head = "✖ EMERGENCY: get help now"
    else:
        head = f"{band['icon']} {result.band.upper()} ({band['label']}), confidence {result.confidence:.2f}"
    lines = [head, "", result.answer, ""]
    for i, c in enumerate(result.citations, 1):
        lines.append(f"[{i}] {c['source']}: {c['title']} {c['url']}".rstrip())
    timing = f"{result.latency_ms:.0f} ms" + (f", first token {result.ttft_ms:.0f} ms" if result.ttft_ms else "")
    lines.append(f"reading grade {result.readability} · {timing}")
    return "\n".join(lines)


def run_batch(src: Path, dest: Path, generator: str | None, style: str | None) -> int:
    from medtune.chat.pipeline import answer

    if not src.is_file():
        raise DataError(f"--input {src}: no such file", hint='give a JSONL file with one {"id", "question"} per line')
    partial = dest.with_name(dest.name + ".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    answered = failed = 0
    latencies: list[float] = []
    with src.open(encoding="utf-8") as fh, partial.open("w", encoding="utf-8") as out:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row, error = _parse(line, n, src)
            if error is None:
                try:
                    result = answer(str(row["question"]), generator=generator, style=style)
                    row = {"id": row.get("id", n), **result.to_dict()}
                    latencies.append(result.latency_ms)
                except MedtuneError as err:
                    error = err.to_dict()
            if error is not None:
                row, failed = {"id": row.get("id", n) if isinstance(row, dict) else n, "error": error}, failed + 1
            else:
                answered += 1
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
    os.replace(partial, dest)
    p95 = sorted(latencies)[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    print(f"answered {answered}, failed {failed} -> {dest} (p95 latency {p95:.0f} ms)")
    return 0 if failed == 0 else EXIT_USER_ERROR


def _parse(line: str, n: int, src: Path) -> tuple[dict[str, Any], dict[str, str] | None]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": n}, DataError(f"{src} line {n}: not JSON ({exc.msg})").to_dict()
    if not isinstance(row, dict) or not str(row.get("question") or "").strip():
        row = row if isinstance(row, dict) else {"id": n}
        return row, DataError(f"{src} line {n}: needs a non-empty \"question\" field").to_dict()
    problem = text_problem(str(row["question"]))
    if problem:  # a "\ud800" escape: the row is kept, as an error, and the file goes on
        row = {k: v for k, v in row.items() if k == "id" and not text_problem(str(v))}
        return row, DataError(f"{src} line {n}: question: {problem}").to_dict()
    return row, None
