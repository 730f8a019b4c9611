"""Dataset preparation: labelled rows in, train/validation/test splits and a report of every row's fate out.

    prepare_dataset("covid_fake_news", "misinformation", "runs/prep", PrepareOptions(balance="class_weights"))

Steps, in order (each one recorded in `report.json`):
 1. load every labelled split and map labels into the task's label set (unmappable rows are listed);
 2. alignment filtering: the same text with conflicting labels drops every copy;
 3. exact duplicates, then near duplicates (MinHash), keeping the copy in an evaluation split;
 4. splits: official ones kept, missing ones carved (seeded, stratified, grouped by text);
 5. leakage check between splits (dropped from the lower-ranked split by default);
 6. train only: augmentation (mcq option shuffling, sft question rephrasing), then class balancing;
 7. token-length statistics with the chosen tokenizer; a PHI scan (warning only).
`report.json` is written last, so its presence means the splits beside it are complete.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from medtune.data import prep_balance, prep_split
from medtune.data.prep_dedup import Row, drop_conflicts, drop_exact_duplicates, drop_near_duplicates, set_keys
from medtune.data.registry import DatasetSpec, get_dataset, iter_records
from medtune.data.tasks import TaskSpec, get_task, to_example
from medtune.errors import ConfigError, DataError, NotAvailableError
from medtune.io import atomic_write_json, write_jsonl

SPLIT_FILES = {"train": "train.jsonl", "validation": "validation.jsonl", "test": "test.jsonl"}


class PrepareOptions(BaseModel):
    """How a dataset is prepared. The Datasets page renders its form from these fields; the CLI its flags."""

    model_config = ConfigDict(extra="forbid")

    seed: int = Field(13, ge=0, description="Seed for splitting, balancing and augmentation.")
    validation_fraction: float = Field(0.1, ge=0.0, le=0.5, description="Share of the training pool carved "
                                       "out as validation when the dataset has no official validation split.")
    test_fraction: float = Field(0.1, ge=0.0, le=0.5, description="Share of the training pool carved out as "
                                 "test when no labelled official test split is available.")
    respect_official_splits: bool = Field(True, description="Keep official train/dev/test splits as they are; "
                                          "off: pool all labelled rows and carve every split.")
    alignment_filter: bool = Field(True, description="Drop every copy of a text that appears with "
                                   "conflicting labels.")
    dedup: bool = Field(True, description="Remove exact duplicates (same normalized text and label).")
    near_dedup: bool = Field(True, description="Remove near duplicates (character 5-gram Jaccard similarity "
                             "at or above the threshold) that share a label.")
    near_dup_threshold: float = Field(0.85, ge=0.5, le=1.0, description="Similarity (character 5-gram Jaccard) "
                                      "at which two rows count as near duplicates; one changed word in a "
                                      "20-word sentence scores about 0.88.")
    leakage: Literal["drop", "report"] = Field("drop", description="A text found in two splits: drop it from "
                                               "the lower-ranked split, or only report it.")
    balance: Literal["none", "oversample", "undersample", "class_weights"] = Field(
        "none", description="Class balancing of the training split; class_weights leaves rows alone and writes "
        "weights for the trainer into the report.")
    balance_max_factor: float = Field(3.0, ge=1.0, le=20.0, description="Oversampling grows a class to at "
                                      "most this many times its size (repeated rows invite overfitting).")
    augment: bool = Field(False, description="Add variants of training rows: option shuffling (mcq), "
                          "question rephrasing by templates (sft).")
    augment_copies: int = Field(1, ge=1, le=5, description="Variants per training row when augmenting.")
    tokenizer: str = Field("minilm", description="Tokenizer for the length statistics: minilm (embedded), a "
                           "local folder or a hub id (online only).")
    max_length: int = Field(256, ge=8, le=32768, description="Token limit the report counts rows against.")
    drop_over_length: bool = Field(False, description="Drop rows longer than max_length instead of only "
                                   "counting them (trainers truncate otherwise).")
    scan_phi: bool = Field(True, description="Scan texts for personal identifiers and warn in the report.")
    limit: int | None = Field(None, ge=1, description="Read at most this many rows per source split "
                              "(quick trials).")

    @model_validator(mode="after")
    def _fractions_leave_training_data(self) -> PrepareOptions:
        if self.validation_fraction + self.test_fraction > 0.8:
            raise ValueError("validation_fraction + test_fraction must leave at least 20% for training")
        return self


def prepare_dataset(name: str, task: str | None, out_dir: str | Path,
                    options: PrepareOptions | dict[str, Any] | None = None) -> dict[str, Any]:
    """Prepare dataset `name` for `task` into `out_dir`; returns the report (also written as report.json)."""
    started = time.monotonic()
    opts = options if isinstance(options, PrepareOptions) else PrepareOptions(**(options or {}))
    spec = get_dataset(name)
    task = task or spec.default_task
    if task not in spec.tasks:
        raise ConfigError(f"dataset {name!r} does not serve task {task!r}; it serves {list(spec.tasks)}")
    task_spec = get_task(task)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").unlink(missing_ok=True)  # an interrupted rerun must not leave an old "done" marker

    report: dict[str, Any] = {"dataset": name, "task": task, "options": opts.model_dump(), "notes": []}
    rows, report["sources"], report["label_mapping"] = _load(spec, task_spec, opts)
    fates = {r.uid: "loaded" for r in rows}
    for item in report["label_mapping"]["unmapped"] + report["label_mapping"]["missing_label"]:
        fates[item["id"]] = "dropped: label not in task label set" if "raw_label" in item else "dropped: no label"
    funnel = {"loaded": len(fates)}

    rows = _clean(rows, task_spec, opts, report, fates, funnel)
    splits, origin = prep_split.make_splits(rows, {"validation": opts.validation_fraction,
                                                   "test": opts.test_fraction}, opts.seed)
    report["leakage"] = {"before": prep_split.leakage(splits), "mode": opts.leakage, "dropped": []}
    if opts.leakage == "drop":
        report["leakage"]["dropped"] = prep_split.resolve_leakage(splits, origin)
        _mark(fates, report["leakage"]["dropped"], "dropped: text also in {also_in} split (leakage)")

    tokenizer = _tokenizer(opts, report)
    lengths: dict[str, int] = {}  # token counts per distinct string, shared by the two steps that need them
    if opts.drop_over_length and tokenizer is not None:
        _drop_over_length(splits, tokenizer, opts, report, fates, lengths)
    _train_only_steps(splits, task_spec, opts, report)
    _mark(fates, [{"id": i} for i in report["balancing"].get("dropped", [])], "dropped: undersampled (balancing)")
    report["leakage"]["after"] = prep_split.leakage(splits)
    report["leakage"]["ok"] = all(v["shared_texts"] == 0 for v in report["leakage"]["after"].values())

    for role, members in splits.items():
        for row in members:
            if row.uid in fates:
                fates[row.uid] = role
    report["splits"] = {role: {"rows": len(m), "labels": prep_split.label_counts(m), "source": origin[role],
                               "file": SPLIT_FILES[role]} for role, m in splits.items()}
    report["notes"] += _notes(spec, origin)
    if tokenizer is not None:
        report["tokenization"] = _token_report(tokenizer, splits, opts, lengths)
    if opts.scan_phi:
        report["phi"] = _phi(rows, opts.seed)
    report["funnel"] = {**funnel, **{f"final_{r}": len(m) for r, m in splits.items()}}
    report["fates"] = dict(Counter(_reason(v) for v in fates.values()).most_common())
    report["rows"] = fates
    report["elapsed_s"] = round(time.monotonic() - started, 2)
    for role, members in splits.items():
        write_jsonl(out / SPLIT_FILES[role], (r.example.model_dump(mode="json") for r in members))
    atomic_write_json(out / "report.json", report)
    return report


def _candidate_splits(spec: DatasetSpec) -> list[str]:
    names = list(dict.fromkeys([*spec.files, *spec.hub_splits]))
    return [s for s in names if s not in spec.unlabeled_splits]


def _load(spec: DatasetSpec, task: TaskSpec, opts: PrepareOptions) -> tuple[list[Row], list[dict], dict]:
    """Rows from every labelled split, labels mapped; unmappable and unlabelled rows are listed, not loaded."""
    label_map = spec.label_map(task.name)
    candidates = _candidate_splits(spec)
    roles = prep_split.assign_roles(candidates, opts.respect_official_splits)
    rows: list[Row] = []
    sources, unavailable, seen = [], [], Counter()
    mapping: dict[str, Any] = {"map": label_map, "counts": Counter(), "unmapped": [], "missing_label": []}
    for split in candidates:
        try:
            records = list(iter_records(spec.name, split, limit=opts.limit))
        except NotAvailableError as exc:
            unavailable.append(exc)
            continue
        sources.append({"split": split, "role": roles[split], "rows": len(records),
                        "official": spec.official_splits.get(split)})
        for record in records:
            seen[record.id] += 1
            uid = record.id if seen[record.id] == 1 else f"{record.id}~{seen[record.id]}"
            raw = getattr(record, "label", None)
            try:
                example = to_example(record, task, label_map)
            except DataError:
                mapping["unmapped"].append({"id": uid, "split": split, "raw_label": raw})
                continue
            if task.is_classification and example.label is None:
                mapping["missing_label"].append({"id": uid, "split": split})
                continue
            if raw is not None:
                mapping["counts"][f"{raw} -> {example.label}"] += 1
            row = Row(uid=uid, example=example.model_copy(update={"id": uid}), source_split=split,
                      role=roles[split], official=roles[split] != "pool", order=len(rows), raw_label=raw)
            set_keys(row, task.name)
            rows.append(row)
    if not sources:
        if unavailable:
            raise unavailable[0]
        raise NotAvailableError(f"dataset {spec.name!r} has no labelled split to prepare "
                                f"(splits: {list(spec.files)}, unlabelled: {list(spec.unlabeled_splits)})",
                                hint=spec.how_to_get or None)
    mapping["counts"] = dict(mapping["counts"].most_common())
    return rows, sources, mapping


def _clean(rows: list[Row], task: TaskSpec, opts: PrepareOptions, report: dict, fates: dict, funnel: dict) -> list[Row]:
    funnel["after_label_mapping"] = len(rows)
    if opts.alignment_filter and task.is_classification:
        rows, groups = drop_conflicts(rows)
        report["alignment"] = {"conflict_groups": len(groups), "dropped": sum(len(v) for g in groups
                                                                              for v in g["labels"].values()),
                               "groups": groups}
        for group in groups:
            _mark(fates, [{"id": i} for ids in group["labels"].values() for i in ids], "dropped: conflicting labels")
    else:
        report["alignment"] = {"skipped": "generation task" if not task.is_classification else "disabled"}
    funnel["after_alignment"] = len(rows)
    if opts.dedup:
        rows, dropped = drop_exact_duplicates(rows)
        report["duplicates"] = {"dropped": len(dropped), "rows": dropped}
        _mark(fates, dropped, "dropped: exact duplicate of {kept}")
    funnel["after_dedup"] = len(rows)
    if opts.near_dedup:
        t0 = time.monotonic()
        rows, dropped, conflicts = drop_near_duplicates(rows, opts.near_dup_threshold, opts.seed)
        report["near_duplicates"] = {"threshold": opts.near_dup_threshold, "dropped": len(dropped), "rows": dropped,
                                     "near_conflicts": conflicts, "seconds": round(time.monotonic() - t0, 2)}
        _mark(fates, dropped, "dropped: near duplicate of {kept}")
    funnel["after_near_dedup"] = len(rows)
    return rows


def _train_only_steps(splits: dict[str, list[Row]], task: TaskSpec, opts: PrepareOptions, report: dict) -> None:
    before = prep_split.label_counts(splits["train"])
    if opts.augment:
        splits["train"], report["augmentation"] = prep_balance.augment(splits["train"], task.name,
                                                                       opts.augment_copies, opts.seed)
    else:
        report["augmentation"] = {"method": None, "added": 0}
    if opts.balance == "none" or (task.is_classification and not task.per_item_choices):
        splits["train"], info = prep_balance.balance(splits["train"], opts.balance, opts.balance_max_factor, opts.seed)
    else:
        info = {"method": "none", "note": f"balancing does not apply to task {task.name!r}"}
    info.update(before=before, after=prep_split.label_counts(splits["train"]))
    report["balancing"] = info


def _tokenizer(opts: PrepareOptions, report: dict) -> Any:
    from medtune.data.prep_tokens import load_tokenizer

    try:
        return load_tokenizer(opts.tokenizer)
    except NotAvailableError as exc:
        report["notes"].append(f"no token statistics: {exc.message}")
        return None


def _drop_over_length(splits: dict[str, list[Row]], tokenizer: Any, opts: PrepareOptions, report: dict,
                      fates: dict, cache: dict[str, int]) -> None:
    from medtune.data.prep_tokens import token_lengths

    dropped = []
    for role, members in splits.items():
        lengths = token_lengths(tokenizer, [r.example for r in members], cache)
        splits[role] = [r for r, n in zip(members, lengths) if n <= opts.max_length]
        dropped += [{"id": r.uid, "split": role, "tokens": n} for r, n in zip(members, lengths) if n > opts.max_length]
    report["over_length"] = {"max_length": opts.max_length, "dropped": dropped}
    _mark(fates, dropped, f"dropped: longer than {opts.max_length} tokens")


def _token_report(tokenizer: Any, splits: dict[str, list[Row]], opts: PrepareOptions,
                  cache: dict[str, int]) -> dict[str, Any]:
    from medtune.data.prep_tokens import length_stats, token_lengths

    stats = {}
    for role, members in splits.items():
        lengths = token_lengths(tokenizer, [r.example for r in members], cache)
        stats[role] = length_stats(lengths, [r.uid for r in members], opts.max_length)
    return {"tokenizer": opts.tokenizer, "max_length": opts.max_length, "splits": stats}


PHI_SAMPLE_ROWS = 5000


def _phi(rows: list[Row], seed: int) -> dict[str, Any]:
    """A warning-only scan. Large datasets are scanned on a seeded sample (said in the report): the patterns cost
    about a second per few MB of text, and the answer needed is "are there identifiers here", not a census."""
    import random

    from medtune.data.phi import Finding, scan_text, summarize

    sample = rows if len(rows) <= PHI_SAMPLE_ROWS else random.Random(seed).sample(rows, PHI_SAMPLE_ROWS)
    findings = []
    for n, row in enumerate(sample, start=1):
        for field in ("text", "text_pair", "target"):
            for f in scan_text(getattr(row.example, field) or ""):
                findings.append(Finding(f.kind, f.start, f.end, f.value, row=n, column=field))
    summary = summarize(findings, scanned_rows=len(sample) if len(sample) < len(rows) else None)
    summary["examples"] = [{**f.to_dict(), "id": sample[f.row - 1].uid} for f in findings[:20]]
    summary.update(scanned_rows=len(sample), sampled=len(sample) < len(rows))
    return summary


def _notes(spec: DatasetSpec, origin: dict[str, str]) -> list[str]:
    notes = []
    if origin.get("test") != "official":
        why = ("official test labels are withheld in this data (only unlabelled test inputs are here)"
               if "test" in spec.unlabeled_splits else "no labelled official test split is available here")
        notes.append(f"{why}; the prepared test split is {origin['test']}. Report scores on it as such, "
                     "not as the official test.")
    if not origin.get("train", "").startswith(("official", "the official")):
        notes.append("no labelled official train split here: every split is carved from the labelled rows.")
    if spec.non_commercial:
        notes.append(f"{spec.name} is licensed {spec.licence}: evaluation and non-commercial research only.")
    return notes


def _reason(fate: str) -> str:
    """"dropped: near duplicate of X" -> "dropped: near duplicate" (the per-row detail stays in `rows`)."""
    return fate.split(" of ")[0].split(" (")[0] if fate.startswith("dropped") else fate


def _mark(fates: dict[str, str], items: list[dict[str, Any]], template: str) -> None:
    for item in items:
        fates[item["id"]] = template.format(**item)
