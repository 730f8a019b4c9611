"""A hallucination detector that reads entailment, not wording (issue 15, item 3).

A trained hallucination classifier (`medtune train --task hallucination`) scores MedHallu well but learns its
generator's style: on answers written differently (data/eval/hallucination) it calls most faithful
paraphrases hallucinated. This detector asks instead, sentence by sentence, whether the evidence supports the
answer — with the project's one support scorer (`medtune.verify.support.support_verdicts`: the stance
cross-encoder, its quote rule and its calibration) — and an answer is hallucinated when some sentence is not
supported. Two forms:

- `support`: the rule the evaluation's hallucination rate uses (the answer's weakest sentence's calibrated
  trust below `medtune.verify.HALLUCINATION_THRESHOLD`); nothing fitted here.
- `stack`: a small logistic regression over the support features (`SUPPORT_FEATURES`) and, optionally, a
  trained classifier's log-odds of "hallucinated" (`classifier_logit`), fitted on *training* pairs only
  (`medtune.data.hallu_mix`'s generated MedQuAD pairs, which the MedHallu classifier never saw,
  so its probabilities there are out-of-sample), never on an evaluation set. Saved as one JSON file.

`python -m medtune.eval.hallu_detect fit --out FILE [--run RUN_DIR]` fits a stack; the transfer benchmark
(`benchmarks/hallucination_transfer.py --detector ...`) scores either form.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

POSITIVE = "hallucinated"
SUPPORT_FEATURES = ("min_trust", "mean_trust", "min_support", "max_contradiction", "share_supported")
CLASSIFIER_FEATURE = "classifier_logit"
Row = dict[str, Any]


def evidence_text(row: Row) -> str:
    """A row's evidence as one text (MedHallu's `knowledge` is a list of paragraphs)."""
    knowledge = row.get("knowledge", row.get("context"))
    return " ".join(knowledge) if isinstance(knowledge, list) else str(knowledge or "")


def verdict_features(verdicts: Sequence[Any]) -> list[float]:
    """SUPPORT_FEATURES of one answer from its sentences' verdicts (an answer without sentences counts as
    unsupported: there is nothing the evidence backs)."""
    if not verdicts:
        return [0.0, 0.0, 0.0, 1.0, 0.0]
    trust = [v.trust for v in verdicts]
    return [min(trust), sum(trust) / len(trust), min(v.support for v in verdicts),
            max(v.contradiction for v in verdicts), sum(v.label == "supported" for v in verdicts) / len(verdicts)]


def support_features(rows: Sequence[Row], split_conjunctions: bool = False) -> list[list[float]]:
    """SUPPORT_FEATURES of each row's answer against its own evidence (the one support scorer).

    Sentences are not cut at conjunctions by default: a faithful paraphrase cut at "and" leaves fragments
    the stance model reads out of context and calls unsupported. Measured (docs/QUALITY.md): weakest-trust
    AUC on hallu_mix's 400 generated MedQuAD pairs 0.945 (cut) → 0.956 (not cut), on the own set's dev half
    0.677 → 0.727."""
    from medtune.verify.sentences import split_sentences
    from medtune.verify.support import support_verdicts

    return [verdict_features(support_verdicts(split_sentences(r["answer"] or "", split_conjunctions=split_conjunctions),
                                              [evidence_text(r)])) for r in rows]


def classifier_probs(run_dir: str | Path, rows: Sequence[Row]) -> list[float]:
    """P(hallucinated) of each row from a trained hallucination run (rows in MedHallu's format)."""
    from medtune.data.registry import converter, get_dataset
    from medtune.data.tasks import get_task, to_example
    from medtune.train.predict import classify, load_run

    run = load_run(run_dir)
    convert, task = converter(get_dataset("medhallu")), get_task("hallucination")
    examples = [to_example(convert({**r, "label": None}), task) for r in rows]
    return [out["probs"][POSITIVE] for out in classify(run, examples)]


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def feature_matrix(support: Sequence[Sequence[float]], probs: Sequence[float] | None = None) -> list[list[float]]:
    """Support features, plus the classifier's log-odds as the last column when `probs` is given."""
    if probs is None:
        return [list(s) for s in support]
    return [[*s, logit(p)] for s, p in zip(support, probs)]


def fit_stack(x: Sequence[Sequence[float]], labels: Sequence[str], names: Sequence[str], c: float = 1.0,
              **meta: Any) -> dict[str, Any]:
    """A standardised logistic regression P(hallucinated | features), as a JSON-able dict."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    xa = np.asarray(x, dtype="float64")
    mean, scale = xa.mean(axis=0), xa.std(axis=0) + 1e-9
    y = np.asarray([label == POSITIVE for label in labels], dtype=int)
    model = LogisticRegression(C=c, max_iter=1000).fit((xa - mean) / scale, y)
    return {"features": list(names), "mean": mean.tolist(), "scale": scale.tolist(),
            "coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]), "threshold": 0.5,
            "n": len(y), **meta}


def stack_probs(model: dict[str, Any], x: Sequence[Sequence[float]]) -> list[float]:
    """P(hallucinated) of each feature row under a fitted stack."""
    out = []
    for row in x:
        z = model["intercept"] + sum(w * (v - m) / s for w, v, m, s in
                                     zip(model["coef"], row, model["mean"], model["scale"]))
        out.append(1.0 / (1.0 + math.exp(-z)))
    return out


def support_rule(support: Sequence[Sequence[float]]) -> list[float]:
    """The evaluation's rule as a score: 1 − the weakest sentence's trust (hallucinated when ≥ 1 − threshold)."""
    return [1.0 - s[0] for s in support]


def label_of(p_hallucinated: float, threshold: float = 0.5) -> str:
    return POSITIVE if p_hallucinated >= threshold else "faithful"


def training_pairs() -> list[Row]:
    """The generated MedQuAD pairs of `hallu_mix` (training data; not MedHallu, not our set). Its PubMedQA pairs
    are left out: their faithful answers are MedHallu train's (same PMIDs), which a MedHallu classifier has seen."""
    from medtune.data.hallu_mix import medquad_pairs
    from medtune.data.readers import read_rows
    from medtune.data.registry import find_local_file, get_dataset

    medhallu_train = find_local_file(get_dataset("medhallu"), "train")
    if medhallu_train is None:
        return []
    medquad = Path(medhallu_train).parent.parent / "medquad" / "medquad.jsonl"
    return medquad_pairs(list(read_rows(medquad))) if medquad.is_file() else []


def fit_main(out: Path, run_dir: str | None, c: float) -> int:
    from medtune.verify.model import resolved_spec

    rows = training_pairs()
    if not rows:
        print("no training pairs: MEDTUNE_DATA_DIR needs medhallu, medquad and pubmedqa", file=sys.stderr)
        return 1
    support = support_features(rows)
    probs = classifier_probs(run_dir, rows) if run_dir else None
    names = [*SUPPORT_FEATURES, *([CLASSIFIER_FEATURE] if run_dir else [])]
    model = fit_stack(feature_matrix(support, probs), [r["label"] for r in rows], names, c=c,
                      run=str(run_dir) if run_dir else None, verifier=resolved_spec(), fitted_on="hallu_mix pairs")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"fitted on {len(rows)} pairs: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(names, model["coef"])))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m medtune.eval.hallu_detect", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    fit = sub.add_parser("fit", help="fit the stack on hallu_mix's generated pairs")
    fit.add_argument("--out", type=Path, required=True, help="the stack's JSON file")
    fit.add_argument("--run", help="a trained hallucination run whose probability joins the features")
    fit.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the logistic regression")
    args = parser.parse_args(argv)
    return fit_main(args.out, args.run, args.c)


if __name__ == "__main__":
    sys.exit(main())
