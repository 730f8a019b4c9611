"""The functions other areas call: sentence scores for the chatbot, faithfulness for the evaluation metrics,
and the band thresholds. Uses the lexical fallback verifier (named as such) so no trained model is needed."""

from __future__ import annotations

import math

import pytest

EVIDENCE = ("High blood pressure usually has no symptoms. Many people do not know they have it. "
            "Stopping your medicines can make your blood pressure rise again.")


@pytest.fixture(autouse=True)
def lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDTUNE_VERIFIER", "lexical")


def test_score_sentences_orders_supported_above_unrelated_and_refuted() -> None:
    import medtune.verify as verify

    scores = verify.score_sentences(["High blood pressure usually has no symptoms.",
                                     "High blood pressure usually has symptoms.",
                                     "Turmeric improves memory in older adults."], [EVIDENCE])
    assert len(scores) == 3 and all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] > scores[2] > scores[1]
    verdicts = verify.verify_sentences(["High blood pressure usually has symptoms."], [EVIDENCE])
    assert verdicts[0].label == "contradicted" and verdicts[0].evidence


def test_faithfulness_metrics_use_the_verifier() -> None:
    from medtune.eval.metrics import evaluate_generation

    preds = ["High blood pressure usually has no symptoms.", "High blood pressure usually has symptoms.", ""]
    result = evaluate_generation(preds, ["-"] * 3, [EVIDENCE] * 3,
                                 metrics=("faithfulness", "hallucination_rate"), n_boot=50)
    per_item = result["faithfulness"]["per_item"]
    assert per_item[0] > 0.5 > per_item[1] and per_item[2] is None  # an empty answer has no score
    assert result["hallucination_rate"]["per_item"][:2] == [0.0, 1.0]


def test_score_answer_and_thresholds() -> None:
    import medtune.verify as verify

    # A true fact stretched into advice to stop treatment is misleading (issue 14), and misleading is red.
    answer = verify.score_answer("High blood pressure usually has no symptoms. Stop taking your medicines.", EVIDENCE)
    assert answer["verdict"] == "misleading" and answer["band"] == "red"
    assert [s["label"] for s in answer["sentences"]] == ["supported", "contradicted"]
    thresholds = verify.load_thresholds()
    assert 0.0 <= thresholds["yellow"] <= thresholds["green"] <= 1.0 and "lexical" in thresholds["path"]
    assert verify.faithfulness_scores([""], [EVIDENCE])[0] != verify.faithfulness_scores([""], [EVIDENCE])[0]  # NaN
    assert math.isnan(verify.faithfulness_scores([""], [EVIDENCE])[0])


def test_verifier_choice_is_resolved_without_loading(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The chatbot asks `resolved_spec()` whether a trained verifier is in use before trusting its scores."""
    from medtune.verify.model import ENV_DIR, default_verifier_dir, resolved_spec

    assert resolved_spec() == "lexical"
    monkeypatch.setenv("MEDTUNE_VERIFIER", "auto")
    monkeypatch.setenv(ENV_DIR, str(tmp_path))  # an empty folder is not a verifier: the search goes on
    found = default_verifier_dir()
    assert found is None or found != tmp_path
    assert resolved_spec() == (str(found) if found else "lexical")
