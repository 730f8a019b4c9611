"""End to end on real data: a LoRA-tuned MiniLM run beats the majority baseline, significantly.

The run is trained here with plain transformers + peft (a few dozen steps, so the test stays a few minutes)
and saved in the training engine's run layout (adapter/ + medtune.json); the evaluator loads it through
`medtune.train.predict`, exactly as it loads runs trained by `medtune train`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from medtune.eval.compare import compare
from medtune.eval.runner import evaluate

LABELS = ["true", "false", "misleading"]


def train_small_run(run_dir: Path, steps: int = 30, max_length: int = 48) -> Path:
    import torch
    from peft import LoraConfig, TaskType, get_peft_model
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from medtune.data.examples import load_examples
    from medtune.models.embedded import minilm_path

    base = str(minilm_path())
    train = load_examples("covid_fake_news", "train")
    random.Random(0).shuffle(train)
    tok = AutoTokenizer.from_pretrained(base)
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id={lab: i for i, lab in enumerate(LABELS)})
    model = get_peft_model(model, LoraConfig(task_type=TaskType.SEQ_CLS, r=8, lora_alpha=16,
                                             target_modules=["query", "value"]))
    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-3)
    model.train()
    for step in range(steps):
        batch = train[step * 16:(step + 1) * 16]
        enc = tok([e.text for e in batch], truncation=True, max_length=max_length, padding=True, return_tensors="pt")
        loss = model(**enc, labels=torch.tensor([LABELS.index(e.label) for e in batch])).loss
        loss.backward()
        optim.step()
        optim.zero_grad()
    out = run_dir / "adapter"
    model.save_pretrained(out)
    tok.save_pretrained(out)
    info = {"head": "classification", "task": "misinformation", "labels": LABELS, "model": "minilm",
            "base_model": base, "kind": "encoder", "method": "lora", "max_length": max_length, "format": "adapter"}
    (out / "medtune.json").write_text(json.dumps(info))
    return run_dir


def test_trained_run_significantly_beats_the_majority_baseline(shared_data: Path, tmp_path: Path) -> None:
    pytest.importorskip("medtune.train.predict")
    run_dir = train_small_run(tmp_path / "run")

    before = evaluate("majority", "covid_fake_news", "val", tmp_path / "before", limit=300, n_boot=500)
    after = evaluate(None, "covid_fake_news", "val", tmp_path / "after", run_dir=str(run_dir), limit=300, n_boot=500)
    assert after["baseline_kind"] == "trained" and after["stage"] == "after"
    assert after["items_fingerprint"] == before["items_fingerprint"]

    result = compare(tmp_path / "before", tmp_path / "after", n_boot=500)
    assert result["metrics"]["accuracy"]["delta"] > 0.1
    assert result["mcnemar"]["p_value"] < 0.01 and result["verdict"].startswith("B is significantly")
    assert len(result["flips"]["wrong_to_right"]) > len(result["flips"]["right_to_wrong"])
    assert after["metrics"]["roc_auc"]["value"] > 0.75 and after["metrics"]["ece"]["value"] is not None
