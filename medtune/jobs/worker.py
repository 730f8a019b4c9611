"""The job worker: `python -m medtune.jobs.worker JOB_DIR [--resume]`.

Launched detached by `medtune.jobs.manager` with its output going to JOB_DIR/log.txt. It records who it is
(pid + start time), validates the config, waits for a queue slot, runs the kind's `run(ctx)` and ends the
job with one terminal status: `succeeded`, `cancelled`, or `failed` with a reason — the kind's MedtuneError
reason, OOM for any out-of-memory error, INTERNAL (traceback in log.txt) for anything else.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from medtune.errors import DEFAULT_HINTS, CancelledError, MedtuneError, Reason
from medtune.jobs import kinds, liveness, queue, store
from medtune.jobs.context import JobContext

WATCHDOG_POLL_S = 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medtune.jobs.worker", description=__doc__.splitlines()[0])
    parser.add_argument("job_dir", type=Path)
    parser.add_argument("--resume", action="store_true", help="continue from the newest complete checkpoint")
    args = parser.parse_args(argv)
    from medtune.models.batch_inference import reuse_freed_memory

    reuse_freed_memory()  # a job worker is a batch process: set the allocator once, at start-up
    return run_job(args.job_dir, resume=args.resume)


def run_job(job_dir: Path, resume: bool = False) -> int:
    """Run one job to its end in this process; returns 0 when it succeeded, 1 otherwise."""
    job_dir = Path(job_dir).absolute()
    store.update_status(job_dir, **liveness.process_identity())
    say(f"job {job_dir.name}: worker pid {os.getpid()} ({'resume' if resume else 'start'})")
    with sigterm_as_cancel():
        state, fields = _run_to_end(job_dir, resume)
    say(f"job {job_dir.name}: {state}" + (f" [{fields['reason']}] {fields['message']}" if fields["reason"] else ""))
    return 0 if state == "succeeded" else 1


def _run_to_end(job_dir: Path, resume: bool) -> tuple[str, dict[str, Any]]:
    try:
        config = store.read_config(job_dir)
        run, validate = kinds.resolve(kinds.kind_of(config))
        if validate is not None:
            validate(config)  # before queueing: a broken config fails now, not after the jobs ahead of it
        ctx = JobContext(job_dir, config, resume=resume)
        with _slot(job_dir, ctx) as slot:
            if not store.transition(job_dir, ("queued",), state="running", started_at=time.time(), slot=slot):
                raise CancelledError("the job was ended by someone else while it waited in the queue")
            say(f"job {job_dir.name}: running (slot {slot})")
            outcome = _run_kind(run, ctx)
            if outcome[1].get("reason") in (Reason.CANCELLED.value, Reason.WORKER_LOST.value):
                outcome[1]["hint"] = store.resume_hint(job_dir)  # say what a resume would really do
            # Still holding the slot: the next job starts only once this one has its final status.
            store.finish(job_dir, outcome[0], **outcome[1])
            return outcome
    except BaseException as err:  # every way out must end in a terminal status
        outcome = _failure(err)
        store.finish(job_dir, outcome[0], **outcome[1])
        return outcome


@contextlib.contextmanager
def _slot(job_dir: Path, ctx: JobContext) -> Iterator[int | str]:
    """The local queue's slot; a job on a Ray cluster was scheduled by Ray already (medtune.jobs.ray_backend)."""
    if store.read_status(job_dir).get("backend") == "ray":
        ctx.check_cancel()  # cancelled while Ray kept it pending
        yield "ray"
        return
    with queue.slot(job_dir, ctx.cancel_requested) as number:
        yield number


def _run_kind(run: Any, ctx: JobContext) -> tuple[str, dict[str, Any]]:
    try:
        with cancel_watchdog(ctx.job_dir):
            run(ctx)
    except BaseException as err:
        return _failure(err)
    return "succeeded", {"reason": None, "message": "", "hint": "", "progress": 1.0}


def _failure(err: BaseException) -> tuple[str, dict[str, Any]]:
    state, fields = classify(err)
    report(err, fields)
    return state, fields


def classify(err: BaseException) -> tuple[str, dict[str, Any]]:
    """Terminal state and {reason, message, hint} for an exception that ended a job."""
    if isinstance(err, (CancelledError, KeyboardInterrupt)):
        message = err.message if isinstance(err, CancelledError) else "interrupted"
        return "cancelled", {"reason": Reason.CANCELLED.value, "message": message,
                             "hint": DEFAULT_HINTS[Reason.CANCELLED]}
    if isinstance(err, MedtuneError):
        return "failed", err.to_dict()
    if is_out_of_memory(err):
        return "failed", {"reason": Reason.OOM.value, "message": f"out of memory: {one_line(err)}",
                          "hint": DEFAULT_HINTS[Reason.OOM]}
    return "failed", {"reason": Reason.INTERNAL.value, "message": one_line(err),
                      "hint": "An unexpected error; `medtune jobs logs ID` shows the traceback."}


def is_out_of_memory(err: BaseException) -> bool:
    """MemoryError, torch.OutOfMemoryError (= torch.cuda.OutOfMemoryError), or an older torch RuntimeError
    whose text says "out of memory" (CUDA, MPS and cuDNN allocation failures), matched without importing torch."""
    if isinstance(err, MemoryError):
        return True
    if any(cls.__name__ == "OutOfMemoryError" for cls in type(err).__mro__):
        return True
    return isinstance(err, RuntimeError) and "out of memory" in str(err).lower()


def one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}".rstrip(": ")


def report(err: BaseException, fields: dict[str, Any]) -> None:
    """Typed errors get one line in the log; anything else gets its traceback (the log is where to look)."""
    if fields["reason"] in (Reason.INTERNAL.value, Reason.OOM.value):
        traceback.print_exception(err, file=sys.stderr)
        sys.stderr.flush()


def say(message: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"[medtune {stamp}] {message}", flush=True)


@contextlib.contextmanager
def cancel_watchdog(job_dir: Path) -> Iterator[None]:
    """Force a cancel the kind does not honour: after the request's timeout, record `cancelled` and kill
    the worker's process group (a kind stuck in C code never reaches its next step check)."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(WATCHDOG_POLL_S):
            request = store.cancel_request(job_dir)
            if request and time.time() - request["requested_at"] > float(request["timeout_s"]):
                force_stop(job_dir, request)
                return

    thread = threading.Thread(target=watch, name="medtune-cancel-watchdog", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()


def force_stop(job_dir: Path, request: dict[str, Any]) -> None:
    store.finish(job_dir, "cancelled", reason=Reason.CANCELLED.value,
                 message=f"cancelled: the job did not stop within {float(request['timeout_s']):g} s and was killed",
                 hint=store.resume_hint(job_dir))
    say(f"job {job_dir.name}: cancel timeout passed, killing the worker")
    if os.getpgid(0) == os.getpid():  # detached worker: take its children (data loaders...) with it
        os.killpg(os.getpid(), signal.SIGKILL)
    import _thread

    _thread.interrupt_main()  # a foreground run (e.g. `medtune train` without --background): stop politely


@contextlib.contextmanager
def sigterm_as_cancel() -> Iterator[None]:
    """`kill PID` (SIGTERM) cancels the job gracefully instead of leaving it to be found WORKER_LOST."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise CancelledError("cancelled by SIGTERM")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def tee_output(job_dir: Path) -> Iterator[None]:
    """For a foreground run: keep printing to the terminal and also write everything to log.txt."""
    with open(Path(job_dir) / store.LOG_FILE, "a", encoding="utf-8") as log:
        out, err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Tee(out, log), _Tee(err, log)
        try:
            yield
        finally:
            sys.stdout, sys.stderr = out, err


class _Tee:
    def __init__(self, stream: Any, log: Any):
        self._stream, self._log = stream, log

    def write(self, text: str) -> int:
        self._log.write(text)
        return self._stream.write(text)

    def flush(self) -> None:
        self._log.flush()
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


if __name__ == "__main__":
    sys.exit(main())
