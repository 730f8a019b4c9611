"""The checker end to end on a tiny real knowledge base, with the lexical fallback verifier (no trained model
needed); its CLI in a subprocess, single claim and JSONL in / JSONL out, and its errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.verify.helpers import build_small_kb

REPO = Path(__file__).resolve().parents[2]
GARLIC = "Garlic can completely cure high blood pressure, so you don't need medications"


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny knowledge base for the module (embedding is the slow part on a busy machine)."""
    path = tmp_path_factory.mktemp("verify_kb")
    build_small_kb(path)
    return path


@pytest.fixture
def checker(kb_dir: Path):
    from medtune.kb.store import KnowledgeBase
    from medtune.verify.checker import Checker
    from medtune.verify.model import LexicalFallbackVerifier

    return Checker(kb=KnowledgeBase.open(path=kb_dir), verifier=LexicalFallbackVerifier())


def test_brief_examples_behave(checker) -> None:
    garlic = checker.check(GARLIC)
    assert garlic.verdict == "false" and garlic.band == "red"
    assert [s.text for s in garlic.sentences] == ["Garlic can completely cure high blood pressure",
                                                  "You don't need medications"]
    assert any(e.url.startswith("https://medlineplus.gov") for e in garlic.evidence)
    vitamin = checker.check("Vitamin C prevents COVID-19")
    assert vitamin.verdict != "true" and vitamin.band != "green"


def test_supported_and_refuted_sentences(checker) -> None:
    true = checker.check("High blood pressure usually has no symptoms.")
    assert true.verdict == "true" and true.band == "green" and true.sentences[0].label == "supported"
    negated = checker.check("High blood pressure usually has symptoms.")
    assert negated.verdict == "false" and negated.trust < true.trust
    row = true.to_dict()
    assert {"id", "claim", "verdict", "trust", "band", "evidence", "latency_ms"} <= set(row)
    assert {"text", "source", "url", "score"} <= set(row["evidence"][0])
    assert 0.0 <= row["trust"] <= 1.0 and row["latency_ms"] > 0


def test_personal_identifiers_are_redacted(checker) -> None:
    result = checker.check("My email is jane.doe@example.com and high blood pressure usually has no symptoms.")
    assert "jane.doe@example.com" not in result.claim and result.redacted


def test_empty_knowledge_base_is_unverifiable(medtune_home: Path) -> None:
    from medtune.kb.store import KnowledgeBase
    from medtune.verify.checker import Checker
    from medtune.verify.model import LexicalFallbackVerifier

    result = Checker(kb=KnowledgeBase.open(), verifier=LexicalFallbackVerifier()).check("Vitamin C prevents colds.")
    assert result.verdict == "unverifiable" and "knowledge base" in result.note


def run_cli(*args: str, kb_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MEDTUNE_VERIFIER": "lexical", **({"MEDTUNE_KB_DIR": str(kb_dir)} if kb_dir else {})}
    return subprocess.run([sys.executable, "-m", "medtune", "check", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env=env)


def test_cli_single_and_file(kb_dir: Path, tmp_path: Path) -> None:
    one = run_cli(GARLIC, "--json", kb_dir=kb_dir)
    assert one.returncode == 0, one.stderr
    data = json.loads(one.stdout)
    assert data["verdict"] == "false" and data["band"] == "red" and data["evidence"]
    claims = tmp_path / "claims.jsonl"
    claims.write_text(json.dumps({"id": "a", "claim": "High blood pressure usually has no symptoms."}) + "\n"
                      + json.dumps({"id": "b", "claim": GARLIC}) + "\n")
    out = tmp_path / "checked.jsonl"
    batch = run_cli("--input", str(claims), "--output", str(out), kb_dir=kb_dir)
    assert batch.returncode == 0, batch.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert [r["verdict"] for r in rows] == ["true", "false"]
    for row in rows:
        assert {"id", "claim", "verdict", "trust", "band", "evidence", "latency_ms"} <= set(row)


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "claim": "ok"}\nnot json\n')
    result = run_cli("--input", str(bad))
    assert result.returncode == 2 and "line 2" in result.stderr and "Traceback" not in result.stderr
    neither = run_cli()
    assert neither.returncode == 2 and "CLAIM" in neither.stderr and "Traceback" not in neither.stderr


def test_read_claims_keeps_a_claim_with_a_unicode_line_separator_whole(tmp_path: Path) -> None:
    from medtune.verify.checker import read_claims

    path = tmp_path / "claims.jsonl"
    path.write_text('{"id": "a", "claim": "Masks help.\u2028Really."}\n\n{"id": "b", "text": "Zinc cures colds."}\n',
                    encoding="utf-8")
    assert read_claims(path) == [("a", "Masks help.\u2028Really."), ("b", "Zinc cures colds.")]


def test_a_claim_the_sources_do_not_cover_is_yellow_never_red(checker) -> None:
    result = checker.check("Turmeric supplements sharpen memory in older adults.")
    assert result.verdict == "unverifiable" and result.band == "yellow"


def test_a_misleading_claim_shows_its_supported_and_unsupported_parts(checker) -> None:
    result = checker.check("High blood pressure usually has no symptoms, so you can stop taking your medicines.")
    assert result.verdict == "misleading" and result.band == "red"
    parts = [(s.role, s.text) for s in result.sentences]
    assert parts == [("core", "High blood pressure usually has no symptoms"),
                     ("conclusion", "You can stop taking your medicines")]
    assert result.supported_parts == [0] and result.unsupported_parts == [1]
    row = result.to_dict()
    assert row["supported_parts"] == [0] and row["unsupported_parts"] == [1]
    assert "/" not in row["verifier"] and "/" not in row["calibration"]  # names, not server paths
