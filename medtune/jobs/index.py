"""A small SQLite index over the job directories: fast filtering and sorting, never the source of truth.

Each row caches one directory's config and status with a stamp of the status file (mtime, inode, size);
`sync` re-reads only the directories whose status changed (one stat per job), adds new ones and drops
vanished ones, so the index cannot disagree with the files for longer than one call. It can be deleted at
any time: `rebuild` (or the next `sync`) recreates it from the directories, and a damaged database file is
rebuilt on sight.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from medtune.errors import ConfigError
from medtune.jobs import store

INDEX_FILE = "index.sqlite"
SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    dir TEXT NOT NULL,
    kind TEXT, name TEXT, grp TEXT, model TEXT,
    state TEXT, reason TEXT,
    created_at REAL, started_at REAL, ended_at REAL, progress REAL,
    status_stamp TEXT,
    config_json TEXT NOT NULL,
    status_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
CREATE INDEX IF NOT EXISTS jobs_grp ON jobs(grp);
"""


def index_path(root: Path | None = None) -> Path:
    return (store.runs_dir() if root is None else root) / INDEX_FILE


class IndexUnusable(ConfigError, sqlite3.OperationalError):
    """The index path is taken by something that is not a file (a folder, a device): medtune will not delete
    it. Readers fall back to scanning the job folders (it is an `sqlite3.Error`); `medtune jobs reindex`
    reports it in one line (it is a `ConfigError`)."""


@contextlib.contextmanager
def connect(root: Path | None = None) -> Iterator[sqlite3.Connection]:
    """An open index, created or rebuilt as needed; a damaged or foreign file is replaced."""
    path = index_path(root)
    if path.exists() and not path.is_file():
        raise IndexUnusable(f"the job index {path} is not a file (it is a folder or a device)",
                            hint=f"Move or delete {path}; medtune rebuilds the index from the job folders.")
    try:
        conn = _open(path)
    except sqlite3.DatabaseError:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        conn = _open(path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10)
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            conn.executescript(f"DROP TABLE IF EXISTS jobs; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION};")
        conn.execute("SELECT count(*) FROM jobs").fetchone()
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


def rebuild(root: Path | None = None) -> int:
    """Drop every row and re-read all job directories; returns how many jobs the index now holds."""
    with connect(root) as conn:
        conn.execute("DELETE FROM jobs")
    return sync(root)


def sync(root: Path | None = None) -> int:
    """Bring the index up to date with the directories; returns the number of jobs."""
    root = store.runs_dir() if root is None else root
    with connect(root) as conn:
        known = {row[0]: row[1] for row in conn.execute("SELECT id, status_stamp FROM jobs")}
        seen = set()
        for job_dir in store.iter_job_dirs(root, include_incomplete=True):
            seen.add(job_dir.name)
            stamp = _stamp(job_dir / store.STATUS_FILE)
            if known.get(job_dir.name) != stamp:
                upsert(conn, job_dir, stamp=stamp)
        gone = [job_id for job_id in known if job_id not in seen]
        conn.executemany("DELETE FROM jobs WHERE id = ?", [(job_id,) for job_id in gone])
        return len(seen)


def upsert(conn: sqlite3.Connection, job_dir: Path, status: dict[str, Any] | None = None,
           stamp: str | None = None) -> None:
    """Write one directory's row (reading config and status unless given)."""
    config = store.read_config_or_stub(job_dir)  # a hand-damaged config must not hide the other jobs
    status = store.read_status(job_dir) if status is None else status
    stamp = _stamp(job_dir / store.STATUS_FILE) if stamp is None else stamp
    conn.execute(
        "INSERT OR REPLACE INTO jobs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (job_dir.name, str(job_dir), config.get("kind"), config.get("name"), config.get("group"),
         _text(config.get("model")), status.get("state"), status.get("reason"), status.get("created_at"),
         status.get("started_at"), status.get("ended_at"), status.get("progress"), stamp,
         json.dumps(config, default=str), json.dumps(status, default=str)),
    )


def query(root: Path | None = None, *, state: str | None = None, group: str | None = None,
          kind: str | None = None, limit: int | None = None) -> list[tuple[Path, dict[str, Any], dict[str, Any]]]:
    """(dir, config, status) rows, newest first, filtered by state / group / kind."""
    clauses, params = [], []
    for column, value in (("state", state), ("grp", group), ("kind", kind)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    sql = "SELECT dir, config_json, status_json FROM jobs"
    sql += (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY created_at DESC, id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    with connect(root) as conn:
        rows = conn.execute(sql, params).fetchall()
    return [(Path(d), json.loads(c), json.loads(s)) for d, c, s in rows]


def _stamp(path: Path) -> str:
    """Changes whenever the file is replaced: every atomic rewrite makes a new inode, even within one
    mtime tick."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{st.st_mtime_ns}:{st.st_ino}:{st.st_size}"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
