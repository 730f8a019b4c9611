"""Background jobs: one directory per job, run by a detached worker process (see docs/CONTRACTS.md, "Jobs").

- `store`   — the job directory: config, atomic status, metrics, log tail, checkpoints with COMPLETE markers.
- `context` — `JobContext`, what a job kind's `run(ctx)` receives.
- `kinds`   — `JOB_KINDS`: kind name -> "module:function".
- `queue`   — one-at-a-time slots per machine, held with fcntl locks (no daemon).
- `liveness`— is the recorded worker process still the one that runs the job? (pid + start time).
- `worker`  — `python -m medtune.jobs.worker JOB_DIR`: waits for a slot, runs the kind, classifies failures.
- `index`   — a small SQLite index over the directories, rebuildable from them at any time.
- `api`     — submit / get_job / list_jobs / cancel / resume / clone / sweep.
"""
