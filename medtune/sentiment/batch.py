"""Background sentiment analyses: the `sentiment` job kind (`medtune.jobs.kinds`).

Job config (config.yaml):

    kind: sentiment
    name: ward-survey-2024
    input: /path/to/reviews.csv      # or dataset: drug_reviews_explabox + split: train
    text_column: comment             # optional (guessed from common names)
    model: /path/to/run_dir          # optional trained sentiment/intensity run
    aspects: /path/to/aspects.yaml   # optional taxonomy
    limit: 1000                      # optional

Outputs in the job directory: `predictions.jsonl` (one line per review: the CLI's fields plus score,
spans, flags and context, appended chunk by chunk so a resumed job skips what is done) and `summary.json`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError

PREDICTIONS = "predictions.jsonl"
SUMMARY = "summary.json"
CONFIG_KEYS = {"kind", "name", "group", "input", "dataset", "split", "text_column", "id_column", "model",
               "aspects", "limit", "skip_bad_rows", "chunk_size", "mixed_reviews"}


def validate_config(config: dict[str, Any]) -> None:
    unknown = sorted(set(config) - CONFIG_KEYS)
    if unknown:
        raise ConfigError(f"sentiment job: unknown config fields {unknown}; allowed: {sorted(CONFIG_KEYS)}")
    if bool(config.get("input")) == bool(config.get("dataset")):
        raise ConfigError("sentiment job: give exactly one of 'input' (a file) or 'dataset' (a registered name)")
    if config.get("input") and not Path(config["input"]).is_file():
        raise ConfigError(f"sentiment job: input file {config['input']} does not exist")
    limit = config.get("limit")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ConfigError(f"sentiment job: 'limit' must be a positive integer, got {limit!r}")
    if config.get("mixed_reviews") is not None:
        from medtune.sentiment.analyze import reader_weights

        reader_weights(config["mixed_reviews"])  # names the allowed conventions when it is not one


def load_input(config: dict[str, Any]) -> Any:
    from medtune.sentiment.reviews import dataset_reviews, read_reviews

    if config.get("dataset"):
        return dataset_reviews(config["dataset"], config.get("split") or "train", limit=config.get("limit"))
    return read_reviews(config["input"], config.get("text_column"), config.get("id_column"),
                        limit=config.get("limit"), skip_bad_rows=bool(config.get("skip_bad_rows")))


def result_row(result: Any) -> dict[str, Any]:
    return {**result.to_line(), "score": result.score, "spans": result.spans, "flags": result.flags,
            "aspect_scores": result.aspect_scores, "meta": result.meta, "text": result.text}


def run_analysis(config: dict[str, Any], out_dir: Path, *, progress: Callable[[int, int], None] | None = None,
                 should_stop: Callable[[], bool] | None = None, resume: bool = False) -> dict[str, Any]:
    """Analyse the configured reviews into out_dir; returns the summary. Raises CancelledError on stop."""
    from medtune.io import append_jsonl, atomic_write_json, read_jsonl
    from medtune.sentiment.analyze import Analyzer, reader_weights

    validate_config(config)
    out_dir = Path(out_dir)
    reviews = load_input(config)
    pred_path = out_dir / PREDICTIONS
    done = read_jsonl(pred_path) if resume and pred_path.is_file() else []
    if not resume:
        pred_path.unlink(missing_ok=True)
    done_ids = {row["id"] for row in done}
    todo = [r for r in reviews.reviews if r.id not in done_ids]
    analyzer = Analyzer(taxonomy=config.get("aspects"), model=config.get("model"),
                        weights=reader_weights(config.get("mixed_reviews") or "neutral"))
    total = len(reviews.reviews)

    def chunk_done(n: int, _: int) -> None:
        if progress is not None:
            progress(len(done) + n, total)

    chunk = int(config.get("chunk_size") or 64)
    written = 0
    for start in range(0, len(todo), chunk):
        part = todo[start:start + chunk]
        results = analyzer.analyze_many([r.text for r in part], [r.id for r in part], should_stop=should_stop)
        for review, result in zip(part, results):
            result.meta = review.meta
            append_jsonl(pred_path, result_row(result))
        written += len(part)
        chunk_done(written, total)
    summary = summarize_file(pred_path, analyzer.taxonomy)
    summary.update(source=reviews.source, model=analyzer.model_name, skipped=reviews.skipped)
    atomic_write_json(out_dir / SUMMARY, summary)
    return summary


def summarize_file(pred_path: Path, taxonomy: Any) -> dict[str, Any]:
    """The summary of a predictions file (a resumed job's earlier lines included)."""
    from collections import Counter

    from medtune.io import read_jsonl
    from medtune.sentiment.summary import aspect_table

    rows = read_jsonl(pred_path) if pred_path.is_file() else []
    overall = Counter(r["overall"] for r in rows)
    intensity = Counter(r["intensity"] for r in rows)
    return {"n": len(rows), "overall": dict(overall), "intensity": {str(k): v for k, v in sorted(intensity.items())},
            "aspects": aspect_table([r["aspects"] for r in rows], taxonomy),
            "dissatisfied": sum(1 for r in rows if r.get("flags", {}).get("dissatisfaction"))}


def run_job(ctx: Any) -> None:
    """Entry point of the `sentiment` job kind: `ctx` is a `medtune.jobs.context.JobContext`."""
    def progress(done: int, total: int) -> None:
        ctx.update(step=done, total_steps=total, message=f"analysed {done}/{total} reviews")

    summary = run_analysis(dict(ctx.config), Path(ctx.job_dir), progress=progress,
                           should_stop=ctx.cancel_requested, resume=bool(getattr(ctx, "resume", False)))
    ctx.log_metrics({"reviews": summary["n"], **{f"overall_{k}": v for k, v in summary["overall"].items()}})
    ctx.update(message=f"analysed {summary['n']} reviews")
