"""Zero-shot classification by option log-likelihood with a tiny causal LM built from a config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medtune.data.schemas import Example
from medtune.eval.runner import evaluate
from medtune.eval.zeroshot import LogLikelihoodScorer, option_prediction


def _load(path: Path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(path), AutoTokenizer.from_pretrained(path)


def test_batched_scores_equal_one_sequence_at_a_time(tiny_causal_lm: Path) -> None:
    import torch

    model, tok = _load(tiny_causal_lm)
    pairs = [("Is aspirin safe?\nAnswer:", " yes"), ("Does exercise help sleep quality after surgery?\nAnswer:", " no"),
             ("Q?\nAnswer:", " maybe")]
    batched = LogLikelihoodScorer(model, tok, batch_size=3).score(pairs)
    for (context, continuation), score in zip(pairs, batched):
        ctx = tok(context)["input_ids"]
        whole = tok(context + continuation)["input_ids"]
        with torch.no_grad():
            logp = torch.log_softmax(model(torch.tensor([whole])).logits[0], dim=-1)
        manual = sum(float(logp[t - 1, whole[t]]) for t in range(len(ctx), len(whole)))
        assert score == pytest.approx(manual, abs=1e-4)


def test_left_truncation_keeps_the_answer(tiny_causal_lm: Path) -> None:
    model, tok = _load(tiny_causal_lm)
    scorer = LogLikelihoodScorer(model, tok, max_length=16)
    ctx, cont = scorer.encode_pair("word " * 200 + "\nAnswer:", " maybe")
    assert len(ctx) + len(cont) <= 16 and tok.decode(cont).strip() == "maybe"


def test_option_prediction_is_a_softmax_over_the_items_options() -> None:
    pred = option_prediction(("A", "B"), [-1.0, -3.0], ("A", "B", "C"))
    assert pred.label == "A" and pred.probs["C"] == 0.0
    assert pred.probs["A"] == pytest.approx(1 / (1 + pytest.importorskip("math").exp(-2)))


def test_zero_shot_evaluation_on_real_items(tiny_causal_lm: Path, tmp_path: Path, shared_data: Path) -> None:
    """The tiny model was taught to answer 'yes': scored by log-likelihood it must pick 'yes' on real items."""
    ev = evaluate(str(tiny_causal_lm), "pubmedqa", "dev", tmp_path, limit=12, max_length=96, n_boot=100)
    rows = [json.loads(line) for line in (tmp_path / "predictions.jsonl").read_text().split("\n") if line]
    assert ev["baseline_kind"] == "zero-shot" and ev["stage"] == "before"
    assert ev["prompt"]["id"] == "loglik-v1" and ev["prompt"]["version"] == 1
    assert {r["pred"] for r in rows} == {"yes"}
    assert all(abs(sum(r["probs"].values()) - 1) < 1e-6 and r["confidence"] == max(r["probs"].values()) for r in rows)
    gold = [r["gold"] for r in rows]
    assert ev["metrics"]["accuracy"]["value"] == pytest.approx(gold.count("yes") / len(gold))


def test_mcq_items_are_scored_on_their_own_options(tiny_causal_lm: Path) -> None:
    from medtune.eval.zeroshot import ZeroShotPredictor
    from medtune.models.registry import get_model

    predictor = ZeroShotPredictor(get_model(str(tiny_causal_lm)), "mcq", ("A", "B", "C", "D", "E"))
    ex = Example(id="q1", text="Which drug?", text_pair="A. aspirin\nB. statin",
                 meta={"options": {"A": "aspirin", "B": "statin"}})
    (pred,) = predictor.predict([ex])
    assert pred.label in ("A", "B") and pred.probs["C"] == 0.0 and pred.probs["E"] == 0.0
