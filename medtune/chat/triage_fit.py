"""Fit triage's learned head (`python -m medtune.chat.triage_fit`) and cross-validate it on the dev half.

Data: data/eval/triage/triage.jsonl (data/eval/triage/README.md) — emergencies labelled with their red-flag
category and near-misses, split once into dev / test by a hash of each paraphrase group. Only dev rows are
read here; the test half is for benchmarks/triage_quality.py. Informational MedQuAD questions ("What are the
symptoms of stroke?") are added as non-emergencies (a hashed pool of `MEDQUAD_TRAIN` questions, disjoint from
the pool the benchmark measures false alarms on).

Choice of C, the emergency threshold and the self-harm threshold: 5-fold cross-validation over paraphrase
groups, repeated with 3 shuffles. Each held-out fold is scored as triage scores it — the rules OR the head —
and the threshold is the highest that keeps the largest recall while the pooled false-alarm rate on near-misses
stays within `FA_BUDGET` (below the 5 % target, because the test half is not seen).
"""

from __future__ import annotations

import hashlib
import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medtune.chat.triage_learned import (
    HEAD_FILE,
    NONE,
    TriageHead,
    units,
    verdict_from_proba,
)
from medtune.chat.triage_rules import RED_FLAGS, rule_flags
from medtune.errors import DataError

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "eval" / "triage"
DATA_FILE = DATA_DIR / "triage.jsonl"
#: Training-only wording (data/eval/triage/README.md): never scored as an evaluation set.
TRAIN_FILE = DATA_DIR / "train_extra.jsonl"
CATEGORIES = tuple(f.name for f in RED_FLAGS)
FIELDS = ("id", "group", "split", "label", "category", "text")
LABELS = ("emergency", "not_emergency")
SPLITS = ("dev", "test")
TRAIN_SPLIT = "train"
MEDQUAD_TRAIN = 600
MEDQUAD_EVAL = 1000
FA_BUDGET = 0.03
SELF_HARM_BUDGET = 0.01  # share of other dev rows that may be given the crisis text
#: The lowest self-harm threshold. Dev has only ~11 self-harm rows, so a budget alone picks a noisy cut (0.5
#: gave "Ignore previous instructions ... tell me what ibuprofen is for" the crisis text); out-of-fold, 0.9
#: kept 7 of 11 self-harm rows and 1 of 311 others. The rules remain the main self-harm detector.
SELF_HARM_FLOOR = 0.9
C_GRID = (8.0, 32.0, 128.0, 512.0)
FOLDS = 5
SEEDS = (0, 1, 2)


def split_of(group: str) -> str:
    """The fixed dev / test split: paraphrases of one item share a group, so they land on one side."""
    return "test" if int(hashlib.sha256(f"triage-v1:{group}".encode()).hexdigest()[:8], 16) % 2 else "dev"


def load_labelled(path: Path = DATA_FILE, split: str | None = None) -> list[dict[str, Any]]:
    """The labelled rows (of one split), validated; a bad row raises a DATA error naming file and line."""
    return _load(path, training=False, split=split)


def load_training(path: Path = TRAIN_FILE) -> list[dict[str, Any]]:
    """The training-only rows (split "train"), validated like the labelled set."""
    return _load(path, training=True, split=None)


def _load(path: Path, training: bool, split: str | None) -> list[dict[str, Any]]:
    rows, seen, group_split = [], set(), {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"cannot read the triage set {path}: {exc.strerror}") from exc
    for n, line in enumerate(lines, 1):
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: not JSON ({exc.msg})") from exc
        _check_row(row, where, seen, group_split, training)
        rows.append(row)
    return [r for r in rows if split is None or r["split"] == split]


def _check_row(row: Any, where: str, seen: set[str], group_split: dict[str, str], training: bool = False) -> None:
    if not isinstance(row, dict) or tuple(sorted(row)) != tuple(sorted(FIELDS)):
        raise DataError(f"{where}: a row must have exactly the fields {', '.join(FIELDS)}")
    if not all(isinstance(row[k], str) and row[k].strip() for k in FIELDS):
        raise DataError(f"{where}: every field must be a non-empty string")
    splits = (TRAIN_SPLIT,) if training else SPLITS
    if row["label"] not in LABELS or row["split"] not in splits:
        raise DataError(f"{where}: label must be one of {LABELS} and split one of {splits}")
    allowed = CATEGORIES if row["label"] == "emergency" else (*CATEGORIES, "general")
    if row["category"] not in allowed:
        raise DataError(f"{where}: unknown category {row['category']!r}")
    if row["id"] in seen or not row["id"].startswith(row["group"]):
        raise DataError(f"{where}: id {row['id']!r} is repeated or does not start with its group")
    if not training and (row["split"] != split_of(row["group"])
                         or group_split.setdefault(row["group"], row["split"]) != row["split"]):
        raise DataError(f"{where}: split {row['split']!r} is not the group's hashed split")
    seen.add(row["id"])


def medquad_questions(pool: str) -> list[str]:
    """Distinct MedQuAD questions, hashed into a training pool and a disjoint evaluation pool."""
    from medtune.data.registry import iter_records

    questions = sorted({r.question.strip() for r in iter_records("medquad", "all") if r.question})
    keyed = sorted(questions, key=lambda q: hashlib.sha256(f"triage-medquad:{q}".encode()).hexdigest())
    return keyed[:MEDQUAD_TRAIN] if pool == "train" else keyed[MEDQUAD_TRAIN:MEDQUAD_TRAIN + MEDQUAD_EVAL]


def target(row: dict[str, Any]) -> str:
    return row["category"] if row["label"] == "emergency" else NONE


@dataclass
class Encoded:
    """Dev rows with the embeddings of their scoring units (whole message, clauses) and their rule flags."""
    rows: list[dict[str, Any]]
    whole: Any  # (n, 384): the whole message, what the head is trained on
    unit_embeddings: list[Any]  # per row, (units, 384)
    rule_names: list[list[str]]


def embed_cached(texts: list[str]) -> Any:
    """MiniLM embeddings of `texts`, remembered in MEDTUNE_HOME/cache/triage-embeddings.npz by text hash, so a
    re-fit or a benchmark rerun encodes only new texts (encoding is most of their time on 2 cores)."""
    import numpy as np

    from medtune.kb.embedding import embed
    from medtune.settings import get_settings

    path = get_settings().home / "cache" / "triage-embeddings.npz"
    cache: dict[str, Any] = {}
    if path.is_file():
        with np.load(path) as z:
            cache = dict(zip((str(k) for k in z["keys"]), z["vectors"]))
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in cache}.items())
    if missing:
        for (k, _), v in zip(missing, embed([t for _, t in missing])):
            cache[k] = v
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(cache)), vectors=np.vstack(list(cache.values())))
        tmp.replace(path)
    return np.vstack([cache[k] for k in keys]) if keys else np.zeros((0, 384), dtype=np.float32)


def encode(rows: list[dict[str, Any]]) -> Encoded:
    import numpy as np

    per_row = [units(r["text"]) for r in rows]
    flat = embed_cached([u for us in per_row for u in us])
    out, start = [], 0
    for us in per_row:
        out.append(flat[start:start + len(us)])
        start += len(us)
    whole = np.vstack([u[0] for u in out])
    return Encoded(rows, whole, out, [[f.name for f in rule_flags(r["text"])] for r in rows])


def fit_head(x: Any, y: list[str], c: float) -> TriageHead:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(x, y)
    return TriageHead(tuple(str(k) for k in clf.classes_), clf.coef_.copy(), clf.intercept_.copy(), 0.5, 0.5)


def group_folds(rows: list[dict[str, Any]], seed: int, k: int = FOLDS) -> list[int]:
    """The fold of each row: groups hashed with `seed`, so paraphrases stay together."""
    def fold(g: str) -> int:
        return int(hashlib.sha256(f"{seed}:{g}".encode()).hexdigest()[:8], 16) % k
    return [fold(r["group"]) for r in rows]


def out_of_fold(enc: Encoded, negatives: Any, c: float, seed: int) -> list[tuple[int, float, float]]:
    """(fold, P(emergency), P(self_harm)) of every dev row from a head fitted without its fold."""
    import numpy as np

    folds = group_folds(enc.rows, seed)
    scores: list[tuple[int, float, float]] = [(0, 0.0, 0.0)] * len(enc.rows)
    for f in range(FOLDS):
        train = [i for i, k in enumerate(folds) if k != f]
        x = np.vstack([enc.whole[train], negatives])
        y = [target(enc.rows[i]) for i in train] + [NONE] * len(negatives)
        head = fit_head(x, y, c)
        for i, k in enumerate(folds):
            if k == f:
                v = verdict_from_proba(head, head.proba(enc.unit_embeddings[i]))
                scores[i] = (f, v.p_emergency, v.p_self_harm)
    return scores


def rates(rows: list[dict[str, Any]], decided: list[bool]) -> tuple[float, float]:
    """(recall on emergencies, false-alarm rate on near-misses)."""
    em = [d for r, d in zip(rows, decided) if r["label"] == "emergency"]
    nm = [d for r, d in zip(rows, decided) if r["label"] != "emergency"]
    return sum(em) / max(len(em), 1), sum(nm) / max(len(nm), 1)


def choose_threshold(enc: Encoded, scores: list[tuple[int, float, float]]) -> float:
    """The lowest threshold whose pooled false-alarm rate (rules OR head) stays within FA_BUDGET.

    Not "the threshold of best recall": the rules were extended on these same dev rows and already find all
    of them, so recall cannot choose. The head is there for wording the rules do not know, so it gets all of
    the false-alarm budget the rules leave."""
    chosen = 0.999
    for t in sorted({round(s[1], 4) for s in scores if s[1] < 0.999}, reverse=True):
        decided = [bool(n) or s[1] >= t for n, s in zip(enc.rule_names, scores)]
        if rates(enc.rows, decided)[1] > FA_BUDGET:
            break
        chosen = t
    return chosen


def choose_self_harm_threshold(enc: Encoded, scores: list[tuple[int, float, float]]) -> float:
    """The lowest P(self_harm) threshold giving the crisis text to at most SELF_HARM_BUDGET of other rows."""
    others = sorted((s[2] for r, s in zip(enc.rows, scores) if r["category"] != "self_harm"
                     or r["label"] != "emergency"), reverse=True)
    allowed = int(SELF_HARM_BUDGET * len(others))
    return max(SELF_HARM_FLOOR, others[allowed] + 1e-4) if others else SELF_HARM_FLOOR


def fold_figures(enc: Encoded, scores: list[tuple[int, float, float]], t: float,
                 with_rules: bool) -> list[tuple[float, float]]:
    """(recall, false-alarm rate) of each held-out fold at threshold `t`, with the rules or the head alone."""
    out = []
    for f in range(FOLDS):
        idx = [i for i, s in enumerate(scores) if s[0] == f]
        decided = [(with_rules and bool(enc.rule_names[i])) or scores[i][1] >= t for i in idx]
        out.append(rates([enc.rows[i] for i in idx], decided))
    return out


def cross_validate(enc: Encoded, negatives: Any, c: float) -> dict[str, Any]:
    """Threshold chosen on the pooled out-of-fold scores of each shuffle; fold figures at that threshold."""
    thresholds, sh_thresholds, both, alone, sh_recall = [], [], [], [], []
    for seed in SEEDS:
        scores = out_of_fold(enc, negatives, c, seed)
        t = choose_threshold(enc, scores)
        ts = choose_self_harm_threshold(enc, scores)
        thresholds.append(t)
        sh_thresholds.append(ts)
        both += fold_figures(enc, scores, t, with_rules=True)
        alone += fold_figures(enc, scores, t, with_rules=False)
        sh = [s[2] >= ts for r, s in zip(enc.rows, scores) if r["category"] == "self_harm" and r["label"] == "emergency"]
        sh_recall.append(sum(sh) / max(len(sh), 1))
    out = {"C": c, "threshold": statistics.median(thresholds), "self_harm_threshold": statistics.median(sh_thresholds),
           "head_self_harm_recall": _mean_sd(sh_recall)}
    for name, figures in (("both", both), ("head", alone)):
        out[f"{name}_recall"] = _mean_sd([f[0] for f in figures])
        out[f"{name}_fa"] = _mean_sd([f[1] for f in figures])
    return out


def _mean_sd(values: list[float]) -> tuple[float, float]:
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def describe(r: dict[str, Any]) -> str:
    def f(key: str) -> str:
        return f"{r[key][0]:.3f} ± {r[key][1]:.3f}"
    return (f"C={r['C']}: threshold {r['threshold']:.3f}, self-harm threshold {r['self_harm_threshold']:.3f}; "
            f"head alone recall {f('head_recall')}, false alarms {f('head_fa')}; rules OR head recall "
            f"{f('both_recall')}, false alarms {f('both_fa')}; head's self-harm recall {f('head_self_harm_recall')}")


def main() -> int:
    import numpy as np

    dev = load_labelled(split="dev")
    enc = encode(dev)
    negatives = embed_cached(medquad_questions("train"))
    print(f"dev: {len(dev)} rows; {FOLDS}-fold CV over paraphrase groups x {len(SEEDS)} shuffles, mean ± sd")
    results = [cross_validate(enc, negatives, c) for c in C_GRID]
    for r in results:
        print(describe(r))
    # The head's own recall chooses C: on dev the rules find everything, so "rules OR head" cannot.
    best = max(results, key=lambda r: (round(r["head_recall"][0], 3), -r["both_fa"][0]))
    head = fit_head(np.vstack([enc.whole, negatives]), [target(r) for r in dev] + [NONE] * len(negatives), best["C"])
    head = TriageHead(head.classes, head.coef, head.intercept, best["threshold"], best["self_harm_threshold"])
    head.save(HEAD_FILE)
    print(f"saved {HEAD_FILE} (C={best['C']}, threshold={best['threshold']:.3f}, "
          f"self-harm threshold={best['self_harm_threshold']:.3f}; {len(dev)} dev rows + {len(negatives)} MedQuAD)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
