"""Recipe selection that does not fool itself: k-fold cross-validation on a dataset's train + validation.

Issue 15: recipes chosen on one validation split of ~50 items fell back on held-out test data (sentiment
macro F1 0.616 on validation, 0.518 on test). Here every candidate (a training-engine recipe, a head on frozen
MiniLM embeddings, the majority class) is trained on k−1 folds and scored on the k-th, for every fold; the
report gives each fold's figure, mean ± sd, and the majority-class baseline of the same fold. A candidate that
does not beat the majority on *every* fold is flagged (`beats_majority: false`) and is never chosen.

    report = cross_validate("drug_reviews_explabox", "sentiment",
                            [parse_candidate("lora=recipe"), parse_candidate("head=frozen-head:C=1")],
                            k=5, out_dir=Path("cv-sentiment"))
    report["chosen"], report["candidates"]["lora"]["mean"], report["candidates"]["lora"]["beats_majority"]

Folds are stratified by label and assigned by a hash of the seed and the item's text, so the same data and
seed give the same folds on any machine. Pairs that preparation would keep together (a claim with each of its
evidence passages, MedHallu's two answers to one question: `set_keys`' group) go to one fold together: split
apart, preparation's leakage check drops the training copies of every held-out claim, and a HealthVer fold was
left with ~100 of its ~1,150 training rows. Each fold's result is written to `out_dir/<candidate>/fold-<i>.json`
as soon as it exists (a rerun skips finished folds, so long CV runs can go fold by fold), and `cv.json` —
the file pages and scripts read — is rewritten atomically after every fold.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from medtune.data.schemas import Example
from medtune.errors import ConfigError, DataError, NotAvailableError

KINDS = ("recipe", "frozen-head", "majority")
CV_FILE = "cv.json"
Log = Callable[[str], None]


@dataclass(frozen=True)
class Candidate:
    """One way of producing a classifier: `recipe` (the training engine's default recipe for the task plus
    `settings` as config overrides, dotted names allowed), `frozen-head` (logistic regression on frozen
    MiniLM embeddings; settings `C`, `max_length`) or `majority` (the training folds' most common label)."""

    name: str
    kind: str
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "settings": dict(self.settings)}


def parse_candidate(text: str) -> Candidate:
    """`NAME=KIND[:field=value,field=value]`, e.g. `full=recipe:method=full,epochs=4` or `head=frozen-head:C=0.5`."""
    import yaml

    name, sep, rest = text.partition("=")
    kind, _, raw = rest.partition(":")
    name, kind = name.strip(), kind.strip()
    if not sep or not name or kind not in KINDS:
        raise ConfigError(f"candidate {text!r}: expected NAME=KIND[:field=value,...] with KIND one of {KINDS}")
    settings: dict[str, Any] = {}
    for item in filter(None, (p.strip() for p in raw.split(","))):
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise ConfigError(f"candidate {name}: setting {item!r} is not field=value")
        settings[key.strip()] = yaml.safe_load(value) if value.strip() else None
    return Candidate(name, kind, settings)


# --- folds and the decision rule ------------------------------------------------------------------------------
def stratified_folds(keys: list[str], labels: list[str], k: int, seed: int,
                     groups: list[str] | None = None) -> list[int]:
    """The fold (0..k-1) of each item: per label, items in hash order are dealt round-robin, continuing the
    deal across labels so fold sizes differ by at most one. With `groups`, the items of a group are dealt
    together (stratified by the group's most common label, hashed by its smallest key, each to the fold with the
    fewest items so far); a group of one is dealt exactly as without groups."""
    if k < 2:
        raise ConfigError(f"k-fold cross-validation needs k ≥ 2 (got {k})")
    members: dict[str | int, list[int]] = {}
    for i, group in enumerate(groups if groups is not None else range(len(keys))):  # without groups: each alone
        members.setdefault(group, []).append(i)

    def sort_key(items: list[int]) -> tuple[str, str]:
        label = min(Counter(labels[i] for i in items).most_common(), key=lambda lc: (-lc[1], lc[0]))[0]
        return label, _digest(f"{seed}:{min(keys[i] for i in items)}")

    folds, sizes = [0] * len(keys), [0] * k
    for items in sorted(members.values(), key=sort_key):
        fold = sizes.index(min(sizes))  # ties to the lowest fold: round-robin when every group is one item
        sizes[fold] += len(items)
        for i in items:
            folds[i] = fold
    return folds


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def beats_majority(scores: list[float | None], majority: list[float | None]) -> bool | None:
    """True when the candidate scores strictly above the majority-class baseline on every fold; None while a
    fold is still missing."""
    if not scores or any(s is None for s in scores) or any(m is None for m in majority):
        return None
    return all(s > m for s, m in zip(scores, majority))


def mean_sd(values: list[float | None]) -> tuple[float | None, float | None]:
    done = [v for v in values if v is not None]
    if not done:
        return None, None
    return round(statistics.fmean(done), 4), round(statistics.stdev(done), 4) if len(done) > 1 else 0.0


def choose(summaries: dict[str, dict[str, Any]]) -> tuple[str | None, str]:
    """The candidate with the best mean among those that beat the majority on every fold; ties go to the
    smaller sd, then the name, so the choice never depends on dict order or a coin."""
    eligible = [(name, s) for name, s in summaries.items() if s.get("beats_majority")]
    if not eligible:
        flagged = sorted(n for n, s in summaries.items() if s.get("beats_majority") is False)
        pending = sorted(n for n, s in summaries.items() if s.get("beats_majority") is None)
        why = f"flagged (not above majority on every fold): {flagged}" if flagged else ""
        why += f"{'; ' if why else ''}incomplete: {pending}" if pending else ""
        return None, f"no candidate beats the majority class on every fold ({why})"
    name, s = min(eligible, key=lambda e: (-e[1]["mean"], e[1]["sd"], e[0]))
    return name, f"best mean {s['mean']:.4f} ± {s['sd']:.4f} among {len(eligible)} candidate(s) above majority on every fold"


# --- the pool: raw rows of the labelled, non-test splits --------------------------------------------------------
@dataclass
class Pool:
    spec: Any
    task: str
    rows: list[dict[str, Any]]
    keys: list[str]  # normalised text: deduplication and the fold hash
    labels: list[str]
    skipped: dict[str, int]
    groups: list[str] = field(default_factory=list)  # preparation's group of each row (claim / question)


def load_pool(dataset: str, task: str | None = None, limit: int | None = None) -> Pool:
    """Every labelled row of the dataset's splits except test (official test data stays unseen), exact
    duplicates (same input text) once. `limit` keeps the first N rows (small trials and tests)."""
    from medtune.data import registry
    from medtune.data.prep_dedup import normalize
    from medtune.data.readers import read_rows
    from medtune.data.tasks import get_task, to_example

    spec = registry.get_dataset(dataset)
    task = task or spec.default_task
    if task not in spec.tasks or not get_task(task).is_classification:
        raise ConfigError(f"dataset {dataset!r} with task {task!r}: cross-validation needs a classification task "
                          f"the dataset serves ({list(spec.tasks)})")
    splits = [s for s in spec.files if s not in spec.unlabeled_splits and s != "test"]
    convert, task_spec, label_map = registry.converter(spec), get_task(task), spec.label_map(task)
    pool = Pool(spec, task, [], [], [], Counter())
    seen: set[str] = set()
    for split in splits:
        path = registry.find_local_file(spec, split)
        if path is None:
            continue
        rows = registry._load_callable(spec.reader)(path) if spec.reader else read_rows(path)
        for row in rows:
            try:
                result = convert(row)
                first = result[0] if isinstance(result, list) else result
                example = to_example(first, task_spec, label_map)
            except (DataError, ValueError, KeyError, TypeError, IndexError):
                pool.skipped["unreadable or unmapped label"] += 1
                continue
            key = " ".join(f"{example.text} {example.text_pair or ''}".lower().split())
            if example.label is None or key in seen:
                pool.skipped["no label" if example.label is None else "duplicate text"] += 1
                continue
            seen.add(key)
            pool.rows.append(row)
            pool.keys.append(key)
            pool.labels.append(example.label)
            # A pair's group is the one preparation keeps in one split (prep_dedup.set_keys: the claim, or the
            # question for group_by_context), so a fold never splits it. A single text is its own group: its
            # copies that differ only in punctuation or a URL lose their training copy to the leakage check,
            # which costs a few rows and keeps the folds (and the figures measured on them) as they were.
            by_context = task_spec.group_by_context and example.text_pair
            group = normalize(example.text_pair if by_context else example.text) if example.text_pair else key
            pool.groups.append(group)
            if limit and len(pool.rows) >= limit:
                return pool
    if not pool.rows:
        raise NotAvailableError(f"dataset {dataset!r}: no labelled train/validation rows found here (splits {splits})")
    return pool


def fold_dataset(pool: Pool, folds: list[int], fold: int, k: int, seed: int, root: Path) -> str:
    """Write fold `fold` as a dataset (train = the other folds, test = this one) and register it, so the
    training engine prepares and trains on it like any dataset; returns its name."""
    from medtune.data import registry

    name = f"{pool.spec.name}-cv{k}-seed{seed}-fold{fold}"
    folder = Path(root) / "folds" / f"fold-{fold}"
    folder.mkdir(parents=True, exist_ok=True)
    for split, keep in (("train", lambda f: f != fold), ("test", lambda f: f == fold)):
        lines = [json.dumps(row, ensure_ascii=False, default=str) for row, f in zip(pool.rows, folds) if keep(f)]
        (folder / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # A fold is a copy of licensed rows: its licence note travels with it.
    source_files = [p for p in registry.available_splits(pool.spec).values() if p]
    notes = [p.parent / "PROVENANCE.md" for p in source_files if (p.parent / "PROVENANCE.md").is_file()]
    licence = notes[0].read_text(encoding="utf-8") if notes else f"Licence: {pool.spec.licence}\n"
    (folder / "PROVENANCE.md").write_text(f"# {name}\n\nCross-validation fold of {pool.spec.name}.\n\n{licence}",
                                          encoding="utf-8")
    spec = replace(pool.spec, name=name, folder=str(folder.resolve()), files={"train": "train.jsonl", "test": "test.jsonl"},
                   official_splits={"test": f"cross-validation fold {fold} of {k} (seed {seed})"},
                   unlabeled_splits=(), hub_id=None, hub_splits={}, reader=None,
                   title=f"{pool.spec.title} — CV fold {fold}/{k}")
    registry.list_datasets()  # the catalog first, so it never meets this entry as a duplicate
    registry.register(spec, replace=True)
    return name


@dataclass
class FoldData:
    train: list[Example]  # what a recipe fits on (the engine carves its own validation from it)
    validation: list[Example]
    test: list[Example]  # the held-out fold


def prepare_fold(name: str, task: str, out: Path) -> FoldData:
    """The fold as the training engine's default preparation sees it (dedup, leakage, its own validation)."""
    from medtune.data.prepare import prepare_dataset
    from medtune.io import read_jsonl
    from medtune.train.config import _training_prepare_options

    prepare_dataset(name, task, out, _training_prepare_options())

    def read(split: str) -> list[Example]:
        return [Example.model_validate(r) for r in read_jsonl(out / f"{split}.jsonl")]

    return FoldData(read("train"), read("validation"), read("test"))


# --- the candidates -----------------------------------------------------------------------------------------------
def predict_fold(candidate: Candidate, fold_name: str, task: str, data: FoldData, work: Path) -> list[str]:
    """Fit `candidate` on the fold's training part and return its labels for the held-out part."""
    fit = data.train + data.validation
    if candidate.kind == "majority":
        label = majority_label(fit)
        return [label] * len(data.test)
    if candidate.kind == "frozen-head":
        return frozen_head(fit, data.test, **candidate.settings)
    return engine_recipe(candidate, fold_name, task, data.test, work)


def majority_label(examples: list[Example]) -> str:
    """The most common label; ties go to the label that sorts first (deterministic)."""
    counts = Counter(ex.label for ex in examples)
    return min(counts, key=lambda lbl: (-counts[lbl], lbl))


_EMBEDDINGS: dict[tuple[int, str], Any] = {}  # (max_length, text) -> vector: folds share their texts


def frozen_head(fit: list[Example], test: list[Example], C: float = 1.0, max_length: int = 256) -> list[str]:
    """Class-balanced logistic regression on mean-pooled MiniLM embeddings (the model is not trained)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    def embed(examples: list[Example]) -> Any:
        texts = [ex.text if not ex.text_pair else f"{ex.text} [SEP] {ex.text_pair}" for ex in examples]
        missing = list(dict.fromkeys(t for t in texts if (max_length, t) not in _EMBEDDINGS))
        if missing:
            for text, vec in zip(missing, _minilm(max_length).encode(missing, batch_size=32, normalize_embeddings=True,
                                                                     show_progress_bar=False)):
                _EMBEDDINGS[(max_length, text)] = vec
        return np.stack([_EMBEDDINGS[(max_length, t)] for t in texts])

    head = LogisticRegression(C=float(C), class_weight="balanced", max_iter=2000)
    head.fit(embed(fit), [ex.label for ex in fit])
    return [str(p) for p in head.predict(embed(test))]


_MINILM: dict[int, Any] = {}


def _minilm(max_length: int) -> Any:
    if max_length not in _MINILM:
        from sentence_transformers import SentenceTransformer

        from medtune.sentiment.encoder import minilm_path

        model = SentenceTransformer(minilm_path(), device="cpu")
        model.max_seq_length = int(max_length)
        _MINILM[max_length] = model
    return _MINILM[max_length]


def engine_recipe(candidate: Candidate, fold_name: str, task: str, test: list[Example], work: Path) -> list[str]:
    """Train with the training engine (the task's default recipe + the candidate's overrides) and classify the
    held-out fold with the best checkpoint it kept."""
    from medtune.train.config import apply_sets, default_recipe, parse_config
    from medtune.train.predict import classify, load_run
    from medtune.train.runner import run_local

    settings = dict(candidate.settings)
    model, method = settings.pop("model", "minilm"), settings.pop("method", None)  # None: the task's default
    data = default_recipe(task, fold_name, model, method).to_dict()
    data["name"] = f"cv {candidate.name} {fold_name}"
    cfg = parse_config(apply_sets(data, [f"{k}={json.dumps(v)}" for k, v in settings.items()]))
    run_dir, _ = run_local(cfg, work)
    return [row["label"] for row in classify(load_run(run_dir), test)]


# --- the loop ---------------------------------------------------------------------------------------------------
def fold_metric(task: str, labels: list[str], gold: list[str], pred: list[str]) -> float:
    from medtune.train.classify import classification_metrics
    from medtune.data.tasks import get_task

    index = {lbl: i for i, lbl in enumerate(labels)}
    return round(classification_metrics([index[g] for g in gold], [index.get(p, -1) for p in pred], labels)[
        get_task(task).primary_metric], 4)


def cross_validate(dataset: str, task: str | None, candidates: list[Candidate], *, k: int = 5, seed: int = 13,
                   out_dir: Path, limit: int | None = None, only_folds: list[int] | None = None,
                   log: Log = print) -> dict[str, Any]:
    """Run every candidate on every fold (or `only_folds`), reusing fold results already in `out_dir`;
    writes and returns the report (`out_dir/cv.json`)."""
    from medtune.train import data as tdata
    from medtune.data.tasks import get_task

    names = [c.name for c in candidates]
    if not candidates or len(set(names)) != len(names):
        raise ConfigError(f"give one or more candidates with distinct names (got {names})")
    out_dir = Path(out_dir)
    pool = load_pool(dataset, task, limit)
    task = pool.task
    folds = stratified_folds(pool.keys, pool.labels, k, seed, pool.groups)
    labels = tdata.label_set(task, [dataset])
    header = {"dataset": dataset, "task": task, "metric": get_task(task).primary_metric, "k": k, "seed": seed,
              "limit": limit, "pool": {"rows": len(pool.rows), "labels": dict(Counter(pool.labels)),
                                       "skipped": dict(pool.skipped), "groups": len(set(pool.groups))}}
    for fold in range(k) if only_folds is None else sorted(set(only_folds)):
        if not 0 <= fold < k:
            raise ConfigError(f"--folds: fold {fold} is not in 0..{k - 1}")
        name = fold_dataset(pool, folds, fold, k, seed, out_dir)
        data = None
        for cand in candidates:
            path = out_dir / cand.name / f"fold-{fold}.json"
            if _reusable(path, cand, header):
                continue
            data = data or prepare_fold(name, task, out_dir / "folds" / f"fold-{fold}" / "prepared")
            started = time.time()
            pred = predict_fold(cand, name, task, data, out_dir / cand.name / f"run-{fold}")
            gold = [ex.label for ex in data.test]
            majority = majority_label(data.train + data.validation)
            row = {**header, "candidate": cand.to_dict(), "fold": fold, "n_fit": len(data.train) + len(data.validation),
                   "n_test": len(gold), "value": fold_metric(task, labels, gold, pred),
                   "majority_label": majority, "majority": fold_metric(task, labels, gold, [majority] * len(gold)),
                   "predicted": dict(Counter(pred)), "seconds": round(time.time() - started, 1)}
            _write_json(path, row)
            log(f"fold {fold} {cand.name}: {row['metric']} {row['value']:.4f} (majority {row['majority']:.4f}) "
                f"in {row['seconds']:.0f} s")
        summarize(out_dir, candidates, header)  # cv.json after every fold: a long run shows progress
    return summarize(out_dir, candidates, header)


def _reusable(path: Path, cand: Candidate, header: dict[str, Any]) -> bool:
    from medtune.io import read_json

    old = read_json(path)
    return bool(old) and old.get("candidate") == cand.to_dict() and all(old.get(k) == v for k, v in header.items())


def summarize(out_dir: Path, candidates: list[Candidate], header: dict[str, Any]) -> dict[str, Any]:
    """Collect the fold files into the report and write `cv.json` (atomic)."""
    from medtune.io import read_json

    k = header["k"]
    summaries: dict[str, dict[str, Any]] = {}
    for cand in candidates:
        rows = [read_json(out_dir / cand.name / f"fold-{f}.json") for f in range(k)]
        rows = [r if r and _reusable(out_dir / cand.name / f"fold-{f}.json", cand, header) else None
                for f, r in enumerate(rows)]
        values = [r["value"] if r else None for r in rows]
        majority = [r["majority"] if r else None for r in rows]
        mean, sd = mean_sd(values)
        m_mean, m_sd = mean_sd(majority)
        summaries[cand.name] = {**cand.to_dict(), "folds": values, "majority": majority, "mean": mean, "sd": sd,
                                "majority_mean": m_mean, "majority_sd": m_sd,
                                "folds_done": sum(v is not None for v in values),
                                "beats_majority": beats_majority(values, majority),
                                "folds_not_above_majority": [f for f, (v, m) in enumerate(zip(values, majority))
                                                             if v is not None and m is not None and v <= m],
                                "seconds": round(sum(r["seconds"] for r in rows if r), 1)}
    chosen, reason = choose(summaries)
    report = {"schema": "medtune.select/1", **header, "candidates": summaries, "chosen": chosen, "reason": reason,
              "complete": all(s["folds_done"] == k for s in summaries.values()), "timestamp": time.time()}
    _write_json(out_dir / CV_FILE, report)
    return report


def _write_json(path: Path, data: dict[str, Any]) -> None:
    from medtune.io import atomic_write_json

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(Path(path), data)


def report_text(report: dict[str, Any]) -> str:
    header = (f"{report['k']}-fold CV (seed {report['seed']}) of {report['dataset']} / {report['task']}: "
              f"{report['pool']['rows']} rows {report['pool']['labels']}; metric {report['metric']}")
    lines = [header]
    for name, s in report["candidates"].items():
        folds = " ".join("  -   " if v is None else f"{v:.3f}" for v in s["folds"])
        majority = " ".join("  -   " if v is None else f"{v:.3f}" for v in s["majority"])
        flag = {True: "beats majority on every fold", False: "FLAGGED: not above majority on folds "
                f"{s['folds_not_above_majority']}", None: f"{s['folds_done']}/{report['k']} folds done"}[s["beats_majority"]]
        mean = "-" if s["mean"] is None else f"{s['mean']:.3f} ± {s['sd']:.3f}"
        lines.append(f"  {name:<14} folds [{folds}]  mean {mean}  (majority [{majority}])  {flag}")
    lines.append(f"chosen: {report['chosen'] or 'none'} — {report['reason']}")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m medtune.train.select ... = medtune select ...
    import sys

    from medtune.cli import main

    sys.exit(main(["select", *sys.argv[1:]]))
