"""Is a classifier better than always answering the most common label? (issue 15)

A model that scores no better than the majority-class baseline on its evaluation split has learned nothing
usable there, whatever its number looks like: PubMedQA's trained MiniLM reached accuracy 0.522 on the held-out
test, below always "yes" (0.552). Every classification eval.json carries this check under `majority`, and the
Train and Evaluation pages say it in plain words.

The baseline answers one label for every item — the training data's most common label when it is known (a
training run), else the evaluated split's own (the best any constant answer can do there, so the check is
never easier to pass than the honest one) — and is scored with the same metric as the model. "Better" means
strictly above: equal is not better.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any


def most_common(labels: Sequence[str | None]) -> str | None:
    """The most frequent label; ties go to the label that sorts first (deterministic)."""
    counts = Counter(lbl for lbl in labels if lbl is not None)
    return min(counts, key=lambda lbl: (-counts[lbl], lbl)) if counts else None


def majority_check(gold: Sequence[str], pred: Sequence[str | None], labels: Sequence[str], metric: str,
                   train_labels: Sequence[str] | None = None) -> dict[str, Any] | None:
    """`metric` of the predictions and of the constant majority answer on the same items, and whether the model
    is strictly better; None when there is nothing to compare (no gold labels, or a metric this check does not
    know)."""
    from medtune.train.classify import classification_metrics

    labels = list(labels)
    if not gold or not labels:
        return None
    source = "training data" if train_labels else "evaluated split"
    label = most_common(train_labels) if train_labels else most_common(gold)
    index = {lbl: i for i, lbl in enumerate(labels)}
    if label not in index or any(g not in index for g in gold):
        return None
    g = [index[x] for x in gold]
    model = classification_metrics(g, [index.get(p, -1) if p is not None else -1 for p in pred], labels)
    constant = classification_metrics(g, [index[label]] * len(g), labels)
    if metric not in model:
        return None
    value, baseline = round(model[metric], 4), round(constant[metric], 4)
    return {"metric": metric, "value": value, "label": label, "baseline": baseline, "label_from": source,
            "beats": value > baseline, "n": len(g), "message": majority_message(metric, value, label, baseline)}


def majority_message(metric: str, value: float, label: str, baseline: float) -> str:
    """One plain sentence for pages and the CLI."""
    if value > baseline:
        return (f"Better than always answering '{label}': {metric} {value:.3f} against {baseline:.3f}.")
    return (f"No better than always answering '{label}': {metric} {value:.3f} against {baseline:.3f} for the "
            "constant answer. This model has not learned anything usable on this split; do not rely on it.")


def below_majority(evaluation: dict[str, Any]) -> str | None:
    """The warning sentence when an eval.json's model is no better than the majority baseline, else None."""
    check = (evaluation or {}).get("majority")
    return check.get("message") if isinstance(check, dict) and check.get("beats") is False else None
