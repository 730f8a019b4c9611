"""Typed errors with a reason code and a one-line hint, shown alike in the UI, the CLI and job status.

Reason codes follow the job failure taxonomy: the CLI and job status use `reason`, `message` and `hint`.
The UI shows the reason as a plain title (`TITLES`: "Problem with the data", not "DATA") and a hint in its
own terms (`ui_hint`): a hint written for the command line (`medtune data validate FILE --task T`, a
`--flag`) is replaced there by the reason's UI hint (`UI_HINTS`), which says where in the app to act.
"""

from __future__ import annotations

import re
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

#: What the UI calls each reason (issue 21.4: the reason code is developer text).
TITLES = {
    Reason.DATA: "Problem with the data",
    Reason.CONFIG: "Problem with the settings",
    Reason.OOM: "Out of memory",
    Reason.CANCELLED: "Cancelled",
    Reason.WORKER_LOST: "The job stopped unexpectedly",
    Reason.NOT_AVAILABLE: "Not available here",
    Reason.INTERNAL: "Something went wrong",
}

#: The default hints in the UI's own terms: where in the app to act, not which command to type.
UI_HINTS = {
    Reason.DATA: "Check the file or dataset named above: the Datasets page's Upload tab lists every problem row "
                 "of a file before anything is stored.",
    Reason.CONFIG: "Change the setting named above and try again; each field's help (?) says what it accepts.",
    Reason.OOM: "Lower the batch size or the maximum length, or choose LoRA or QLoRA instead of full tuning.",
    Reason.CANCELLED: "Resume it on the Jobs page, which says whether it continues from a checkpoint.",
    Reason.WORKER_LOST: "Resume it on the Jobs page, which says whether it continues from a checkpoint.",
    Reason.NOT_AVAILABLE: "It is not available on this machine; the message above says how to get it.",
    Reason.INTERNAL: "An unexpected error; the job's log (Jobs page) or the server's log has the details.",
}

#: Commands the app has a button or page for, as the UI names them; applied to a hint before CLI_SYNTAX.
CLI_TO_UI = [
    (re.compile(r"`medtune jobs resume [^`]*`"), "Resume (Jobs page)"),
    (re.compile(r"`medtune jobs list`"), "The Jobs page"),
    (re.compile(r"`medtune data validate [^`]*`"), "The Datasets page's Upload tab"),
    (re.compile(r"`medtune kb stats`"), "the Knowledge base page"),
]
#: A hint written for the command line: a `medtune ...` command or a --flag.
CLI_SYNTAX = re.compile(r"`medtune\b|(?<![\w-])--[a-z]")


def reason_of(value: str | Reason | None) -> Reason:
    """The Reason of a code from a status file or an API error ("DATA"); INTERNAL for anything unknown."""
    try:
        return Reason(value)
    except ValueError:
        return Reason.INTERNAL


def title_for(reason: str | Reason | None) -> str:
    """The UI's title of a reason code; an unknown code (an API-only one such as TOO_LARGE) is shown as is."""
    try:
        return TITLES[Reason(reason)]
    except ValueError:
        return str(reason or TITLES[Reason.INTERNAL])


def ui_hint_for(reason: str | Reason | None, hint: str | None) -> str:
    """`hint` in the UI's terms: commands the app has a page for are named by that page; a hint that is still
    command-line syntax, a default CLI hint or none at all gives way to the reason's UI hint."""
    if not hint or hint in DEFAULT_HINTS.values():
        return UI_HINTS[reason_of(reason)]
    for command, page in CLI_TO_UI:
        hint = command.sub(page, hint)
    return UI_HINTS[reason_of(reason)] if CLI_SYNTAX.search(hint) else hint


class MedtuneError(Exception):
    """An error a user can act on. `str(err)` is the message; `hint` says what to do next."""

    reason: Reason = Reason.INTERNAL

    def __init__(self, message: str, hint: str | None = None, reason: Reason | None = None):
        super().__init__(message)
        if reason is not None:
            self.reason = reason
        self.message = message
        self.hint = hint or DEFAULT_HINTS[self.reason]

    @property
    def title(self) -> str:
        """The reason as the UI names it ("Problem with the data")."""
        return TITLES[self.reason]

    @property
    def ui_hint(self) -> str:
        """The hint in the UI's terms (see the module docstring); the CLI prints `hint`."""
        return ui_hint_for(self.reason, self.hint)

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
