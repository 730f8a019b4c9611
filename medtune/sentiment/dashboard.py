"""What the Sentiment page needs, without any UI code: typed request → results → chart-ready data.

The page builds an `AnalysisRequest` from its widgets, calls `run_request` (or `submit_job` for a
background analysis), keeps the `ReviewResult`s, and renders `dashboard_data(...)`. Job results are read
back from a finished job's predictions.jsonl with `load_job_results`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError
from medtune.sentiment.analyze import Analyzer, ReaderWeights, ReviewResult
from medtune.sentiment.analyze import reader_weights as weights_for_convention
from medtune.sentiment.aspects import Taxonomy
from medtune.sentiment.polarity import LABELS

#: Above this many reviews the page suggests a background job.
BACKGROUND_SUGGESTED = 2000


@dataclass
class AnalysisRequest:
    """One analysis from the page: a file or a dataset, the text column, the model, the taxonomy."""

    input_path: str | None = None
    dataset: str | None = None
    split: str = "train"
    text_column: str | None = None
    model: str | None = None
    aspects: str | None = None
    limit: int | None = None
    skip_bad_rows: bool = True
    mixed_reviews: str = "neutral"  # analyze.MIXED_REVIEW_CONVENTIONS

    def job_config(self, name: str) -> dict[str, Any]:
        config = {"kind": "sentiment", "name": name, "input": self.input_path, "dataset": self.dataset,
                  "split": self.split if self.dataset else None, "text_column": self.text_column,
                  "model": self.model, "aspects": self.aspects, "limit": self.limit,
                  "skip_bad_rows": self.skip_bad_rows if self.input_path else None,
                  "mixed_reviews": self.mixed_reviews}
        return {k: v for k, v in config.items() if v not in (None, "")}


@lru_cache(maxsize=4)
def _analyzer(aspects: str | None, model: str | None, fingerprint: str, reader: bool,
              mixed_reviews: str = "neutral") -> Analyzer:
    weights = weights_for_convention(mixed_reviews) if reader else ReaderWeights(
        after_contrast=1.0, before_contrast=1.0, concession=1.0, closing_sentence=1.0)
    return Analyzer(taxonomy=aspects, model=model, weights=weights)


def get_analyzer(aspects: str | None = None, model: str | None = None, reader_weights: bool = True,
                 mixed_reviews: str = "neutral") -> Analyzer:
    """A cached analyser; editing the taxonomy file changes the fingerprint and so builds a new one."""
    from medtune.sentiment.aspects import load_taxonomy

    return _analyzer(aspects, model or None, load_taxonomy(aspects).fingerprint(), reader_weights, mixed_reviews)


def load_reviews(request: AnalysisRequest) -> Any:
    from medtune.sentiment.reviews import dataset_reviews, read_reviews

    if bool(request.input_path) == bool(request.dataset):
        raise ConfigError("choose a file or a dataset to analyse")
    if request.dataset:
        return dataset_reviews(request.dataset, request.split, limit=request.limit)
    return read_reviews(request.input_path, request.text_column, limit=request.limit,
                        skip_bad_rows=request.skip_bad_rows)


def run_request(request: AnalysisRequest, progress: Callable[[int, int], None] | None = None
                ) -> tuple[list[ReviewResult], list[str]]:
    """Analyse in this process; returns the results (with each review's context in .meta) and skipped rows."""
    reviews = load_reviews(request)
    analyzer = get_analyzer(request.aspects, request.model, mixed_reviews=request.mixed_reviews)
    results = analyzer.analyze_many(reviews.texts, reviews.ids, progress=progress)
    for review, result in zip(reviews.reviews, results):
        result.meta = dict(review.meta)
    return results, reviews.skipped


def submit_job(request: AnalysisRequest, name: str) -> str:
    from medtune.jobs.manager import submit

    return submit(request.job_config(name))


def sentiment_jobs() -> list[dict[str, Any]]:
    """Finished sentiment jobs whose results can be loaded."""
    from medtune.jobs.manager import list_jobs

    return [{"id": j.id, "name": j.name, "state": j.state} for j in list_jobs(kind="sentiment")
            if j.state == "succeeded"]


def load_job_results(job_id: str) -> list[ReviewResult]:
    from medtune.io import read_jsonl
    from medtune.jobs.manager import get_job
    from medtune.sentiment.batch import PREDICTIONS

    path = Path(get_job(job_id).dir) / PREDICTIONS
    if not path.is_file():
        raise ConfigError(f"job {job_id} has no {PREDICTIONS}")
    return [result_from_row(row) for row in read_jsonl(path)]


def result_from_row(row: dict[str, Any]) -> ReviewResult:
    return ReviewResult(id=str(row["id"]), text=row.get("text", ""), overall=row["overall"],
                        intensity=int(row["intensity"]), score=float(row.get("score", 0.0)),
                        aspects=row["aspects"], evidence=row["evidence"], spans=row.get("spans", {}),
                        clauses=[], aspect_scores=row.get("aspect_scores", {}), flags=row.get("flags", {}),
                        meta=row.get("meta", {}))


def heatmap_matrix(results: Sequence[ReviewResult], taxonomy: Taxonomy) -> dict[str, Any]:
    """Aspect × polarity counts: rows are aspect labels, columns negative/neutral/positive."""
    from medtune.sentiment.summary import aspect_table

    table = aspect_table([r.aspects for r in results], taxonomy)
    return {"aspects": [row["label"] for row in table], "polarities": list(LABELS),
            "counts": [[row[p] for p in LABELS] for row in table]}


def drilldown_rows(results: Sequence[ReviewResult]) -> list[dict[str, Any]]:
    return [{"id": r.id, "overall": r.overall, "intensity": r.intensity, "score": r.score,
             "aspects": ", ".join(f"{a}: {p}" for a, p in r.aspects.items()),
             "dissatisfied": bool(r.flags.get("dissatisfaction")),
             "medication negative": bool(r.flags.get("medication_negative")),
             **{k: v for k, v in r.meta.items() if k in ("date", "site", "drug", "condition", "label")},
             "text": r.text} for r in results]


def export_rows(results: Sequence[ReviewResult]) -> list[dict[str, Any]]:
    """The CLI's JSON line per review, with the review's context."""
    return [{**r.to_line(), "score": r.score, "flags": r.flags, "meta": r.meta, "text": r.text} for r in results]


def compare(results_by_model: dict[str, Sequence[str]]) -> dict[str, Any]:
    from medtune.sentiment.summary import compare_models

    if len(results_by_model) < 2:
        raise ConfigError("pick at least two models (or a model and the dataset's labels) to compare")
    return compare_models({name: list(labels) for name, labels in results_by_model.items()})
