"""Classification and calibration metrics against values worked out by hand, including degenerate inputs."""

from __future__ import annotations

import numpy as np
import pytest

from medtune.errors import ConfigError, DataError
from medtune.eval import classification as C
from medtune.eval.calibration_metrics import aurc, ece, reliability, risk_coverage
from medtune.eval.metrics import compute_metric, evaluate_classification, get_metric, list_metrics

LABELS = ("a", "b", "c")
# Confusion (rows gold, cols pred): a: [2, 1, 0], b: [0, 1, 1], c: [0, 0, 1]
GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = ["a", "a", "b", "b", "c", "c"]


def test_accuracy_and_f1_by_hand() -> None:
    m = evaluate_classification(GOLD, PRED, LABELS, n_boot=0)
    assert m["accuracy"]["value"] == pytest.approx(4 / 6)
    # F1: a = 2·1·(2/3)/(1 + 2/3) = 0.8, b = 0.5, c = 2·0.5·1/1.5 = 2/3
    assert m["macro_f1"]["value"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert m["weighted_f1"]["value"] == pytest.approx((3 * 0.8 + 2 * 0.5 + 1 * 2 / 3) / 6)
    assert m["confusion_matrix"]["value"]["matrix"] == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]


def test_per_class_precision_recall_fpr_fnr_by_hand() -> None:
    table = evaluate_classification(GOLD, PRED, LABELS, n_boot=0)["per_class"]["value"]
    assert table["a"] == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3,
                                        "fpr": 0.0, "fnr": 1 / 3})
    assert table["b"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2,
                                        "fpr": 1 / 4, "fnr": 0.5})
    assert table["c"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1,
                                        "fpr": 1 / 5, "fnr": 0.0})


def test_roc_auc_and_average_precision_by_hand() -> None:
    # P(pos) = .9 .4 for the positives and .6 .1 for the negatives: 3 of 4 pairs ordered → AUC 0.75.
    # AP: ranks pos, neg, pos, neg → 0.5·1 + 0.5·(2/3). The "neg" class mirrors both figures.
    p = [0.9, 0.4, 0.6, 0.1]
    probs = [{"pos": x, "neg": 1 - x} for x in p]
    m = evaluate_classification(["pos", "pos", "neg", "neg"], ["pos", "neg", "pos", "neg"], ("pos", "neg"),
                                probs, n_boot=0)
    assert m["roc_auc"]["value"] == pytest.approx(0.75)
    assert m["pr_auc"]["value"] == pytest.approx(0.5 + 0.5 * 2 / 3)
    assert set(m["pr_curves"]["value"]) == {"pos", "neg"}


def test_calibration_by_hand() -> None:
    data = C.make_data(["a", "a", "a", "a"], ["a", "b", "a", "a"], ("a", "b"), confidence=[0.9, 0.9, 0.6, 0.6])
    # bin (0.8, 0.9]: accuracy 0.5, confidence 0.9; bin (0.5, 0.6]: accuracy 1, confidence 0.6 → 0.2 + 0.2
    assert ece(data) == pytest.approx(0.4)
    bins = reliability(data)
    assert [b["count"] for b in bins] == [0, 0, 0, 0, 0, 2, 0, 0, 2, 0]
    assert bins[8]["accuracy"] == 0.5 and bins[5]["confidence"] == pytest.approx(0.6)
    # most confident first: correct 1, 0, 1, 1 → selective accuracy 1, 1/2, 2/3, 3/4
    curve = risk_coverage(data)
    assert curve["coverage"] == [0.25, 0.5, 0.75, 1.0]
    assert curve["accuracy"] == pytest.approx([1.0, 0.5, 2 / 3, 0.75], abs=1e-6)
    assert aurc(data) == pytest.approx((0 + 0.5 + 1 / 3 + 0.25) / 4)


def test_confidence_defaults_to_probability_of_the_prediction() -> None:
    data = C.make_data(["a", "b"], ["a", "a"], ("a", "b"), probs=[{"a": 0.8, "b": 0.2}, {"a": 0.3, "b": 0.7}])
    assert data.confidence.tolist() == pytest.approx([0.8, 0.3])


def test_one_class_only() -> None:
    m = evaluate_classification(["a"] * 5, ["a"] * 5, ("a", "b"), [{"a": 0.9, "b": 0.1}] * 5, n_boot=50)
    assert m["accuracy"]["value"] == 1.0 and m["accuracy"]["ci"] == [1.0, 1.0]
    assert m["macro_f1"]["value"] == 1.0  # over the classes present, not a spurious 0 for "b"
    assert m["roc_auc"]["value"] is None and "one class" in m["roc_auc"]["unavailable"]
    assert m["per_class"]["value"]["a"]["fpr"] is None  # no negatives: the rate is undefined, not 0


def test_all_predictions_wrong() -> None:
    m = evaluate_classification(["a", "b", "a"], ["b", "a", "b"], ("a", "b"), n_boot=100)
    assert m["accuracy"]["value"] == 0.0 and m["accuracy"]["ci"] == [0.0, 0.0]
    assert m["macro_f1"]["value"] == 0.0 and m["weighted_f1"]["value"] == 0.0
    assert m["ece"]["unavailable"] == "the model gave no confidence scores"


def test_unparseable_prediction_counts_as_wrong_not_as_a_class() -> None:
    m = evaluate_classification(["a", "b"], ["a", None], ("a", "b"), n_boot=0)
    assert m["accuracy"]["value"] == 0.5
    assert m["confusion_matrix"]["value"]["invalid_predictions"] == 1
    assert m["per_class"]["value"]["b"]["recall"] == 0.0


def test_empty_and_malformed_input_are_clear_errors() -> None:
    with pytest.raises(DataError, match="empty input"):
        evaluate_classification([], [], LABELS)
    with pytest.raises(DataError, match="3 gold labels but 2 predictions"):
        evaluate_classification(["a", "b", "c"], ["a", "b"], LABELS)
    with pytest.raises(DataError, match=r"gold labels \['z'\]"):
        evaluate_classification(["z"], ["a"], LABELS)


def test_vectorised_bootstrap_formulas_equal_scikit_learn() -> None:
    rng = np.random.default_rng(3)
    labels = ("x", "y", "z")
    gold = list(rng.choice(labels, 300))
    pred = [g if rng.random() < 0.6 else str(rng.choice(labels)) for g in gold]
    pred[:5] = [None] * 5
    p = rng.dirichlet([1, 1, 1], 300)
    p[:40] = p[:40].round(1)  # ties in the scores
    data = C.make_data(gold, pred, labels, [dict(zip(labels, row)) for row in p])
    full = np.arange(data.n)[None, :]
    cms = C.bootstrap_confusions(data, full)
    assert C.accuracy_from_cm(cms)[0] == pytest.approx(C.accuracy(data))
    assert C.macro_f1_from_cm(cms)[0] == pytest.approx(C.macro_f1(data))
    assert C.weighted_f1_from_cm(cms)[0] == pytest.approx(C.weighted_f1(data))
    ones = np.ones((1, data.n))
    assert C.roc_auc_from_counts(data, ones)[0] == pytest.approx(C.roc_auc(data))
    assert C.pr_auc_from_counts(data, ones)[0] == pytest.approx(C.pr_auc(data))
    # and on resamples: the same indices through scikit-learn give the same figures
    idx = np.random.default_rng(0).integers(0, data.n, size=(3, data.n))
    counts = C.bootstrap_counts(data.n, idx)
    for b in range(3):
        sub = data.take(idx[b])
        assert C.macro_f1_from_cm(C.bootstrap_confusions(data, idx))[b] == pytest.approx(C.macro_f1(sub))
        assert C.roc_auc_from_counts(data, counts)[b] == pytest.approx(C.roc_auc(sub))
        assert C.pr_auc_from_counts(data, counts)[b] == pytest.approx(C.pr_auc(sub))


def test_intervals_are_seeded_and_bracket_the_value() -> None:
    rng = np.random.default_rng(1)
    gold = list(rng.choice(["a", "b"], 200))
    pred = [g if rng.random() < 0.7 else ("a" if g == "b" else "b") for g in gold]
    one = evaluate_classification(gold, pred, ("a", "b"), n_boot=300, seed=7)["accuracy"]
    two = evaluate_classification(gold, pred, ("a", "b"), n_boot=300, seed=7)["accuracy"]
    other = evaluate_classification(gold, pred, ("a", "b"), n_boot=300, seed=8)["accuracy"]
    assert one["ci"] == two["ci"] and one["ci"] != other["ci"]
    assert one["ci"][0] < one["value"] < one["ci"][1]
    assert one["ci"][1] - one["ci"][0] == pytest.approx(2 * 1.96 * np.sqrt(0.7 * 0.3 / 200), rel=0.35)


def test_registry_entries_declare_direction_and_aggregation() -> None:
    rows = {m["name"]: m for m in list_metrics()}
    assert rows["accuracy"]["higher_is_better"] is True and rows["accuracy"]["aggregation"] == "corpus"
    assert rows["ece"]["higher_is_better"] is False
    assert rows["answer_length"]["higher_is_better"] is None
    assert rows["hallucination_rate"]["higher_is_better"] is False
    for name in ("accuracy", "macro_f1", "weighted_f1", "per_class", "confusion_matrix", "roc_auc", "pr_auc",
                 "pr_curves", "ece", "reliability", "risk_coverage", "rouge1", "rouge2", "rougeL", "bertscore_f1",
                 "readability_grade", "faithfulness", "hallucination_rate", "cohen_kappa", "fleiss_kappa"):
        assert name in rows
    with pytest.raises(ConfigError, match="metrics are: accuracy"):
        get_metric("acc")


def test_metric_needing_probabilities_says_why_it_is_unavailable() -> None:
    data = C.make_data(["a", "b"], ["a", "b"], ("a", "b"))
    entry = compute_metric("roc_auc", data)
    assert entry["value"] is None and entry["unavailable"] == "the model gave no class probabilities"


def test_vectorised_calibration_bootstrap_equals_the_loop() -> None:
    from medtune.eval import stats
    from medtune.eval.calibration_metrics import aurc_from_indices, ece_from_indices
    from medtune.eval.metrics import compute_metric

    rng = np.random.default_rng(5)
    labels = ("x", "y", "z")
    gold = list(rng.choice(labels, 200))
    pred = [g if rng.random() < 0.6 else str(rng.choice(labels)) for g in gold]
    p = rng.dirichlet([1, 1, 1], 200)
    conf = [float(c) for c in rng.random(200).round(1)]  # ties and values on bin edges
    conf[:3] = [0.0, 1.0, 0.3]
    data = C.make_data(gold, pred, labels, [dict(zip(labels, row)) for row in p], conf)
    idx = stats.resample_indices(data.n, 200, 4)
    loop_ece = [ece(data.take(row)) for row in idx]
    loop_aurc = [aurc(data.take(row)) for row in idx]
    assert ece_from_indices(data, idx) == pytest.approx(loop_ece, abs=1e-12)
    assert aurc_from_indices(data, idx) == pytest.approx(loop_aurc, abs=1e-12)
    full = np.arange(data.n)[None, :]
    assert ece_from_indices(data, full)[0] == pytest.approx(ece(data)) and aurc_from_indices(data, full)[0] == aurc(data)
    for name, fn in (("ece", ece), ("aurc", aurc)):
        entry = compute_metric(name, data, n_boot=200, seed=4)
        assert entry["ci"] == pytest.approx(list(stats.bootstrap_statistic(lambda i, fn=fn: fn(data.take(i)), data.n, 200, 4)),
                                            abs=1e-12)
