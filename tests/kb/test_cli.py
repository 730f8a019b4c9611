"""`medtune kb` through real subprocesses: add, query (text and JSONL), stats, build, errors.

Each command is a new process, so these also check that a persisted collection reopens in a new process
(the registered embedding function is rebuilt from the stored config)."""

from __future__ import annotations

import json

import pytest

from tests.kb.conftest import run_cli

NOTE = """# Clinic travel advice

Travellers to malaria areas should start prophylaxis before departure. Mosquito nets treated with
insecticide lower the risk of bites at night. Yellow fever vaccination must be given at least ten days
before travel.
"""


def test_add_query_stats_and_jsonl(tmp_path, medtune_home):
    note = tmp_path / "travel.md"
    note.write_text(NOTE)
    added = run_cli("kb", "add", str(note), "--json")
    assert added.returncode == 0, added.stderr
    report = json.loads(added.stdout)
    assert report["documents"] == 1 and report["added"] >= 1

    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "q1", "text": "when to get the yellow fever vaccine"}\n'
                       '{"id": 2, "text": "bed nets against mosquitoes"}\n')
    out = tmp_path / "out.jsonl"
    ran = run_cli("kb", "query", "--input", str(queries), "--output", str(out), "--k", "2")
    assert ran.returncode == 0, ran.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["q1", 2]
    for row in rows:
        assert row["latency_ms"] > 0 and 1 <= len(row["results"]) <= 2
        assert set(row["results"][0]) >= {"text", "source", "url", "score"}
        assert row["results"][0]["source"] == "user"
    assert "Yellow fever vaccination" in rows[0]["results"][0]["text"]

    one = run_cli("kb", "query", "malaria prophylaxis", "--json", "--k", "1")
    assert one.returncode == 0, one.stderr
    payload = json.loads(one.stdout)
    assert payload["results"][0]["title"] == "Clinic travel advice"

    stats = run_cli("kb", "stats", "--json")
    assert stats.returncode == 0
    assert json.loads(stats.stdout)["sources"]["user"]["documents"] == 1


def test_errors_are_one_line_without_traceback(tmp_path, medtune_home):
    missing = run_cli("kb", "add", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "nope.txt: no such file" in missing.stderr

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "ok"}\nnot json\n')
    broken = run_cli("kb", "query", "--input", str(bad))
    assert broken.returncode == 2 and "Traceback" not in broken.stderr and "not valid JSONL" in broken.stderr

    unknown = run_cli("kb", "build", "--source", "wikipedia")
    assert unknown.returncode == 2 and "unknown knowledge-base source 'wikipedia'" in unknown.stderr


@pytest.mark.needs_shared_data
def test_build_cli_small(shared_data, medtune_home):
    ran = run_cli("kb", "build", "--source", "dailymed", "--limit", "3", "--json")
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert report["sources"] == ["dailymed"] and report["added"] == report["total_chunks"] > 0
