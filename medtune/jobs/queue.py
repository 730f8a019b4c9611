"""A queue without a daemon: each worker waits for a slot itself.

Slots are `runs/.queue/slot-N.lock` files (N < settings.max_parallel_jobs) held with an exclusive fcntl lock
for as long as a job runs; the kernel releases the lock when the worker exits, however it dies, so a slot
can never leak. Waiting workers leave a ticket in `runs/.queue/waiting/` named by their queue time and only
the oldest live tickets may take a free slot, so jobs start in the order they were submitted (the launcher
writes the ticket before the worker starts, see `enqueue`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from medtune.errors import CancelledError
from medtune.jobs import liveness, store
from medtune.settings import get_settings

POLL_S = 0.2
HEARTBEAT_S = 60.0


def queue_dir() -> Path:
    path = store.runs_dir() / ".queue"
    (path / "waiting").mkdir(parents=True, exist_ok=True)
    return path


def ticket_name(job_dir: Path, queued_at: float) -> str:
    return f"{queued_at:017.6f}-{Path(job_dir).name}"


def enqueue(job_dir: Path) -> Path:
    """Leave the job's ticket in the waiting room. The launcher does this before starting the worker, so
    a job submitted later can never overtake one whose worker is still starting up."""
    status = store.read_status(job_dir)
    ticket = queue_dir() / "waiting" / ticket_name(job_dir, float(status.get("queued_at") or time.time()))
    ticket.write_text(str(Path(job_dir).absolute()), encoding="utf-8")
    return ticket


@contextlib.contextmanager
def slot(job_dir: Path, should_stop: Callable[[], bool]) -> Iterator[int]:
    """Wait until this job may run, then hold a slot until the block ends. Raises CancelledError when
    `should_stop()` turns true while waiting."""
    ticket = enqueue(job_dir)
    handle = None
    last_beat = time.monotonic()
    try:
        while handle is None:
            if should_stop():
                raise CancelledError("cancelled while waiting in the queue")
            if time.monotonic() - last_beat > HEARTBEAT_S:  # shows readers on other hosts that we still wait
                store.transition(job_dir, ("queued",))
                last_beat = time.monotonic()
            if _ahead_of(ticket) < get_settings().max_parallel_jobs:
                handle = _take_free_slot()
            if handle is None:
                time.sleep(POLL_S)
        ticket.unlink(missing_ok=True)
        yield handle[0]
    finally:
        ticket.unlink(missing_ok=True)
        if handle is not None:
            os.close(handle[1])


def _ahead_of(ticket: Path) -> int:
    """How many live jobs queued before this one still wait; tickets of dead or finished jobs are removed."""
    ahead = 0
    for other in sorted(ticket.parent.iterdir()):
        if other.name >= ticket.name:
            break
        try:
            job_dir = Path(other.read_text(encoding="utf-8").strip())
        except FileNotFoundError:
            continue
        status = liveness.refresh(job_dir) if store.is_job_dir(job_dir) else {"state": "gone"}
        current = ticket_name(job_dir, float(status.get("queued_at") or 0.0))
        if status.get("state") in store.ACTIVE_STATES and other.name == current:
            ahead += 1
        else:  # a finished or dead job, or a ticket left by an earlier attempt of a resumed job
            other.unlink(missing_ok=True)
    return ahead


def _take_free_slot() -> tuple[int, int] | None:
    """(slot number, open fd holding its lock) for the first free slot, or None when all are taken."""
    root = queue_dir()
    for number in range(get_settings().max_parallel_jobs):
        fd = os.open(root / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return number, fd
    return None
