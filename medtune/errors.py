"""Typed errors with a reason code and a one-line hint, shown alike in the UI, the CLI and job status.

Reason codes follow the job failure taxonomy: a UI or CLI only needs `reason`, `message` and `hint`.
"""

from __future__ import annotations

from enum import Enum


class Reason(str, Enum):
    DATA = "DATA"
    CONFIG = "CONFIG"
    OOM = "OOM"
    CANCELLED = "CANCELLED"
    WORKER_LOST = "WORKER_LOST"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    INTERNAL = "INTERNAL"


DEFAULT_HINTS = {
    Reason.DATA: "Check the dataset or file named above; `medtune data validate FILE --task T` lists row errors.",
    Reason.CONFIG: "Fix the field named above in the config; `medtune train --help` lists every option.",
    Reason.OOM: "Out of memory: lower the batch size or max length, or use LoRA/QLoRA instead of full tuning.",
    Reason.CANCELLED: "The job was cancelled; `medtune jobs resume ID` continues from the last checkpoint.",
    Reason.WORKER_LOST: "The worker process died; `medtune jobs resume ID` continues from the last checkpoint.",
    Reason.NOT_AVAILABLE: "It is not available here; see the message for how to get it.",
    Reason.INTERNAL: "An unexpected error; the job log has the traceback.",
}


class MedtuneError(Exception):
    """An error a user can act on. `str(err)` is the message; `hint` says what to do next."""

    reason: Reason = Reason.INTERNAL

    def __init__(self, message: str, hint: str | None = None, reason: Reason | None = None):
        super().__init__(message)
        if reason is not None:
            self.reason = reason
        self.message = message
        self.hint = hint or DEFAULT_HINTS[self.reason]

    def to_dict(self) -> dict[str, str]:
        return {"reason": self.reason.value, "message": self.message, "hint": self.hint}


class DataError(MedtuneError):
    reason = Reason.DATA


class ConfigError(MedtuneError):
    reason = Reason.CONFIG


class NotAvailableError(MedtuneError):
    """A dataset, model or service that cannot be reached here (offline, file missing, no key)."""

    reason = Reason.NOT_AVAILABLE


class CancelledError(MedtuneError):
    reason = Reason.CANCELLED
