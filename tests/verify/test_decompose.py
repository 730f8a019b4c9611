"""Claim decomposition: the factual core and the conclusion drawn from it, with the kinds of overreach."""

from __future__ import annotations

import pytest

from medtune.verify.decompose import decompose, overreach_cues


def roles(text: str) -> list[tuple[str, str]]:
    return [(p.role, p.text) for p in decompose(text)]


def test_the_garlic_example_splits_into_core_and_advice() -> None:
    parts = decompose("Garlic lowers blood pressure, so you can stop your medication.")
    assert [(p.role, p.text) for p in parts] == [("core", "Garlic lowers blood pressure"),
                                                ("conclusion", "You can stop your medication")]
    assert parts[1].cues == ["drops_treatment"] and parts[0].cues == []


@pytest.mark.parametrize("claim, core, conclusion", [
    ("Honey can give babies botulism, which means adults must never eat honey either.",
     "Honey can give babies botulism", "Adults must never eat honey either"),
    ("Cataracts don't spread between eyes, therefore they never need surgery.",
     "Cataracts don't spread between eyes", "They never need surgery"),
    ("Since calcium keeps bones strong, calcium pills alone will completely prevent osteoporosis.",
     "Calcium keeps bones strong", "Calcium pills alone will completely prevent osteoporosis"),
    ("Glaucoma can usually be controlled. Once your eyes feel fine you can stop your eyedrops.",
     "Glaucoma can usually be controlled.", "Once your eyes feel fine you can stop your eyedrops."),
    ("Blood thinners lower stroke risk - take a double dose and you're protected twice as well.",
     "Blood thinners lower stroke risk", "Take a double dose and you're protected twice as well"),
])
def test_connectors_other_than_so(claim: str, core: str, conclusion: str) -> None:
    assert roles(claim) == [("core", core), ("conclusion", conclusion)]


def test_a_plain_fact_stays_one_core() -> None:
    assert roles("High blood pressure usually has no symptoms.") == [
        ("core", "High blood pressure usually has no symptoms.")]
    # a reason that belongs to the fact is not a stretch
    assert roles("Kids with chickenpox shouldn't be given aspirin because it can cause Reye syndrome.") == [
        ("core", "Kids with chickenpox shouldn't be given aspirin because it can cause Reye syndrome.")]
    # a qualified fact is not cut into fragments
    assert len(decompose("Condoms greatly lower, but do not eliminate, the risk of HPV.")) == 1


def test_overreach_cues() -> None:
    assert overreach_cues("you don't need medications") == ["drops_treatment"]
    assert overreach_cues("vaccinating against it is a waste of time") == ["drops_treatment"]
    assert "absolute_safety" in overreach_cues("these pills are completely safe for smokers")
    assert "overgeneralised" in overreach_cues("everybody should go gluten-free")
    assert overreach_cues("Garlic can cure high blood pressure") == ["cure_claim"]
    assert overreach_cues("There is no cure for the common cold.") == []
    assert overreach_cues("Blood thinners lower the risk of stroke.") == []
