"""`medtune jobs list|show|logs|cancel|resume|clone|selftest|reindex` — background jobs from the terminal."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from medtune.cli import emit


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("jobs", help="list, inspect, cancel and resume background jobs")
    parser.set_defaults(func=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="jobs_command", metavar="ACTION")

    p = sub.add_parser("list", help="every job, newest first")
    p.add_argument("--state", choices=["queued", "running", "succeeded", "failed", "cancelled"])
    p.add_argument("--group", help="only jobs of this sweep / group")
    p.add_argument("--kind", help="only jobs of this kind (train, eval, selftest ...)")
    p.add_argument("--limit", type=int, help="at most this many")
    _json(p).set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="one job's state, progress and live metrics")
    p.add_argument("id", help="job id, unique id prefix, or job directory")
    _json(p).set_defaults(func=cmd_show)

    p = sub.add_parser("logs", help="the end of a job's log")
    p.add_argument("id")
    p.add_argument("--bytes", type=int, default=20_000, help="how much of the end to show (default 20000)")
    p.add_argument("--follow", "-f", action="store_true", help="keep printing until the job ends")
    p.set_defaults(func=cmd_logs)

    p = sub.add_parser("cancel", help="stop a job at its next step (killed after --timeout seconds)")
    p.add_argument("id")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before the worker is killed")
    p.add_argument("--wait", action="store_true", help="return only once the job has stopped")
    _json(p).set_defaults(func=cmd_cancel)

    p = sub.add_parser("resume", help="continue a failed or cancelled job from its newest complete checkpoint")
    p.add_argument("id")
    p.add_argument("--wait", action="store_true", help="return only once the job has ended")
    _json(p).set_defaults(func=cmd_resume)

    p = sub.add_parser("clone", help="a new job with the same config except the --set fields")
    p.add_argument("id")
    p.add_argument("--set", dest="changes", action="append", default=[], metavar="FIELD=VALUE",
                   help="a changed field (YAML value; dotted names reach nested fields); repeatable")
    _json(p).set_defaults(func=cmd_clone)

    p = sub.add_parser("selftest", help="launch a diagnostic job (counts steps, writes metrics/checkpoints)")
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--sleep", type=float, default=0.2, help="seconds per step")
    p.add_argument("--checkpoint-every", type=int, default=10)
    p.add_argument("--fail-at", type=int, help="fail when reaching this step")
    p.add_argument("--fail-with", default="INTERNAL", help="INTERNAL, DATA, CONFIG, OOM ...")
    p.add_argument("--print-bytes", type=int, default=0, help="extra log output in total")
    p.add_argument("--name", default="selftest")
    p.add_argument("--wait", action="store_true", help="return only once the job has ended")
    _json(p).set_defaults(func=cmd_selftest)

    p = sub.add_parser("reindex", help="rebuild the SQLite job index from the job directories")
    _json(p).set_defaults(func=cmd_reindex)


def _json(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def cmd_list(args: argparse.Namespace) -> int:
    from medtune.jobs import manager, report

    jobs = manager.list_jobs(state=args.state, group=args.group, kind=args.kind, limit=args.limit)
    rows = [report.job_row(job) for job in jobs]
    emit([job.to_dict() for job in jobs], args.json, _table(rows) if rows else "no jobs yet")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from medtune.jobs import manager

    job = manager.get_job(args.id)
    emit(job.to_dict(), args.json, _describe(job))
    return 0


def cmd_logs(args: argparse.Namespace) -> int:
    from medtune.jobs import manager, store

    job = manager.get_job(args.id)
    sys.stdout.write(manager.log_tail(job.dir, args.bytes))
    if not args.follow:
        return 0
    path = job.dir / store.LOG_FILE
    offset = path.stat().st_size if path.exists() else 0
    while True:
        offset = _print_from(path, offset)
        if not manager.get_job(job.dir).active:
            _print_from(path, offset)
            return 0
        time.sleep(0.5)


def _print_from(path: Any, offset: int) -> int:
    if not path.exists():
        return offset
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    sys.stdout.write(data.decode("utf-8", errors="replace"))
    sys.stdout.flush()
    return offset + len(data)


def cmd_cancel(args: argparse.Namespace) -> int:
    from medtune.jobs import manager

    job = manager.cancel(args.id, timeout_s=args.timeout)
    if args.wait:
        job = manager.wait(job.dir, timeout_s=args.timeout + 10)
    text = f"{job.id}: {_state(job)}" + ("" if not job.active else " (cancel requested)")
    emit(job.to_dict(), args.json, text)
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    from medtune.jobs import manager

    job_id = manager.resume(args.id)
    job = manager.wait(job_id) if args.wait else manager.get_job(job_id)
    emit(job.to_dict(), args.json, f"{job.id}: {_state(job)}")
    return 0 if job.state != "failed" else 1


def cmd_clone(args: argparse.Namespace) -> int:
    from medtune.jobs import manager

    changes = manager.parse_changes(args.changes)
    job = manager.get_job(manager.clone(args.id, changes))
    emit(job.to_dict(), args.json, f"{job.id}: {_state(job)} ({job.name})")
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from medtune.jobs import manager

    config = {"kind": "selftest", "name": args.name, "steps": args.steps, "sleep_s": args.sleep,
              "checkpoint_every": args.checkpoint_every, "print_bytes": args.print_bytes}
    if args.fail_at:
        config.update(fail_at=args.fail_at, fail_with=args.fail_with)
    job_id = manager.submit(config)
    job = manager.wait(job_id) if args.wait else manager.get_job(job_id)
    emit(job.to_dict(), args.json, f"{job.id}: {_state(job)}  (watch: medtune jobs show {job.id})")
    return 0 if job.state != "failed" else 1


def cmd_reindex(args: argparse.Namespace) -> int:
    from medtune.jobs import index

    count = index.rebuild()
    emit({"jobs": count, "index": str(index.index_path())}, args.json, f"indexed {count} jobs")
    return 0


def _state(job: Any) -> str:
    from medtune.jobs import report

    return report.state_text(job.status)


def _table(rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    lines = ["  ".join(c.upper().ljust(widths[c]) for c in columns)]
    lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _describe(job: Any) -> str:
    from medtune.jobs import report

    s = job.status
    lines = [
        f"job           {job.id}  ({job.kind}: {job.name})",
        f"state         {report.state_text(s)}",
    ]
    if s.get("message"):
        lines.append(f"message       {s['message']}")
    if s.get("hint") and s.get("state") in ("failed", "cancelled"):
        lines.append(f"hint          {s['hint']}")
    lines.append(f"progress      {report.progress_text(s)}" + (f"  eta {report.format_duration(s.get('eta_s'))}"
                                                          if job.active else ""))
    for key in ("epoch", "loss", "lr", "val_metric", "tokens_per_s", "rss_mb", "gpu_mem_mb"):
        if s.get(key) is not None:
            value = s[key]
            lines.append(f"{key:<13} {value:.6g}" if isinstance(value, float) else f"{key:<13} {value}")
    lines += [
        f"created       {report.format_time(s.get('created_at'))}",
        f"started       {report.format_time(s.get('started_at'))}",
        f"ended         {report.format_time(s.get('ended_at'))}",
        f"dir           {job.dir}",
    ]
    if job.group:
        lines.insert(1, f"group         {job.group}")
    return "\n".join(lines)
