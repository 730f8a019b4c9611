"""Where round 6's patient-review rules cost the drug-review validation set (docs/SENTIMENT.md, round 6).

    python benchmarks/sentiment_validation_ablation.py [--set drug_reviews_explabox]

Analyses the named validation set (`medtune.sentiment.fit.validation_sets`, default the 120-review Drugs.com
holdout) with the round-6 code under variants — the previous reader weights, and each new rule switched off
in turn — encoding every clause once. Prints macro-F1 / accuracy per variant. Training / validation data only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PREVIOUS = {"mixed_scale": 1.0, "verdict_weight": 1.0, "neutral_band": 0.10, "cue_weight": 0.7,
            "aspect_band": 0.15, "hedge_weight": 1.0}


def main() -> int:
    import medtune.sentiment.analyze as analyze
    import medtune.sentiment.aspects as aspects
    import medtune.sentiment.cues as cues
    from benchmarks.sentiment_rules_cv import MemoEncoder
    from medtune.eval.classification import accuracy, macro_f1, make_data
    from medtune.sentiment.encoder import get_encoder
    from medtune.sentiment.fit import validation_sets
    from medtune.sentiment.polarity import LABELS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="drug_reviews_explabox")
    args = parser.parse_args()
    name, rows = next((k, v) for k, v in validation_sets().items() if args.set in k)
    encoder = MemoEncoder(get_encoder())

    def score(label: str, **weights: float) -> None:
        results = analyze.Analyzer(encoder=encoder, weights=analyze.ReaderWeights(**weights)).analyze_many(
            [r["text"] for r in rows])
        data = make_data([r["label"] for r in rows], [r.overall for r in results], LABELS)
        print(f"{name} n={len(rows)}  {label:52} macro-F1 {macro_f1(data):.3f}  accuracy {accuracy(data):.3f}",
              flush=True)

    score("round 6 (defaults)")
    score("mixed-review rule off (mixed_scale 1)", mixed_scale=1.0)
    score("previous reader weights", **PREVIOUS)
    intent, resolved, sarcasm = cues.intent_score, aspects.resolved, analyze.sarcasm_markers
    cues.intent_score = lambda text: 0.0
    score("previous weights, intent / absence patterns off", **PREVIOUS)
    cues.intent_score = intent
    aspects.resolved = lambda text, end: False
    score("previous weights, 'complaint is over' rule off", **PREVIOUS)
    aspects.resolved = resolved
    analyze.sarcasm_markers = lambda texts: [""] * len(texts)
    score("previous weights, sarcasm markers off", **PREVIOUS)
    analyze.sarcasm_markers = sarcasm
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
