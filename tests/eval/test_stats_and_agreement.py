"""McNemar, bootstrap and agreement statistics on cases with known answers."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from medtune.errors import DataError
from medtune.eval import stats
from medtune.eval.agreement import cohen_kappa, fleiss_kappa, make_ratings, pairwise_agreement
from medtune.eval.metrics import evaluate_agreement


def _pairs(b: int, c: int, both_right: int = 5, both_wrong: int = 3) -> tuple[np.ndarray, np.ndarray]:
    a = [True] * b + [False] * c + [True] * both_right + [False] * both_wrong
    bb = [False] * b + [True] * c + [True] * both_right + [False] * both_wrong
    return np.array(a), np.array(bb)


def test_mcnemar_exact_binomial_for_few_discordant_pairs() -> None:
    result = stats.mcnemar(*_pairs(1, 9))
    # two-sided exact: 2 · P(X ≤ 1), X ~ Binomial(10, 1/2) = 2 · (1 + 10) / 1024
    assert result["method"] == "exact binomial"
    assert result["p_value"] == pytest.approx(22 / 1024)
    assert (result["b_a_right_b_wrong"], result["c_a_wrong_b_right"]) == (1, 9)


def test_mcnemar_chi_square_with_continuity_correction() -> None:
    result = stats.mcnemar(*_pairs(10, 30))
    statistic = (abs(10 - 30) - 1) ** 2 / 40
    assert result["statistic"] == pytest.approx(statistic)
    # chi-square with 1 d.o.f.: P(X > x) = erfc(sqrt(x / 2))
    assert result["p_value"] == pytest.approx(math.erfc(math.sqrt(statistic / 2)))


def test_mcnemar_without_discordant_pairs_and_on_empty_input() -> None:
    assert stats.mcnemar(*_pairs(0, 0))["p_value"] == 1.0
    assert stats.mcnemar(*_pairs(4, 4))["p_value"] == 1.0
    with pytest.raises(DataError):
        stats.mcnemar(np.array([], dtype=bool), np.array([], dtype=bool))


def test_bootstrap_mean_known_cases() -> None:
    assert stats.bootstrap_mean(np.full(50, 0.3), 200, 0) == pytest.approx((0.3, 0.3))
    values = np.array([0, 1] * 500, dtype=float)
    lo, hi = stats.bootstrap_mean(values, 2000, 0)
    half = 1.96 * math.sqrt(0.25 / 1000)  # normal approximation of the mean's 95% interval
    assert lo == pytest.approx(0.5 - half, abs=0.01) and hi == pytest.approx(0.5 + half, abs=0.01)
    with pytest.raises(DataError, match="no items"):
        stats.bootstrap_mean(np.array([]), 10, 0)


def test_paired_bootstrap_known_cases() -> None:
    a = np.linspace(0, 1, 40)
    better = stats.paired_bootstrap_mean(a, a + 0.1, 500, 0)
    assert better["delta"] == pytest.approx(0.1) and better["p_value"] == 0.0
    assert better["ci"] == pytest.approx([0.1, 0.1])
    same = stats.paired_bootstrap_mean(a, a.copy(), 500, 0)
    assert same["delta"] == 0.0 and same["p_value"] == 1.0
    noisy = np.random.default_rng(0).normal(0, 1, 40)
    result = stats.paired_bootstrap_mean(a, a + noisy, 500, 0)
    assert 0 < result["p_value"] <= 1 and result["ci"][0] < result["delta"] < result["ci"][1]


def test_generic_paired_bootstrap_matches_the_vectorised_one() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.random(60), rng.random(60)
    generic = stats.paired_bootstrap(lambda i: a[i].mean(), lambda i: b[i].mean(), 60, 300, 4)
    fast = stats.paired_bootstrap_mean(a, b, 300, 4)
    assert generic["ci"] == pytest.approx(fast["ci"]) and generic["p_value"] == pytest.approx(fast["p_value"])


def test_cohen_and_pairwise_agreement_by_hand() -> None:
    data = make_ratings({"a": [1, 1, 0, 0], "b": [1, 0, 0, 0]})
    # observed 3/4; chance: P(a=1)·P(b=1) + P(a=0)·P(b=0) = .5·.25 + .5·.75 = .5 → κ = (.75 − .5) / .5
    assert cohen_kappa(data) == pytest.approx(0.5)
    three = make_ratings({"a": [1, 1, 0, 0], "b": [1, 0, 0, 0], "c": [1, 1, 0, None]})
    assert pairwise_agreement(three) == pytest.approx((3 / 4 + 3 / 3 + 2 / 3) / 3)


def test_fleiss_kappa_on_the_published_example() -> None:
    # Fleiss (1971) as worked on Wikipedia: 10 subjects, 14 raters, 5 categories → κ ≈ 0.210
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    items = []
    for counts in table:
        labels = [cat for cat, n in enumerate(counts) for _ in range(n)]
        items.append({f"r{i}": lbl for i, lbl in enumerate(labels)})
    assert Counter(items[1].values()) == Counter({2: 6, 3: 4, 1: 2, 4: 2})
    assert fleiss_kappa(make_ratings(items)) == pytest.approx(0.20993, abs=1e-4)


def test_agreement_degenerate_cases() -> None:
    one_category = make_ratings({"a": ["x", "x", "x"], "b": ["x", "x", "x"]})
    assert pairwise_agreement(one_category) == 1.0
    assert cohen_kappa(one_category) is None and fleiss_kappa(one_category) is None
    opposite = make_ratings({"a": [1, 0, 1, 0], "b": [0, 1, 0, 1]})
    assert pairwise_agreement(opposite) == 0.0 and cohen_kappa(opposite) == pytest.approx(-1.0)
    with pytest.raises(DataError, match="two or more raters"):
        make_ratings([{"a": 1}, {"b": 0}])
    with pytest.raises(DataError, match="different numbers of items"):
        make_ratings({"a": [1, 0], "b": [1]})


def test_evaluate_agreement_returns_registry_entries_and_pairs() -> None:
    result = evaluate_agreement({"m1": ["pos", "neg", "neu", "pos"], "m2": ["pos", "neg", "pos", "pos"]}, n_boot=100)
    assert result["pairwise_agreement"]["value"] == 0.75
    assert result["cohen_kappa"]["higher_is_better"] is True
    assert result["pairs"]["value"][0]["rater_a"] == "m1" and result["pairs"]["value"][0]["n"] == 4


def test_cohen_kappa_matches_scikit_learn() -> None:
    from sklearn.metrics import cohen_kappa_score

    from medtune.eval.agreement import cohen_pair

    rng = np.random.default_rng(2)
    for _ in range(5):
        xa = list(rng.choice(["a", "b", "c"], 40))
        xb = [x if rng.random() < 0.6 else str(rng.choice(["a", "b", "c"])) for x in xa]
        assert cohen_pair(xa, xb) == pytest.approx(cohen_kappa_score(xa, xb))
