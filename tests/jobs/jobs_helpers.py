"""Shared helpers of the jobs tests: selftest configs, polling, and cleanup of workers a failed test left."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from medtune.jobs import liveness, store

T = TypeVar("T")

#: Generous bounds: the test machine has 2 cores shared with other work, and a worker start takes ~1 s.
START_TIMEOUT_S = 60.0


def selftest(**fields: Any) -> dict[str, Any]:
    return {"kind": "selftest", "steps": 20, "sleep_s": 0.05, **fields}


def wait_until(predicate: Callable[[], T], timeout: float = START_TIMEOUT_S, poll: float = 0.05) -> T:
    """The first truthy value of `predicate()`; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(poll)


@pytest.fixture(autouse=True)
def kill_leftover_workers():
    """A failing test must not leave workers running into the next test's time."""
    yield
    for job_dir in store.iter_job_dirs():
        status = store.read_status(job_dir)
        if status.get("state") in store.ACTIVE_STATES and status.get("pid") and liveness.is_alive(status):
            liveness.kill_worker(int(status["pid"]))
    liveness.reap_children()
