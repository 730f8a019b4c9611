"""Building the knowledge base from its trusted sources: resumable, with progress, never duplicating chunks.

`build(sources, progress_cb, should_stop)` chunks every document first (seconds for all of MedQuAD), so the
progress bar counts chunks, then adds them in batches of 512: one embedding call per batch (it sorts the
batch's chunks by length, so little compute goes to padding) on every core, one Chroma `add`. When the build
has added chunks it also builds the BM25 index once at the end, so the first query does not pay for it (and
no lexical index is ever rebuilt per batch). After each batch it records how far it got in
`build_state.json` (atomic rewrite); a build killed at any point — even between Chroma's write and that
record — resumes where it stopped, because chunk ids are deterministic and ids already stored are skipped
before anything is embedded. `run_job(ctx)` is the `kb_build` job kind (medtune.jobs.kinds).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from medtune.errors import CancelledError, ConfigError
from medtune.io import atomic_write_json, read_json
from medtune.kb.estimate import record_build_speed
from medtune.kb.sources import BUILTIN_SOURCES, resolve_sources
from medtune.kb.store import AddReport, ChunkRow, KnowledgeBase, chunk_document

BATCH_CHUNKS = 512
STATE_FILE = "build_state.json"

ProgressCallback = Callable[[dict[str, Any]], None]


@dataclass
class BuildReport:
    sources: list[str]
    total_chunks: int = 0
    added: int = 0
    skipped: int = 0
    seconds: float = 0.0
    add_seconds: float = 0.0
    embed_seconds: float = 0.0
    lexical_seconds: float = 0.0
    threads: int = 0
    stopped: bool = False
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def chunks_per_s(self) -> float:
        """Throughput of the chunks actually embedded and stored (skipped ones cost almost nothing)."""
        return self.added / self.add_seconds if self.add_seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "chunks_per_s": round(self.chunks_per_s, 1)}


def plan(sources: list[str], limit: int | None = None) -> dict[str, list[ChunkRow]]:
    """Every chunk each source will contribute, in a fixed order (the resumable unit of work). Sources give
    unique document ids; a repeated chunk id is still dropped here, since one would abort Chroma's batch."""
    work = {}
    for name in sources:
        rows = (row for doc in BUILTIN_SOURCES[name](limit=limit) for row in chunk_document(doc))
        work[name] = list({row.id: row for row in rows}.values())
    return work


def build(sources: list[str] | None = None, progress_cb: ProgressCallback | None = None,
          should_stop: Callable[[], bool] | None = None, *, kb: KnowledgeBase | None = None,
          limit: int | None = None, batch_chunks: int = BATCH_CHUNKS) -> BuildReport:
    """Ingest built-in sources into the knowledge base. `limit` caps documents per source (tests, demos)."""
    from medtune.kb.embedding import bulk_threads

    names = resolve_sources(sources)
    kb = kb or KnowledgeBase.open()
    started = time.perf_counter()
    with _build_lock(kb.path), bulk_threads() as threads:
        work = plan(names, limit)
        report = BuildReport(sources=names, total_chunks=sum(len(rows) for rows in work.values()), threads=threads)
        state = _load_state(kb, work)
        done = sum(min(state.get(n, {}).get("done", 0), len(rows)) for n, rows in work.items())
        for name, rows in work.items():
            _emit(progress_cb, report, done, name)
            start = min(state.get(name, {}).get("done", 0), len(rows))
            report.skipped += start  # recorded as stored by an earlier run of this build
            for offset in range(start, len(rows), batch_chunks):
                if should_stop and should_stop():
                    report.stopped = True
                    break
                batch = rows[offset:offset + batch_chunks]
                step = _add_batch(kb, batch)
                report.added += step.added
                report.skipped += step.skipped
                report.add_seconds += step.seconds
                report.embed_seconds += step.embed_seconds
                done += len(batch)
                state[name] = {"done": offset + len(batch), "total": len(rows)}
                _save_state(kb, state)
                _emit(progress_cb, report, done, name)
            report.per_source[name] = {"chunks": len(rows), "done": state.get(name, {}).get("done", 0)}
            if report.stopped:
                break
        if report.added and not report.stopped:
            t0 = time.perf_counter()
            kb.lexical()  # built once here from the stored chunks and saved; queries load it
            report.lexical_seconds = time.perf_counter() - t0
        record_build_speed(kb, report)  # the Build tab's time estimates use it
    report.seconds = time.perf_counter() - started
    return report


def _add_batch(kb: KnowledgeBase, rows: list[ChunkRow]) -> AddReport:
    from medtune.kb.embedding import embed

    started = time.perf_counter()
    present = kb.existing_ids([r.id for r in rows])
    new = [r for r in rows if r.id not in present]
    embed_seconds = 0.0
    if new:
        t0 = time.perf_counter()
        vectors = embed([r.indexed_text for r in new])
        embed_seconds = time.perf_counter() - t0
        kb.add_chunks(new, vectors)
    return AddReport(chunks=len(rows), added=len(new), skipped=len(rows) - len(new),
                     seconds=time.perf_counter() - started, embed_seconds=embed_seconds)


def _emit(progress_cb: ProgressCallback | None, report: BuildReport, done: int, source: str) -> None:
    if progress_cb is not None:
        progress_cb({"step": done, "total_steps": report.total_chunks, "source": source, "added": report.added,
                     "skipped": report.skipped, "chunks_per_s": round(report.chunks_per_s, 1)})


# --- state and lock ----------------------------------------------------------------------------------------


def _state_path(kb: KnowledgeBase) -> Path:
    return kb.path / f"{kb.collection_name}.{STATE_FILE}"


def _load_state(kb: KnowledgeBase, work: dict[str, list[ChunkRow]]) -> dict[str, dict[str, int]]:
    """Progress recorded by an earlier run, trusted only where its chunk count matches today's plan and its
    last recorded chunk really is stored (a wiped or different collection starts over, and still skips
    whatever is already there)."""
    state = read_json(_state_path(kb), default={}) or {}
    trusted = {}
    for name, rows in work.items():
        entry = state.get(name) or {}
        done = int(entry.get("done", 0))
        if entry.get("total") == len(rows) and 0 < done <= len(rows) and kb.existing_ids([rows[done - 1].id]):
            trusted[name] = {"done": done, "total": len(rows)}
    return trusted


def _save_state(kb: KnowledgeBase, state: dict[str, dict[str, int]]) -> None:
    atomic_write_json(_state_path(kb), state)


def build_progress(kb: KnowledgeBase | None = None) -> dict[str, dict[str, int]]:
    """What the last build recorded: {source: {"done", "total"}} (for the page and `kb stats`)."""
    kb = kb or KnowledgeBase.open()
    return read_json(_state_path(kb), default={}) or {}


@contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """One build per knowledge base at a time. flock is released by the OS when the holder dies, even by
    SIGKILL, so a killed build never leaves a stale lock behind."""
    path.mkdir(parents=True, exist_ok=True)
    with open(path / "build.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            raise ConfigError(f"a knowledge-base build is already running on {path} (pid {fh.read().strip() or '?'})",
                              hint="Wait for it to finish (`medtune kb stats` shows progress) or stop it first.") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield


# --- the kb_build job kind ---------------------------------------------------------------------------------


def validate_config(config: dict[str, Any]) -> None:
    resolve_sources(config.get("sources"))
    limit = config.get("limit")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ConfigError(f"kb_build field 'limit' must be a positive integer, got {limit!r}")


def run_job(ctx: Any) -> None:
    """Job kind `kb_build`: config {kind: kb_build, sources: [medquad, ...] | null, limit: int | null}."""
    config = ctx.config
    validate_config(config)

    def progress(info: dict[str, Any]) -> None:
        ctx.update(step=info["step"], total_steps=info["total_steps"], message=f"ingesting {info['source']}",
                   chunks_per_s=info["chunks_per_s"])
        ctx.log_metrics({"step": info["step"], "added": info["added"], "chunks_per_s": info["chunks_per_s"]})

    report = build(config.get("sources"), progress, ctx.cancel_requested, limit=config.get("limit"))
    if report.stopped:
        raise CancelledError(f"knowledge-base build stopped after {report.added} new chunks; resume to continue")
    ctx.update(message=f"{report.added} chunks added, {report.skipped} already present",
               chunks_per_s=round(report.chunks_per_s, 1))


run = run_job
