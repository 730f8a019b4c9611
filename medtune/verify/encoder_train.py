"""Retraining the verifier's cross-encoder itself (issue 14): more and harder pairs, LoRA or full fine-tuning.

    python -m medtune.verify encoder --method full --steps 600 --out DIR      # then `stance --base DIR`

The shipped cross-encoder was trained for ~5 CPU minutes on pairs.py's train split (2,400 sampled pairs,
LoRA on the top three layers). This trains it on
- pairs.py's train split whole (HealthVer train part, MedHallu train, PubMedQA train, MedQuAD perturbations,
  DailyMed drug swaps), and
- the stance head's **MedQuAD distortions** (`stance_train.medquad_distortions`): a lay rewording of a page's
  sentence vs its own window = supported, the same sentence distorted (negation, reversed or flipped effect
  direction, hedge made absolute, "no cure" → "cured", changed number, swapped comparison, wrong population)
  vs the window that refutes it = refuted (hard negatives: the false claim next to the passage that decides
  it), vs another window = not enough info. Only the "fit" pages: the stance head's validation fifth (same
  seed and buckets) is never trained on, so the head comparison stays held out.

Nothing of the everyday-claims benchmark (its pages and topics are excluded by `medquad_distortions`) and
nothing of pairs.py's calib / test splits is trained on. `method` is "full" (every weight, lr 5e-5) or "lora"
(adapters on all six layers, lr 1e-3); the run is a training-engine run, so `TrainedVerifier` loads either.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

#: MedQuAD pages drawn for the encoder's distortions (≈ 4 pairs a page; the stance head reads 700).
ENCODER_PAGES = 1500
DISTORTION_SEED = 13  # the stance head's seed: its validation fifth of pages is left out here


def encoder_pairs(pairs_dir: Path, out_dir: Path, pages: int = ENCODER_PAGES, seed: int = DISTORTION_SEED) -> dict[str, int]:
    """Write `out_dir/train.jsonl` (pairs.py train + MedQuAD distortions of the head's "fit" pages) and
    `out_dir/validation.jsonl` (pairs.py validation); returns the counts per source."""
    from collections import Counter

    from medtune.verify.pairs import bucket
    from medtune.verify.stance_train import _jsonl, medquad_distortions

    base = _jsonl(pairs_dir / "train.jsonl")
    synthetic = medquad_distortions(pages, seed)
    fit = [r for r in synthetic if bucket(r["group"], {"fit": 0.8, "val": 0.2}, seed) == "fit"]
    extra = [{"id": f"distortion-{i}", "claim": r["claim"], "evidence": r["evidence"], "label": r["label"],
              "source": "medquad-distortion", "kind": r["kind"], "group": r["group"]} for i, r in enumerate(fit)]
    rows = base + extra
    random.Random(seed).shuffle(rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (out_dir / "validation.jsonl").write_text((pairs_dir / "validation.jsonl").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    return dict(Counter(f"{r.get('source')}:{r['label']}" for r in rows))


def encoder_overrides(method: str, steps: int, seed: int, max_length: int = 128) -> dict[str, Any]:
    """Training options: a fixed number of optimizer steps (the CPU budget), batch 16, 128 tokens."""
    from medtune.verify.__main__ import LORA_MODULES

    options: dict[str, Any] = {"method": method, "max_steps": steps, "epochs": 1, "max_length": max_length,
                               "max_train_examples": None, "max_val_examples": 300, "seed": seed,
                               "logging_steps": 20, "eval_each_epoch": True, "num_threads": 2,
                               # the linear probe is a frozen pass over every training pair (~6 min here):
                               # the step budget is better spent on training steps
                               "head_init": "random"}
    if method == "full":
        options["learning_rate"] = 5e-5
    else:
        options["learning_rate"] = 1e-3
        options["lora"] = {"r": 16, "alpha": 32, "dropout": 0.1,
                           "target_modules": [f"layer.{i}.{m}" for i in range(6) for m in LORA_MODULES]}
    return options


def train_encoder(out_dir: Path, pairs_dir: Path, method: str = "full", steps: int = 600, seed: int = 42,
                  pages: int = ENCODER_PAGES) -> tuple[Path, dict[str, Any]]:
    """Build the encoder's pairs next to `out_dir` and train the cross-encoder into `out_dir`."""
    from medtune.verify.model import train_verifier

    data_dir = out_dir.parent / f"{out_dir.name}-pairs"
    counts = encoder_pairs(pairs_dir, data_dir, pages)
    print(f"encoder pairs: {sum(counts.values())} ({json.dumps(counts)})", flush=True)
    return train_verifier(out_dir, data_dir, **encoder_overrides(method, steps, seed))
