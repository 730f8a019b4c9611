"""Evaluation: a metric registry, the runner that writes eval.json, before/after comparison, API baselines.

- `metrics`   — the registry (each entry: direction, aggregation, how its confidence interval is drawn) and
                `evaluate_classification` / `evaluate_generation`, which return plain dicts.
- `classification`, `calibration_metrics`, `generation`, `agreement`, `faithfulness` — the metric functions.
- `stats`     — seeded bootstrap intervals, paired bootstrap, McNemar.
- `compare`   — two evaluations on the same items: paired deltas, significance, flipped examples.
- `runner`    — `evaluate(model_ref, dataset, split, out_dir)` and the `eval` job kind's `run(ctx)`.
- `predictors`, `trained`, `zeroshot`, `api_models`, `prompts` — what turns a model reference into predictions.
- `records`   — the files of an evaluation directory (eval.json, predictions.jsonl) and label files.
- `splits`    — official splits, pinned; item fingerprints.
- `references`— published reference rows with their sources.
- `review`    — expert review storage (SQLite), inter-rater agreement, human vs automatic hallucination rate.
"""
