"""`medtune sentiment`: analyse patient reviews — overall sentiment, intensity 1–5, aspects with evidence.

    medtune sentiment --input reviews.csv --output results.jsonl [--text-column C] [--model RUN_DIR] [--json]
    medtune sentiment --text "The nurses were great, but I waited six hours."
    medtune sentiment aspects [--export FILE | --check FILE]     the aspect taxonomy
    medtune sentiment dialogues [--limit N]                       doctor–patient tone (covid_dialogue_en)
    medtune sentiment fit-default                                 rebuild the default heads, print validation
    medtune sentiment evaluate                                    aspect F1 (gold set), Druglib agreement

The output file has one JSON line per review: {"id", "overall", "intensity", "aspects", "evidence"}.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from medtune.cli import emit
from medtune.errors import ConfigError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sentiment", help="analyse reviews: sentiment, intensity, aspects (staff, wait time, ...)",
        description="Sentiment analytics of patient reviews: overall sentiment, intensity 1-5, and aspect "
                    "polarities with the text that shows them. Reads CSV/TSV/JSONL/JSON/Parquet.",
    )
    parser.add_argument("--input", metavar="FILE", help="reviews to analyse (CSV, TSV, JSONL, JSON or Parquet)")
    parser.add_argument("--output", metavar="FILE", help="JSONL output, one line per review")
    parser.add_argument("--text", help="analyse one review given on the command line (printed to stdout)")
    parser.add_argument("--text-column", metavar="C", help="column holding the review text (default: guessed)")
    parser.add_argument("--id-column", metavar="C", help="column holding the review id (default: id or row number)")
    parser.add_argument("--model", metavar="RUN_DIR", help="a trained sentiment/intensity run (default: built-in)")
    parser.add_argument("--aspects", metavar="FILE", help="aspect taxonomy YAML/JSON (default: saved or built-in)")
    parser.add_argument("--limit", type=int, help="analyse at most this many reviews")
    parser.add_argument("--mixed-reviews", choices=("neutral", "by_balance"), default="neutral",
                        help="a review with praise and complaints but no verdict: neutral (patient-experience "
                             "convention, default) or by_balance (star-rated drug reviews: the stronger side wins)")
    parser.add_argument("--skip-bad-rows", action="store_true", help="leave out rows with no text (listed)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=cmd_analyze)
    sub = parser.add_subparsers(dest="sentiment_command", metavar="ACTION")

    p = sub.add_parser("aspects", help="show, export or check the aspect taxonomy")
    p.add_argument("--aspects", metavar="FILE", help="taxonomy to show (default: saved or built-in)")
    p.add_argument("--export", metavar="FILE", help="write the taxonomy to FILE (YAML, or JSON for .json)")
    p.add_argument("--check", metavar="FILE", help="validate a taxonomy file (exit 2 if invalid)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_aspects)

    p = sub.add_parser("dialogues", help="tone of doctor-patient communication on covid_dialogue_en")
    p.add_argument("--dataset", default="covid_dialogue_en", help="a dialogue dataset (default covid_dialogue_en)")
    p.add_argument("--limit", type=int, help="at most this many dialogues")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_dialogues)

    p = sub.add_parser("fit-default", help="rebuild the default heads from ../shared/data and print validation")
    p.add_argument("--out", metavar="DIR", help="where to write the heads (default: the packaged heads/)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_fit)

    p = sub.add_parser("evaluate", help="quality report: validation F1, aspect F1 on the gold set, Druglib agreement")
    p.add_argument("--model", metavar="RUN_DIR", help="a trained run to evaluate instead of the default")
    p.add_argument("--limit", type=int, help="at most this many validation items per dataset")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_evaluate)


def cmd_analyze(args: argparse.Namespace) -> int:
    from medtune.sentiment.analyze import Analyzer, reader_weights
    from medtune.sentiment.reviews import read_reviews
    from medtune.sentiment.summary import summarize

    if args.text is None and not args.input:
        raise ConfigError("give --input FILE (with --output FILE) or --text TEXT",
                          hint="`medtune sentiment --help` shows every option")
    if args.input and not args.output:
        raise ConfigError("--output FILE is required with --input", hint="e.g. --output results.jsonl")
    if args.limit is not None and args.limit < 1:
        raise ConfigError(f"--limit must be at least 1, got {args.limit}",
                          hint="`medtune sentiment --help` lists every option")
    if args.text is not None:
        if not args.text.strip():
            raise ConfigError("--text is empty", hint='give the review to analyse, e.g. medtune sentiment --text '
                                                      '"The nurses were kind"; `medtune sentiment --help` lists options')
        analyzer = Analyzer(taxonomy=args.aspects, model=args.model, weights=reader_weights(args.mixed_reviews))
        emit(analyzer.analyze(args.text, id="text").to_line(), True)
        return 0
    # Read and check the whole file before loading the model: a bad row fails in a second, not after it.
    reviews = read_reviews(args.input, args.text_column, args.id_column, limit=args.limit,
                           skip_bad_rows=args.skip_bad_rows)
    analyzer = Analyzer(taxonomy=args.aspects, model=args.model, weights=reader_weights(args.mixed_reviews))
    for problem in reviews.skipped:
        print(f"skipped {reviews.source} {problem}", file=sys.stderr)
    results = analyzer.analyze_many(reviews.texts, reviews.ids, progress=_progress_printer())
    write_results(Path(args.output), results)
    summary = summarize(results, analyzer.taxonomy)
    summary.update(output=str(args.output), skipped=len(reviews.skipped), model=analyzer.model_name)
    emit(summary, args.json, _summary_text(summary))
    return 0


def write_results(path: Path, results: list[Any]) -> None:
    from medtune.io import write_jsonl

    write_jsonl(path, (r.to_line() for r in results))


def _progress_printer() -> Any:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\ranalysed {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def _summary_text(summary: dict[str, Any]) -> str:
    lines = [f"{summary['n']} reviews -> {summary['output']}  (model: {summary['model']})",
             "overall: " + ", ".join(f"{k} {v}" for k, v in summary["overall"].items()),
             "intensity: " + ", ".join(f"{k}:{v}" for k, v in summary["intensity"].items())]
    for row in summary["aspects"]:
        lines.append(f"  {row['aspect']:<20} mentioned {row['mentions']:>4}  negative {row['negative']:>4}  "
                     f"neutral {row['neutral']:>4}  positive {row['positive']:>4}")
    if summary.get("skipped"):
        lines.append(f"skipped rows: {summary['skipped']} (listed above)")
    return "\n".join(lines)


def cmd_aspects(args: argparse.Namespace) -> int:
    from medtune.sentiment.aspects import load_taxonomy, save_taxonomy

    if args.check:
        taxonomy = load_taxonomy(args.check)
        emit({"valid": True, "aspects": taxonomy.names}, args.json,
             f"{args.check}: valid, {len(taxonomy.aspects)} aspects: {', '.join(taxonomy.names)}")
        return 0
    taxonomy = load_taxonomy(args.aspects)
    if args.export:
        path = save_taxonomy(taxonomy, args.export)
        emit({"written": str(path)}, args.json, f"wrote {path}")
        return 0
    rows = [{"name": a.name, "label": a.label, "description": a.description, "lexicon": len(a.lexicon)}
            for a in taxonomy.aspects]
    emit(rows, args.json, "\n".join(f"{r['name']:<20} {r['description']}" for r in rows))
    return 0


def cmd_dialogues(args: argparse.Namespace) -> int:
    from medtune.sentiment.detectors import communication_tone_report

    report = communication_tone_report(args.dataset, limit=args.limit)
    text = (f"{report['n']} dialogues from {args.dataset}\n"
            f"doctor tone: {report['doctor_tone']}\npatient sentiment: {report['patient_sentiment']}\n"
            f"doctor turns with empathy phrases: {report['empathy_share']:.1%}")
    emit(report, args.json, text)
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    from medtune.sentiment.fit import fit_default_heads

    report = fit_default_heads(Path(args.out) if args.out else None, progress=_progress_printer())
    emit(report, args.json, _fit_text(report))
    return 0


def _fit_text(report: dict[str, Any]) -> str:
    lines = [f"training rows: {report['train_rows']}"]
    for task, sets in report["validation"].items():
        for name, m in sets.items():
            lines.append(f"{task:<10} {name:<28} n={m['n']:<5} macro-F1 {m['macro_f1']:.3f}  acc {m['accuracy']:.3f}")
    return "\n".join(lines)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from medtune.sentiment.quality import quality_report, report_text

    report = quality_report(model=args.model, limit=args.limit)
    emit(report, args.json, report_text(report))
    return 0
