"""Hard-negative generators: each makes a true sentence false in one known way, or declines."""

from __future__ import annotations

import random

from medtune.verify.perturb import DRUG_CLASS, change_number, negate, perturb, reverse_effect, swap_drug


def test_negation_adds_or_removes_not() -> None:
    assert negate("Smoking can cause lung cancer.") == "Smoking cannot cause lung cancer."
    assert negate("High blood pressure does not usually cause symptoms.") == "High blood pressure does usually cause symptoms."
    assert negate("Is it safe?") == "Is not it safe?"  # capitalisation kept
    assert negate("Eat vegetables.") is None


def test_reversed_effect_swaps_the_first_effect_word() -> None:
    assert reverse_effect("Exercise lowers blood pressure.") == "Exercise raises blood pressure."
    assert reverse_effect("Warfarin increases the risk of bleeding.") == "Warfarin decreases the risk of bleeding."
    assert reverse_effect("The liver filters blood.") is None


def test_changed_number_is_far_from_the_original_and_spares_years() -> None:
    rng = random.Random(0)
    out = change_number("Adults may take 500 mg every 6 hours.", rng)
    assert out is not None and out != "Adults may take 500 mg every 6 hours."
    changed = {"50", "5000", "60"}
    assert any(f" {n} " in out for n in changed)
    assert change_number("It was approved in 2019.", rng) is None


def test_swapped_drug_is_of_another_class() -> None:
    rng = random.Random(3)
    out = swap_drug("Warfarin increases the risk of bleeding.", rng)
    assert out is not None
    new = out.split()[0].lower()
    assert new in DRUG_CLASS and DRUG_CLASS[new] != "anticoagulant"
    assert swap_drug("Rest and fluids help.", rng) is None


def test_perturb_is_seeded_and_prefers_specific_changes() -> None:
    sentence = "Adults should take 500 mg of acetaminophen every 6 hours."
    a = perturb(sentence, random.Random(7))
    b = perturb(sentence, random.Random(7))
    assert a == b and a is not None
    assert a[0] in ("swapped_drug", "changed_number") and a[1] != sentence
