"""The support rule behind green (issue 14, green round 4): a claim judged true is green only when every part
is entailed by a close source passage — on the tiny real knowledge base with the lexical fallback verifier and
real MiniLM embeddings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.verify.helpers import build_small_kb

RULE = {"support": 0.6, "coverage": 0.6, "sim": 0.6, "agree": 1, "max_refute": 0.3, "trust": 0.95}


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("support_rule_kb")
    build_small_kb(path)
    return path


def _checker(kb_dir: Path, rule: dict | None):
    from medtune.kb.store import KnowledgeBase
    from medtune.verify import trust as T
    from medtune.verify.checker import Checker
    from medtune.verify.model import LexicalFallbackVerifier

    verifier = LexicalFallbackVerifier()
    cal = T.calibration_for(verifier)
    if rule:
        # a claim model that never reaches green by itself: only the rule can make a claim green
        cal.claim = {"coef": [0.0] * 7, "intercept": 0.0, "features": list(T.CLAIM_FEATURES), "green": 0.9,
                     "red": 1.0, "support_rule": rule}
    return Checker(kb=KnowledgeBase.open(path=kb_dir), verifier=verifier, calibration=cal)


def test_wrong_attribute_and_absolutes_are_mismatches() -> None:
    from medtune.verify.support_rule import wrong_attribute

    assert wrong_attribute("Athlete's foot is a bacterial infection.", "It is an infection caused by a fungus.")
    assert not wrong_attribute("H. pylori bacteria can cause ulcers.", "H. pylori is a type of bacteria.")
    assert not wrong_attribute("Women are more at risk of thinning bones.", "Bone loss is common in women.")


def test_a_close_paraphrase_is_green_and_its_distortions_are_not(kb_dir: Path) -> None:
    checker = _checker(kb_dir, RULE)
    true = checker.check("High blood pressure usually has no symptoms.")
    assert true.verdict == "true" and true.band == "green" and true.trust >= 0.95
    assert any("entailed" in r for r in true.reasons)
    # an absolute the source does not state, and a conclusion the sources do not make, are never green
    assert checker.check("High blood pressure never has any symptoms at all.").band != "green"
    assert checker.check("High blood pressure usually has no symptoms, so you can stop taking your "
                         "medicines.").band == "red"


def test_without_a_rule_nothing_changes(kb_dir: Path) -> None:
    with_rule = _checker(kb_dir, RULE).check("High blood pressure usually has no symptoms.")
    without = _checker(kb_dir, None).check("High blood pressure usually has no symptoms.")
    assert without.verdict == with_rule.verdict == "true"
    assert not any("entailed" in r for r in without.reasons)
