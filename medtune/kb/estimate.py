"""What a build of each built-in source would do: its chunks, how many are stored, and how long the rest takes.

The Build tab offers by default only the sources that are not built yet and shows these figures, so a click
never starts an 11-minute MedQuAD build by surprise (issue 21). Counting a source's chunks means chunking
all of it (8 s for MedQuAD's 40k chunks on this machine), so the count is cached per source under
MEDTUNE_HOME/cache, keyed by the size and mtime of the dataset files it was read from, and a build's own
record (`build_state.json`, which holds each source's planned total) is used first when it is there.
The time is the remaining chunks over the last build's measured throughput on this store, or the figure
measured on the 2-core reference machine (docs/KNOWLEDGE_BASE.md) before any build has run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtune.io import atomic_write_json, read_json
from medtune.kb.sources import BUILTIN_SOURCES
from medtune.kb.store import KnowledgeBase
from medtune.settings import get_settings

#: chunks/s of a build on the 2-core reference machine (40.8–41.9 in docs/KNOWLEDGE_BASE.md)
DEFAULT_CHUNKS_PER_S = 40.0
#: model loading and chunking before the first batch, measured at 5–10 s; the estimate adds it once
STARTUP_S = 10.0
#: the datasets each source reads (their files' size and mtime key the cached chunk count)
SOURCE_DATASETS = {"medquad": ("medquad",), "dailymed": ("dailymed_labels",), "pubmed": ("pubmedqa", "bioasq_yn")}
SPEED_FILE = "build_speed.json"
_COUNTS: dict[tuple[str, str], int] = {}


@dataclass(frozen=True)
class SourcePlan:
    name: str
    chunks: int  # chunks a full build of the source contributes
    stored: int  # of those, in the store now
    chunks_per_s: float

    @property
    def remaining(self) -> int:
        return max(self.chunks - self.stored, 0)

    @property
    def built(self) -> bool:
        return self.chunks > 0 and self.remaining == 0

    @property
    def estimate_s(self) -> float:
        return 0.0 if self.built else STARTUP_S + self.remaining / max(self.chunks_per_s, 1e-6)


def source_plans(kb: KnowledgeBase | None = None) -> dict[str, SourcePlan]:
    """Every built-in source's plan, in build order."""
    from medtune.kb.build import build_progress

    kb = kb or KnowledgeBase.open()
    stored = {name: entry["chunks"] for name, entry in kb.stats()["sources"].items()}
    recorded = build_progress(kb)
    speed = build_speed(kb)
    plans = {}
    for name in BUILTIN_SOURCES:
        total = (recorded.get(name) or {}).get("total")
        chunks = int(total) if isinstance(total, int) and total > 0 else source_chunk_count(name)
        plans[name] = SourcePlan(name, chunks, min(stored.get(name, 0), chunks), speed)
    return plans


def default_selection(plans: dict[str, SourcePlan], running: set[str] = frozenset()) -> list[str]:
    """What the Build tab preselects: sources not fully built that no running build is already ingesting."""
    return [name for name, plan in plans.items() if not plan.built and name not in running and plan.chunks]


def source_chunk_count(name: str) -> int:
    """Chunks a full build of `name` makes, from the cache when its dataset files are unchanged."""
    from medtune.kb.build import plan

    fingerprint = _fingerprint(name)
    if (name, fingerprint) in _COUNTS:
        return _COUNTS[(name, fingerprint)]
    cache_path = get_settings().home / "cache" / "kb_source_chunks.json"
    cache = read_json(cache_path, default={}) or {}
    entry = cache.get(name) or {}
    if entry.get("fingerprint") == fingerprint and isinstance(entry.get("chunks"), int):
        count = entry["chunks"]
    else:
        try:
            count = len(plan([name])[name])
        except Exception:  # a source whose data is not here: nothing to build from it
            count = 0
        cache[name] = {"fingerprint": fingerprint, "chunks": count}
        atomic_write_json(cache_path, cache)
    _COUNTS[(name, fingerprint)] = count
    return count


def _fingerprint(name: str) -> str:
    from medtune.data.registry import available_splits, get_dataset

    parts = []
    for dataset in SOURCE_DATASETS.get(name, ()):
        try:
            files = available_splits(get_dataset(dataset))
        except Exception:  # not registered or not here: part of the fingerprint as such
            parts.append(f"{dataset}:-")
            continue
        for split, path in sorted(files.items()):
            st = Path(path).stat()
            parts.append(f"{dataset}:{split}:{Path(path).resolve()}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


# --- throughput --------------------------------------------------------------------------------------------


def build_speed(kb: KnowledgeBase) -> float:
    """chunks/s of the last build on this store that embedded enough chunks to time, else the default."""
    record = read_json(_speed_path(kb), default={}) or {}
    speed = record.get("chunks_per_s")
    return float(speed) if isinstance(speed, (int, float)) and speed > 0 else DEFAULT_CHUNKS_PER_S


def record_build_speed(kb: KnowledgeBase, report: Any, min_chunks: int = 256) -> None:
    """Remember a build's throughput (only a build that embedded `min_chunks`: a few chunks time nothing)."""
    if report.added >= min_chunks and report.chunks_per_s > 0:
        atomic_write_json(_speed_path(kb), {"chunks_per_s": round(report.chunks_per_s, 1), "added": report.added,
                                            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})


def _speed_path(kb: KnowledgeBase) -> Path:
    return kb.path / f"{kb.collection_name}.{SPEED_FILE}"


def format_duration(seconds: float) -> str:
    """'under a minute', 'about 4 min', 'about 1 h 20 min'."""
    if seconds < 60:
        return "under a minute"
    minutes = round(seconds / 60)
    return f"about {minutes} min" if minutes < 60 else f"about {minutes // 60} h {minutes % 60:02d} min"


def running_builds() -> dict[str, str]:
    """{source: job id} of the kb_build jobs queued or running now (their sources are not offered again)."""
    from medtune.jobs.manager import list_jobs
    from medtune.kb.sources import resolve_sources

    running: dict[str, str] = {}
    for job in list_jobs(kind="kb_build"):
        if job.active:
            for name in resolve_sources(job.config.get("sources")):
                running.setdefault(name, job.id)
    return running
