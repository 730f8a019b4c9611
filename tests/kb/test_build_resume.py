"""A build killed with SIGKILL midway resumes where it stopped: complete count, no duplicate chunks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.kb.conftest import REPO

pytestmark = pytest.mark.needs_shared_data

LIMIT, BATCH = 6, 4  # 6 MedQuAD answers → a few dozen chunks in batches of 4: many steps to be killed in
CHILD = f"""
from medtune.kb.build import build
build(["medquad"], limit={LIMIT}, batch_chunks={BATCH})
"""


def _state(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def test_build_resumes_after_sigkill(medtune_home, shared_data):
    from medtune.kb.build import build, plan
    from medtune.kb.store import KnowledgeBase

    kb = KnowledgeBase.open()
    planned = [row.id for row in plan(["medquad"], LIMIT)["medquad"]]
    assert len(planned) > 4 * BATCH and len(set(planned)) == len(planned)
    state_file = kb.path / "medtune_kb.build_state.json"

    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=REPO, env=dict(os.environ),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300
        while time.time() < deadline and _state(state_file).get("medquad", {}).get("done", 0) < 2 * BATCH:
            assert child.poll() is None, "the build ended before it could be killed"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    done_at_kill = _state(state_file)["medquad"]["done"]
    assert BATCH <= done_at_kill < len(planned), "killed midway"

    steps = []
    report = build(["medquad"], steps.append, limit=LIMIT, batch_chunks=BATCH)
    assert report.total_chunks == len(planned)
    assert report.skipped >= done_at_kill and report.added == len(planned) - report.skipped
    assert steps[0]["step"] >= done_at_kill  # continued, did not start over
    assert steps[-1]["step"] == len(planned)

    stored = kb.collection.get(include=[])["ids"]
    assert sorted(stored) == sorted(planned)  # complete, and nothing twice
    assert kb.count() == len(planned)

    again = build(["medquad"], limit=LIMIT, batch_chunks=BATCH)  # a finished build is a no-op
    assert again.added == 0 and kb.count() == len(planned)


def test_stop_request_stops_at_a_batch_boundary(medtune_home, shared_data):
    from medtune.kb.build import build

    calls = {"n": 0}

    def stop_after_two() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    report = build(["medquad"], should_stop=stop_after_two, limit=LIMIT, batch_chunks=BATCH)
    assert report.stopped and report.added == 2 * BATCH
    resumed = build(["medquad"], limit=LIMIT, batch_chunks=BATCH)
    assert not resumed.stopped and resumed.added == resumed.total_chunks - 2 * BATCH
