"""`medtune eval`: evaluate a model on a dataset split, compare two evaluations, list metrics and references.

    medtune eval --model M|--run RUN_DIR --dataset NAME --split S --out DIR [--json]
    medtune eval compare A_DIR B_DIR [--json] [--intersection]
    medtune eval metrics [--json]
    medtune eval references [--dataset NAME] [--json]
"""

from __future__ import annotations

import argparse
from typing import Any

from medtune.errors import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("eval", help="evaluate a model on a dataset split; compare two evaluations",
                              description="Evaluate a model (majority, a causal LM zero-shot, an API model) or a "
                                          "trained run on a dataset split; writes eval.json and predictions.jsonl.")
    model = p.add_mutually_exclusive_group()
    model.add_argument("--model", help="majority | registry name | hub id | model dir | gpt-3.5-turbo | openai:NAME | gemini:NAME")
    model.add_argument("--run", metavar="RUN_DIR", help="a trained run directory")
    p.add_argument("--dataset", help="registered dataset name (`medtune data list`)")
    p.add_argument("--split", help="split to evaluate, e.g. dev, val, test")
    p.add_argument("--out", metavar="DIR", help="directory for eval.json and predictions.jsonl")
    p.add_argument("--task", help="task (default: the dataset's default task)")
    p.add_argument("--labels", metavar="FILE", help="id,label file for a split whose labels are withheld here")
    p.add_argument("--limit", type=int, help="evaluate only the first N items")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples for intervals (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--predictions-only", action="store_true", help="allow an unlabelled split: predictions, no metrics")
    p.add_argument("--batch-size", type=int, help="items per forward pass")
    p.add_argument("--max-length", type=int, help="longest input in tokens")
    p.add_argument("--quantize", choices=("int8",), help="int8 dynamic quantisation of an encoder classifier (CPU; "
                                                          "faster, not exact: recorded in eval.json)")
    p.add_argument("--template", help="prompt template id (zero-shot and API models)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint for openai:NAME (vLLM, Ollama, llama.cpp)")
    p.add_argument("--metrics", help="comma-separated metric names (default: all for the task; `medtune eval metrics`)")
    p.add_argument("--json", action="store_true", help="print eval.json")
    p.set_defaults(func=cmd_evaluate, batch_process=True)

    sub = p.add_subparsers(dest="eval_action", metavar="ACTION")
    c = sub.add_parser("compare", help="compare two evaluations of the same items (B against A)")
    c.add_argument("a_dir", metavar="A_DIR", help="the 'before' evaluation directory")
    c.add_argument("b_dir", metavar="B_DIR", help="the 'after' evaluation directory")
    c.add_argument("--intersection", action="store_true", help="compare on shared items when the item sets differ")
    c.add_argument("--n-boot", type=int, default=1000, help="paired bootstrap resamples (default 1000)")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--flips", type=int, default=10, help="flipped examples to list in text output (default 10)")
    c.add_argument("--json", action="store_true", help="print the full comparison as JSON")
    c.set_defaults(func=cmd_compare)

    m = sub.add_parser("metrics", help="list the metric registry")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_metrics)

    r = sub.add_parser("references", help="published reference results with sources")
    r.add_argument("--dataset")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_references)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from medtune.cli import emit
    from medtune.eval.runner import evaluate

    missing = [flag for flag, value in (("--model or --run", args.model or args.run), ("--dataset", args.dataset),
                                        ("--split", args.split), ("--out", args.out)) if not value]
    if missing:
        raise ConfigError(f"medtune eval: missing {', '.join(missing)}",
                          hint="medtune eval --model majority --dataset pubmedqa --split dev --out runs/eval-majority")
    options = {k: v for k, v in {"task": args.task, "labels": args.labels, "limit": args.limit, "n_boot": args.n_boot,
                                 "seed": args.seed, "predictions_only": args.predictions_only or None,
                                 "batch_size": args.batch_size, "max_length": args.max_length, "quantize": args.quantize,
                                 "template": args.template, "base_url": args.base_url,
                                 "metrics": [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None,
                                 }.items() if v is not None}
    evaluation = evaluate(args.model, args.dataset, args.split, args.out, run_dir=args.run, **options)
    emit(evaluation, args.json, format_evaluation(evaluation, args.out))
    return 0


def _fmt(value: Any) -> str:
    return "—" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)


def format_evaluation(ev: dict[str, Any], out: str) -> str:
    split = ev["split"]
    lines = [f"{ev['model_ref']} ({ev['baseline_kind']}) on {split['dataset']}/{split['split']} "
             f"({split['n_items']} items, task {ev['task']})", f"split: {split['note']}"]
    for name, m in ev["metrics"].items():
        if m.get("aggregation") not in ("corpus", "mean"):
            continue
        if m.get("value") is None:
            lines.append(f"  {name:<18} unavailable: {m.get('unavailable')}")
            continue
        ci = m.get("ci")
        ci_text = f"  [{ci[0]:.4f}, {ci[1]:.4f}]" if ci else ""
        lines.append(f"  {name:<18} {m['value']:.4f}{ci_text}")
    if not ev["metrics"]:
        lines.append("  no metrics: the split has no labels here (predictions only)")
    for ref in ev.get("references", []):
        lines.append(f"  reference {ref['model']}: {ref['metric']} {ref['reported']} ({ref['split']}; {ref['source']})")
    lines.append(f"wrote {out}/eval.json and {out}/predictions.jsonl")
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace) -> int:
    from medtune.cli import emit
    from medtune.eval.compare import compare

    result = compare(args.a_dir, args.b_dir, intersection=args.intersection, n_boot=args.n_boot, seed=args.seed)
    emit(result, args.json, format_comparison(result, args.flips))
    return 0


def format_comparison(r: dict[str, Any], n_flips: int) -> str:
    lines = [f"A: {r['a']['model_ref']} ({r['a']['kind']})   B: {r['b']['model_ref']} ({r['b']['kind']})   "
             f"{r['n_items']} items ({r['item_set']})", *[f"note: {n}" for n in r["notes"]]]
    for name, m in r["metrics"].items():
        ci = f" [{m['ci'][0]:+.4f}, {m['ci'][1]:+.4f}]" if m.get("ci") else ""
        lines.append(f"  {name:<18} A {_fmt(m['a'])}  B {_fmt(m['b'])}  Δ {m['delta']:+.4f}{ci}  p={_fmt(m.get('p_value'))}")
    if r["kind"] == "classification":
        t = r["mcnemar"]
        lines.append(f"McNemar ({t['method']}): b={t['b_a_right_b_wrong']} c={t['c_a_wrong_b_right']} "
                     f"p={t['p_value']:.4g} — {r['verdict']}")
        for key, title in (("wrong_to_right", "wrong→right"), ("right_to_wrong", "right→wrong")):
            items = r["flips"][key]
            lines.append(f"{title}: {len(items)}")
            lines += [f"  {f['id']}: gold {f['gold']}, A {f['pred_a']}, B {f['pred_b']}" for f in items[:n_flips]]
    return "\n".join(lines)


def cmd_metrics(args: argparse.Namespace) -> int:
    from medtune.cli import emit
    from medtune.eval.metrics import list_metrics

    rows = list_metrics()
    direction = {True: "higher", False: "lower", None: "—"}
    text = "\n".join(f"{m['name']:<20} {m['family']:<15} {direction[m['higher_is_better']]:<7} {m['aggregation']:<7} "
                     f"{m['description']}" for m in rows)
    emit(rows, args.json, text)
    return 0


def cmd_references(args: argparse.Namespace) -> int:
    from medtune.cli import emit
    from medtune.eval.references import references_for

    rows = references_for(args.dataset)
    text = "\n".join(f"{r['dataset']}/{r['split']} {r['metric']} {r['reported']:>5}  {r['model']} — {r['source']}"
                     for r in rows) or "no reference rows for this dataset"
    emit(rows, args.json, text)
    return 0
